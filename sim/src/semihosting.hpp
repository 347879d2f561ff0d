// Arm semihosting (BKPT 0xAB), the host services a debugger offers firmware:
// console I/O, clock and time, heap info and exit. Follows "Semihosting for AArch32
// and AArch64" v2 (Arm). Host files: only under the sandbox folder the user names
// (set_root); names are relative to it, and ".." or absolute names that would leave
// it are refused. Without a folder only the console (":tt") and the feature file
// (":semihosting-features": SH_EXT_EXIT_EXTENDED and SH_EXT_STDOUT_STDERR) open.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "mcuprof/sim/observer.hpp"

namespace mcuprof::sim {

// What semihosting needs from the machine.
class SemihostingHost {
 public:
  virtual ~SemihostingHost() = default;
  virtual bool read_guest(uint32_t address, void* out, uint32_t length) = 0;
  virtual bool write_guest(uint32_t address, const void* data, uint32_t length) = 0;
  virtual uint64_t cycles() const = 0;
  virtual uint64_t clock_hz() const = 0;
  virtual void console(ConsoleSource source, std::string_view text) = 0;
};

struct SemihostingResult {
  uint32_t r0 = 0;                 // value returned to the firmware
  std::optional<int> exit_code;    // set when the firmware asked to exit
  bool unknown_operation = false;  // op not defined by the specification
};

class Semihosting {
 public:
  explicit Semihosting(SemihostingHost& host) : host_(host) {}
  SemihostingResult call(uint32_t op, uint32_t arg);
  void set_root(const std::filesystem::path& root);

 private:
  bool read_words(uint32_t address, uint32_t* words, uint32_t count);
  SemihostingResult open(uint32_t arg);
  SemihostingResult open_features(uint32_t mode);
  SemihostingResult write(uint32_t arg);
  SemihostingResult read(uint32_t arg);

  SemihostingResult close(uint32_t arg);
  SemihostingResult seek(uint32_t arg);
  SemihostingResult flen(uint32_t arg);
  SemihostingResult remove(uint32_t arg);
  std::optional<std::filesystem::path> sandboxed(const std::string& name) const;
  std::FILE* file(uint32_t handle) const;

  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };

  SemihostingHost& host_;
  uint32_t errno_ = 0;
  std::optional<std::filesystem::path> root_;
  std::map<uint32_t, std::unique_ptr<std::FILE, FileCloser>> files_;
  uint32_t next_handle_ = 4;  // 1-3 are the console
};

}  // namespace mcuprof::sim
