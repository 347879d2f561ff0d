// XML parsing for tests (see xml_tree.hpp).
#include "xml_tree.hpp"

#include <expat.h>

#include <stdexcept>

namespace mcuprof::test {
namespace {

struct ParseState {
  std::unique_ptr<XmlElement> root;
  std::vector<XmlElement*> open;
};

void on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto& state = *static_cast<ParseState*>(data);
  auto element = std::make_unique<XmlElement>();
  element->name = name;
  for (size_t k = 0; attributes[k] != nullptr; k += 2)
    element->attributes[attributes[k]] = attributes[k + 1];
  XmlElement* raw = element.get();
  if (state.open.empty())
    state.root = std::move(element);
  else
    state.open.back()->children.push_back(std::move(element));
  state.open.push_back(raw);
}

void on_end(void* data, const XML_Char*) {
  static_cast<ParseState*>(data)->open.pop_back();
}

void on_text(void* data, const XML_Char* s, int length) {
  auto& state = *static_cast<ParseState*>(data);
  if (!state.open.empty()) state.open.back()->text.append(s, static_cast<size_t>(length));
}

}  // namespace

std::string XmlElement::attribute(const std::string& key) const {
  const auto it = attributes.find(key);
  return it == attributes.end() ? std::string() : it->second;
}

std::vector<const XmlElement*> XmlElement::children_named(const std::string& child_name) const {
  std::vector<const XmlElement*> out;
  for (const auto& c : children)
    if (c->name == child_name) out.push_back(c.get());
  return out;
}

std::unique_ptr<XmlElement> parse_xml(const std::string& xml) {
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate("UTF-8"),
                                                                      &XML_ParserFree);
  if (!parser) throw std::runtime_error("cannot create an XML parser");
  ParseState state;
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), 1) != XML_STATUS_OK)
    throw std::runtime_error(std::string("XML: ") +
                             XML_ErrorString(XML_GetErrorCode(parser.get())) + " at line " +
                             std::to_string(XML_GetCurrentLineNumber(parser.get())));
  if (!state.root) throw std::runtime_error("XML: no root element");
  return std::move(state.root);
}

}  // namespace mcuprof::test
