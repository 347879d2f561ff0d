// Parsing and validation of target files (format: docs/targets.md).
#include "mcuprof/targets/target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

namespace mcuprof::targets {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, Core>, 6> kCores{{
    {"cortex-m0", Core::CortexM0},
    {"cortex-m0plus", Core::CortexM0Plus},
    {"cortex-m3", Core::CortexM3},
    {"cortex-m4", Core::CortexM4},
    {"cortex-m7", Core::CortexM7},
    {"cortex-m33", Core::CortexM33},
}};

constexpr std::array<std::pair<std::string_view, MemoryKind>, 3> kKinds{{
    {"flash", MemoryKind::Flash},
    {"sram", MemoryKind::Sram},
    {"tcm", MemoryKind::Tcm},
}};

// Error helper: every message names the origin file and the JSON field.
[[noreturn]] void fail(const std::string& origin, std::string_view field, std::string_view what) {
  throw TargetError(fmt::format("{}: field '{}': {}", origin, field, what));
}

// Accepts 1024, "0x400", "4KiB", "1MiB", "1GiB".
uint64_t parse_size(const json& value, const std::string& origin, std::string_view field) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (!value.is_string()) fail(origin, field, "expected a number or a string like \"256KiB\"");
  const std::string text = value.get<std::string>();
  uint64_t multiplier = 1;
  std::string digits = text;
  for (auto [suffix, mult] : {std::pair{"KiB", 1024ull}, std::pair{"MiB", 1024ull * 1024},
                              std::pair{"GiB", 1024ull * 1024 * 1024}}) {
    const std::string_view s = suffix;
    if (text.size() > s.size() && text.ends_with(s)) {
      multiplier = mult;
      digits = text.substr(0, text.size() - s.size());
      break;
    }
  }
  char* end = nullptr;
  errno = 0;
  const unsigned long long number = std::strtoull(digits.c_str(), &end, 0);
  if (digits.empty() || end == nullptr || *end != '\0' || errno != 0 || digits.front() == '-')
    fail(origin, field, fmt::format("cannot read \"{}\" as a size or address", text));
  return number * multiplier;
}

std::string required_string(const json& obj, std::string_view key, const std::string& origin,
                            const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end()) fail(origin, path + std::string(key), "missing");
  if (!it->is_string() || it->get<std::string>().empty())
    fail(origin, path + std::string(key), "expected a non-empty string");
  return it->get<std::string>();
}

Memory parse_memory(const json& obj, size_t index, const std::string& origin) {
  const std::string path = fmt::format("memories[{}].", index);
  if (!obj.is_object()) fail(origin, path, "expected an object");
  Memory m;
  m.name = required_string(obj, "name", origin, path);
  const std::string kind = required_string(obj, "kind", origin, path);
  const auto kit =
      std::find_if(kKinds.begin(), kKinds.end(), [&](const auto& k) { return k.first == kind; });
  if (kit == kKinds.end())
    fail(origin, path + "kind", fmt::format("unknown kind \"{}\" (flash, sram, tcm)", kind));
  m.kind = kit->second;
  if (!obj.contains("base")) fail(origin, path + "base", "missing");
  if (!obj.contains("size")) fail(origin, path + "size", "missing");
  const uint64_t base = parse_size(obj["base"], origin, path + "base");
  const uint64_t size = parse_size(obj["size"], origin, path + "size");
  if (size == 0) fail(origin, path + "size", "must be greater than zero");
  if (base + size > 0x1'0000'0000ull)
    fail(origin, path + "size", "memory extends past the 4 GiB address space");
  if (base >= 0xE0000000ull)
    fail(origin, path + "base", "overlaps the Cortex-M private peripheral / system region");
  m.base = static_cast<uint32_t>(base);
  m.size = static_cast<uint32_t>(size);
  if (obj.contains("wait_states")) {
    const auto& ws = obj["wait_states"];
    if (!ws.is_number_unsigned() || ws.get<uint64_t>() > 63)
      fail(origin, path + "wait_states", "expected an integer from 0 to 63");
    m.wait_states = ws.get<unsigned>();
  }
  if (obj.contains("source") && obj["source"].is_string()) m.source = obj["source"];
  return m;
}

unsigned small_count(const json& obj, std::string_view key, const std::string& origin,
                     const std::string& path, unsigned fallback, unsigned max) {
  if (!obj.contains(key)) return fallback;
  const auto& v = obj[std::string(key)];
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max)
    fail(origin, path + std::string(key), fmt::format("expected an integer from 0 to {}", max));
  return v.get<unsigned>();
}

