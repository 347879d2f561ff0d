// Errors the machine raises before or instead of running firmware (bad ELF, image
// that does not fit the board, emulator set-up failure). Faults of the running
// firmware are not exceptions: they end a run and are reported in its RunResult.
#pragma once

#include <stdexcept>

namespace mcuprof::sim {

class SimError : public std::runtime_error {
 public:
  enum class Kind {
    FileNotFound,       // the firmware file does not exist, is not a regular file (a
                        // directory, device or FIFO) or cannot be read
    InvalidElf,         // not an ELF file, or a malformed one
    WrongArchitecture,  // an ELF for something other than 32-bit little-endian Arm
    ImageDoesNotFit,    // a loadable segment outside the target's memories
    Emulator,           // Unicorn/Capstone refused a set-up call
  };
  SimError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

}  // namespace mcuprof::sim
