// CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF),
// the image checksum; a bitwise loop the firmware can mirror in a few lines.
#include "mcuprof/compiler/model_image.hpp"

namespace mcuprof::compiler {

uint32_t crc32_update(uint32_t crc, std::span<const uint8_t> bytes) {
  crc = ~crc;
  for (const auto b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

uint32_t crc32(std::span<const uint8_t> bytes) {
  return crc32_update(0, bytes);
}

uint32_t image_checksum(std::span<const uint8_t> image) {
  const uint32_t head = crc32(image.first(MCUPROF_IMAGE_CRC_OFFSET));
  return crc32_update(head, image.subspan(MCUPROF_IMAGE_CRC_OFFSET + 4));
}

}  // namespace mcuprof::compiler