bool is_power_of_two(uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

FlashAccelerator parse_accelerator(const json& obj, const std::string& origin) {
  const std::string path = "flash_accelerator.";
  if (!obj.is_object()) fail(origin, "flash_accelerator", "expected an object");
  FlashAccelerator a;
  const std::string kind = required_string(obj, "kind", origin, path);
  if (kind == "none") {
    a.kind = FlashAccelerator::Kind::None;
  } else if (kind == "prefetch") {
    a.kind = FlashAccelerator::Kind::Prefetch;
  } else if (kind == "stm32-art") {
    a.kind = FlashAccelerator::Kind::StmArt;
  } else if (kind == "xip-cache") {
    a.kind = FlashAccelerator::Kind::XipCache;
  } else if (kind == "flash-cache") {
    a.kind = FlashAccelerator::Kind::FlashCache;
  } else {
    fail(origin, path + "kind",
         fmt::format("unknown kind \"{}\" (none, prefetch, stm32-art, xip-cache, flash-cache)",
                     kind));
  }
  if (obj.contains("prefetch")) {
    if (!obj["prefetch"].is_boolean()) fail(origin, path + "prefetch", "expected true or false");
    a.prefetch = obj["prefetch"];
  }
  a.line_bytes = small_count(obj, "line_bytes", origin, path, 16, 256);
  if (!is_power_of_two(a.line_bytes) || a.line_bytes < 4)
    fail(origin, path + "line_bytes", "expected a power of two from 4 to 256");
  a.icache_lines = small_count(obj, "icache_lines", origin, path, 0, 65536);
  a.dcache_lines = small_count(obj, "dcache_lines", origin, path, 0, 65536);
  a.ways = small_count(obj, "ways", origin, path, 1, 64);
  if (a.ways == 0) fail(origin, path + "ways", "must be at least 1");
  const bool set_associative =
      a.kind == FlashAccelerator::Kind::XipCache || a.kind == FlashAccelerator::Kind::FlashCache;
  if ((a.kind == FlashAccelerator::Kind::StmArt || set_associative) && a.icache_lines == 0)
    fail(origin, path + "icache_lines", "a cache needs at least one line");
  if (set_associative && a.icache_lines % a.ways != 0)
    fail(origin, path + "ways", "icache_lines must be a multiple of ways");
  if (obj.contains("source") && obj["source"].is_string()) a.source = obj["source"];
  return a;
}

Cache parse_cache(const json& obj, const std::string& origin, const std::string& field) {
  if (!obj.is_object()) fail(origin, field, "expected an object");
  Cache c;
  if (!obj.contains("size")) fail(origin, field + ".size", "missing");
  const uint64_t size = parse_size(obj["size"], origin, field + ".size");
  c.line_bytes = small_count(obj, "line_bytes", origin, field + ".", 32, 256);
  c.ways = small_count(obj, "ways", origin, field + ".", 1, 64);
  if (!is_power_of_two(size) || size > (1u << 24))
    fail(origin, field + ".size", "expected a power of two up to 16 MiB");
  if (!is_power_of_two(c.line_bytes))
    fail(origin, field + ".line_bytes", "expected a power of two");
  if (c.ways == 0 || size % (uint64_t{c.line_bytes} * c.ways) != 0)
    fail(origin, field + ".ways", "size must be a multiple of line_bytes * ways");
  c.size = static_cast<uint32_t>(size);
  return c;
}

uint32_t parse_u32(const json& value, const std::string& origin, const std::string& field) {
  const uint64_t v = parse_size(value, origin, field);
  if (v > 0xFFFFFFFFull) fail(origin, field, "expected a 32-bit value");
  return static_cast<uint32_t>(v);
}

constexpr std::array<std::pair<std::string_view, FlashControl::Kind>, 6> kControls{{
    {"stm32f4-acr", FlashControl::Kind::Stm32F4},
    {"stm32l4-acr", FlashControl::Kind::Stm32L4},
    {"stm32f7-acr", FlashControl::Kind::Stm32F7},
    {"stm32h7-acr", FlashControl::Kind::Stm32H7},
    {"rp2040-xip-ctrl", FlashControl::Kind::Rp2040Xip},
    {"nrf52-nvmc", FlashControl::Kind::Nrf52Nvmc},
}};

FlashControl parse_flash_control(const json& obj, const std::string& origin) {
  const std::string path = "flash_control.";
  if (!obj.is_object()) fail(origin, "flash_control", "expected an object");
  FlashControl c;
  const std::string kind = required_string(obj, "kind", origin, path);
  const auto it = std::find_if(kControls.begin(), kControls.end(),
                               [&](const auto& k) { return k.first == kind; });
  if (it == kControls.end())
    fail(origin, path + "kind",
         fmt::format("unknown kind \"{}\" (stm32f4-acr, stm32l4-acr, stm32f7-acr, stm32h7-acr, "
                     "rp2040-xip-ctrl, nrf52-nvmc)",
                     kind));
  c.kind = it->second;
  if (!obj.contains("address")) fail(origin, path + "address", "missing");
  c.address = parse_u32(obj["address"], origin, path + "address");
  if (c.address % 4 != 0) fail(origin, path + "address", "expected a word-aligned address");
  if (c.address >= 0xE0000000u)
    fail(origin, path + "address", "overlaps the Cortex-M private peripheral / system region");
  c.latency = small_count(obj, "latency", origin, path, 0, 15);
  c.cycles_per_latency = small_count(obj, "cycles_per_latency", origin, path, 1, 8);
  if (c.cycles_per_latency == 0) fail(origin, path + "cycles_per_latency", "must be at least 1");
  if (obj.contains("source") && obj["source"].is_string()) c.source = obj["source"];
  return c;
}

Peripherals parse_peripherals(const json& obj, const std::string& origin) {
  if (!obj.is_object()) fail(origin, "peripherals", "expected an object");
  Peripherals p;
  if (obj.contains("unknown_registers")) {
    const auto& v = obj["unknown_registers"];
    if (v == "last-written")
      p.policy = UnknownRegisterPolicy::LastWritten;
    else if (v == "fault")
      p.policy = UnknownRegisterPolicy::Fault;
    else
      fail(origin, "peripherals.unknown_registers", "expected \"last-written\" or \"fault\"");
  }
  if (obj.contains("regions")) {
    if (!obj["regions"].is_array()) fail(origin, "peripherals.regions", "expected an array");
    for (size_t i = 0; i < obj["regions"].size(); ++i) {
      const auto& r = obj["regions"][i];
      const std::string path = fmt::format("peripherals.regions[{}].", i);
      if (!r.is_object()) fail(origin, path, "expected an object");
      PeripheralRegion region;
      region.name = required_string(r, "name", origin, path);
      if (!r.contains("base")) fail(origin, path + "base", "missing");
      if (!r.contains("size")) fail(origin, path + "size", "missing");
      const uint64_t base = parse_size(r["base"], origin, path + "base");
      const uint64_t size = parse_size(r["size"], origin, path + "size");
      if (size == 0 || base % 4096 != 0 || size % 4096 != 0 || base + size > 0xE0000000ull)
        fail(origin, path + "size",
             "expected a non-empty range on 4 KiB boundaries below 0xE0000000");
      region.base = static_cast<uint32_t>(base);
      region.size = static_cast<uint32_t>(size);
      p.regions.push_back(region);
    }
  } else {
    p.regions.push_back({"peripherals", 0x40000000u, 0x20000000u});
  }
  if (obj.contains("registers")) {
    if (!obj["registers"].is_array()) fail(origin, "peripherals.registers", "expected an array");
    for (size_t i = 0; i < obj["registers"].size(); ++i) {
      const auto& r = obj["registers"][i];
      const std::string path = fmt::format("peripherals.registers[{}].", i);
      if (!r.is_object()) fail(origin, path, "expected an object");
      RegisterRule rule;
      rule.name = required_string(r, "name", origin, path);
      if (!r.contains("address")) fail(origin, path + "address", "missing");
      rule.address = parse_u32(r["address"], origin, path + "address");
      if (rule.address % 4 != 0) fail(origin, path + "address", "expected a word-aligned address");
      if (r.contains("reset")) rule.reset = parse_u32(r["reset"], origin, path + "reset");
      if (r.contains("copy")) {
        if (!r["copy"].is_array()) fail(origin, path + "copy", "expected an array");
        for (size_t j = 0; j < r["copy"].size(); ++j) {
          const auto& c = r["copy"][j];
          const std::string cpath = fmt::format("{}copy[{}].", path, j);
          if (!c.is_object()) fail(origin, cpath, "expected an object");
          RegisterRule::Copy copy;
          copy.from = small_count(c, "from", origin, cpath, 0, 31);
          copy.to = small_count(c, "to", origin, cpath, 0, 31);
          copy.width = small_count(c, "width", origin, cpath, 1, 32);
          if (copy.width == 0 || copy.from + copy.width > 32 || copy.to + copy.width > 32)
            fail(origin, cpath + "width", "field extends past bit 31");
          rule.copies.push_back(copy);
        }
      }
      p.registers.push_back(rule);
    }
  }
  if (obj.contains("source") && obj["source"].is_string()) p.source = obj["source"];
  for (const auto& rule : p.registers) {
    bool inside = false;
    for (const auto& region : p.regions) inside = inside || region.contains(rule.address);
    if (!inside)
      fail(origin, "peripherals.registers",
           fmt::format("{} at 0x{:08x} is outside every peripheral region", rule.name,
                       rule.address));
  }
  return p;
}

}  // namespace

