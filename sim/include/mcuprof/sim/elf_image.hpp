// A Cortex-M firmware image read from an ELF file: its loadable segments (at their
// load addresses), entry point and symbol table, for loading and for naming code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mcuprof::sim {

struct Segment {
  uint32_t load_address = 0;     // physical address (LMA): where the bytes are placed
  uint32_t virtual_address = 0;  // run address (VMA)
  uint32_t memory_size = 0;      // bytes the segment occupies at run time
  std::vector<uint8_t> bytes;    // file contents (memory_size - bytes.size() are zeros)
  bool executable = false;
  bool writable = false;
  std::string name;  // "segment N" (its program header) for an ELF's own segments
};

struct Symbol {
  std::string name;
  uint32_t address = 0;  // Thumb bit cleared for functions
  uint32_t size = 0;
  bool is_function = false;
};

class ElfImage {
 public:
  // Reads and checks an ELF file: 32-bit, little-endian, EM_ARM, executable.
  // Throws SimError naming the file and the problem.
  static ElfImage load(const std::filesystem::path& path);
  static ElfImage from_bytes(std::vector<uint8_t> bytes, const std::string& origin);

  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Symbol>& symbols() const { return symbols_; }  // sorted by address
  uint32_t entry() const { return entry_; }
  const std::string& origin() const { return origin_; }

  // Adds bytes to place at load time beside the ELF's own segments (e.g. a model image
  // in flash after the program). Machine::load checks that it fits the target.
  void add_segment(Segment segment) { segments_.push_back(std::move(segment)); }

  // The function or object symbol covering `address`, or nullptr.
  const Symbol* symbol_at(uint32_t address) const;
  // Address of a function, object or global linker-script label (e.g. __StackLimit).
  std::optional<uint32_t> symbol_address(const std::string& name) const;

 private:
  std::string origin_;
  uint32_t entry_ = 0;
  std::vector<Segment> segments_;
  std::vector<Symbol> symbols_;
  std::vector<Symbol> labels_;  // global symbols without a type
};

}  // namespace mcuprof::sim
