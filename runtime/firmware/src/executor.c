/* executor.c — validates a model image in place and runs its ops on the int8 kernels
 * (see mcuprof_executor.h). Freestanding C11, no malloc, no recursion. The same file
 * builds for the boards (with trace-protocol events) and for the host (without). */
#include <stddef.h>
#include <string.h>

#include "executor_internal.h" /* view, events, what patch_stage.c shares */

#define MAX_CONCAT_INPUTS 64u

/* enum mcuprof_op_type -> TFLite's BuiltinOperator code (mcuprof_trace.h), indexed by type. */
static const uint8_t kBuiltinCode[] = {
    [MCUPROF_OP_CONV_2D] = MCUPROF_BUILTIN_CONV_2D,
    [MCUPROF_OP_DEPTHWISE_CONV_2D] = MCUPROF_BUILTIN_DEPTHWISE_CONV_2D,
    [MCUPROF_OP_FULLY_CONNECTED] = MCUPROF_BUILTIN_FULLY_CONNECTED,
    [MCUPROF_OP_ADD] = MCUPROF_BUILTIN_ADD,
    [MCUPROF_OP_MUL] = MCUPROF_BUILTIN_MUL,
    [MCUPROF_OP_MEAN] = MCUPROF_BUILTIN_MEAN,
    [MCUPROF_OP_AVERAGE_POOL_2D] = MCUPROF_BUILTIN_AVERAGE_POOL_2D,
    [MCUPROF_OP_MAX_POOL_2D] = MCUPROF_BUILTIN_MAX_POOL_2D,
    [MCUPROF_OP_PAD] = MCUPROF_BUILTIN_PAD,
    [MCUPROF_OP_RESHAPE] = MCUPROF_BUILTIN_RESHAPE,
    [MCUPROF_OP_SOFTMAX] = MCUPROF_BUILTIN_SOFTMAX,
    [MCUPROF_OP_QUANTIZE] = MCUPROF_BUILTIN_QUANTIZE,
    [MCUPROF_OP_DEQUANTIZE] = MCUPROF_BUILTIN_DEQUANTIZE,
    [MCUPROF_OP_TRANSPOSE] = MCUPROF_BUILTIN_TRANSPOSE,
    [MCUPROF_OP_RESIZE_NEAREST_NEIGHBOR] = MCUPROF_BUILTIN_RESIZE_NEAREST_NEIGHBOR,
    [MCUPROF_OP_CONCATENATION] = MCUPROF_BUILTIN_CONCATENATION,
};

uint32_t mcuprof_op_builtin_code(uint32_t type) {
  if (type == 0u || type >= sizeof kBuiltinCode / sizeof kBuiltinCode[0])
    return MCUPROF_BUILTIN_CUSTOM;
  return kBuiltinCode[type];
}

const char* mcuprof_exec_status_name(mcuprof_exec_status status) {
  switch (status) {
    case MCUPROF_EXEC_OK:
      return "ok";
    case MCUPROF_EXEC_BAD_MAGIC:
      return "not a model image (bad magic)";
    case MCUPROF_EXEC_BAD_VERSION:
      return "unsupported image version";
    case MCUPROF_EXEC_BAD_SIZE:
      return "image larger than the space it was given";
    case MCUPROF_EXEC_BAD_CRC:
      return "image checksum mismatch";
    case MCUPROF_EXEC_BAD_BOUNDS:
      return "image offset out of bounds";
    case MCUPROF_EXEC_UNSUPPORTED:
      return "op or shape not supported by the executor";
    case MCUPROF_EXEC_ARENA_TOO_SMALL:
      return "arena too small";
    case MCUPROF_EXEC_BAD_ALIGNMENT:
      return "image or arena not 16-byte aligned";
  }
  return "unknown status";
}

/* ---- image access ---- */

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320), four bits per step: a 64-byte table. */
static const uint32_t crc_nibble[16] = {0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
                                        0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
                                        0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
                                        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};

static uint32_t crc_update(uint32_t crc, const uint8_t* p, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    crc ^= p[i];
    crc = (crc >> 4) ^ crc_nibble[crc & 15u];
    crc = (crc >> 4) ^ crc_nibble[crc & 15u];
  }
  return crc;
}

/* A tensor an op needs: in range and materialised. */
static int usable(const view* v, int32_t index) {
  return index >= 0 && (uint32_t)index < v->h->num_tensors &&
         v->tensors[index].storage != MCUPROF_STORAGE_NONE;
}

static int is_int8(const view* v, int32_t index) {
  return v->tensors[index].dtype == MCUPROF_DTYPE_INT8;
}

/* The output channels of a convolution or FULLY_CONNECTED: its weights' (checked by
 * exec_check_op_block: rank 4, or 2 for FULLY_CONNECTED). */
static uint32_t op_channels(const view* v, const mcuprof_op* op) {
  const int32_t* w = tdims(v, T(v, op_in(v, op, 1)));
  return (uint32_t)(op->type == MCUPROF_OP_DEPTHWISE_CONV_2D ? w[3] : w[0]);
}

