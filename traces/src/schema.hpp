// The schema migrations of the trace store, one step per version.
#pragma once

namespace SQLite {
class Database;
}

namespace mcuprof::traces {

// Brings a database at any older user_version up to TraceStore::kSchemaVersion in one
// transaction. Throws TraceError for a database newer than this build.
void migrate(SQLite::Database& db, const char* path_for_errors);

}  // namespace mcuprof::traces
