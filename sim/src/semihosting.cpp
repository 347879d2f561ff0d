// Semihosting operations (see semihosting.hpp for the scope and the source).
#include "semihosting.hpp"

#include <algorithm>
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
constexpr uint32_t kEacces = 13;
constexpr uint32_t kEio = 5;
constexpr uint32_t kRemove = 0x0E;

// fopen modes of SYS_OPEN's mode numbers 0-11 (Semihosting v2, SYS_OPEN table).
constexpr const char* kModes[12] = {"r",  "rb",  "r+", "r+b", "w",  "wb",
                                    "w+", "w+b", "a",  "ab",  "a+", "a+b"};

// Console handles returned for ":tt" (stdin, stdout, stderr).
constexpr uint32_t kStdin = 1;
constexpr uint32_t kStdout = 2;
constexpr uint32_t kStderr = 3;

// Longest string read from the guest in one call (guards against runaway pointers).
constexpr uint32_t kMaxString = 1u << 20;

// The feature file (Semihosting v2, "Semihosting extensions"): the magic "SHFB" and one
// feature byte. SH_EXT_EXIT_EXTENDED (bit 0): SYS_EXIT_EXTENDED is available, so
// newlib's rdimon and picolibc report the real exit status; SH_EXT_STDOUT_STDERR
// (bit 1): ":tt" opened for writing is stdout, opened for appending is stderr.
constexpr char kFeaturesName[] = ":semihosting-features";
constexpr uint8_t kExtExitExtended = 1u << 0;
constexpr uint8_t kExtStdoutStderr = 1u << 1;
constexpr uint8_t kFeatureFile[5] = {'S', 'H', 'F', 'B', kExtExitExtended | kExtStdoutStderr};

SemihostingResult value(uint32_t r0) {
  SemihostingResult r;
  r.r0 = r0;
  return r;
}

}  // namespace

bool Semihosting::read_words(uint32_t address, uint32_t* words, uint32_t count) {
  return host_.read_guest(address, words, count * 4);
}

void Semihosting::set_root(const std::filesystem::path& root) {
  std::error_code ec;
  root_ = std::filesystem::weakly_canonical(std::filesystem::absolute(root, ec), ec);
}

std::optional<std::filesystem::path> Semihosting::sandboxed(const std::string& name) const {
  if (!root_ || name.empty() || name.find('\0') != std::string::npos) return std::nullopt;
  const std::filesystem::path relative(name);
  if (relative.is_absolute() || relative.has_root_name()) return std::nullopt;
  std::error_code ec;
  const auto resolved = std::filesystem::weakly_canonical(*root_ / relative, ec);
  if (ec) return std::nullopt;
  // Inside the root after resolving "..", symbolic links included.
  const auto rel = resolved.lexically_relative(*root_);
  if (rel.empty() || *rel.begin() == "..") return std::nullopt;
  return resolved;
}

std::FILE* Semihosting::file(uint32_t handle) const {
  const auto it = files_.find(handle);
  return it == files_.end() ? nullptr : it->second.get();
}

SemihostingResult Semihosting::open(uint32_t arg) {
  uint32_t a[3];
  if (!read_words(arg, a, 3) || a[2] > 4096) return value(kMinusOne);
  std::string name(a[2], '\0');
  if (!host_.read_guest(a[0], name.data(), a[2])) return value(kMinusOne);
  const uint32_t mode = a[1];
  if (name == ":tt") {
    if (mode < 4) return value(kStdin);
    if (mode < 8) return value(kStdout);
    return value(kStderr);
  }
  if (mode >= 12) {
    errno_ = kEacces;
    return value(kMinusOne);
  }
  if (name == kFeaturesName) return open_features(mode);
  const auto path = sandboxed(name);
  if (!path) {
    errno_ = root_ ? kEacces : kEnoent;
    return value(kMinusOne);
  }
  std::FILE* f = std::fopen(path->c_str(), kModes[mode]);
  if (f == nullptr) {
    errno_ = kEnoent;
    return value(kMinusOne);
  }
  const uint32_t handle = next_handle_++;
  files_[handle].reset(f);
  return value(handle);
}

// The feature file is read-only; it is an in-memory stream, so SYS_READ, SYS_SEEK,
// SYS_FLEN and SYS_CLOSE treat it as any other open file.
SemihostingResult Semihosting::open_features(uint32_t mode) {
  if (mode >= 2) {  // "r" and "rb" only
    errno_ = kEacces;
    return value(kMinusOne);
  }
  // fmemopen in a read mode never writes to the buffer.
  std::FILE* f = fmemopen(const_cast<uint8_t*>(kFeatureFile), sizeof kFeatureFile, "rb");
  if (f == nullptr) {
    errno_ = kEio;
    return value(kMinusOne);
  }
  const uint32_t handle = next_handle_++;
  files_[handle].reset(f);
  return value(handle);
}

