// Semihosting operations (see semihosting.hpp for the scope and the source).
#include "semihosting.hpp"

#include <string>
#include <vector>

namespace mcuprof::sim {
namespace {

enum Op : uint32_t {
  kOpen = 0x01,
  kClose = 0x02,
  kWriteC = 0x03,
  kWrite0 = 0x04,
  kWrite = 0x05,
  kRead = 0x06,
  kReadC = 0x07,
  kIsError = 0x08,
  kIsTty = 0x09,
  kSeek = 0x0A,
  kFlen = 0x0C,
  kClock = 0x10,
  kTime = 0x11,
  kErrno = 0x13,
  kGetCmdline = 0x15,
  kHeapInfo = 0x16,
  kExit = 0x18,
  kExitExtended = 0x20,
  kElapsed = 0x30,
  kTickFreq = 0x31,
};

constexpr uint32_t kApplicationExit = 0x20026;
constexpr uint32_t kMinusOne = 0xFFFFFFFFu;
constexpr uint32_t kEbadf = 9;
constexpr uint32_t kEnoent = 2;

// Console handles returned for ":tt" (stdin, stdout, stderr).
constexpr uint32_t kStdin = 1;
constexpr uint32_t kStdout = 2;
constexpr uint32_t kStderr = 3;

// Longest string read from the guest in one call (guards against runaway pointers).
constexpr uint32_t kMaxString = 1u << 20;

SemihostingResult value(uint32_t r0) {
  SemihostingResult r;
  r.r0 = r0;
  return r;
}

}  // namespace

bool Semihosting::read_words(uint32_t address, uint32_t* words, uint32_t count) {
  return host_.read_guest(address, words, count * 4);
}

SemihostingResult Semihosting::open(uint32_t arg) {
  uint32_t a[3];
  if (!read_words(arg, a, 3) || a[2] > 4096) return value(kMinusOne);
  std::string name(a[2], '\0');
  if (!host_.read_guest(a[0], name.data(), a[2])) return value(kMinusOne);
  if (name == ":tt") {
    const uint32_t mode = a[1];
    if (mode < 4) return value(kStdin);
    if (mode < 8) return value(kStdout);
    return value(kStderr);
  }
  errno_ = kEnoent;
  return value(kMinusOne);
}

SemihostingResult Semihosting::write(uint32_t arg) {
  uint32_t a[3];
  if (!read_words(arg, a, 3)) return value(kMinusOne);
  const uint32_t handle = a[0];
  const uint32_t length = a[2];
  if (handle != kStdout && handle != kStderr) {
    errno_ = kEbadf;
    return value(length);  // nothing written
  }
  std::string text(length, '\0');
  if (length > kMaxString || !host_.read_guest(a[1], text.data(), length)) return value(length);
  host_.console(handle == kStdout ? ConsoleSource::SemihostingStdout
                                  : ConsoleSource::SemihostingStderr,
                text);
  return value(0);
}

SemihostingResult Semihosting::read(uint32_t arg) {
  uint32_t a[3];
  if (!read_words(arg, a, 3)) return value(kMinusOne);
  if (a[0] != kStdin) errno_ = kEbadf;
  return value(a[2]);  // console input is at end of file: no bytes read
}

SemihostingResult Semihosting::call(uint32_t op, uint32_t arg) {
  switch (op) {
    case kOpen:
      return open(arg);
    case kClose:
      return value(0);
    case kWriteC: {
      char c = 0;
      if (host_.read_guest(arg, &c, 1)) host_.console(ConsoleSource::SemihostingStdout, {&c, 1});
      return value(0);
    }
    case kWrite0: {
      std::string text;
      char c = 0;
      while (text.size() < kMaxString && host_.read_guest(arg + static_cast<uint32_t>(text.size()), &c, 1) &&
             c != '\0')
        text.push_back(c);
      host_.console(ConsoleSource::SemihostingStdout, text);
      return value(0);
    }
    case kWrite:
      return write(arg);
    case kRead:
      return read(arg);
    case kReadC:
      return value(kMinusOne);
    case kIsError: {
      uint32_t status = 0;
      host_.read_guest(arg, &status, 4);
      return value(static_cast<int32_t>(status) < 0 ? 1u : 0u);
    }
    case kIsTty: {
      uint32_t handle = 0;
      host_.read_guest(arg, &handle, 4);
      return value(handle >= kStdin && handle <= kStderr ? 1u : 0u);
    }
    case kSeek:
      return value(0);
    case kFlen:
      return value(kMinusOne);
    case kClock:  // centiseconds of simulated time
      return value(static_cast<uint32_t>(host_.cycles() * 100 / host_.clock_hz()));
    case kTime:  // seconds of simulated time since the run started (deterministic)
      return value(static_cast<uint32_t>(host_.cycles() / host_.clock_hz()));
    case kErrno:
      return value(errno_);
    case kGetCmdline: {
      uint32_t a[2];
      if (!read_words(arg, a, 2) || a[1] == 0) return value(kMinusOne);
      const char nul = '\0';
      host_.write_guest(a[0], &nul, 1);
      const uint32_t zero = 0;
      host_.write_guest(arg + 4, &zero, 4);
      return value(0);
    }
    case kHeapInfo: {
      // Zeros tell newlib's start-up to use the linker script's heap and stack.
      uint32_t block_address = 0;
      if (!host_.read_guest(arg, &block_address, 4)) return value(kMinusOne);
      const uint32_t zeros[4] = {0, 0, 0, 0};
      host_.write_guest(block_address, zeros, sizeof zeros);
      return value(0);
    }
    case kExit: {
      SemihostingResult r;
      r.exit_code = arg == kApplicationExit ? 0 : 1;
      return r;
    }
    case kExitExtended: {
      uint32_t a[2] = {0, 1};
      read_words(arg, a, 2);
      SemihostingResult r;
      r.exit_code = a[0] == kApplicationExit ? static_cast<int>(a[1]) : 1;
      return r;
    }
    case kElapsed: {
      const uint64_t ticks = host_.cycles();
      host_.write_guest(arg, &ticks, 8);
      return value(0);
    }
    case kTickFreq:
      return value(static_cast<uint32_t>(host_.clock_hz()));
    default: {
      SemihostingResult r = value(kMinusOne);
      r.unknown_operation = true;
      return r;
    }
  }
}

}  // namespace mcuprof::sim
