// Model image writer and reader (see model_image.hpp). The writer lays out: header,
// tensor table, op table, inputs, outputs, params (int32), strings, weights; every
// section and every weight blob 16-byte aligned. The host is little-endian (checked).
#include "mcuprof/compiler/model_image.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "mcuprof/compiler/quantization.hpp"

namespace mcuprof::compiler {

static_assert(std::endian::native == std::endian::little,
              "the image writer assumes a little-endian host");

namespace {

uint32_t align16(std::size_t v) {
  return static_cast<uint32_t>((v + MCUPROF_IMAGE_ALIGN - 1) / MCUPROF_IMAGE_ALIGN *
                               MCUPROF_IMAGE_ALIGN);
}

int16_t i16(int64_t v, const char* what) {
  if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max())
    throw ModelError(fmt::format("{} {} does not fit the image's 16-bit field", what, v));
  return static_cast<int16_t>(v);
}

bool is_model_io(const Graph& g, int32_t t) {
  return std::find(g.inputs.begin(), g.inputs.end(), t) != g.inputs.end() ||
         std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
}

uint32_t u32(std::size_t v, const char* what) {
  if (v > std::numeric_limits<uint32_t>::max())
    throw ModelError(fmt::format("{} exceeds 4 GiB", what));
  return static_cast<uint32_t>(v);
}

template <typename T>
void put(std::vector<uint8_t>& out, std::size_t at, const T& v) {
  std::memcpy(out.data() + at, &v, sizeof(T));
}

}  // namespace