SemihostingResult Semihosting::close(uint32_t arg) {
  uint32_t handle = 0;
  if (!read_words(arg, &handle, 1)) return value(kMinusOne);
  if (handle >= kStdin && handle <= kStderr) return value(0);
  if (files_.erase(handle) == 0) {
    errno_ = kEbadf;
    return value(kMinusOne);
  }
  return value(0);
}

SemihostingResult Semihosting::seek(uint32_t arg) {
  uint32_t a[2];
  if (!read_words(arg, a, 2)) return value(kMinusOne);
  std::FILE* f = file(a[0]);
  if (f == nullptr || std::fseek(f, static_cast<long>(a[1]), SEEK_SET) != 0) {
    errno_ = f == nullptr ? kEbadf : kEio;
    return value(kMinusOne);
  }
  return value(0);
}

SemihostingResult Semihosting::flen(uint32_t arg) {
  uint32_t handle = 0;
  if (!read_words(arg, &handle, 1)) return value(kMinusOne);
  std::FILE* f = file(handle);
  if (f == nullptr) {
    errno_ = kEbadf;
    return value(kMinusOne);
  }
  const long here = std::ftell(f);
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, here, SEEK_SET);
  return value(static_cast<uint32_t>(size));
}

SemihostingResult Semihosting::remove(uint32_t arg) {
  uint32_t a[2];
  if (!read_words(arg, a, 2) || a[1] > 4096) return value(kMinusOne);
  std::string name(a[1], '\0');
  if (!host_.read_guest(a[0], name.data(), a[1])) return value(kMinusOne);
  const auto path = sandboxed(name);
  std::error_code ec;
  if (!path || !std::filesystem::remove(*path, ec)) {
    errno_ = path ? kEnoent : kEacces;
    return value(kMinusOne);
  }
  return value(0);
}

SemihostingResult Semihosting::write(uint32_t arg) {
  uint32_t a[3];
  if (!read_words(arg, a, 3)) return value(kMinusOne);
  const uint32_t handle = a[0];
  const uint32_t length = a[2];
  std::string text(length > kMaxString ? 0 : length, '\0');
  if (length > kMaxString || !host_.read_guest(a[1], text.data(), length)) return value(length);
  if (std::FILE* f = file(handle)) {
    const size_t written = std::fwrite(text.data(), 1, text.size(), f);
    return value(length - static_cast<uint32_t>(written));  // bytes NOT written
  }
  if (handle != kStdout && handle != kStderr) {
    errno_ = kEbadf;
    return value(length);  // nothing written
  }
  host_.console(
      handle == kStdout ? ConsoleSource::SemihostingStdout : ConsoleSource::SemihostingStderr,
      text);
  return value(0);
}

SemihostingResult Semihosting::read(uint32_t arg) {
  uint32_t a[3];
  if (!read_words(arg, a, 3)) return value(kMinusOne);
  if (std::FILE* f = file(a[0])) {
    std::string buffer(std::min(a[2], kMaxString), '\0');
    const size_t got = std::fread(buffer.data(), 1, buffer.size(), f);
    if (got > 0 && !host_.write_guest(a[1], buffer.data(), static_cast<uint32_t>(got)))
      return value(kMinusOne);
    return value(a[2] - static_cast<uint32_t>(got));  // bytes NOT read
  }
  if (a[0] != kStdin) errno_ = kEbadf;
  return value(a[2]);  // console input is at end of file: no bytes read
}

SemihostingResult Semihosting::call(uint32_t op, uint32_t arg) {
  switch (op) {
    case kOpen:
      return open(arg);
    case kClose:
      return close(arg);
    case kRemove:
      return remove(arg);
    case kWriteC: {
      char c = 0;
      if (host_.read_guest(arg, &c, 1)) host_.console(ConsoleSource::SemihostingStdout, {&c, 1});
      return value(0);
    }
    case kWrite0: {
      std::string text;
      char c = 0;
      while (text.size() < kMaxString &&
             host_.read_guest(arg + static_cast<uint32_t>(text.size()), &c, 1) && c != '\0')
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
      return seek(arg);
    case kFlen:
      return flen(arg);
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
