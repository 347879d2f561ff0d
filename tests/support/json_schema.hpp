// A checker for the subset of JSON Schema our schemas (docs/schemas/) use: "type" (one
// name or a list: object, array, string, integer, number, boolean, null), "required",
// "properties", "items", "minimum", "enum" and "additionalProperties": false. Returns one line per
// violation, with its JSON pointer; empty when the document conforms.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mcuprof::test {

std::vector<std::string> schema_violations(const nlohmann::json& schema,
                                           const nlohmann::json& document);

}  // namespace mcuprof::test
