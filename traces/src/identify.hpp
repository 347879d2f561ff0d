// Telling what a database file is before writing to it: an mcuprof trace database (our
// application_id, or an older one with application_id 0 and our tables), an empty or
// missing file, or another program's SQLite file. See docs/trace-schema.md,
// "Identifying a trace database".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace mcuprof::traces {

enum class DbKind { Missing, Empty, Ours, Foreign };

struct DbIdentity {
  DbKind kind = DbKind::Missing;
  uint32_t application_id = 0;
  int version = 0;                  // PRAGMA user_version
  bool tables_read = false;         // false when judged from the file header alone
  std::vector<std::string> tables;  // user tables, sorted
};

// Reads application_id, user_version and the table names on an open connection.
DbIdentity identify(SQLite::Database& db);

// The file as it is on disk, without writing a byte to it or creating anything beside
// it: the 100-byte SQLite header first, then (application_id 0 only) a read-only,
// locking-aware look at its tables. Throws InvalidDatabase for a file that is not an
// SQLite database.
DbIdentity identify_file(const std::filesystem::path& path);

// Throws InvalidDatabase for another program's file, a newer schema, or one of ours
// that lacks tables of its version. Empty, missing, current and older files pass.
void refuse_unusable(const DbIdentity& id, const std::string& path);

}  // namespace mcuprof::traces
