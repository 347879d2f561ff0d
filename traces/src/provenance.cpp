// Provenance of stored runs and the attempts that stored no run (schema version 5):
// TraceStore::set_provenance, add_failure and failures. Plain strings; what made them
// (a sweep, a batch system) is the caller's business.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "db_errors.hpp"
#include "mcuprof/traces/store.hpp"

namespace mcuprof::traces {

bool TraceStore::set_provenance(int64_t run_id, const Provenance& p) {
  try {
    SQLite::Statement q(*db_,
                        "UPDATE runs SET input_hash = ?, job_id = ?, task_id = ?, host = ? "
                        "WHERE id = ?");
    q.bind(1, p.input_hash);
    q.bind(2, p.job_id);
    q.bind(3, p.task_id);
    q.bind(4, p.host);
    q.bind(5, run_id);
    return q.exec() == 1;
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(path_.string(), fmt::format("set provenance of run {}", run_id), e);
  }
}

int64_t TraceStore::add_failure(const FailureRecord& f) {
  try {
    SQLite::Statement q(*db_, R"sql(
      INSERT INTO failed_run (name, target, model_path, schedule, exit_code, reason,
                              started_at, input_hash, job_id, task_id, host)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql");
    q.bind(1, f.name);
    q.bind(2, f.target);
    q.bind(3, f.model_path);
    q.bind(4, f.schedule);
    q.bind(5, f.exit_code);
    q.bind(6, f.reason);
    q.bind(7, f.started_at);
    q.bind(8, f.provenance.input_hash);
    q.bind(9, f.provenance.job_id);
    q.bind(10, f.provenance.task_id);
    q.bind(11, f.provenance.host);
    q.exec();
    return db_->getLastInsertRowid();
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(path_.string(), "record a failed run", e);
  }
}

int64_t TraceStore::remove_failures(std::string_view input_hash) {
  try {
    SQLite::Statement q(*db_, "DELETE FROM failed_run WHERE input_hash = ?");
    q.bind(1, std::string(input_hash));
    return q.exec();
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(path_.string(), "forget failed runs", e);
  }
}

std::vector<FailureRecord> TraceStore::failures() const {
  try {
    std::vector<FailureRecord> out;
    SQLite::Statement q(*db_, R"sql(
      SELECT id, name, target, model_path, schedule, exit_code, reason, started_at,
             input_hash, job_id, task_id, host
      FROM failed_run ORDER BY id)sql");
    while (q.executeStep()) {
      FailureRecord f;
      f.id = q.getColumn(0).getInt64();
      f.name = q.getColumn(1).getString();
      f.target = q.getColumn(2).getString();
      f.model_path = q.getColumn(3).getString();
      f.schedule = q.getColumn(4).getString();
      f.exit_code = q.getColumn(5).getInt();
      f.reason = q.getColumn(6).getString();
      f.started_at = q.getColumn(7).getString();
      f.provenance = {q.getColumn(8).getString(), q.getColumn(9).getString(),
                      q.getColumn(10).getString(), q.getColumn(11).getString()};
      out.push_back(std::move(f));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(path_.string(), "read failed runs", e);
  }
}

}  // namespace mcuprof::traces
