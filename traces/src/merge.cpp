// merge_database (merge.hpp): the source attached to the destination's connection, and
// everything copied with INSERT ... SELECT in one IMMEDIATE transaction. Ids are
// renumbered: runs and tracks follow the destination's highest id, spans keep their order
// shifted past the destination's highest span id (so parents still come first); strings
// are interned again.
#include "mcuprof/traces/merge.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <optional>
#include <string>

#include "db_errors.hpp"
#include "mcuprof/traces/store.hpp"

namespace mcuprof::traces {
namespace {

constexpr const char* kAlias = "merge_src";

// A source run that is the same as a destination run `m`.
constexpr const char* kSameRun = R"sql(
  (r.input_hash <> '' AND m.input_hash = r.input_hash) OR
  (r.input_hash = '' AND m.name = r.name AND m.target = r.target AND
   m.firmware_sha256 = r.firmware_sha256 AND m.model_sha256 = r.model_sha256 AND
   m.schedule = r.schedule AND m.started_at = r.started_at AND
   m.total_cycles = r.total_cycles))sql";

int64_t count(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

// The columns of main.runs but `id`, comma-separated.
std::string run_columns(SQLite::Database& db) {
  std::string cols;
  SQLite::Statement q(db, "SELECT name FROM pragma_table_info('runs') WHERE name <> 'id'");
  while (q.executeStep())
    cols += fmt::format("{}{}", cols.empty() ? "" : ", ", q.getColumn(0).getString());
  return cols;
}

void map_runs_and_strings(SQLite::Database& db) {
  db.exec(fmt::format(R"sql(
    CREATE TEMP TABLE merge_runs (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
    INSERT INTO merge_runs
      SELECT r.id, (SELECT coalesce(max(id), 0) FROM main.runs) + row_number() OVER (ORDER BY r.id)
      FROM {0}.runs r
      WHERE r.status = 'complete' AND NOT EXISTS (SELECT 1 FROM main.runs m WHERE {1});
    INSERT INTO main.string (str) SELECT str FROM {0}.string WHERE true
      ON CONFLICT (str) DO NOTHING;
    CREATE TEMP TABLE merge_strings (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
    INSERT INTO merge_strings SELECT s.id, m.id FROM {0}.string s JOIN main.string m ON m.str = s.str;
    CREATE TEMP TABLE merge_tracks (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
    INSERT INTO merge_tracks
      SELECT t.id, (SELECT coalesce(max(id), 0) FROM main.track) + row_number() OVER (ORDER BY t.id)
      FROM {0}.track t JOIN merge_runs mr ON mr.old = t.run_id;
  )sql",
                      kAlias, kSameRun));
}

void copy_runs(SQLite::Database& db) {
  const std::string cols = run_columns(db);
  std::string src_cols;
  for (size_t at = 0; at < cols.size();) {
    const size_t comma = cols.find(", ", at);
    const std::string col =
        cols.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    src_cols += fmt::format("{}r.{}", src_cols.empty() ? "" : ", ", col);
    at = comma == std::string::npos ? cols.size() : comma + 2;
  }
  db.exec(fmt::format(R"sql(
    INSERT INTO main.runs (id, {1}) SELECT mr.new, {2}
      FROM {0}.runs r JOIN merge_runs mr ON mr.old = r.id ORDER BY mr.new;
    INSERT INTO main.track (id, run_id, name_id, type, unit, exact_samples, stored_samples)
      SELECT mt.new, mr.new, n.new, t.type, t.unit, t.exact_samples, t.stored_samples
      FROM {0}.track t JOIN merge_tracks mt ON mt.old = t.id
      JOIN merge_runs mr ON mr.old = t.run_id JOIN merge_strings n ON n.old = t.name_id
      ORDER BY mt.new;
    INSERT INTO main.console (run_id, seq, source, text)
      SELECT mr.new, c.seq, c.source, c.text FROM {0}.console c JOIN merge_runs mr ON mr.old = c.run_id;
  )sql",
                      kAlias, cols, src_cols));
}

void copy_spans_and_counters(SQLite::Database& db) {
  const int64_t offset = count(db, "SELECT coalesce(max(id), 0) FROM main.slice");
  db.exec(fmt::format(R"sql(
    INSERT INTO main.slice (id, run_id, track_id, ts, dur, depth, parent_id, name_id,
                            category_id, cycles, self_cycles, instructions, flash_ifetch_bytes,
                            flash_data_bytes, sram_peak_bytes, macs, op_id, layer_index,
                            patch_row, patch_col)
      SELECT s.id + {1}, mr.new, mt.new, s.ts, s.dur, s.depth, s.parent_id + {1}, n.new, k.new,
             s.cycles, s.self_cycles, s.instructions, s.flash_ifetch_bytes, s.flash_data_bytes,
             s.sram_peak_bytes, s.macs, o.new, s.layer_index, s.patch_row, s.patch_col
      FROM {0}.slice s JOIN merge_runs mr ON mr.old = s.run_id
      JOIN merge_tracks mt ON mt.old = s.track_id
      JOIN merge_strings n ON n.old = s.name_id JOIN merge_strings k ON k.old = s.category_id
      LEFT JOIN merge_strings o ON o.old = s.op_id
      ORDER BY s.id;
    INSERT INTO main.arg (slice_id, key_id, value)
      SELECT a.slice_id + {1}, k.new, a.value
      FROM {0}.arg a JOIN {0}.slice s ON s.id = a.slice_id JOIN merge_runs mr ON mr.old = s.run_id
      JOIN merge_strings k ON k.old = a.key_id;
    INSERT INTO main.counter (track_id, ts, value)
      SELECT mt.new, c.ts, c.value FROM {0}.counter c JOIN merge_tracks mt ON mt.old = c.track_id
      ORDER BY c.id;
  )sql",
                      kAlias, offset));
}

int64_t copy_failures(SQLite::Database& db) {
  return db.exec(fmt::format(R"sql(
    INSERT INTO main.failed_run (name, target, model_path, schedule, exit_code, reason,
                                 started_at, input_hash, job_id, task_id, host)
      SELECT f.name, f.target, f.model_path, f.schedule, f.exit_code, f.reason, f.started_at,
             f.input_hash, f.job_id, f.task_id, f.host
      FROM {0}.failed_run f
      WHERE NOT EXISTS (SELECT 1 FROM main.failed_run m WHERE
              (f.input_hash <> '' AND m.input_hash = f.input_hash) OR
              (f.input_hash = '' AND m.name = f.name AND m.target = f.target AND
               m.model_path = f.model_path AND m.schedule = f.schedule AND
               m.started_at = f.started_at AND m.reason = f.reason))
        AND NOT (f.input_hash <> '' AND
                 EXISTS (SELECT 1 FROM main.runs m WHERE m.input_hash = f.input_hash))
      ORDER BY f.id;
  )sql",
                             kAlias));
}

MergeResult merge_attached(SQLite::Database& db) {
  MergeResult result;
  SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec("PRAGMA defer_foreign_keys = ON");
  map_runs_and_strings(db);
  copy_runs(db);
  copy_spans_and_counters(db);
  result.failures_added = copy_failures(db);
  result.failures_already_present =
      count(db, fmt::format("SELECT count(*) FROM {}.failed_run", kAlias)) - result.failures_added;
  result.runs_added = count(db, "SELECT count(*) FROM merge_runs");
  result.runs_incomplete =
      count(db, fmt::format("SELECT count(*) FROM {}.runs WHERE status <> 'complete'", kAlias));
  result.runs_already_present = count(db, fmt::format("SELECT count(*) FROM {}.runs", kAlias)) -
                                result.runs_added - result.runs_incomplete;
  SQLite::Statement ids(db, "SELECT old, new FROM merge_runs ORDER BY old");
  while (ids.executeStep())
    result.run_ids.emplace_back(ids.getColumn(0).getInt64(), ids.getColumn(1).getInt64());
  db.exec("DROP TABLE merge_runs; DROP TABLE merge_strings; DROP TABLE merge_tracks;");
  tx.commit();
  return result;
}

}  // namespace