/* Per-op structure checks: the ops' tensors exist and have the ranks the kernels use. */
static mcuprof_exec_status check_op(const view* v, const mcuprof_op* op) {
  if (op->num_outputs != 1u || op->num_inputs < 1u) return MCUPROF_EXEC_UNSUPPORTED;
  const int conv_like = op->type == MCUPROF_OP_CONV_2D ||
                        op->type == MCUPROF_OP_DEPTHWISE_CONV_2D ||
                        op->type == MCUPROF_OP_FULLY_CONNECTED;
  if (!range_ok(op->params_offset, (uint32_t)op->num_inputs + op->num_outputs, v->num_params))
    return MCUPROF_EXEC_BAD_BOUNDS; /* before reading the weights' index */
  if (conv_like && (op->num_inputs < 2u || !usable(v, op_in(v, op, 1))))
    return MCUPROF_EXEC_BAD_BOUNDS; /* the block's length depends on the weights */
  const mcuprof_exec_status block = exec_check_op_block(v, op);
  if (block != MCUPROF_EXEC_OK) return block;
  const int32_t out = op_out(v, op, 0);
  if (!usable(v, out) || (v->tensors[out].storage != MCUPROF_STORAGE_ARENA &&
                          v->tensors[out].storage != MCUPROF_STORAGE_PATCH))
    return MCUPROF_EXEC_BAD_BOUNDS;
  if (!usable(v, op_in(v, op, 0))) return MCUPROF_EXEC_BAD_BOUNDS;
  const mcuprof_tensor* in = &v->tensors[op_in(v, op, 0)];
  const mcuprof_tensor* o = &v->tensors[out];
  switch (op->type) {
    case MCUPROF_OP_CONV_2D:
    case MCUPROF_OP_DEPTHWISE_CONV_2D:
    case MCUPROF_OP_FULLY_CONNECTED: {
      const int32_t b = op_in(v, op, 2);
      if (b >= 0 && (!usable(v, b) || v->tensors[b].dtype != MCUPROF_DTYPE_INT32))
        return MCUPROF_EXEC_UNSUPPORTED;
      if (b >= 0 && elements(v, &v->tensors[b]) != op_channels(v, op))
        return MCUPROF_EXEC_BAD_BOUNDS;
      if (!is_int8(v, op_in(v, op, 0)) || !is_int8(v, op_in(v, op, 1)) || !is_int8(v, out))
        return MCUPROF_EXEC_UNSUPPORTED;
      if (op->type != MCUPROF_OP_FULLY_CONNECTED) {
        if (in->rank != 4u || o->rank != 4u) return MCUPROF_EXEC_UNSUPPORTED;
        const int32_t input_offset = op_window(v, op)->input_offset;
        if (input_offset < -127 || input_offset > 128)
          return MCUPROF_EXEC_BAD_BOUNDS; /* minus an int8 zero point */
      } else {
        const int32_t input_offset = op_fc(v, op)->input_offset;
        if (input_offset < -127 || input_offset > 128) return MCUPROF_EXEC_BAD_BOUNDS;
      }
      break;
    }
    case MCUPROF_OP_ADD:
    case MCUPROF_OP_MUL: {
      if (op->num_inputs != 2u || !usable(v, op_in(v, op, 1))) return MCUPROF_EXEC_BAD_BOUNDS;
      /* The kernels take 4-D shapes: a fifth dimension must be 1 everywhere. */
      const mcuprof_tensor* in2 = &v->tensors[op_in(v, op, 1)];
      if ((in->rank == 5u && tdims(v, in)[0] != 1) || (in2->rank == 5u && tdims(v, in2)[0] != 1) ||
          (o->rank == 5u && tdims(v, o)[0] != 1))
        return MCUPROF_EXEC_UNSUPPORTED;
      break;
    }
    case MCUPROF_OP_MEAN: {
      const int32_t* axes = op_list(v, op);
      const uint32_t count = op_other(v, op)->count;
      if (count < 1u || count > in->rank) return MCUPROF_EXEC_UNSUPPORTED;
      for (uint32_t k = 0; k < count; ++k)
        if (axes[k] < 0 || axes[k] >= (int32_t)in->rank || (k > 0u && axes[k] <= axes[k - 1u]))
          return MCUPROF_EXEC_UNSUPPORTED; /* sorted, distinct, in range (as written) */
      break;
    }
    case MCUPROF_OP_AVERAGE_POOL_2D:
    case MCUPROF_OP_MAX_POOL_2D:
    case MCUPROF_OP_RESIZE_NEAREST_NEIGHBOR:
      if (in->rank != 4u || o->rank != 4u) return MCUPROF_EXEC_UNSUPPORTED;
      break;
    case MCUPROF_OP_PAD:
      if (in->rank > 4u || op_other(v, op)->count != 2u * in->rank) return MCUPROF_EXEC_UNSUPPORTED;
      break;
    case MCUPROF_OP_TRANSPOSE:
      if (in->rank > 4u || op_other(v, op)->count != in->rank) return MCUPROF_EXEC_UNSUPPORTED;
      break;
    case MCUPROF_OP_CONCATENATION: {
      const int32_t axis = op_other(v, op)->value;
      if (op->num_inputs > MAX_CONCAT_INPUTS || axis < 0 || axis >= (int32_t)o->rank)
        return MCUPROF_EXEC_UNSUPPORTED;
      for (uint32_t k = 0; k < op->num_inputs; ++k) {
        if (!usable(v, op_in(v, op, k))) return MCUPROF_EXEC_BAD_BOUNDS;
        if (T(v, op_in(v, op, k))->rank != o->rank) return MCUPROF_EXEC_UNSUPPORTED;
      }
      break;
    }
    case MCUPROF_OP_RESHAPE:
    case MCUPROF_OP_SOFTMAX:
    case MCUPROF_OP_DEQUANTIZE:
      break;
    case MCUPROF_OP_QUANTIZE:
      if (in->dtype != MCUPROF_DTYPE_FLOAT32 && in->dtype != MCUPROF_DTYPE_INT8)
        return MCUPROF_EXEC_UNSUPPORTED;
      break;
    default:
      return MCUPROF_EXEC_UNSUPPORTED;
  }
  if (op->type != MCUPROF_OP_RESHAPE && op->type != MCUPROF_OP_CONCATENATION &&
      op->type != MCUPROF_OP_FULLY_CONNECTED && op->type != MCUPROF_OP_PAD &&
      op->type != MCUPROF_OP_MEAN && op->type != MCUPROF_OP_ADD && op->type != MCUPROF_OP_MUL &&
      op->type != MCUPROF_OP_CONV_2D && op->type != MCUPROF_OP_DEPTHWISE_CONV_2D &&
      op->type != MCUPROF_OP_AVERAGE_POOL_2D && op->type != MCUPROF_OP_MAX_POOL_2D &&
      op->type != MCUPROF_OP_RESIZE_NEAREST_NEIGHBOR && op->type != MCUPROF_OP_TRANSPOSE &&
      elements(v, in) != elements(v, o))
    return MCUPROF_EXEC_BAD_BOUNDS; /* elementwise ops keep the element count */
  return MCUPROF_EXEC_OK;
}

