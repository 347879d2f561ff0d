// What the robustness tests share: the built CLI as a child process, the files they
// craft (a small generated model, a database with one run), and checks on what the
// user is told.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "files.hpp"
#include "paths.hpp"
#include "process.hpp"

namespace mcuprof::test {

inline constexpr const char* kBoard = "stm32f412";

inline ProcessResult mcuprof_cli(std::vector<std::string> args) {
  args.insert(args.begin(), mcuprof_binary().string());
  return run_process(args);
}

inline int line_count(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

inline int64_t stored_runs(const std::filesystem::path& db) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  return d.execAndGet("SELECT count(*) FROM runs").getInt64();
}

// A test firmware of the board, or an empty path when it was not built.
inline std::filesystem::path built_firmware(const std::string& program) {
  const auto elf = test_firmware(kBoard, program);
  return std::filesystem::exists(elf) ? elf : std::filesystem::path();
}

// A small synthetic int8 model written by `mcuprof generate` into `dir`.
inline std::filesystem::path small_model(const std::filesystem::path& dir) {
  const auto model = dir / "small.tflite";
  const auto r = mcuprof_cli(
      {"generate", "resnet", "--resolution", "32", "--width", "0.25", "-o", model.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  return model;
}

// A database holding one run of the itm_exit firmware (which exits 42).
inline std::filesystem::path database_with_a_run(const std::filesystem::path& dir) {
  const auto db = dir / "t.db";
  const auto r = mcuprof_cli(
      {"run", built_firmware("itm_exit").string(), "--target", kBoard, "--db", db.string()});
  EXPECT_EQ(r.status, 42) << r.err;
  return db;
}

// The names in a folder, sorted (to see that no temporary file is left behind).
inline std::vector<std::string> folder_names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace mcuprof::test

#define MCUPROF_NEED_FIRMWARE(program)                  \
  if (::mcuprof::test::built_firmware(program).empty()) \
  GTEST_SKIP() << "missing test firmware "              \
               << ::mcuprof::test::test_firmware(::mcuprof::test::kBoard, program)
