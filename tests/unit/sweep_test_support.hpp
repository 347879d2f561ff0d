// What the sweep tests share: writing a sweep file of tiny generated models, running
// `mcuprof sweep ...`, and reading a sweep database's runs back.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "paths.hpp"
#include "process.hpp"

namespace mcuprof::test {

inline std::filesystem::path write_sweep(const std::filesystem::path& dir, const nlohmann::json& j,
                                         const std::string& file = "sweep.json") {
  const auto path = dir / file;
  std::ofstream(path) << j.dump(2);
  return path;
}

// Tiny MobileNetV2s (2 classes) at the given widths and 32x32.
inline nlohmann::json tiny_models(std::vector<double> widths) {
  return {{"generate", "mobilenetv2"}, {"width", widths}, {"resolution", 32}, {"classes", 2}};
}

inline ProcessResult mcuprof_cli(std::vector<std::string> args) {
  args.insert(args.begin(), mcuprof_binary().string());
  return run_process(args);
}

// Input hashes of the complete runs (a set: a duplicate would show as fewer entries).
inline std::multiset<std::string> run_hashes(const std::filesystem::path& db) {
  SQLite::Database raw(db.string(), SQLite::OPEN_READONLY, 10000);
  SQLite::Statement q(raw, "SELECT input_hash FROM runs WHERE status = 'complete'");
  std::multiset<std::string> out;
  while (q.executeStep()) out.insert(q.getColumn(0).getString());
  return out;
}

inline int count_rows(const std::filesystem::path& db, const std::string& table) {
  SQLite::Database raw(db.string(), SQLite::OPEN_READONLY, 10000);
  return raw.execAndGet("SELECT count(*) FROM " + table).getInt();
}

}  // namespace mcuprof::test