mcuprof_exec_status mcuprof_image_validate(const void* image, uint32_t image_bytes, int check_crc) {
  const uint8_t* p = (const uint8_t*)image;
  if (((uintptr_t)p & (MCUPROF_IMAGE_ALIGN - 1u)) != 0u) return MCUPROF_EXEC_BAD_ALIGNMENT;
  if (image_bytes < sizeof(mcuprof_image_header)) return MCUPROF_EXEC_BAD_SIZE;
  const mcuprof_image_header* h = (const mcuprof_image_header*)image;
  if (h->magic != MCUPROF_IMAGE_MAGIC) return MCUPROF_EXEC_BAD_MAGIC;
  if (h->version_major != MCUPROF_IMAGE_VERSION_MAJOR ||
      h->header_size != sizeof(mcuprof_image_header))
    return MCUPROF_EXEC_BAD_VERSION;
  if (h->total_size < sizeof(mcuprof_image_header) || h->total_size > image_bytes)
    return MCUPROF_EXEC_BAD_SIZE;
  if (check_crc) {
    uint32_t crc = crc_update(0xFFFFFFFFu, p, MCUPROF_IMAGE_CRC_OFFSET);
    crc = crc_update(crc, p + MCUPROF_IMAGE_CRC_OFFSET + 4u,
                     h->total_size - MCUPROF_IMAGE_CRC_OFFSET - 4u);
    if ((crc ^ 0xFFFFFFFFu) != h->crc32) return MCUPROF_EXEC_BAD_CRC;
  }
  const uint32_t total = h->total_size;
  if (h->num_tensors > 0x100000u || h->num_ops > 0x100000u || h->num_inputs > 0x10000u ||
      h->num_outputs > 0x10000u)
    return MCUPROF_EXEC_BAD_BOUNDS;
  if (!range_ok(h->tensors_offset, h->num_tensors * (uint32_t)sizeof(mcuprof_tensor), total) ||
      !range_ok(h->ops_offset, h->num_ops * (uint32_t)sizeof(mcuprof_op), total) ||
      !range_ok(h->inputs_offset, h->num_inputs * 4u, total) ||
      !range_ok(h->outputs_offset, h->num_outputs * 4u, total) ||
      !range_ok(h->params_offset, h->params_size, total) ||
      !range_ok(h->weights_offset, h->weights_size, total) ||
      !range_ok(h->strings_offset, h->strings_size, total))
    return MCUPROF_EXEC_BAD_BOUNDS;
  if (((h->tensors_offset | h->ops_offset | h->inputs_offset | h->outputs_offset |
        h->params_offset | h->weights_offset) &
       (MCUPROF_IMAGE_ALIGN - 1u)) != 0u ||
      (h->params_size & 3u) != 0u)
    return MCUPROF_EXEC_BAD_ALIGNMENT;

  view v;
  make_view(&v, image);
  for (uint32_t i = 0; i < h->num_tensors; ++i) {
    const mcuprof_exec_status s = exec_check_tensor(&v, &v.tensors[i]);
    if (s != MCUPROF_EXEC_OK) return s;
  }
  const uint32_t* ins = (const uint32_t*)(p + h->inputs_offset);
  const uint32_t* outs = (const uint32_t*)(p + h->outputs_offset);
  for (uint32_t i = 0; i < h->num_inputs; ++i)
    if (ins[i] >= h->num_tensors || v.tensors[ins[i]].storage != MCUPROF_STORAGE_ARENA)
      return MCUPROF_EXEC_BAD_BOUNDS;
  for (uint32_t i = 0; i < h->num_outputs; ++i)
    if (outs[i] >= h->num_tensors || v.tensors[outs[i]].storage != MCUPROF_STORAGE_ARENA)
      return MCUPROF_EXEC_BAD_BOUNDS;
  for (uint32_t i = 0; i < h->num_ops; ++i) {
    const mcuprof_exec_status s = check_op(&v, &v.ops[i]);
    if (s != MCUPROF_EXEC_OK) return s;
  }
  if (h->schedule_offset != 0u || h->schedule_size != 0u) return exec_check_schedule(&v);
  return MCUPROF_EXEC_OK;
}