MergeResult merge_database(TraceStore& destination, const std::filesystem::path& source) {
  std::error_code ec;
  if (std::filesystem::equivalent(destination.path(), source, ec))
    throw TraceError(fmt::format("{}: cannot merge a trace database into itself", source.string()));
  // Identifies the source (ours, undamaged, this schema version) before anything is written.
  { const TraceStore checked = TraceStore::open(source, TraceStore::Mode::ReadOnly); }
  SQLite::Database& db = destination.database();
  const std::string where = fmt::format("merge {} into it", source.string());
  try {
    SQLite::Statement attach(db, fmt::format("ATTACH DATABASE ? AS {}", kAlias));
    attach.bind(1, source.string());
    attach.exec();
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(destination.path().string(), where, e);
  }
  std::optional<MergeResult> result;
  std::optional<SQLite::Exception> failure;
  try {
    result = merge_attached(db);
  } catch (const SQLite::Exception& e) {
    failure = e;
  }
  try {
    db.exec(fmt::format("DETACH DATABASE {}", kAlias));
  } catch (const SQLite::Exception&) {
    // The merge's own error (if any) is the one to report; a detach cannot lose data.
  }
  if (failure) throw_sqlite_error(destination.path().string(), where, *failure);
  return *result;
}

}  // namespace mcuprof::traces