std::vector<uint8_t> write_model_image(const Graph& g, const ArenaPlan& plan,
                                       const ImageSchedule* schedule) {
  // Which constants the ops read: only those go into the weights section.
  std::vector<bool> needed(g.tensors.size(), false);
  for (const auto& op : g.ops)
    for (const auto t : op.inputs)
      if (t >= 0) needed[static_cast<std::size_t>(t)] = true;

  std::vector<char> strings(1, '\0');
  std::vector<uint8_t> weights;
  std::vector<mcuprof_tensor> tensors(g.tensors.size());
  for (std::size_t i = 0; i < g.tensors.size(); ++i) {
    const Tensor& t = g.tensors[i];
    mcuprof_tensor& r = tensors[i];
    std::memset(&r, 0, sizeof r);
    r.dtype = static_cast<uint8_t>(t.dtype);
    r.rank = static_cast<uint8_t>(t.shape.size());
    for (std::size_t k = 0; k < MCUPROF_IMAGE_MAX_RANK; ++k)
      r.dims[k] = k < t.shape.size() ? t.shape[k] : 1;
    r.size_bytes = u32(static_cast<std::size_t>(t.bytes()), "tensor size");
    r.zero_point = t.quant.per_channel() ? 0 : t.zero_point();
    r.scale = t.scale();
    r.source_index = static_cast<uint32_t>(t.source_index);
    // Names only for the model's inputs and outputs (what an application looks up); every
    // other tensor points at the empty name at offset 0 — the firmware reads no names, and
    // the host has the model's.
    if (is_model_io(g, static_cast<int32_t>(i))) {
      r.name_offset = u32(strings.size(), "strings");
      strings.insert(strings.end(), t.name.begin(), t.name.end());
      strings.push_back('\0');
    }
    if (t.constant && needed[i]) {
      r.storage = MCUPROF_STORAGE_WEIGHTS;
      weights.resize(align16(weights.size()));
      r.offset = u32(weights.size(), "weights");
      weights.insert(weights.end(), t.data.begin(), t.data.end());
    } else if (schedule != nullptr &&
               std::find(schedule->patch_tensors.begin(), schedule->patch_tensors.end(),
                         static_cast<int32_t>(i)) != schedule->patch_tensors.end()) {
      r.storage = MCUPROF_STORAGE_PATCH;
      r.offset = 0;
    } else if (!t.constant && !t.removed && i < plan.offsets.size() && plan.offsets[i] >= 0) {
      r.storage = MCUPROF_STORAGE_ARENA;
      r.offset = u32(static_cast<std::size_t>(plan.offsets[i]), "arena offset");
    } else {
      r.storage = MCUPROF_STORAGE_NONE;
    }
  }

  std::vector<int32_t> params;
  std::vector<mcuprof_op> ops(g.ops.size());
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const Operator& op = g.ops[i];
    const auto q = compute_quant_params(g, op);
    mcuprof_op& r = ops[i];
    std::memset(&r, 0, sizeof r);
    r.type = static_cast<uint8_t>(op.type);
    if (op.inputs.size() > 255 || op.outputs.size() > 255) throw ModelError("too many op inputs");
    r.num_inputs = static_cast<uint8_t>(op.inputs.size());
    r.num_outputs = static_cast<uint8_t>(op.outputs.size());
    r.source_index = static_cast<uint32_t>(op.source_index);
    r.io_offset = u32(params.size(), "params");
    params.insert(params.end(), op.inputs.begin(), op.inputs.end());
    params.insert(params.end(), op.outputs.begin(), op.outputs.end());
    uint16_t flags = 0;
    if (op.fused_pad_node) flags |= MCUPROF_OP_FLAG_FUSED_PAD;
    if (std::find(plan.in_place_ops.begin(), plan.in_place_ops.end(), static_cast<int32_t>(i)) !=
        plan.in_place_ops.end())
      flags |= MCUPROF_OP_FLAG_IN_PLACE;
    if (op.options.align_corners) flags |= MCUPROF_OP_FLAG_ALIGN_CORNERS;
    if (op.options.half_pixel_centers) flags |= MCUPROF_OP_FLAG_HALF_PIXEL_CENTERS;
    if (op.options.keep_dims) flags |= MCUPROF_OP_FLAG_KEEP_DIMS;
    if ((op.type == OpType::kAdd || op.type == OpType::kMul) &&
        (g.in(op, 0).shape != g.out(op).shape || g.in(op, 1).shape != g.out(op).shape))
      flags |= MCUPROF_OP_FLAG_BROADCAST;
    const auto& o = op.options;
    r.stride_h = i16(o.stride_h, "stride"), r.stride_w = i16(o.stride_w, "stride");
    r.dilation_h = i16(o.dilation_h, "dilation"), r.dilation_w = i16(o.dilation_w, "dilation");
    r.filter_h = i16(o.filter_h, "filter"), r.filter_w = i16(o.filter_w, "filter");
    r.pad_top = i16(op.pads.top, "padding"), r.pad_left = i16(op.pads.left, "padding");
    r.pad_bottom = i16(op.pads.bottom, "padding"), r.pad_right = i16(op.pads.right, "padding");
    r.depth_multiplier = i16(o.depth_multiplier, "depth multiplier");
    r.axis = i16(o.axis, "axis");
    r.act_min = q.act_min, r.act_max = q.act_max;
    r.input_offset = q.input_offset, r.input2_offset = q.input2_offset,
    r.output_offset = q.output_offset;
    r.output_multiplier = q.output.multiplier, r.output_shift = q.output.shift;
    r.input1_multiplier = q.input1.multiplier, r.input1_shift = q.input1.shift;
    r.input2_multiplier = q.input2.multiplier, r.input2_shift = q.input2.shift;
    r.left_shift = q.left_shift;
    r.scale = q.scale;
    if (!q.per_channel.empty()) {
      flags |= MCUPROF_OP_FLAG_PER_CHANNEL;
      r.channels_offset = u32(params.size(), "params");
      r.channels = u32(q.per_channel.size(), "channels");
      for (const auto& m : q.per_channel) params.push_back(m.multiplier);
      // The shifts as int8, four to a word (little-endian bytes, as the executor reads
      // them): TFLite's shifts lie in [-31, 30].
      std::vector<uint8_t> shifts((q.per_channel.size() + 3) / 4 * 4, 0);
      for (std::size_t c = 0; c < q.per_channel.size(); ++c) {
        const int32_t sh = q.per_channel[c].shift;
        if (sh < -128 || sh > 127)
          throw ModelError(fmt::format("op {}: shift {} out of range", op.source_index, sh));
        shifts[c] = static_cast<uint8_t>(static_cast<int8_t>(sh));
      }
      for (std::size_t w = 0; w < shifts.size(); w += 4) {
        const uint32_t word = uint32_t{shifts[w]} | uint32_t{shifts[w + 1]} << 8 |
                              uint32_t{shifts[w + 2]} << 16 | uint32_t{shifts[w + 3]} << 24;
        params.push_back(static_cast<int32_t>(word));
      }
    }
    if (!op.aux.empty()) {
      r.aux_offset = u32(params.size(), "params");
      r.aux_count = u32(op.aux.size(), "aux");
      params.insert(params.end(), op.aux.begin(), op.aux.end());
    }
    r.flags = flags;
  }

  mcuprof_image_header h;
  std::memset(&h, 0, sizeof h);
  h.magic = MCUPROF_IMAGE_MAGIC;
  h.version_major = MCUPROF_IMAGE_VERSION_MAJOR;
  h.version_minor = MCUPROF_IMAGE_VERSION_MINOR;
  h.header_size = sizeof(mcuprof_image_header);
  h.flags = g.int8_io ? MCUPROF_IMAGE_FLAG_INT8_IO : 0u;
  h.arena_size = u32(static_cast<std::size_t>(plan.arena_bytes), "arena");
  std::size_t at = sizeof(mcuprof_image_header);
  const auto section = [&](std::size_t bytes) {
    at = align16(at);
    const auto start = at;
    at += bytes;
    return u32(start, "image");
  };
  h.num_tensors = u32(tensors.size(), "tensors");
  h.tensors_offset = section(tensors.size() * sizeof(mcuprof_tensor));
  h.num_ops = u32(ops.size(), "ops");
  h.ops_offset = section(ops.size() * sizeof(mcuprof_op));
  h.num_inputs = u32(g.inputs.size(), "inputs");
  h.inputs_offset = section(g.inputs.size() * 4);
  h.num_outputs = u32(g.outputs.size(), "outputs");
  h.outputs_offset = section(g.outputs.size() * 4);
  h.params_size = u32(params.size() * 4, "params");
  h.params_offset = section(params.size() * 4);
  h.strings_size = u32(strings.size(), "strings");
  h.strings_offset = section(strings.size());
  h.weights_size = u32(weights.size(), "weights");
  h.weights_offset = section(weights.size());
  h.schedule_size = schedule ? u32(schedule->section.size(), "schedule") : 0u;
  h.schedule_offset = schedule ? section(schedule->section.size()) : 0u;
  h.total_size = align16(at);

  std::vector<uint8_t> out(h.total_size, 0);
  for (std::size_t i = 0; i < tensors.size(); ++i)
    put(out, h.tensors_offset + i * sizeof(mcuprof_tensor), tensors[i]);
  for (std::size_t i = 0; i < ops.size(); ++i)
    put(out, h.ops_offset + i * sizeof(mcuprof_op), ops[i]);
  for (std::size_t i = 0; i < g.inputs.size(); ++i)
    put(out, h.inputs_offset + i * 4, static_cast<uint32_t>(g.inputs[i]));
  for (std::size_t i = 0; i < g.outputs.size(); ++i)
    put(out, h.outputs_offset + i * 4, static_cast<uint32_t>(g.outputs[i]));
  if (!params.empty()) std::memcpy(out.data() + h.params_offset, params.data(), params.size() * 4);
  if (!strings.empty()) std::memcpy(out.data() + h.strings_offset, strings.data(), strings.size());
  if (!weights.empty()) std::memcpy(out.data() + h.weights_offset, weights.data(), weights.size());
  if (schedule && !schedule->section.empty())
    std::memcpy(out.data() + h.schedule_offset, schedule->section.data(), schedule->section.size());
  put(out, 0, h);
  h.crc32 = image_checksum(out);
  put(out, 0, h);
  return out;
}