/* ---- kernel parameters from the image ---- */

/* Per channel: int32 multipliers[channels], then the shifts as int8, four to a word. */
/* Per tensor: one multiplier and one shift. They follow the op's options (op_list). */
static void requant(const view* v, const mcuprof_op* op, int32_t* per_channel,
                    const int32_t** multiplier, const int32_t** shift, const int8_t** shift8) {
  const int32_t* list = op_list(v, op);
  if ((op->flags & MCUPROF_OP_FLAG_PER_CHANNEL) != 0u) {
    *per_channel = 1;
    *multiplier = list;
    *shift = NULL;
    *shift8 = (const int8_t*)(const void*)(list + op_channels(v, op));
  } else {
    *per_channel = 0;
    *multiplier = list;
    *shift = list + 1;
    *shift8 = NULL;
  }
}

void exec_depthwise_params(const view* v, const mcuprof_op* op, mcuprof_depthwise_params* p) {
  const int32_t* in = tdims(v, T(v, op_in(v, op, 0)));
  const int32_t* w = tdims(v, T(v, op_in(v, op, 1)));
  const int32_t* out = tdims(v, T(v, op_out(v, op, 0)));
  const mcuprof_window_options* o = op_window(v, op);
  p->batches = in[0];
  p->in_h = in[1], p->in_w = in[2], p->in_c = in[3];
  p->out_h = out[1], p->out_w = out[2];
  p->depth_multiplier = o->depth_multiplier;
  p->filter_h = w[1], p->filter_w = w[2];
  p->stride_h = o->stride_h, p->stride_w = o->stride_w;
  p->dilation_h = o->dilation_h, p->dilation_w = o->dilation_w;
  p->pad_top = o->pad_top, p->pad_left = o->pad_left;
  p->input_offset = o->input_offset, p->output_offset = o->output_offset;
  p->act_min = o->act_min, p->act_max = o->act_max;
  requant(v, op, &p->per_channel, &p->multiplier, &p->shift, &p->shift8);
}

void exec_conv_params(const view* v, const mcuprof_op* op, mcuprof_conv_params* p) {
  const int32_t* in = tdims(v, T(v, op_in(v, op, 0)));
  const int32_t* w = tdims(v, T(v, op_in(v, op, 1)));
  const int32_t* out = tdims(v, T(v, op_out(v, op, 0)));
  const mcuprof_window_options* o = op_window(v, op);
  p->batches = in[0];
  p->in_h = in[1], p->in_w = in[2], p->in_c = in[3];
  p->out_h = out[1], p->out_w = out[2], p->out_c = out[3];
  p->filter_h = w[1], p->filter_w = w[2];
  p->stride_h = o->stride_h, p->stride_w = o->stride_w;
  p->dilation_h = o->dilation_h, p->dilation_w = o->dilation_w;
  p->pad_top = o->pad_top, p->pad_left = o->pad_left;
  p->input_offset = o->input_offset, p->output_offset = o->output_offset;
  p->act_min = o->act_min, p->act_max = o->act_max;
  requant(v, op, &p->per_channel, &p->multiplier, &p->shift, &p->shift8);
}

