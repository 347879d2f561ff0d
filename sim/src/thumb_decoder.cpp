// Capstone decoding of Thumb code for the cycle models.
#include "thumb_decoder.hpp"

#include "mcuprof/sim/error.hpp"

namespace mcuprof::sim {

ThumbDecoder::ThumbDecoder() {
  const auto mode = static_cast<cs_mode>(CS_MODE_THUMB | CS_MODE_MCLASS);
  if (cs_open(CS_ARCH_ARM, mode, &handle_) != CS_ERR_OK)
    throw SimError(SimError::Kind::Emulator, "Capstone: cannot open a Thumb decoder");
  scratch_ = cs_malloc(handle_);
}

ThumbDecoder::~ThumbDecoder() {
  if (scratch_ != nullptr) cs_free(scratch_, 1);
  cs_close(&handle_);
}

uint32_t ThumbDecoder::count_instructions(uint32_t address, std::span<const uint8_t> code) const {
  const uint8_t* bytes = code.data();
  size_t size = code.size();
  uint64_t pc = address;
  uint32_t count = 0;
  while (size > 0) {
    if (!cs_disasm_iter(handle_, &bytes, &size, &pc, scratch_)) {
      ++count;  // undecodable: the core stops here with a fault
      break;
    }
    ++count;
  }
  return count;
}

}  // namespace mcuprof::sim
