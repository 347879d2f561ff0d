// Identification of a database file before mcuprof writes to it (identify.hpp).
#include "identify.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include "db_errors.hpp"
#include "mcuprof/traces/store.hpp"
#include "schema.hpp"

namespace mcuprof::traces {
namespace {

constexpr std::string_view kMagic{"SQLite format 3\0", 16};

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// A file: URI for a path (RFC 3986 escapes for the characters SQLite's URI parser treats
// specially), so query parameters can be given.
std::string file_uri(const std::filesystem::path& path) {
  std::error_code ec;
  const std::string p = std::filesystem::absolute(path, ec).string();
  std::string uri = "file:";
  for (const char c : ec ? path.string() : p) {
    if (c == '%' || c == '?' || c == '#' || c == ' ' || static_cast<unsigned char>(c) >= 0x80)
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else
      uri += c;
  }
  return uri;
}

DbKind classify(uint32_t application_id, int version, const std::vector<std::string>& tables) {
  if (application_id == kApplicationId) return DbKind::Ours;
  if (application_id != 0) return DbKind::Foreign;
  if (version == 0 && tables.empty()) return DbKind::Empty;
  // Before application_id, an mcuprof database was known by its version and tables.
  if (version < 1) return DbKind::Foreign;
  const auto needed = tables_of_version(version);
  const bool all = std::all_of(needed.begin(), needed.end(), [&](const std::string& t) {
    return std::binary_search(tables.begin(), tables.end(), t);
  });
  return all ? DbKind::Ours : DbKind::Foreign;
}

std::string table_list(const std::vector<std::string>& tables) {
  std::string out;
  for (size_t i = 0; i < tables.size() && i < 5; ++i) out += (i ? ", " : "") + tables[i];
  if (tables.size() > 5) out += fmt::format(" and {} more", tables.size() - 5);
  return out;
}

}  // namespace

DbIdentity identify(SQLite::Database& db) {
  DbIdentity id;
  id.application_id = static_cast<uint32_t>(db.execAndGet("PRAGMA application_id").getInt());
  id.version = db.execAndGet("PRAGMA user_version").getInt();
  SQLite::Statement q(db,
                      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                      "'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  while (q.executeStep()) id.tables.push_back(q.getColumn(0).getString());
  std::sort(id.tables.begin(), id.tables.end());
  id.tables_read = true;
  id.kind = classify(id.application_id, id.version, id.tables);
  return id;
}

DbIdentity identify_file(const std::filesystem::path& path) {
  const std::string p = path.string();
  DbIdentity id;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return id;  // Missing
  if (std::filesystem::is_directory(status))
    throw TraceError(fmt::format("{}: is a folder, not a trace database", p));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(fmt::format("{}: cannot read the file", p));
  std::array<unsigned char, 100> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  const auto got = static_cast<size_t>(in.gcount());
  if (got == 0) {
    id.kind = DbKind::Empty;
    return id;
  }
  if (got < header.size() || std::memcmp(header.data(), kMagic.data(), kMagic.size()) != 0)
    throw InvalidDatabase(not_valid_message(p, "file is not a database"));
  id.version = static_cast<int>(be32(&header[60]));
  id.application_id = be32(&header[68]);
  if (id.application_id != 0) {  // the header says all we need
    id.kind = id.application_id == kApplicationId ? DbKind::Ours : DbKind::Foreign;
    return id;
  }
  // application_id 0: an empty file, an mcuprof database older than application_id, or
  // someone else's. Look at the tables read-only. A WAL file nobody has open (no -wal
  // beside it) is opened immutable, so that not even a -shm file is created.
  const bool wal_mode = header[18] == 2 || header[19] == 2;
  const bool quiet = wal_mode && !std::filesystem::exists(p + "-wal", ec);
  try {
    SQLite::Database db(file_uri(path) + (quiet ? "?immutable=1" : "?mode=ro"),
                        SQLite::OPEN_READONLY | SQLite::OPEN_URI);
    return identify(db);
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(p, "read the database", e);
  }
}

void refuse_unusable(const DbIdentity& id, const std::string& path) {
  if (id.kind == DbKind::Foreign) {
    const std::string what =
        !id.tables_read || id.tables.empty()
            ? fmt::format("application_id 0x{:08x}", id.application_id)
        : id.application_id == 0
            ? fmt::format("another program's tables: {}", table_list(id.tables))
            : fmt::format("application_id 0x{:08x}, tables: {}", id.application_id,
                          table_list(id.tables));
    throw InvalidDatabase(
        fmt::format("{}: not an mcuprof trace database ({}); left untouched", path, what));
  }
  if (id.kind != DbKind::Ours) return;
  if (id.version > TraceStore::kSchemaVersion)
    throw InvalidDatabase(fmt::format(
        "{}: trace database schema version {} is newer than this mcuprof supports ({}); left "
        "untouched",
        path, id.version, TraceStore::kSchemaVersion));
  if (!id.tables_read) return;  // judged from the header alone
  std::string missing;
  for (const auto& t : tables_of_version(id.version))
    if (!std::binary_search(id.tables.begin(), id.tables.end(), t))
      missing += (missing.empty() ? "" : ", ") + t;
  if (!missing.empty())
    throw InvalidDatabase(
        fmt::format("{}: not a valid mcuprof trace database (tables missing: {})", path, missing));
}

}  // namespace mcuprof::traces
