// SHA-256 of a file (with nettle), to identify the firmware of each stored run.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mcuprof::profiler {

// Lower-case hex digest; throws std::runtime_error if the file cannot be read.
std::string sha256_file(const std::filesystem::path& path);
// The same of bytes in memory.
std::string sha256_text(std::string_view bytes);

}  // namespace mcuprof::profiler
