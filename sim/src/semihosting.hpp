// Arm semihosting (BKPT 0xAB), the host services a debugger offers firmware:
// console I/O, clock and time, heap info and exit. Follows "Semihosting for AArch32
// and AArch64" v2 (Arm). Host files under a sandbox folder come with the machine issue;
// for now every file other than the console (":tt") is refused.
#pragma once

#include <cstdint>
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
  uint32_t r0 = 0;                // value returned to the firmware
  std::optional<int> exit_code;   // set when the firmware asked to exit
  bool unknown_operation = false; // op not defined by the specification
};

class Semihosting {
 public:
  explicit Semihosting(SemihostingHost& host) : host_(host) {}
  SemihostingResult call(uint32_t op, uint32_t arg);

 private:
  bool read_words(uint32_t address, uint32_t* words, uint32_t count);
  SemihostingResult open(uint32_t arg);
  SemihostingResult write(uint32_t arg);
  SemihostingResult read(uint32_t arg);

  SemihostingHost& host_;
  uint32_t errno_ = 0;
};

}  // namespace mcuprof::sim