uint32_t RegisterRule::read_value(uint32_t stored) const {
  uint32_t v = stored;
  for (const auto& c : copies) {
    const uint32_t mask = c.width >= 32 ? 0xFFFFFFFFu : ((1u << c.width) - 1u);
    v = (v & ~(mask << c.to)) | (((stored >> c.from) & mask) << c.to);
  }
  return v;
}

const RegisterRule* Peripherals::rule_at(uint32_t address) const {
  for (const auto& r : registers)
    if (r.address == address) return &r;
  return nullptr;
}

std::string_view to_string(Core core) {
  for (const auto& [name, c] : kCores)
    if (c == core) return name;
  return "unknown";
}

std::optional<Core> core_from_string(std::string_view name) {
  for (const auto& [n, c] : kCores)
    if (n == name) return c;
  return std::nullopt;
}

std::string_view to_string(MemoryKind kind) {
  for (const auto& [name, k] : kKinds)
    if (k == kind) return name;
  return "unknown";
}

const Memory& Target::memory(std::string_view memory_name) const {
  for (const auto& m : memories)
    if (m.name == memory_name) return m;
  throw TargetError(fmt::format("target {}: no memory named '{}'", name, memory_name));
}

const Memory* Target::memory_at(uint32_t address) const {
  for (const auto& m : memories)
    if (m.contains(address)) return &m;
  return nullptr;
}

