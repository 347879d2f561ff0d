// Atomic output files (see output_file.hpp): temporary file, flush, fsync, check, rename.
#include "output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"

namespace mcuprof::profiler {
namespace {

namespace fs = std::filesystem;

std::string reason(int error) {
  return error != 0 ? std::string(": ") + std::strerror(error) : std::string();
}

// The file a write to `path` changes: symlinks followed, so a link keeps pointing at it.
fs::path resolve(const fs::path& path) {
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    const auto target = fs::weakly_canonical(path, ec);
    if (!ec) return target;
  }
  return path;
}

// A new temporary file beside `destination` (mode 0600 until it is committed).
fs::path make_temporary(const fs::path& destination, int& error) {
  const fs::path folder = destination.has_parent_path() ? destination.parent_path() : ".";
  std::string pattern =
      (folder / ("." + destination.filename().string() + ".mcuprof-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) {
    error = errno;
    return {};
  }
  close(fd);
  return fs::path(name.data());
}

// The mode a new file gets (0666 less the umask), or the replaced file's own mode.
mode_t final_mode(const fs::path& destination) {
  struct stat st {};
  if (stat(destination.c_str(), &st) == 0) return st.st_mode & 07777;
  const mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

bool is_special(const fs::path& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

}  // namespace

OutputFile::OutputFile(fs::path destination, std::string what)
    : destination_(resolve(destination)), what_(std::move(what)) {
  std::error_code ec;
  if (fs::is_directory(destination_, ec))
    fail(exit_code::kCantCreate, fmt::format("cannot write {}: it is a folder", what_));
  if (is_special(destination_)) {
    out_.open(destination_, std::ios::binary | std::ios::trunc);
    if (!out_) fail(exit_code::kCantCreate, fmt::format("cannot write {}{}", what_, reason(errno)));
    return;
  }
  int error = 0;
  temporary_ = make_temporary(destination_, error);
  if (temporary_.empty())
    fail(exit_code::kCantCreate, fmt::format("cannot create {}{}", what_, reason(error)));
  out_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    const int error_open = errno;
    std::error_code ignored;
    fs::remove(temporary_, ignored);
    fail(exit_code::kCantCreate, fmt::format("cannot create {}{}", what_, reason(error_open)));
  }
}

OutputFile::~OutputFile() {
  if (temporary_.empty() || committed_) return;
  out_.close();
  std::error_code ec;
  fs::remove(temporary_, ec);
}

void OutputFile::fail(int status, const std::string& why) {
  throw CommandError(status, fmt::format("{}: {}", destination_.string(), why));
}

void OutputFile::commit() {
  errno = 0;
  out_.flush();
  if (!out_) fail(exit_code::kIoError, fmt::format("cannot write {}{}", what_, reason(errno)));
  out_.close();
  if (!out_) fail(exit_code::kIoError, fmt::format("cannot write {}{}", what_, reason(errno)));
  if (temporary_.empty()) {  // written in place
    committed_ = true;
    return;
  }
  const int fd = open(temporary_.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && fsync(fd) == 0;
  const int error = errno;
  if (fd >= 0) close(fd);
  if (!synced) fail(exit_code::kIoError, fmt::format("cannot write {}{}", what_, reason(error)));
  if (chmod(temporary_.c_str(), final_mode(destination_)) != 0 ||
      std::rename(temporary_.c_str(), destination_.c_str()) != 0)
    fail(exit_code::kIoError, fmt::format("cannot write {}{}", what_, reason(errno)));
  committed_ = true;
}

void write_output_file(const fs::path& path, std::string_view bytes, const std::string& what) {
  OutputFile file(path, what);
  file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.commit();
}

void write_output_file(const fs::path& path, std::span<const uint8_t> bytes,
                       const std::string& what) {
  write_output_file(
      path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), what);
}

void check_output_writable(const fs::path& path, const std::string& what) {
  const fs::path destination = resolve(path);
  if (is_special(destination)) {  // opening a FIFO would wait for its reader
    if (access(destination.c_str(), W_OK) != 0)
      throw CommandError(
          exit_code::kCantCreate,
          fmt::format("{}: cannot write {}{}", destination.string(), what, reason(errno)));
    return;
  }
  OutputFile probe(destination, what);  // creates the temporary file, removed unused
}

}  // namespace mcuprof::profiler
