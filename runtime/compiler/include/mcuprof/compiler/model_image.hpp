// The model image: one versioned, checksummed little-endian blob with the op list,
// tensor table, quantization parameters, arena offsets and weights, which the firmware
// executor reads in place from flash. Layout: runtime/firmware/include/
// mcuprof_model_image.h; description: docs/runtime.md, "Model image".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/compiler/planner.hpp"
#include "mcuprof_model_image.h"

namespace mcuprof::compiler {

uint32_t crc32(std::span<const uint8_t> bytes);
// Continues a CRC-32: crc32(a ++ b) == crc32_update(crc32(a), b).
uint32_t crc32_update(uint32_t crc, std::span<const uint8_t> bytes);
// The image checksum: CRC-32 of the image without its crc32 field (bytes 12..15).
uint32_t image_checksum(std::span<const uint8_t> image);

// A schedule section to embed (patch_image.hpp builds it): its bytes, and the tensors
// that live only in per-patch buffers (written with MCUPROF_STORAGE_PATCH).
struct ImageSchedule {
  std::vector<uint8_t> section;
  std::vector<int32_t> patch_tensors;
};

// Builds the image for a graph and its memory plan (plan_memory(g).plan), layer by layer
// or, with `schedule`, with that schedule section.
std::vector<uint8_t> write_model_image(const Graph& g, const ArenaPlan& plan,
                                       const ImageSchedule* schedule = nullptr);

// An image parsed back (host side, for tests and tools). Throws ModelError if the image
// is damaged: wrong magic or version, checksum mismatch, any offset out of bounds.
struct ModelImage {
  mcuprof_image_header header{};
  std::vector<mcuprof_tensor> tensors;
  std::vector<mcuprof_op> ops;
  std::vector<uint32_t> inputs, outputs;
  std::vector<int32_t> params;
  std::vector<uint8_t> weights;
  std::vector<char> strings;

  std::vector<int32_t> op_inputs(std::size_t op) const;
  std::vector<int32_t> op_outputs(std::size_t op) const;
  std::vector<int32_t> op_multipliers(std::size_t op) const;  // per channel
  std::vector<int32_t> op_shifts(std::size_t op) const;
  std::vector<int32_t> op_aux(std::size_t op) const;
  std::string tensor_name(std::size_t tensor) const;
  std::span<const uint8_t> tensor_data(std::size_t tensor) const;  // weights only
};

ModelImage read_model_image(std::span<const uint8_t> bytes);

}  // namespace mcuprof::compiler