Target parse_target(std::string_view json_text, const std::string& origin) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw TargetError(fmt::format("{}: not valid JSON: {}", origin, e.what()));
  }
  if (!doc.is_object()) throw TargetError(fmt::format("{}: expected a JSON object", origin));

  Target t;
  t.name = required_string(doc, "name", origin, "");
  if (doc.contains("description") && doc["description"].is_string())
    t.description = doc["description"];
  const std::string core = required_string(doc, "core", origin, "");
  const auto c = core_from_string(core);
  if (!c) {
    std::string known;
    for (const auto& [n, _] : kCores) known += (known.empty() ? "" : ", ") + std::string(n);
    fail(origin, "core", fmt::format("unknown core \"{}\" (known: {})", core, known));
  }
  t.core = *c;
  if (doc.contains("fpu")) {
    const auto& f = doc["fpu"];
    if (f.is_boolean()) {
      t.fpu = f;
    } else if (f == "single" || f == "double") {
      t.fpu = true;
      t.fpu_double = f == "double";
    } else {
      fail(origin, "fpu", "expected true, false, \"single\" or \"double\"");
    }
  }
  if (t.fpu_double && t.core != Core::CortexM7)
    fail(origin, "fpu", "double precision is only available on the Cortex-M7 (FPv5-D16)");
  if (t.fpu &&
      (t.core == Core::CortexM0 || t.core == Core::CortexM0Plus || t.core == Core::CortexM3))
    fail(origin, "fpu", fmt::format("{} has no FPU", core));
  if (!doc.contains("clock_hz")) fail(origin, "clock_hz", "missing");
  if (!doc["clock_hz"].is_number_unsigned() || doc["clock_hz"].get<uint64_t>() == 0)
    fail(origin, "clock_hz", "expected a positive integer (Hz)");
  t.clock_hz = doc["clock_hz"];

  if (!doc.contains("memories") || !doc["memories"].is_array() || doc["memories"].empty())
    fail(origin, "memories", "expected a non-empty array");
  for (size_t i = 0; i < doc["memories"].size(); ++i)
    t.memories.push_back(parse_memory(doc["memories"][i], i, origin));
  for (size_t i = 0; i < t.memories.size(); ++i) {
    for (size_t j = i + 1; j < t.memories.size(); ++j) {
      const Memory& a = t.memories[i];
      const Memory& b = t.memories[j];
      if (a.name == b.name)
        fail(origin, fmt::format("memories[{}].name", j),
             fmt::format("duplicate name '{}'", b.name));
      if (a.base < b.end() && b.base < a.end())
        fail(origin, fmt::format("memories[{}].base", j),
             fmt::format("'{}' overlaps '{}'", b.name, a.name));
    }
  }

  t.code_memory = required_string(doc, "code_memory", origin, "");
  t.data_memory = required_string(doc, "data_memory", origin, "");
  const auto by_name = [&](const std::string& n) {
    return std::find_if(t.memories.begin(), t.memories.end(),
                        [&](const Memory& m) { return m.name == n; });
  };
  if (by_name(t.code_memory) == t.memories.end())
    fail(origin, "code_memory", fmt::format("no memory named '{}'", t.code_memory));
  const auto data = by_name(t.data_memory);
  if (data == t.memories.end())
    fail(origin, "data_memory", fmt::format("no memory named '{}'", t.data_memory));
  if (!data->writable()) fail(origin, "data_memory", "must be a writable memory (sram or tcm)");

  t.stack_bytes = 4096;
  if (doc.contains("stack_bytes")) {
    const uint64_t s = parse_size(doc["stack_bytes"], origin, "stack_bytes");
    if (s < 256 || s % 8 != 0 || s >= data->size)
      fail(origin, "stack_bytes",
           "expected a multiple of 8, at least 256, smaller than data memory");
    t.stack_bytes = static_cast<uint32_t>(s);
  }
  const bool v6m = t.core == Core::CortexM0 || t.core == Core::CortexM0Plus;
  t.irq_count = small_count(doc, "irq_count", origin, "", 64, v6m ? 32 : 496);
  t.priority_bits = small_count(doc, "priority_bits", origin, "", v6m ? 2 : 4, 8);
  if (v6m ? t.priority_bits != 2 : t.priority_bits < 3)
    fail(origin, "priority_bits",
         v6m ? "ARMv6-M implements 2 priority bits"
             : "ARMv7-M/ARMv8-M implement 3 to 8 priority bits");
  t.peripherals =
      parse_peripherals(doc.contains("peripherals") ? doc["peripherals"] : json::object(), origin);
  for (const auto& region : t.peripherals.regions)
    for (const auto& m : t.memories)
      if (m.base < uint64_t{region.base} + region.size && region.base < m.end())
        fail(origin, "peripherals.regions",
             fmt::format("'{}' overlaps memory '{}'", region.name, m.name));
  if (doc.contains("flash_accelerator"))
    t.flash_accelerator = parse_accelerator(doc["flash_accelerator"], origin);
  if (doc.contains("flash_control"))
    t.flash_control = parse_flash_control(doc["flash_control"], origin);
  if (doc.contains("icache")) t.icache = parse_cache(doc["icache"], origin, "icache");
  if (doc.contains("dcache")) t.dcache = parse_cache(doc["dcache"], origin, "dcache");
  return t;
}

