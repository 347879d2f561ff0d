// The trace store over SQLiteCpp (see store.hpp).
#include "mcuprof/traces/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "schema.hpp"

namespace mcuprof::traces {
namespace {

constexpr int kBusyTimeoutMs = 5000;

RunRecord read_run(SQLite::Statement& q) {
  RunRecord r;
  r.id = q.getColumn("id").getInt64();
  r.status = q.getColumn("status").getString();
  r.target = q.getColumn("target").getString();
  r.firmware_path = q.getColumn("firmware_path").getString();
  r.firmware_sha256 = q.getColumn("firmware_sha256").getString();
  r.started_at = q.getColumn("started_at").getString();
  r.tool_version = q.getColumn("tool_version").getString();
  r.cycle_model = q.getColumn("cycle_model").getString();
  r.clock_hz = static_cast<uint64_t>(q.getColumn("clock_hz").getInt64());
  r.total_cycles = static_cast<uint64_t>(q.getColumn("total_cycles").getInt64());
  r.instructions = static_cast<uint64_t>(q.getColumn("instructions").getInt64());
  r.stop_reason = q.getColumn("stop_reason").getString();
  r.exit_code = q.getColumn("exit_code").getInt();
  r.fault = q.getColumn("fault").getString();
  r.detail = q.getColumn("detail").getString();
  return r;
}

}  // namespace

TraceStore::TraceStore(std::filesystem::path path, std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), db_(std::move(db)) {}
TraceStore::TraceStore(TraceStore&&) noexcept = default;
TraceStore& TraceStore::operator=(TraceStore&&) noexcept = default;
TraceStore::~TraceStore() = default;

TraceStore TraceStore::open(const std::filesystem::path& path, Mode mode) {
  const std::string p = path.string();
  try {
    const int flags = mode == Mode::ReadOnly ? SQLite::OPEN_READONLY
                                             : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    auto db = std::make_unique<SQLite::Database>(p, flags, kBusyTimeoutMs);
    // Reading the schema version fails fast on a file that is not a database.
    const int version = db->execAndGet("PRAGMA user_version").getInt();
    if (mode == Mode::ReadWrite) {
      db->exec("PRAGMA journal_mode = WAL");
      db->exec("PRAGMA synchronous = NORMAL");
      db->exec("PRAGMA foreign_keys = ON");
      migrate(*db, p.c_str());
    } else if (version > kSchemaVersion) {
      throw TraceError(fmt::format(
          "{}: trace database schema version {} is newer than this mcuprof supports ({})", p,
          version, kSchemaVersion));
    } else if (version < kSchemaVersion) {
      throw TraceError(fmt::format(
          "{}: trace database schema version {} is older than {}; open it once read-write "
          "(any mcuprof run) to migrate it",
          p, version, kSchemaVersion));
    }
    return TraceStore(path, std::move(db));
  } catch (const SQLite::Exception& e) {
    throw TraceError(fmt::format("{}: cannot open trace database: {}", p, e.what()));
  }
}

int64_t TraceStore::write_run(const RunRecord& run, const std::vector<ConsoleChunk>& console) {
  try {
    SQLite::Transaction tx(*db_);
    SQLite::Statement insert(*db_, R"sql(
      INSERT INTO runs (status, target, firmware_path, firmware_sha256, started_at, tool_version,
                        cycle_model, clock_hz, total_cycles, instructions, stop_reason, exit_code,
                        fault, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql");
    int i = 1;
    insert.bind(i++, run.status);
    insert.bind(i++, run.target);
    insert.bind(i++, run.firmware_path);
    insert.bind(i++, run.firmware_sha256);
    insert.bind(i++, run.started_at);
    insert.bind(i++, run.tool_version);
    insert.bind(i++, run.cycle_model);
    insert.bind(i++, static_cast<int64_t>(run.clock_hz));
    insert.bind(i++, static_cast<int64_t>(run.total_cycles));
    insert.bind(i++, static_cast<int64_t>(run.instructions));
    insert.bind(i++, run.stop_reason);
    insert.bind(i++, run.exit_code);
    insert.bind(i++, run.fault);
    insert.bind(i++, run.detail);
    insert.exec();
    const int64_t id = db_->getLastInsertRowid();

    SQLite::Statement line(*db_, "INSERT INTO console (run_id, seq, source, text) VALUES (?, ?, ?, ?)");
    int64_t seq = 0;
    for (const auto& chunk : console) {
      line.bind(1, id);
      line.bind(2, seq++);
      line.bind(3, chunk.source);
      line.bind(4, chunk.text);
      line.exec();
      line.reset();
    }
    tx.commit();
    return id;
  } catch (const SQLite::Exception& e) {
    throw TraceError(fmt::format("{}: cannot write run: {}", path_.string(), e.what()));
  }
}

std::vector<RunRecord> TraceStore::runs() const {
  try {
    std::vector<RunRecord> out;
    SQLite::Statement q(*db_, "SELECT * FROM runs ORDER BY id");
    while (q.executeStep()) out.push_back(read_run(q));
    return out;
  } catch (const SQLite::Exception& e) {
    throw TraceError(fmt::format("{}: cannot read runs: {}", path_.string(), e.what()));
  }
}

std::optional<RunRecord> TraceStore::run(int64_t id) const {
  try {
    SQLite::Statement q(*db_, "SELECT * FROM runs WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_run(q);
  } catch (const SQLite::Exception& e) {
    throw TraceError(fmt::format("{}: cannot read run {}: {}", path_.string(), id, e.what()));
  }
}

std::vector<ConsoleChunk> TraceStore::console(int64_t run_id) const {
  try {
    std::vector<ConsoleChunk> out;
    SQLite::Statement q(*db_, "SELECT source, text FROM console WHERE run_id = ? ORDER BY seq");
    q.bind(1, run_id);
    while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
    return out;
  } catch (const SQLite::Exception& e) {
    throw TraceError(fmt::format("{}: cannot read console of run {}: {}", path_.string(), run_id,
                                 e.what()));
  }
}

int TraceStore::schema_version() const { return db_->execAndGet("PRAGMA user_version").getInt(); }

}  // namespace mcuprof::traces
