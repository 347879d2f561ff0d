// Model image writer and reader (see model_image.hpp). The writer lays out: header,
// tensor table, op table, inputs, outputs, params (int32: tensor dims, then each op's
// io list, options and requantization or list), strings, weights; every section and
// every weight blob 16-byte aligned. The host is little-endian (checked).
#include "mcuprof/compiler/model_image.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <map>

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

uint32_t image_options_words(uint32_t type) {
  switch (type) {
    case MCUPROF_OP_CONV_2D:
    case MCUPROF_OP_DEPTHWISE_CONV_2D:
    case MCUPROF_OP_AVERAGE_POOL_2D:
    case MCUPROF_OP_MAX_POOL_2D:
      return sizeof(mcuprof_window_options) / 4;
    case MCUPROF_OP_FULLY_CONNECTED:
      return sizeof(mcuprof_fc_options) / 4;
    case MCUPROF_OP_ADD:
    case MCUPROF_OP_MUL:
      return sizeof(mcuprof_arith_options) / 4;
    case MCUPROF_OP_MEAN:
    case MCUPROF_OP_SOFTMAX:
    case MCUPROF_OP_QUANTIZE:
    case MCUPROF_OP_DEQUANTIZE:
    case MCUPROF_OP_PAD:
    case MCUPROF_OP_TRANSPOSE:
    case MCUPROF_OP_CONCATENATION:
      return sizeof(mcuprof_other_options) / 4;
    default:
      return 0;
  }
}

namespace {

bool conv_like(uint32_t type) {
  return type == MCUPROF_OP_CONV_2D || type == MCUPROF_OP_DEPTHWISE_CONV_2D ||
         type == MCUPROF_OP_FULLY_CONNECTED;
}
bool has_list(uint32_t type) {
  return type == MCUPROF_OP_MEAN || type == MCUPROF_OP_PAD || type == MCUPROF_OP_TRANSPOSE;
}

template <typename T>
void append_words(std::vector<int32_t>& params, const T& options) {
  static_assert(sizeof(T) % 4 == 0);
  const auto at = params.size();
  params.resize(at + sizeof(T) / 4);
  std::memcpy(params.data() + at, &options, sizeof(T));
}

}  // namespace

