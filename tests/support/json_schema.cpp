// The JSON Schema subset checker (see json_schema.hpp).
#include "json_schema.hpp"

#include <algorithm>
#include <stdexcept>

namespace mcuprof::test {
namespace {

bool has_type(const nlohmann::json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  throw std::invalid_argument("schema: unknown type '" + type + "'");
}

void check(const nlohmann::json& schema, const nlohmann::json& v, const std::string& at,
           std::vector<std::string>& out) {
  for (const auto& [key, _] : schema.items())
    if (key != "type" && key != "required" && key != "properties" && key != "items" &&
        key != "minimum" && key != "description" && key != "title" && key != "$schema" &&
        key != "$id" && key != "enum" && key != "additionalProperties")
      throw std::invalid_argument("schema: keyword '" + key + "' is not supported");
  if (const auto t = schema.find("type"); t != schema.end()) {
    bool ok = false;
    std::string names;
    for (const auto& name : t->is_array() ? *t : nlohmann::json::array({*t})) {
      ok = ok || has_type(v, name.get<std::string>());
      names += (names.empty() ? "" : "|") + name.get<std::string>();
    }
    if (!ok) {
      out.push_back(at + ": expected " + names + ", got " + v.dump());
      return;
    }
  }
  if (const auto e = schema.find("enum");
      e != schema.end() && std::find(e->begin(), e->end(), v) == e->end())
    out.push_back(at + ": " + v.dump() + " is not one of " + e->dump());
  if (const auto m = schema.find("minimum");
      m != schema.end() && v.is_number() && v.get<double>() < m->get<double>())
    out.push_back(at + ": " + v.dump() + " is below the minimum " + m->dump());
  if (v.is_object()) {
    if (const auto r = schema.find("required"); r != schema.end())
      for (const auto& key : *r)
        if (!v.contains(key.get<std::string>()))
          out.push_back(at + ": missing required key '" + key.get<std::string>() + "'");
    if (const auto p = schema.find("properties"); p != schema.end())
      for (const auto& [key, sub] : p->items())
        if (v.contains(key)) check(sub, v.at(key), at + "/" + key, out);
    if (const auto a = schema.find("additionalProperties"); a != schema.end() && *a == false) {
      const auto p = schema.find("properties");
      for (const auto& [key, _] : v.items())
        if (p == schema.end() || !p->contains(key))
          out.push_back(at + ": unknown key '" + key + "'");
    }
  }
  if (v.is_array())
    if (const auto items = schema.find("items"); items != schema.end())
      for (size_t i = 0; i < v.size(); ++i) check(*items, v[i], at + "/" + std::to_string(i), out);
}

}  // namespace

std::vector<std::string> schema_violations(const nlohmann::json& schema,
                                           const nlohmann::json& document) {
  std::vector<std::string> out;
  check(schema, document, "", out);
  return out;
}

}  // namespace mcuprof::test
