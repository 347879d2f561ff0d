// The SQLite trace store: one database holds many runs so they can be compared.
// Schema (docs/trace-schema.md) is versioned with PRAGMA user_version and migrated
// forward on open. A run is written in a single transaction: a run is either wholly
// in the database or not at all. Knows nothing of Unicorn or Qt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace mcuprof::traces {

class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunRecord {
  int64_t id = 0;                // assigned by the store
  std::string status = "complete";
  std::string target;
  std::string firmware_path;
  std::string firmware_sha256;
  std::string started_at;        // ISO 8601, UTC
  std::string tool_version;
  std::string cycle_model;
  uint64_t clock_hz = 0;
  uint64_t total_cycles = 0;
  uint64_t instructions = 0;
  std::string stop_reason;       // exited, breakpoint, cycle-budget, fault
  int exit_code = 0;
  std::string fault;             // fault kind, empty when none
  std::string detail;            // human-readable stop or fault description
};

struct ConsoleChunk {
  std::string source;  // itm, semihosting-stdout, semihosting-stderr
  std::string text;
};

class TraceStore {
 public:
  static constexpr int kSchemaVersion = 1;
  enum class Mode { ReadOnly, ReadWrite };

  // ReadWrite creates the file if needed and migrates it to kSchemaVersion.
  // Throws TraceError naming the path and the problem.
  static TraceStore open(const std::filesystem::path& path, Mode mode);

  TraceStore(TraceStore&&) noexcept;
  TraceStore& operator=(TraceStore&&) noexcept;
  ~TraceStore();

  // Writes the run and its console in one transaction; returns the run's id.
  int64_t write_run(const RunRecord& run, const std::vector<ConsoleChunk>& console);

  std::vector<RunRecord> runs() const;
  std::optional<RunRecord> run(int64_t id) const;
  std::vector<ConsoleChunk> console(int64_t run_id) const;
  int schema_version() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  TraceStore(std::filesystem::path path, std::unique_ptr<SQLite::Database> db);

  std::filesystem::path path_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace mcuprof::traces
