// Where tests find the build's programs and firmware, and a scratch folder per test.
#pragma once

#include <filesystem>
#include <string>

namespace mcuprof::test {

std::filesystem::path mcuprof_binary();
std::filesystem::path firmware(const std::string& board, const std::string& program);
std::filesystem::path test_firmware(const std::string& board, const std::string& program);
std::filesystem::path targets_dir();
std::filesystem::path shared_models_dir();

// A fresh, empty folder for the current test (removed when the object dies).
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace mcuprof::test
