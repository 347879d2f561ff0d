// The schema of the trace store: its migrations, one step per version, the tables each
// version has (to recognise an mcuprof database) and the application_id that marks ours.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace mcuprof::traces {

// PRAGMA application_id of every trace database this mcuprof creates or migrates: the
// ASCII bytes "MCPF" (docs/trace-schema.md, "Identifying a trace database").
constexpr uint32_t kApplicationId = 0x4D435046;

// Brings a database at schema `version` (0: empty) up to TraceStore::kSchemaVersion and
// stamps kApplicationId and user_version. Runs inside the caller's write transaction, in
// which the caller read `version`: two processes can never both create the tables.
void migrate_from(SQLite::Database& db, int version);

// The tables a database at schema `version` holds (those the steps up to it create).
std::vector<std::string> tables_of_version(int version);

}  // namespace mcuprof::traces
