// Test paths and scratch folders (see paths.hpp).
#include "paths.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

namespace mcuprof::test {

std::filesystem::path mcuprof_binary() {
  return std::filesystem::path(MCUPROF_BIN_DIR) / "mcuprof";
}

std::filesystem::path firmware(const std::string& board, const std::string& program) {
  return std::filesystem::path(MCUPROF_FIRMWARE_DIR) / board / (program + ".elf");
}

std::filesystem::path test_firmware(const std::string& board, const std::string& program) {
  return std::filesystem::path(MCUPROF_TEST_FIRMWARE_DIR) / board / (program + ".elf");
}

std::filesystem::path targets_dir() {
  return std::filesystem::path(MCUPROF_SOURCE_DIR) / "targets";
}

std::filesystem::path shared_models_dir() {
  return std::filesystem::path(MCUPROF_SOURCE_DIR) / ".." / "shared" / "models";
}

ScratchDir::ScratchDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name =
      info != nullptr ? fmt::format("{}.{}", info->test_suite_name(), info->name()) : "scratch";
  // Parameterised tests are named "Prefix/Suite.Test/N": one folder, not three nested ones
  // (the destructor removes this folder only).
  std::replace(name.begin(), name.end(), '/', '_');
  path_ =
      std::filesystem::temp_directory_path() / fmt::format("mcuprof-test-{}-{}", getpid(), name);
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace mcuprof::test