std::vector<uint8_t> write_model_image(const Graph& g, const ArenaPlan& plan,
                                       const ImageSchedule* schedule) {
  // Which constants the ops read: only those go into the weights section.
  std::vector<bool> needed(g.tensors.size(), false);
  for (const auto& op : g.ops)
    for (const auto t : op.inputs)
      if (t >= 0) needed[static_cast<std::size_t>(t)] = true;

  // The params section: the tensors' dims first (one copy per distinct shape), then each
  // op's block (io list, options, requantization or list).
  std::vector<int32_t> params;
  std::map<std::vector<int32_t>, uint32_t> shapes;
  std::vector<uint8_t> weights;
  std::vector<mcuprof_tensor> tensors(g.tensors.size());
  for (std::size_t i = 0; i < g.tensors.size(); ++i) {
    const Tensor& t = g.tensors[i];
    mcuprof_tensor& r = tensors[i];
    std::memset(&r, 0, sizeof r);
    r.dtype = static_cast<uint8_t>(t.dtype);
    if (t.shape.size() > MCUPROF_IMAGE_MAX_RANK)
      throw ModelError(fmt::format("tensor {} has rank {}", t.source_index, t.shape.size()));
    r.rank = static_cast<uint8_t>(t.shape.size());
    if (!t.shape.empty()) {
      const auto [it, added] = shapes.try_emplace(t.shape, u32(params.size(), "params"));
      if (added) params.insert(params.end(), t.shape.begin(), t.shape.end());
      r.dims_offset = it->second;
    }
    r.size_bytes = u32(static_cast<std::size_t>(t.bytes()), "tensor size");
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
  // Names only for the model's inputs then outputs (what an application looks up): the
  // firmware reads no names, and the host has the model's.
  std::vector<char> strings;
  for (const auto& list : {g.inputs, g.outputs})
    for (const auto t : list) {
      const auto& name = g.tensor(t).name;
      strings.insert(strings.end(), name.begin(), name.end());
      strings.push_back('\0');
    }

  std::vector<mcuprof_op> ops(g.ops.size());
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const Operator& op = g.ops[i];
    const auto q = compute_quant_params(g, op);
    const auto type = static_cast<uint32_t>(op.type);
    mcuprof_op& r = ops[i];
    std::memset(&r, 0, sizeof r);
    r.type = static_cast<uint8_t>(op.type);
    if (op.inputs.size() > 255 || op.outputs.size() > 255) throw ModelError("too many op inputs");
    r.num_inputs = static_cast<uint8_t>(op.inputs.size());
    r.num_outputs = static_cast<uint8_t>(op.outputs.size());
    r.params_offset = u32(params.size(), "params");
    params.insert(params.end(), op.inputs.begin(), op.inputs.end());
    params.insert(params.end(), op.outputs.begin(), op.outputs.end());
    uint8_t flags = 0;
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
    switch (type) {
      case MCUPROF_OP_CONV_2D:
      case MCUPROF_OP_DEPTHWISE_CONV_2D:
      case MCUPROF_OP_AVERAGE_POOL_2D:
      case MCUPROF_OP_MAX_POOL_2D: {
        mcuprof_window_options w{};
        w.stride_h = i16(o.stride_h, "stride"), w.stride_w = i16(o.stride_w, "stride");
        w.dilation_h = i16(o.dilation_h, "dilation"), w.dilation_w = i16(o.dilation_w, "dilation");
        w.filter_h = i16(o.filter_h, "filter"), w.filter_w = i16(o.filter_w, "filter");
        w.pad_top = i16(op.pads.top, "padding"), w.pad_left = i16(op.pads.left, "padding");
        w.depth_multiplier = i16(o.depth_multiplier, "depth multiplier");
        w.input_offset = i16(q.input_offset, "input offset");
        w.output_offset = i16(q.output_offset, "output offset");
        w.act_min = i16(q.act_min, "activation minimum");
        w.act_max = i16(q.act_max, "activation maximum");
        append_words(params, w);
        break;
      }
      case MCUPROF_OP_FULLY_CONNECTED: {
        mcuprof_fc_options f{};
        f.input_offset = q.input_offset, f.output_offset = q.output_offset;
        f.act_min = q.act_min, f.act_max = q.act_max;
        append_words(params, f);
        break;
      }
      case MCUPROF_OP_ADD:
      case MCUPROF_OP_MUL: {
        mcuprof_arith_options a{};
        a.input_offset = q.input_offset, a.input2_offset = q.input2_offset;
        a.output_offset = q.output_offset;
        a.act_min = q.act_min, a.act_max = q.act_max;
        a.output_multiplier = q.output.multiplier, a.output_shift = q.output.shift;
        a.input1_multiplier = q.input1.multiplier, a.input1_shift = q.input1.shift;
        a.input2_multiplier = q.input2.multiplier, a.input2_shift = q.input2.shift;
        a.left_shift = q.left_shift;
        append_words(params, a);
        break;
      }
      case MCUPROF_OP_MEAN:
      case MCUPROF_OP_SOFTMAX:
      case MCUPROF_OP_QUANTIZE:
      case MCUPROF_OP_DEQUANTIZE:
      case MCUPROF_OP_PAD:
      case MCUPROF_OP_TRANSPOSE:
      case MCUPROF_OP_CONCATENATION: {
        mcuprof_other_options x{};
        x.input_offset = q.input_offset, x.output_offset = q.output_offset;
        x.multiplier = q.output.multiplier, x.shift = q.output.shift;
        if (type == MCUPROF_OP_SOFTMAX) {
          x.multiplier = q.input1.multiplier, x.shift = q.input1.shift;
          x.value = q.left_shift;  // diff_min
        }
        if (type == MCUPROF_OP_CONCATENATION) x.value = o.axis;
        x.scale = q.scale;
        if (has_list(type)) x.count = u32(op.aux.size(), "op list");
        append_words(params, x);
        break;
      }
      default:
        break;
    }
    if (conv_like(type)) {
      // The requantization: per channel (the compiler always computes one per output
      // channel) or one multiplier and shift.
      const Tensor& w = g.in(op, 1);
      const std::size_t rank = type == MCUPROF_OP_FULLY_CONNECTED ? 2 : 4;
      if (w.shape.size() != rank)
        throw ModelError(fmt::format("op {}: weights of rank {}, expected {}", op.source_index,
                                     w.shape.size(), rank));
      const auto channels =
          static_cast<std::size_t>(w.shape[type == MCUPROF_OP_DEPTHWISE_CONV_2D ? 3 : 0]);
      if (!q.per_channel.empty()) {
        if (q.per_channel.size() != channels)
          throw ModelError(fmt::format("op {}: {} requantizations for {} channels", op.source_index,
                                       q.per_channel.size(), channels));
        flags |= MCUPROF_OP_FLAG_PER_CHANNEL;
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
        for (std::size_t k = 0; k < shifts.size(); k += 4) {
          const uint32_t word = uint32_t{shifts[k]} | uint32_t{shifts[k + 1]} << 8 |
                                uint32_t{shifts[k + 2]} << 16 | uint32_t{shifts[k + 3]} << 24;
          params.push_back(static_cast<int32_t>(word));
        }
      } else {
        params.push_back(q.output.multiplier);
        params.push_back(q.output.shift);
      }
    }
    if (has_list(type)) params.insert(params.end(), op.aux.begin(), op.aux.end());
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
  const uint64_t n_params = m.params.size();
  for (std::size_t i = 0; i < m.tensors.size(); ++i) {
    const auto& t = m.tensors[i];
    if (t.rank > MCUPROF_IMAGE_MAX_RANK) bad(fmt::format("tensor {} rank {}", i, t.rank));
    in_bounds(t.dims_offset, t.rank, n_params, "tensor dims");
    if (t.storage == MCUPROF_STORAGE_ARENA)
      in_bounds(t.offset, t.size_bytes, h.arena_size, "arena tensor");
    else if (t.storage == MCUPROF_STORAGE_WEIGHTS)
      in_bounds(t.offset, t.size_bytes, h.weights_size, "weight tensor");
    else if (t.storage != MCUPROF_STORAGE_NONE && t.storage != MCUPROF_STORAGE_PATCH)
      bad(fmt::format("tensor {} has unknown storage {}", i, t.storage));
  }
  m.op_blocks_.resize(m.ops.size());
  for (std::size_t i = 0; i < m.ops.size(); ++i) {
    const auto& o = m.ops[i];
    const uint64_t n_io = uint64_t{o.num_inputs} + o.num_outputs;
    in_bounds(o.params_offset, n_io, n_params, "op io list");
    for (uint32_t k = 0; k < n_io; ++k) {
      const int32_t t = m.params[o.params_offset + k];
      if (t < -1 || t >= static_cast<int64_t>(h.num_tensors))
        bad(fmt::format("op {} refers to tensor {}", i, t));
    }
    auto& b = m.op_blocks_[i];
    b.options = static_cast<uint32_t>(o.params_offset + n_io);
    b.options_words = image_options_words(o.type);
    in_bounds(b.options, b.options_words, n_params, "op options");
    b.list = b.options + b.options_words;
    if (conv_like(o.type)) {
      const int32_t w = o.num_inputs > 1 ? m.params[o.params_offset + 1] : -1;
      const std::size_t rank = o.type == MCUPROF_OP_FULLY_CONNECTED ? 2 : 4;
      if (w < 0 || m.tensors[static_cast<std::size_t>(w)].rank != rank)
        bad(fmt::format("op {} has no weights of rank {}", i, rank));
      const auto shape = m.tensor_shape(static_cast<std::size_t>(w));
      b.channels = static_cast<uint32_t>(shape[o.type == MCUPROF_OP_DEPTHWISE_CONV_2D ? 3 : 0]);
      b.list_words = (o.flags & MCUPROF_OP_FLAG_PER_CHANNEL)
                         ? static_cast<uint32_t>(uint64_t{b.channels} + (b.channels + 3ull) / 4)
                         : 2u;
    } else if (has_list(o.type)) {
      b.list_words = static_cast<uint32_t>(m.params[b.options + 6]);  // other_options.count
    }
    in_bounds(b.list, b.list_words, n_params, "op list");
  }
  return m;
}

std::vector<int32_t> ModelImage::tensor_shape(std::size_t i) const {
  const auto& t = tensors.at(i);
  return {params.begin() + t.dims_offset, params.begin() + t.dims_offset + t.rank};
}
std::vector<int32_t> ModelImage::op_inputs(std::size_t i) const {
  const auto& o = ops.at(i);
  return {params.begin() + o.params_offset, params.begin() + o.params_offset + o.num_inputs};
}
std::vector<int32_t> ModelImage::op_outputs(std::size_t i) const {
  const auto& o = ops.at(i);
  const auto b = params.begin() + o.params_offset + o.num_inputs;
  return {b, b + o.num_outputs};
}
std::span<const int32_t> ModelImage::op_option_words(std::size_t i) const {
  const auto& b = op_blocks_.at(i);
  return std::span(params).subspan(b.options, b.options_words);
}
std::vector<int32_t> ModelImage::op_multipliers(std::size_t i) const {
  const auto& b = op_blocks_.at(i);
  if (!conv_like(ops.at(i).type)) return {};
  if (!(ops[i].flags & MCUPROF_OP_FLAG_PER_CHANNEL)) return {params.at(b.list)};
  return {params.begin() + b.list, params.begin() + b.list + b.channels};
}
std::vector<int32_t> ModelImage::op_shifts(std::size_t i) const {
  const auto& b = op_blocks_.at(i);
  if (!conv_like(ops.at(i).type)) return {};
  if (!(ops[i].flags & MCUPROF_OP_FLAG_PER_CHANNEL)) return {params.at(b.list + 1)};
  std::vector<int32_t> out(b.channels);
  for (uint32_t c = 0; c < b.channels; ++c) {
    const auto word = static_cast<uint32_t>(params.at(b.list + b.channels + c / 4));
    out[c] = static_cast<int8_t>(static_cast<uint8_t>(word >> (8 * (c % 4))));
  }
  return out;
}
std::vector<int32_t> ModelImage::op_list(std::size_t i) const {
  const auto& b = op_blocks_.at(i);
  if (!has_list(ops.at(i).type)) return {};
  return {params.begin() + b.list, params.begin() + b.list + b.list_words};
}
std::string ModelImage::tensor_name(std::size_t i) const {
  // The strings are the inputs' names then the outputs'.
  std::size_t k = 0;
  for (const auto& list : {inputs, outputs})
    for (const auto t : list) {
      if (t == i) {
        std::size_t at = 0;
        for (std::size_t n = 0; n < k && at < strings.size(); ++n)
          at = static_cast<std::size_t>(std::find(strings.begin() + static_cast<std::ptrdiff_t>(at),
                                                  strings.end(), '\0') -
                                        strings.begin()) +
               1;
        if (at >= strings.size()) return {};
        const auto begin = strings.begin() + static_cast<std::ptrdiff_t>(at);
        return {begin, std::find(begin, strings.end(), '\0')};
      }
      ++k;
    }
  return {};
}
std::span<const uint8_t> ModelImage::tensor_data(std::size_t i) const {
  const auto& t = tensors.at(i);
  if (t.storage != MCUPROF_STORAGE_WEIGHTS) return {};
  return std::span(weights).subspan(t.offset, t.size_bytes);
}

ImageParamsParts ModelImage::params_parts() const {
  // Each params word counted once, in the first part that claims it (shapes are shared).
  std::vector<uint8_t> part(params.size(), 0);
  ImageParamsParts p;
  const auto claim = [&](uint64_t from, uint64_t count, uint8_t which, int64_t& bytes) {
    for (uint64_t k = from; k < from + count && k < part.size(); ++k)
      if (!part[k]) part[k] = which, bytes += 4;
  };
  for (const auto& t : tensors) claim(t.dims_offset, t.rank, 1, p.shapes_bytes);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto& o = ops[i];
    const auto& b = op_blocks_[i];
    claim(o.params_offset, uint64_t{o.num_inputs} + o.num_outputs, 2, p.io_lists_bytes);
    claim(b.options, b.options_words, 3, p.options_bytes);
    if (conv_like(o.type))
      claim(b.list, b.list_words, 4, p.requantization_bytes);
    else
      claim(b.list, b.list_words, 3, p.options_bytes);
  }
  return p;
}

}  // namespace mcuprof::compiler
