// SQLite result codes mapped to the trace store's error classes (db_errors.hpp).
#include "db_errors.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include "mcuprof/traces/store.hpp"

namespace mcuprof::traces {

std::string not_valid_message(std::string_view path, std::string_view sqlite_what) {
  return fmt::format("{}: not a valid mcuprof trace database (SQLite: {})", path, sqlite_what);
}

bool is_damage(int sqlite_code) {
  const int primary = sqlite_code & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_FORMAT;
}

void throw_sqlite_error(std::string_view path, std::string_view action,
                        const SQLite::Exception& e) {
  const int primary = e.getErrorCode() & 0xff;
  if (is_damage(primary)) throw InvalidDatabase(not_valid_message(path, e.what()));
  const std::string message = fmt::format("{}: cannot {}: {}", path, action, e.what());
  if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM ||
      primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_AUTH)
    throw UnwritableDatabase(message);
  throw TraceError(message);
}

}  // namespace mcuprof::traces
