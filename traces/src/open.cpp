// Opening a trace store (TraceStore::open): identify the file without writing, refuse
// what is not ours, then (read-write) create or migrate the schema in one IMMEDIATE
// transaction that also proves the file writable. docs/trace-schema.md, "Opening".
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db_errors.hpp"
#include "identify.hpp"
#include "mcuprof/traces/store.hpp"
#include "schema.hpp"

namespace mcuprof::traces {
namespace {

// How long a writer waits for another's lock (a run's single write transaction, or
// another process creating the schema) before giving up with UnwritableDatabase.
constexpr int kBusyTimeoutMs = 30000;

// Databases up to this size get every page checked at a read-write open (a full check of
// a 66 MB database took 3.3 s on the loaded 2-core development machine).
constexpr int64_t kFullCheckBytes = 16 * 1024 * 1024;

std::unique_ptr<SQLite::Database> connect(const std::string& p, int flags) {
  try {
    return std::make_unique<SQLite::Database>(p, flags, kBusyTimeoutMs);
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(p, "open trace database", e);
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

// Reads the pages so that a damaged database is found now, before a run is simulated,
// rather than at its final write: all of them (PRAGMA quick_check) up to kFullCheckBytes;
// in a larger file the small tables whole and the last page of the large ones, which the
// next write extends.
void check_pages(SQLite::Database& db, const std::string& p) {
  const int64_t bytes =
      db.execAndGet("PRAGMA page_count").getInt64() * db.execAndGet("PRAGMA page_size").getInt64();
  std::vector<std::string> checks;
  if (bytes <= kFullCheckBytes) {
    checks.emplace_back("PRAGMA quick_check(1)");
  } else {
    for (const char* table : {"runs", "string", "track"})
      checks.push_back(fmt::format("PRAGMA quick_check({})", table));
    for (const char* tail : {"SELECT max(id) FROM slice", "SELECT max(id) FROM counter",
                             "SELECT max(run_id) FROM console", "SELECT max(slice_id) FROM arg"})
      checks.emplace_back(tail);
  }
  for (const auto& sql : checks) {
    const SQLite::Column result = db.execAndGet(sql);
    if (sql.starts_with("PRAGMA") && result.getString() != "ok")
      throw InvalidDatabase(not_valid_message(p, "quick_check: " + result.getString()));
  }
}

// Switching a new file to WAL needs it to itself, and SQLite does not wait for that (the
// busy handler is not called): while other processes that open the same new file read
// it, retry, up to the busy timeout.
void use_wal(SQLite::Database& db) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (const SQLite::Exception& e) {
      const int code = e.getErrorCode() & 0xFF;
      if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
          std::chrono::steady_clock::now() > give_up)
        throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

// Creates or migrates under a write lock taken before the schema is read: of several
// processes opening a new file together, exactly one creates the tables. Committed only
// when something changed; else rolled back, having shown that the file can be written.
void prepare_for_writing(SQLite::Database& db, const std::string& p) {
  // SQLite falls back to read-only on a file it may not write, and BEGIN IMMEDIATE on a
  // WAL database only locks the -shm file: ask.
  if (sqlite3_db_readonly(db.getHandle(), "main") == 1)
    throw UnwritableDatabase(fmt::format("{}: cannot write the trace database: no permission", p));
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
  use_wal(db);
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  check_pages(db, p);
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
