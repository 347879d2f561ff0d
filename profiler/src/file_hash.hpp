// SHA-256 of a file (with nettle), to identify the firmware of each stored run.
#pragma once

#include <filesystem>
#include <string>

namespace mcuprof::profiler {

// Lower-case hex digest; throws std::runtime_error if the file cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace mcuprof::profiler
