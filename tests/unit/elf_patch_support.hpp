// Test helper: reads and patches the program headers of a 32-bit little-endian ELF in
// memory, so tests craft malformed or oversized images from a real firmware (never a
// file copied from elsewhere).
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace mcuprof::test {

struct ProgramHeader {
  size_t at = 0;  // file offset of this header
  uint32_t type = 0, offset = 0, vaddr = 0, paddr = 0, filesz = 0, memsz = 0, flags = 0;
};

inline uint32_t get_u32(const std::vector<uint8_t>& b, size_t pos) {
  uint32_t v = 0;
  std::memcpy(&v, b.data() + pos, 4);
  return v;
}
inline uint16_t get_u16(const std::vector<uint8_t>& b, size_t pos) {
  uint16_t v = 0;
  std::memcpy(&v, b.data() + pos, 2);
  return v;
}
inline void set_u32(std::vector<uint8_t>& b, size_t pos, uint32_t v) {
  std::memcpy(b.data() + pos, &v, 4);
}

// ELF32 header fields: e_phoff at 28, e_phentsize at 42, e_phnum at 44.
constexpr size_t kElfPhoff = 28;
constexpr size_t kElfPhnum = 44;
// Program header fields.
constexpr size_t kPhVaddr = 8, kPhPaddr = 12, kPhFilesz = 16, kPhMemsz = 20, kPhFlags = 24;
constexpr uint32_t kPtLoad = 1, kPfW = 2;

inline std::vector<ProgramHeader> program_headers(const std::vector<uint8_t>& b) {
  if (b.size() < 52) throw std::runtime_error("not an ELF32 file");
  std::vector<ProgramHeader> out;
  const uint32_t phoff = get_u32(b, kElfPhoff);
  const uint16_t size = get_u16(b, 42);
  const uint16_t count = get_u16(b, kElfPhnum);
  for (uint16_t i = 0; i < count; ++i) {
    ProgramHeader p;
    p.at = phoff + size_t{i} * size;
    p.type = get_u32(b, p.at);
    p.offset = get_u32(b, p.at + 4);
    p.vaddr = get_u32(b, p.at + kPhVaddr);
    p.paddr = get_u32(b, p.at + kPhPaddr);
    p.filesz = get_u32(b, p.at + kPhFilesz);
    p.memsz = get_u32(b, p.at + kPhMemsz);
    p.flags = get_u32(b, p.at + kPhFlags);
    out.push_back(p);
  }
  return out;
}

}  // namespace mcuprof::test
