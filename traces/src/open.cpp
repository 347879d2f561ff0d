// Opening a trace store (TraceStore::open): identify the file without writing, refuse
// what is not ours, then (read-write) create or migrate the schema in one IMMEDIATE
// transaction that also proves the file writable. docs/trace-schema.md, "Opening".
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <optional>

#include "db_errors.hpp"
#include "identify.hpp"
#include "mcuprof/traces/store.hpp"
#include "schema.hpp"

namespace mcuprof::traces {
namespace {

// How long a writer waits for another's lock (a run's single write transaction, or
// another process creating the schema) before giving up with UnwritableDatabase.
constexpr int kBusyTimeoutMs = 30000;

std::unique_ptr<SQLite::Database> connect(const std::string& p, int flags) {
  try {
    return std::make_unique<SQLite::Database>(p, flags, kBusyTimeoutMs);
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(p, "open the trace database", e);
  }
}

void check_read_only(SQLite::Database& db, const std::string& p) {
  const DbIdentity id = identify(db);
  refuse_unusable(id, p);
  if (id.kind == DbKind::Empty)
    throw TraceError(fmt::format("{}: an empty file, no mcuprof runs in it yet", p));
  if (id.version < TraceStore::kSchemaVersion)
    throw TraceError(fmt::format(
        "{}: trace database schema version {} is older than {}; open it once read-write "
        "(any mcuprof run --db) to migrate it",
        p, id.version, TraceStore::kSchemaVersion));
}

// Creates or migrates under a write lock taken before the schema is read: of several
// processes opening a new file together, exactly one creates the tables. Committed only
// when something changed; else rolled back, having shown that the file can be written.
void prepare_for_writing(SQLite::Database& db, const std::string& p) {
  std::optional<SQLite::Transaction> tx;
  try {
    tx.emplace(db, SQLite::TransactionBehavior::IMMEDIATE);
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(p, "write the trace database", e);
  }
  const DbIdentity id = identify(db);
  refuse_unusable(id, p);
  const bool current =
      id.version == TraceStore::kSchemaVersion && id.application_id == kApplicationId;
  if (!current) {
    migrate_from(db, id.kind == DbKind::Empty ? 0 : id.version);
    tx->commit();
  }
  tx.reset();  // rolls back when nothing changed
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  // Damaged pages found now, before a run is simulated, rather than at its final write.
  const std::string check = db.execAndGet("PRAGMA quick_check(1)").getString();
  if (check != "ok") throw InvalidDatabase(not_valid_message(p, "quick_check: " + check));
}

}  // namespace

TraceStore TraceStore::open(const std::filesystem::path& path, Mode mode) {
  const std::string p = path.string();
  // Nothing is written before the file is known to be ours (or new).
  const DbIdentity before = identify_file(path);
  refuse_unusable(before, p);
  if (mode == Mode::ReadOnly && before.kind == DbKind::Missing)
    throw TraceError(fmt::format("{}: no such trace database", p));
  const int flags = mode == Mode::ReadOnly ? SQLite::OPEN_READONLY
                                           : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  auto db = connect(p, flags);
  try {
    if (mode == Mode::ReadOnly)
      check_read_only(*db, p);
    else
      prepare_for_writing(*db, p);
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(p,
                       mode == Mode::ReadOnly ? "read the trace database"
                                              : "prepare the trace database for writing",
                       e);
  }
  return TraceStore(path, std::move(db));
}

}  // namespace mcuprof::traces
