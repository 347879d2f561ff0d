// Printable model names (names.hpp): UTF-8 validation with \xNN escapes, and eliding
// long names for one-line messages.
#include "mcuprof/compiler/names.hpp"

#include <fmt/format.h>

namespace mcuprof::compiler {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string escape_name(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    const std::size_t n = utf8_sequence(raw, i);
    if (n == 0 || c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02X}", c);
      ++i;
    } else {
      out.append(raw.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string short_name(std::string_view name, std::size_t max) {
  if (name.size() <= max || max < 8) return std::string(name);
  const auto boundary = [&](std::size_t k) {  // back to the start of a UTF-8 sequence
    while (k > 0 && (static_cast<unsigned char>(name[k]) & 0xC0) == 0x80) --k;
    return k;
  };
  const std::size_t head = boundary((max - 3) / 2);
  const std::size_t tail = boundary(name.size() - (max - 3 - (max - 3) / 2));
  return std::string(name.substr(0, head)) + "..." + std::string(name.substr(tail));
}

}  // namespace mcuprof::compiler
