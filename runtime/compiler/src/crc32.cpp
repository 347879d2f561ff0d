// CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF),
// the image checksum, through zlib (the same CRC, table-driven): `plan` and `run
// --schedule auto` write an image per candidate schedule, and a bitwise loop over the
// weights was 80 % of their time. The firmware checks it with its own nibble table.
// zlib's crc32_z, not crc32: libunicorn exports an unversioned crc32 of its own, which
// the dynamic linker would bind first (and which is as slow as the bitwise loop).
#include <zlib.h>

#include "mcuprof/compiler/model_image.hpp"

namespace mcuprof::compiler {

uint32_t crc32_update(uint32_t crc, std::span<const uint8_t> bytes) {
  return static_cast<uint32_t>(::crc32_z(crc, bytes.data(), bytes.size()));
}

uint32_t crc32(std::span<const uint8_t> bytes) {
  return crc32_update(0, bytes);
}

uint32_t image_checksum(std::span<const uint8_t> image) {
  const uint32_t head = crc32(image.first(MCUPROF_IMAGE_CRC_OFFSET));
  return crc32_update(head, image.subspan(MCUPROF_IMAGE_CRC_OFFSET + 4));
}

}  // namespace mcuprof::compiler
