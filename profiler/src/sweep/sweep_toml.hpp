// TOML sweep files: the same keys as the JSON sweep file (docs/sweeps.md), read with
// toml++ (Debian's libtomlplusplus-dev) and handed to the JSON checks as a JSON value, so
// both spellings mean exactly the same sweep.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace mcuprof::profiler::sweep {

// The TOML document as JSON (tables -> objects, arrays -> arrays, strings, integers,
// floats, booleans). A syntax error, or a date or time anywhere, is a CommandError
// (status 65) naming the file, the line and the column, or the key.
nlohmann::json toml_to_json(const std::string& text, const std::filesystem::path& origin);

}  // namespace mcuprof::profiler::sweep