// --- reader -----------------------------------------------------------------------------

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw ModelError("damaged model image: " + what);
}

void in_bounds(uint64_t offset, uint64_t size, uint64_t total, const char* what) {
  if (offset > total || size > total - offset)
    bad(fmt::format("{} (offset {}, {} bytes) lies outside the {} bytes", what, offset, size,
                    total));
}

}  // namespace

ModelImage read_model_image(std::span<const uint8_t> bytes) {
  ModelImage m;
  if (bytes.size() < sizeof(mcuprof_image_header)) bad("shorter than its header");
  std::memcpy(&m.header, bytes.data(), sizeof m.header);
  const auto& h = m.header;
  if (h.magic != MCUPROF_IMAGE_MAGIC) bad("wrong magic number");
  if (h.version_major != MCUPROF_IMAGE_VERSION_MAJOR)
    bad(fmt::format("format version {} (this mcuprof reads {})", h.version_major,
                    MCUPROF_IMAGE_VERSION_MAJOR));
  if (h.header_size != sizeof(mcuprof_image_header)) bad("unexpected header size");
  if (h.total_size != bytes.size())
    bad(fmt::format("header says {} bytes, image has {}", h.total_size, bytes.size()));
  const uint32_t crc = image_checksum(bytes);
  if (crc != h.crc32)
    bad(fmt::format("checksum mismatch (stored {:08x}, computed {:08x})", h.crc32, crc));
  const uint64_t total = bytes.size();
  in_bounds(h.tensors_offset, uint64_t{h.num_tensors} * sizeof(mcuprof_tensor), total,
            "tensor table");
  in_bounds(h.ops_offset, uint64_t{h.num_ops} * sizeof(mcuprof_op), total, "op table");
  in_bounds(h.inputs_offset, uint64_t{h.num_inputs} * 4, total, "inputs");
  in_bounds(h.outputs_offset, uint64_t{h.num_outputs} * 4, total, "outputs");
  in_bounds(h.params_offset, h.params_size, total, "params");
  in_bounds(h.strings_offset, h.strings_size, total, "strings");
  in_bounds(h.weights_offset, h.weights_size, total, "weights");
  if (h.schedule_size) in_bounds(h.schedule_offset, h.schedule_size, total, "schedule");
  if (h.params_size % 4) bad("params size not a multiple of 4");

  m.tensors.resize(h.num_tensors);
  for (std::size_t i = 0; i < m.tensors.size(); ++i)
    std::memcpy(&m.tensors[i], bytes.data() + h.tensors_offset + i * sizeof(mcuprof_tensor),
                sizeof(mcuprof_tensor));
  m.ops.resize(h.num_ops);
  for (std::size_t i = 0; i < m.ops.size(); ++i)
    std::memcpy(&m.ops[i], bytes.data() + h.ops_offset + i * sizeof(mcuprof_op),
                sizeof(mcuprof_op));
  const auto u32s = [&](uint32_t off, uint32_t n) {
    std::vector<uint32_t> v(n);
    if (n) std::memcpy(v.data(), bytes.data() + off, uint64_t{n} * 4);
    return v;
  };
  m.inputs = u32s(h.inputs_offset, h.num_inputs);
  m.outputs = u32s(h.outputs_offset, h.num_outputs);
  m.params.resize(h.params_size / 4);
  if (!m.params.empty())
    std::memcpy(m.params.data(), bytes.data() + h.params_offset, h.params_size);
  m.weights.assign(bytes.begin() + h.weights_offset,
                   bytes.begin() + h.weights_offset + h.weights_size);
  m.strings.assign(bytes.begin() + h.strings_offset,
                   bytes.begin() + h.strings_offset + h.strings_size);

  for (const auto t : m.inputs)
    if (t >= h.num_tensors) bad("model input index out of range");
  for (const auto t : m.outputs)
    if (t >= h.num_tensors) bad("model output index out of range");
  for (std::size_t i = 0; i < m.tensors.size(); ++i) {
    const auto& t = m.tensors[i];
    if (t.rank > MCUPROF_IMAGE_MAX_RANK) bad(fmt::format("tensor {} rank {}", i, t.rank));
    if (t.name_offset >= h.strings_size && h.strings_size)
      bad(fmt::format("tensor {} name outside the strings", i));
    if (t.storage == MCUPROF_STORAGE_ARENA)
      in_bounds(t.offset, t.size_bytes, h.arena_size, "arena tensor");
    else if (t.storage == MCUPROF_STORAGE_WEIGHTS)
      in_bounds(t.offset, t.size_bytes, h.weights_size, "weight tensor");
    else if (t.storage != MCUPROF_STORAGE_NONE && t.storage != MCUPROF_STORAGE_PATCH)
      bad(fmt::format("tensor {} has unknown storage {}", i, t.storage));
  }
  const uint64_t n_params = m.params.size();
  for (std::size_t i = 0; i < m.ops.size(); ++i) {
    const auto& o = m.ops[i];
    in_bounds(o.io_offset, uint64_t{o.num_inputs} + o.num_outputs, n_params, "op io list");
    in_bounds(o.channels_offset, uint64_t{o.channels} + (uint64_t{o.channels} + 3) / 4, n_params,
              "per-channel params");
    in_bounds(o.aux_offset, o.aux_count, n_params, "op aux params");
    for (uint32_t k = 0; k < uint32_t{o.num_inputs} + o.num_outputs; ++k) {
      const int32_t t = m.params[o.io_offset + k];
      if (t < -1 || t >= static_cast<int64_t>(h.num_tensors))
        bad(fmt::format("op {} refers to tensor {}", i, t));
    }
  }
  return m;
}

