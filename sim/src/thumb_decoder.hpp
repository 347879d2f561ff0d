// RAII wrapper around a Capstone handle that decodes Thumb (M-profile) code.
#pragma once

#include <capstone/capstone.h>

#include <cstdint>
#include <memory>
#include <span>

namespace mcuprof::sim {

class ThumbDecoder {
 public:
  ThumbDecoder();
  ThumbDecoder(const ThumbDecoder&) = delete;
  ThumbDecoder& operator=(const ThumbDecoder&) = delete;
  ~ThumbDecoder();

  // Instructions in `code` (stops at the first undecodable halfword, which counts
  // as one instruction: the core would fault on it).
  uint32_t count_instructions(uint32_t address, std::span<const uint8_t> code) const;

 private:
  csh handle_ = 0;
  cs_insn* scratch_ = nullptr;
};

}  // namespace mcuprof::sim
