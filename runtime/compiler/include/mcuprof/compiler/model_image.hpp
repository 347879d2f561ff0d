// The model image: one versioned, checksummed little-endian blob with the op list,
// tensor table, quantization parameters, arena offsets and weights, which the firmware
// executor reads in place from flash. Layout: runtime/firmware/include/
// mcuprof_model_image.h; description: docs/runtime.md, "Model image".
#pragma once

#include <cstdint>
#include <cstring>
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

// The int32 words of an op kind's options in its params block (mcuprof_model_image.h).
uint32_t image_options_words(uint32_t type);

// The params section by what its words are for, in bytes (`mcuprof inspect`).
struct ImageParamsParts {
  int64_t shapes_bytes = 0;          // tensor dims, one copy per distinct shape
  int64_t io_lists_bytes = 0;        // op input and output tensor indices
  int64_t options_bytes = 0;         // op options and lists (MEAN axes, PAD, TRANSPOSE)
  int64_t requantization_bytes = 0;  // convolutions' and FC's multipliers and shifts
};

// An image parsed back (host side, for tests and tools). Throws ModelError if the image
// is damaged: wrong magic or version, checksum mismatch, any offset out of bounds.
// Tensor and op indices are the graph's (write_model_image keeps them).
struct ModelImage {
  mcuprof_image_header header{};
  std::vector<mcuprof_tensor> tensors;
  std::vector<mcuprof_op> ops;
  std::vector<uint32_t> inputs, outputs;
  std::vector<int32_t> params;
  std::vector<uint8_t> weights;
  std::vector<char> strings;

  std::vector<int32_t> tensor_shape(std::size_t tensor) const;
  std::vector<int32_t> op_inputs(std::size_t op) const;
  std::vector<int32_t> op_outputs(std::size_t op) const;
  // The op's options: T is its kind's struct (mcuprof_window_options, ...).
  template <typename T>
  T op_options(std::size_t op) const {
    const auto words = op_option_words(op);
    if (words.size_bytes() != sizeof(T))
      throw ModelError("op options of another kind requested from the model image");
    T out;
    std::memcpy(&out, words.data(), sizeof(T));
    return out;
  }
  std::span<const int32_t> op_option_words(std::size_t op) const;
  // Convolutions and FULLY_CONNECTED: per channel, or the one per-tensor value.
  std::vector<int32_t> op_multipliers(std::size_t op) const;
  std::vector<int32_t> op_shifts(std::size_t op) const;
  std::vector<int32_t> op_list(std::size_t op) const;  // MEAN axes, PAD amounts, TRANSPOSE perm
  std::string tensor_name(std::size_t tensor) const;   // the model's inputs and outputs only
  std::span<const uint8_t> tensor_data(std::size_t tensor) const;  // weights only
  ImageParamsParts params_parts() const;

  // Where each op's options and list start (params indices), filled by read_model_image.
  struct OpBlock {
    uint32_t options = 0, options_words = 0, list = 0, list_words = 0, channels = 0;
  };
  std::vector<OpBlock> op_blocks_;
};

ModelImage read_model_image(std::span<const uint8_t> bytes);

}  // namespace mcuprof::compiler