Target load_target_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TargetError(fmt::format("{}: cannot open target file", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  Target t = parse_target(text.str(), path.string());
  t.file = path;
  return t;
}

Catalogue Catalogue::from_directory(const std::filesystem::path& dir) {
  Catalogue cat;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw TargetError(fmt::format("{}: target catalogue folder not found", dir.string()));
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") cat.targets_.push_back(load_target_file(entry.path()));
  }
  std::sort(cat.targets_.begin(), cat.targets_.end(),
            [](const Target& a, const Target& b) { return a.name < b.name; });
  for (size_t i = 1; i < cat.targets_.size(); ++i)
    if (cat.targets_[i].name == cat.targets_[i - 1].name)
      throw TargetError(fmt::format("{}: target name '{}' also used by {}",
                                    cat.targets_[i].file.string(), cat.targets_[i].name,
                                    cat.targets_[i - 1].file.string()));
  return cat;
}

const Target& Catalogue::find(std::string_view name) const {
  for (const auto& t : targets_)
    if (t.name == name) return t;
  std::string known;
  for (const auto& t : targets_) known += (known.empty() ? "" : ", ") + t.name;
  throw TargetError(fmt::format("unknown target '{}' (known: {})", name, known));
}

std::filesystem::path default_catalogue_dir() {
  if (const char* env = std::getenv("MCUPROF_TARGETS"); env != nullptr && *env != '\0') return env;
  return MCUPROF_TARGETS_DIR;
}

uint64_t catalogue_sram_bytes(std::string_view name) {
  try {
    return Catalogue::from_directory(default_catalogue_dir()).find(name).data().size;
  } catch (const TargetError&) {
    return 0;
  }
}

}  // namespace mcuprof::targets
