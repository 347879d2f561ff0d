// SQLite failures turned into the trace store's errors: a damaged file becomes
// InvalidDatabase ("not a valid mcuprof trace database"), a read-only or locked one
// UnwritableDatabase, anything else a TraceError naming the file and the action.
#pragma once

#include <string>
#include <string_view>

namespace SQLite {
class Exception;
}

namespace mcuprof::traces {

// "PATH: not a valid mcuprof trace database (SQLite: WHAT)".
std::string not_valid_message(std::string_view path, std::string_view sqlite_what);

// Whether SQLite's primary result code says the file is damaged or not a database.
bool is_damage(int sqlite_code);

[[noreturn]] void throw_sqlite_error(std::string_view path, std::string_view action,
                                     const SQLite::Exception& e);

}  // namespace mcuprof::traces