std::vector<int32_t> ModelImage::op_inputs(std::size_t i) const {
  const auto& o = ops.at(i);
  return {params.begin() + o.io_offset, params.begin() + o.io_offset + o.num_inputs};
}
std::vector<int32_t> ModelImage::op_outputs(std::size_t i) const {
  const auto& o = ops.at(i);
  const auto b = params.begin() + o.io_offset + o.num_inputs;
  return {b, b + o.num_outputs};
}
std::vector<int32_t> ModelImage::op_multipliers(std::size_t i) const {
  const auto& o = ops.at(i);
  return {params.begin() + o.channels_offset, params.begin() + o.channels_offset + o.channels};
}
std::vector<int32_t> ModelImage::op_shifts(std::size_t i) const {
  const auto& o = ops.at(i);
  std::vector<int32_t> out(o.channels);
  for (uint32_t c = 0; c < o.channels; ++c) {
    const auto word = static_cast<uint32_t>(params.at(o.channels_offset + o.channels + c / 4));
    out[c] = static_cast<int8_t>(static_cast<uint8_t>(word >> (8 * (c % 4))));
  }
  return out;
}
std::vector<int32_t> ModelImage::op_aux(std::size_t i) const {
  const auto& o = ops.at(i);
  return {params.begin() + o.aux_offset, params.begin() + o.aux_offset + o.aux_count};
}
std::string ModelImage::tensor_name(std::size_t i) const {
  const auto off = tensors.at(i).name_offset;
  if (off >= strings.size()) return {};
  const auto end = std::find(strings.begin() + off, strings.end(), '\0');
  return {strings.begin() + off, end};
}
std::span<const uint8_t> ModelImage::tensor_data(std::size_t i) const {
  const auto& t = tensors.at(i);
  if (t.storage != MCUPROF_STORAGE_WEIGHTS) return {};
  return std::span(weights).subspan(t.offset, t.size_bytes);
}

}  // namespace mcuprof::compiler