/* The largest scratch any op's kernel needs (convolutions), placed after the arena. */
static uint32_t scratch_needed(const view* v) {
  uint32_t most = 0;
  for (uint32_t i = 0; i < v->h->num_ops; ++i) {
    uint32_t n = 0;
    if (v->ops[i].type == MCUPROF_OP_DEPTHWISE_CONV_2D) {
      mcuprof_depthwise_params p;
      exec_depthwise_params(v, &v->ops[i], &p);
      n = (uint32_t)mcuprof_depthwise_conv2d_s8_scratch_bytes(&p);
    } else if (v->ops[i].type == MCUPROF_OP_CONV_2D) {
      mcuprof_conv_params p;
      exec_conv_params(v, &v->ops[i], &p);
      n = (uint32_t)mcuprof_conv2d_s8_scratch_bytes(&p);
    }
    if (n > most) most = n;
  }
  return (most + 15u) & ~15u;
}

uint32_t mcuprof_image_arena_needed(const void* image) {
  view v;
  make_view(&v, image);
  return ((v.h->arena_size + 15u) & ~15u) + scratch_needed(&v);
}

mcuprof_exec_status mcuprof_model_open(mcuprof_model* model, const void* image,
                                       uint32_t image_bytes, void* arena, uint32_t arena_bytes) {
  memset(model, 0, sizeof *model);
  const mcuprof_exec_status s = mcuprof_image_validate(image, image_bytes, 1);
  if (s != MCUPROF_EXEC_OK) return s;
  if (((uintptr_t)arena & (MCUPROF_IMAGE_ALIGN - 1u)) != 0u) return MCUPROF_EXEC_BAD_ALIGNMENT;
  if (arena_bytes < mcuprof_image_arena_needed(image)) return MCUPROF_EXEC_ARENA_TOO_SMALL;
  view v;
  make_view(&v, image);
  model->image = v.image;
  model->header = v.h;
  model->tensors = v.tensors;
  model->ops = v.ops;
  model->params = v.params;
  model->weights = v.image + v.h->weights_offset;
  model->arena = (uint8_t*)arena;
  model->arena_bytes = arena_bytes;
  model->scratch_bytes = scratch_needed(&v);
  return MCUPROF_EXEC_OK;
}

void* mcuprof_model_tensor_data(const mcuprof_model* model, uint32_t tensor) {
  if (tensor >= model->header->num_tensors) return NULL;
  const mcuprof_tensor* t = &model->tensors[tensor];
  if (t->storage == MCUPROF_STORAGE_ARENA) return model->arena + t->offset;
  if (t->storage == MCUPROF_STORAGE_WEIGHTS) return (void*)(uintptr_t)(model->weights + t->offset);
  return NULL;
}

static void model_view(const mcuprof_model* m, view* v) {
  make_view(v, m->image);
}

uint32_t mcuprof_op_macs(const mcuprof_model* model, uint32_t op_index) {
  view v;
  model_view(model, &v);
  const mcuprof_op* op = &v.ops[op_index];
  const mcuprof_tensor* out = T(&v, op_out(&v, op, 0));
  if (op->type != MCUPROF_OP_CONV_2D && op->type != MCUPROF_OP_DEPTHWISE_CONV_2D &&
      op->type != MCUPROF_OP_FULLY_CONNECTED)
    return 0u;
  const int32_t* w = tdims(&v, T(&v, op_in(&v, op, 1)));
  if (op->type == MCUPROF_OP_CONV_2D) return elements(&v, out) * (uint32_t)(w[1] * w[2] * w[3]);
  if (op->type == MCUPROF_OP_DEPTHWISE_CONV_2D) return elements(&v, out) * (uint32_t)(w[1] * w[2]);
  return elements(&v, out) * (uint32_t)w[1];
}

static int mean_is_hw(const mcuprof_tensor* in, uint32_t count, const int32_t* axes) {
  return in->rank == 4u && count == 2u && axes[0] == 1 && axes[1] == 2;
}

/* int8 -> int8 QUANTIZE (TFLite's Requantize): in place is safe (element i is read
 * before it is written). */
static void requantize_s8(const int8_t* in, int8_t* out, uint32_t n, int32_t input_zp,
                          int32_t output_zp, int32_t multiplier, int32_t shift) {
  for (uint32_t i = 0; i < n; ++i) {
    int32_t x =
        mcuprof_multiply_by_quantized_multiplier((int32_t)in[i] - input_zp, multiplier, shift) +
        output_zp;
    if (x < -128) x = -128;
    if (x > 127) x = 127;
    out[i] = (int8_t)x;
  }
}

/* ADD, MUL, QUANTIZE and DEQUANTIZE over `n` output elements with the op's precomputed
 * parameters (`s`, the broadcast shapes, is read by ADD and MUL only). Whole tensors and
 * the rows of a patch region both come here. */
