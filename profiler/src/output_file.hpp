// Every file mcuprof writes goes through here. The bytes go to a temporary file in the
// destination's folder, which is flushed to disk, checked and renamed over the
// destination: a failed, killed or interrupted write leaves the previous file as it was.
// A destination that exists and is not a regular file (a terminal, a FIFO, /dev/full) is
// written in place, and its write errors are still reported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>

namespace mcuprof::profiler {

// One output being written. `what` names it in errors ("summary", "JUnit report"...).
// Throws CommandError: 73 when the file cannot be created, 74 when a write fails.
class OutputFile {
 public:
  OutputFile(std::filesystem::path destination, std::string what);
  ~OutputFile();  // removes the temporary file unless commit() succeeded
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return out_; }
  // Flushes, syncs and checks the bytes, then renames them into place.
  void commit();

 private:
  [[noreturn]] void fail(int status, const std::string& why);

  std::filesystem::path destination_;  // symlinks resolved: the file that changes
  std::filesystem::path temporary_;    // empty when writing in place
  std::string what_;
  std::ofstream out_;
  bool committed_ = false;
};

// The whole file at once.
void write_output_file(const std::filesystem::path& path, std::string_view bytes,
                       const std::string& what);
void write_output_file(const std::filesystem::path& path, std::span<const uint8_t> bytes,
                       const std::string& what);

// Before a long run: throws CommandError (73) now if `path` could not be written later
// (its folder is missing or read-only). Leaves nothing behind.
void check_output_writable(const std::filesystem::path& path, const std::string& what);

}  // namespace mcuprof::profiler
