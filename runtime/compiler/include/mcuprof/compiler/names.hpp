// Names read from a model file made safe to print and to put in JSON: tensor names,
// custom op codes and the description are arbitrary bytes in a .tflite, but every
// output of mcuprof (tables, one-line errors, JSON, SQLite text) needs valid UTF-8 on
// one line. docs/runtime.md, "Names".
#pragma once

#include <string>
#include <string_view>

namespace mcuprof::compiler {

// `raw` with every byte that is not part of a valid UTF-8 sequence, and every control
// character (U+0000..U+001F, U+007F), written as \xNN (two upper-case hex digits).
// Valid UTF-8 without control characters comes back unchanged.
std::string escape_name(std::string_view raw);

// A name short enough for a one-line message: names longer than `max` characters keep
// their start and end around "...". Cuts only between UTF-8 sequences.
std::string short_name(std::string_view name, std::size_t max = 48);

}  // namespace mcuprof::compiler
