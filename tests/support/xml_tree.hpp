// A parsed XML document for tests that check what mcuprof writes (the JUnit report): read
// with expat, so a malformed document fails the parse instead of matching a substring.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mcuprof::test {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;  // character data directly inside, concatenated
  std::vector<std::unique_ptr<XmlElement>> children;

  // The attribute's value, "" when absent.
  std::string attribute(const std::string& key) const;
  // Direct children named `child_name`, in document order.
  std::vector<const XmlElement*> children_named(const std::string& child_name) const;
};

// Parses `xml`. Throws std::runtime_error with expat's message and line on malformed input.
std::unique_ptr<XmlElement> parse_xml(const std::string& xml);

}  // namespace mcuprof::test