void exec_run_elementwise(const view* v, const mcuprof_op* op, const mcuprof_broadcast_shapes* s,
                          const void* x1, const void* x2, void* y, uint32_t n) {
  const mcuprof_tensor* in = T(v, op_in(v, op, 0));
  switch (op->type) {
    case MCUPROF_OP_ADD: {
      const mcuprof_arith_options* o = op_arith(v, op);
      mcuprof_add_params p;
      p.shapes = *s;
      p.in1_offset = o->input_offset, p.in2_offset = o->input2_offset;
      p.output_offset = o->output_offset;
      p.left_shift = o->left_shift;
      p.in1_multiplier = o->input1_multiplier, p.in1_shift = o->input1_shift;
      p.in2_multiplier = o->input2_multiplier, p.in2_shift = o->input2_shift;
      p.out_multiplier = o->output_multiplier, p.out_shift = o->output_shift;
      p.act_min = o->act_min, p.act_max = o->act_max;
      mcuprof_add_s8(&p, (const int8_t*)x1, (const int8_t*)x2, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_MUL: {
      const mcuprof_arith_options* o = op_arith(v, op);
      mcuprof_mul_params p;
      p.shapes = *s;
      p.in1_offset = o->input_offset, p.in2_offset = o->input2_offset;
      p.output_offset = o->output_offset;
      p.out_multiplier = o->output_multiplier, p.out_shift = o->output_shift;
      p.act_min = o->act_min, p.act_max = o->act_max;
      mcuprof_mul_s8(&p, (const int8_t*)x1, (const int8_t*)x2, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_QUANTIZE: {
      const mcuprof_other_options* o = op_other(v, op);
      if (in->dtype == MCUPROF_DTYPE_FLOAT32)
        mcuprof_quantize_f32_s8((const float*)x1, (int8_t*)y, n, o->scale, o->output_offset);
      else
        requantize_s8((const int8_t*)x1, (int8_t*)y, n, -o->input_offset, o->output_offset,
                      o->multiplier, o->shift);
      break;
    }
    default: /* DEQUANTIZE */
      mcuprof_dequantize_s8_f32((const int8_t*)x1, (float*)y, n, op_other(v, op)->scale,
                                -op_other(v, op)->input_offset);
      break;
  }
}

static void run_op(const mcuprof_model* m, const view* v, const mcuprof_op* op) {
  const int32_t in_index = op_in(v, op, 0);
  const int32_t out_index = op_out(v, op, 0);
  const mcuprof_tensor* in = T(v, in_index);
  const mcuprof_tensor* out = T(v, out_index);
  const void* x = mcuprof_model_tensor_data(m, (uint32_t)in_index);
  void* y = mcuprof_model_tensor_data(m, (uint32_t)out_index);
  void* scratch = m->arena + ((m->header->arena_size + 15u) & ~15u);
  const int32_t bias_index = op_in(v, op, 2);
  const int32_t* bias =
      bias_index >= 0 ? (const int32_t*)mcuprof_model_tensor_data(m, (uint32_t)bias_index) : NULL;

  switch (op->type) {
    case MCUPROF_OP_CONV_2D: {
      mcuprof_conv_params p;
      exec_conv_params(v, op, &p);
      mcuprof_conv2d_s8(&p, (const int8_t*)x,
                        (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)),
                        bias, (int8_t*)y, scratch);
      break;
    }
    case MCUPROF_OP_DEPTHWISE_CONV_2D: {
      mcuprof_depthwise_params p;
      exec_depthwise_params(v, op, &p);
      mcuprof_depthwise_conv2d_s8(
          &p, (const int8_t*)x,
          (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)), bias, (int8_t*)y,
          scratch);
      break;
    }
    case MCUPROF_OP_FULLY_CONNECTED: {
      const int32_t* w = tdims(v, T(v, op_in(v, op, 1)));
      const mcuprof_fc_options* o = op_fc(v, op);
      mcuprof_fc_params p;
      p.in_depth = w[1], p.out_depth = w[0];
      p.batches = (int32_t)(elements(v, in) / (uint32_t)p.in_depth);
      p.input_offset = o->input_offset, p.output_offset = o->output_offset;
      p.act_min = o->act_min, p.act_max = o->act_max;
      requant(v, op, &p.per_channel, &p.multiplier, &p.shift, &p.shift8);
      mcuprof_fully_connected_s8(
          &p, (const int8_t*)x,
          (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)), bias, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_ADD:
    case MCUPROF_OP_MUL: {
      const int32_t in2_index = op_in(v, op, 1);
      mcuprof_broadcast_shapes sh;
      dims4(v, in, sh.in1);
      dims4(v, T(v, in2_index), sh.in2);
      dims4(v, out, sh.out);
      exec_run_elementwise(v, op, &sh, x, mcuprof_model_tensor_data(m, (uint32_t)in2_index), y,
                           elements(v, out));
      break;
    }
    case MCUPROF_OP_MEAN: { /* any axes (validated sorted, in range); H,W has a fast path */
      const mcuprof_other_options* o = op_other(v, op);
      const int32_t* axes = op_list(v, op);
      const int32_t* d = tdims(v, in);
      if (!mean_is_hw(in, o->count, axes)) {
        mcuprof_reduce_params r;
        r.rank = (int32_t)in->rank, r.reduced = 0u;
        for (uint32_t k = 0; k < in->rank; ++k) r.dims[k] = d[k];
        for (uint32_t k = 0; k < o->count; ++k) r.reduced |= 1u << (uint32_t)axes[k];
        r.input_offset = o->input_offset, r.output_offset = o->output_offset;
        r.multiplier = o->multiplier, r.shift = o->shift;
        mcuprof_mean_s8(&r, (const int8_t*)x, (int8_t*)y);
        break;
      }
      mcuprof_mean_params p;
      p.batches = d[0];
      p.in_h = d[1], p.in_w = d[2], p.channels = d[3];
      p.input_offset = o->input_offset, p.output_offset = o->output_offset;
      p.multiplier = o->multiplier, p.shift = o->shift;
      mcuprof_mean_hw_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_AVERAGE_POOL_2D:
    case MCUPROF_OP_MAX_POOL_2D: {
      const int32_t* d = tdims(v, in);
      const mcuprof_window_options* o = op_window(v, op);
      mcuprof_pool_params p;
      p.batches = d[0];
      p.in_h = d[1], p.in_w = d[2], p.channels = d[3];
      p.out_h = tdims(v, out)[1], p.out_w = tdims(v, out)[2];
      p.filter_h = o->filter_h, p.filter_w = o->filter_w;
      p.stride_h = o->stride_h, p.stride_w = o->stride_w;
      p.pad_top = o->pad_top, p.pad_left = o->pad_left;
      p.act_min = o->act_min, p.act_max = o->act_max;
      if (op->type == MCUPROF_OP_AVERAGE_POOL_2D)
        mcuprof_average_pool_s8(&p, (const int8_t*)x, (int8_t*)y);
      else
        mcuprof_max_pool_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_PAD: {
      mcuprof_pad_params p;
      const int32_t* amounts = op_list(v, op);
      const uint32_t lead = 4u - in->rank;
      dims4(v, in, p.in);
      for (uint32_t k = 0; k < 4u; ++k) {
        p.before[k] = k < lead ? 0 : amounts[2u * (k - lead)];
        p.after[k] = k < lead ? 0 : amounts[2u * (k - lead) + 1u];
      }
      p.pad_value = (int8_t)op_other(v, op)->output_offset;
      mcuprof_pad_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_RESHAPE:
      if (x != y) mcuprof_reshape_s8((const int8_t*)x, (int8_t*)y, out->size_bytes);
      break;
    case MCUPROF_OP_SOFTMAX: {
      mcuprof_softmax_params p;
      const mcuprof_other_options* o = op_other(v, op);
      p.depth = in->rank == 0u ? 1 : tdims(v, in)[in->rank - 1u];
      p.rows = (int32_t)(elements(v, in) / (uint32_t)p.depth);
      p.input_multiplier = o->multiplier;
      p.input_left_shift = o->shift;
      p.diff_min = o->value;
      mcuprof_softmax_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_QUANTIZE:
    case MCUPROF_OP_DEQUANTIZE: /* the element count is the same on both sides (validated) */
      exec_run_elementwise(v, op, NULL, x, NULL, y, elements(v, out));
      break;
    case MCUPROF_OP_TRANSPOSE: {
      mcuprof_transpose_params p;
      const int32_t* perm = op_list(v, op);
      const uint32_t lead = 4u - in->rank;
      dims4(v, in, p.in);
      for (uint32_t k = 0; k < 4u; ++k)
        p.perm[k] = k < lead ? (int32_t)k : perm[k - lead] + (int32_t)lead;
      mcuprof_transpose_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_RESIZE_NEAREST_NEIGHBOR: {
      const int32_t* d = tdims(v, in);
      mcuprof_resize_params p;
      p.batches = d[0];
      p.in_h = d[1], p.in_w = d[2], p.channels = d[3];
      p.out_h = tdims(v, out)[1], p.out_w = tdims(v, out)[2];
      p.align_corners = (op->flags & MCUPROF_OP_FLAG_ALIGN_CORNERS) != 0u;
      p.half_pixel_centers = (op->flags & MCUPROF_OP_FLAG_HALF_PIXEL_CENTERS) != 0u;
      mcuprof_resize_nearest_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_CONCATENATION: {
      const int8_t* inputs[MAX_CONCAT_INPUTS];
      int32_t sizes[MAX_CONCAT_INPUTS];
      mcuprof_concat_params p;
      p.outer = 1, p.inner = 1;
      const int32_t axis = op_other(v, op)->value;
      const int32_t* d = tdims(v, out);
      for (int32_t k = 0; k < axis; ++k) p.outer *= d[k];
      for (uint32_t k = (uint32_t)axis + 1u; k < out->rank; ++k) p.inner *= d[k];
      p.count = op->num_inputs;
      for (uint32_t k = 0; k < op->num_inputs; ++k) {
        const int32_t t = op_in(v, op, k);
        inputs[k] = (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)t);
        sizes[k] = tdims(v, T(v, t))[axis];
      }
      p.axis_sizes = sizes;
      mcuprof_concat_s8(&p, inputs, (int8_t*)y);
      break;
    }
    default:
      break; /* refused by validation */
  }
}

/* Whether two arena tensors share a byte. */
static int bytes_overlap(const mcuprof_tensor* a, const mcuprof_tensor* b) {
  return a->offset < b->offset + b->size_bytes && b->offset < a->offset + a->size_bytes;
}

/* Whether a tensor is read by an op after `op_index` or is a model output. */
int exec_used_after(const view* v, int32_t tensor, uint32_t op_index) {
  const uint32_t* outs = (const uint32_t*)(v->image + v->h->outputs_offset);
  for (uint32_t i = 0; i < v->h->num_outputs; ++i)
    if ((int32_t)outs[i] == tensor) return 1;
  for (uint32_t j = op_index + 1u; j < v->h->num_ops; ++j) {
    const mcuprof_op* op = &v->ops[j];
    for (uint32_t k = 0; k < op->num_inputs; ++k)
      if (op_in(v, op, k) == tensor) return 1;
  }
  return 0;
}

/* Whether input k of op i is its first mention among the op's inputs (no double free). */
int exec_first_mention(const view* v, const mcuprof_op* op, uint32_t k) {
  for (uint32_t j = 0; j < k; ++j)
    if (op_in(v, op, j) == op_in(v, op, k)) return 0;
  return 1;
}

static void free_dead_inputs(const view* v, uint32_t i, int32_t freed) {
  const mcuprof_op* op = &v->ops[i];
  for (uint32_t k = 0; k < op->num_inputs; ++k) {
    const int32_t t = op_in(v, op, k);
    if (t < 0 || t == freed || v->tensors[t].storage != MCUPROF_STORAGE_ARENA) continue;
    if (!exec_first_mention(v, op, k) || exec_used_after(v, t, i)) continue;
    EV_FREE((uint32_t)t);
  }
}

mcuprof_exec_status mcuprof_model_run(const mcuprof_model* m) {
  view v;
  model_view(m, &v);
  EV_RUN_BEGIN();
  EV_ARENA(m->arena, (m->header->arena_size + 15u) & ~15u);
  const uint32_t* ins = (const uint32_t*)(v.image + v.h->inputs_offset);
  for (uint32_t i = 0; i < v.h->num_inputs; ++i)
    EV_ALLOC(ins[i], v.tensors[ins[i]].offset, v.tensors[ins[i]].size_bytes);
  /* Stages run patch by patch where they start (docs/patch-based.md); every other op
   * layer by layer. */
  const mcuprof_schedule* schedule = exec_schedule_of(&v);
  uint32_t next_stage = 0;
  for (uint32_t i = 0; i < v.h->num_ops; ++i) {
    if (schedule != NULL && next_stage < schedule->num_stages &&
        exec_stage_at(&v, next_stage)->first_op == i) {
      exec_run_stage(m, &v, next_stage);
      i = exec_stage_at(&v, next_stage++)->end_op - 1u;
      continue;
    }
    const mcuprof_op* op = &v.ops[i];
    const int32_t out = op_out(&v, op, 0);
    /* An in-place output takes over the bytes of the input it overlaps, which dies here
     * (at the input's offset, or before it for a pointwise conv). During the op the two
     * hold their union: the output, and the input's bytes past the output's end, which
     * are freed after the kernel. */
    int32_t src = -1;
    for (uint32_t k = 0; k < op->num_inputs && (op->flags & MCUPROF_OP_FLAG_IN_PLACE) != 0u; ++k) {
      const int32_t t = op_in(&v, op, k);
      if (src < 0 && t >= 0 && v.tensors[t].storage == MCUPROF_STORAGE_ARENA &&
          bytes_overlap(&v.tensors[t], &v.tensors[out]) && !exec_used_after(&v, t, i))
        src = t;
    }
    const uint32_t out_end = v.tensors[out].offset + v.tensors[out].size_bytes;
    const uint32_t src_end = src >= 0 ? v.tensors[src].offset + v.tensors[src].size_bytes : 0u;
    if (src >= 0) EV_FREE((uint32_t)src);
    EV_ALLOC((uint32_t)out, v.tensors[out].offset, v.tensors[out].size_bytes);
    if (src_end > out_end) EV_ALLOC((uint32_t)src, out_end, src_end - out_end);
    EV_LAYER_BEGIN(i, op->type, mcuprof_op_macs(m, i));
    run_op(m, &v, op);
    EV_LAYER_END(i);
    if (src_end > out_end) EV_FREE((uint32_t)src);
    free_dead_inputs(&v, i, src);
  }
  EV_RUN_END();
  return MCUPROF_EXEC_OK;
}

mcuprof_exec_status mcuprof_model_run_op(const mcuprof_model* m, uint32_t op_index) {
  view v;
  model_view(m, &v);
  if (op_index >= v.h->num_ops || exec_schedule_of(&v) != NULL) return MCUPROF_EXEC_UNSUPPORTED;
  run_op(m, &v, &v.ops[op_index]);
  return MCUPROF_EXEC_OK;
}
