// Small file helpers the tests share: whole files in and out, JSON documents.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

namespace mcuprof::test {

// The whole file (empty when it cannot be read).
std::vector<uint8_t> read_bytes(const std::filesystem::path& path);
std::string read_text(const std::filesystem::path& path);
// Parses a JSON file; throws nlohmann::json::parse_error when it is not JSON.
nlohmann::json read_json(const std::filesystem::path& path);
// Replaces the file with `bytes`.
void write_bytes(const std::filesystem::path& path, std::span<const uint8_t> bytes);

}  // namespace mcuprof::test
