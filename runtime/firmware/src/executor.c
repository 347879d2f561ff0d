/* executor.c — validates a model image in place and runs its ops on the int8 kernels
 * (see mcuprof_executor.h). Freestanding C11, no malloc, no recursion. The same file
 * builds for the boards (with trace-protocol events) and for the host (without). */
#include "mcuprof_executor.h"

#include <stddef.h>
#include <string.h>

#include "mcuprof_kernels.h"
#include "mcuprof_trace.h" /* the BuiltinOperator codes (events only on Arm builds) */

#if defined(__arm__) && !defined(MCUPROF_EXECUTOR_HOST)
#define EV_RUN_BEGIN() mcuprof_run_begin()
#define EV_RUN_END() mcuprof_run_end()
#define EV_ARENA(a, n) mcuprof_arena((a), (n))
/* `type` is the image's op type (enum mcuprof_op_type); the marker carries TFLite's code. */
#define EV_LAYER_BEGIN(i, type, macs) \
  mcuprof_layer_begin((i), mcuprof_op_builtin_code(type), (macs))
#define EV_LAYER_END(i) mcuprof_layer_end(i)
#define EV_ALLOC(t, off, n) mcuprof_tensor_alloc((t), (off), (n))
#define EV_FREE(t) mcuprof_tensor_free(t)
#define EV_PATCH_BEGIN(i, r, c) mcuprof_patch_begin((i), (r), (c))
#define EV_PATCH_END(i) mcuprof_patch_end(i)
#define EV_STAGE_BEGIN(i) mcuprof_stage_begin(i)
#define EV_STAGE_END(i) mcuprof_stage_end(i)
#else
#define EV_RUN_BEGIN() ((void)0)
#define EV_RUN_END() ((void)0)
#define EV_ARENA(a, n) ((void)(a), (void)(n))
#define EV_LAYER_BEGIN(i, op, macs) ((void)(i), (void)(op), (void)(macs))
#define EV_LAYER_END(i) ((void)(i))
#define EV_ALLOC(t, off, n) ((void)(t), (void)(off), (void)(n))
#define EV_FREE(t) ((void)(t))
#define EV_PATCH_BEGIN(i, r, c) ((void)(i), (void)(r), (void)(c))
#define EV_PATCH_END(i) ((void)(i))
#define EV_STAGE_BEGIN(i) ((void)(i))
#define EV_STAGE_END(i) ((void)(i))
#endif

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

typedef struct view {
  const uint8_t* image;
  const mcuprof_image_header* h;
  const mcuprof_tensor* tensors;
  const mcuprof_op* ops;
  const int32_t* params;
  uint32_t num_params;
} view;

static void make_view(view* v, const void* image) {
  v->image = (const uint8_t*)image;
  v->h = (const mcuprof_image_header*)image;
  v->tensors = (const mcuprof_tensor*)(v->image + v->h->tensors_offset);
  v->ops = (const mcuprof_op*)(v->image + v->h->ops_offset);
  v->params = (const int32_t*)(v->image + v->h->params_offset);
  v->num_params = v->h->params_size / 4u;
}

static const int32_t* op_io(const view* v, const mcuprof_op* op) {
  return v->params + op->io_offset;
}
static int32_t op_in(const view* v, const mcuprof_op* op, uint32_t k) {
  return k < op->num_inputs ? op_io(v, op)[k] : -1;
}
static int32_t op_out(const view* v, const mcuprof_op* op, uint32_t k) {
  return op_io(v, op)[op->num_inputs + k];
}

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

static int range_ok(uint32_t offset, uint32_t size, uint32_t total) {
  return offset <= total && size <= total - offset;
}

static uint32_t dtype_size(uint8_t dtype) {
  switch (dtype) {
    case MCUPROF_DTYPE_FLOAT32:
    case MCUPROF_DTYPE_INT32:
      return 4u;
    case MCUPROF_DTYPE_INT64:
      return 8u;
    case MCUPROF_DTYPE_INT16:
      return 2u;
    case MCUPROF_DTYPE_UINT8:
    case MCUPROF_DTYPE_INT8:
      return 1u;
    default:
      return 0u;
  }
}

static uint32_t elements(const mcuprof_tensor* t) {
  uint32_t n = 1u;
  for (uint32_t k = 0; k < t->rank; ++k) n *= (uint32_t)t->dims[k];
  return n;
}

static mcuprof_exec_status check_tensor(const mcuprof_image_header* h, const mcuprof_tensor* t) {
  const uint32_t esize = dtype_size(t->dtype);
  if (esize == 0u || t->rank > MCUPROF_IMAGE_MAX_RANK) return MCUPROF_EXEC_UNSUPPORTED;
  uint64_t n = esize;
  for (uint32_t k = 0; k < MCUPROF_IMAGE_MAX_RANK; ++k) {
    if (t->dims[k] < 1) return MCUPROF_EXEC_BAD_BOUNDS;
    if (k < t->rank) n *= (uint64_t)t->dims[k];
    if (n > 0xFFFFFFFFull) return MCUPROF_EXEC_BAD_BOUNDS;
  }
  if (n != t->size_bytes) return MCUPROF_EXEC_BAD_BOUNDS;
  if (t->storage == MCUPROF_STORAGE_ARENA) {
    if (!range_ok(t->offset, t->size_bytes, h->arena_size)) return MCUPROF_EXEC_BAD_BOUNDS;
    if ((t->offset & 3u) != 0u) return MCUPROF_EXEC_BAD_ALIGNMENT;
  } else if (t->storage == MCUPROF_STORAGE_WEIGHTS) {
    if (!range_ok(t->offset, t->size_bytes, h->weights_size)) return MCUPROF_EXEC_BAD_BOUNDS;
    if ((t->offset & 3u) != 0u) return MCUPROF_EXEC_BAD_ALIGNMENT;
  } else if (t->storage == MCUPROF_STORAGE_PATCH) {
    if (h->schedule_size == 0u || t->rank != 4u) return MCUPROF_EXEC_BAD_BOUNDS;
  } else if (t->storage != MCUPROF_STORAGE_NONE) {
    return MCUPROF_EXEC_BAD_BOUNDS;
  }
  return MCUPROF_EXEC_OK;
}

/* A tensor an op needs: in range and materialised. */
static int usable(const view* v, int32_t index) {
  return index >= 0 && (uint32_t)index < v->h->num_tensors &&
         v->tensors[index].storage != MCUPROF_STORAGE_NONE;
}

static int is_int8(const view* v, int32_t index) {
  return v->tensors[index].dtype == MCUPROF_DTYPE_INT8;
}

/* Per-op structure checks: the ops' tensors exist and have the ranks the kernels use. */
static mcuprof_exec_status check_op(const view* v, const mcuprof_op* op) {
  if (!range_ok(op->io_offset, (uint32_t)op->num_inputs + op->num_outputs, v->num_params))
    return MCUPROF_EXEC_BAD_BOUNDS;
  if (op->num_outputs != 1u || op->num_inputs < 1u) return MCUPROF_EXEC_UNSUPPORTED;
  for (uint32_t k = 0; k < op->num_inputs; ++k) {
    const int32_t t = op_in(v, op, k);
    if (t < -1 || t >= (int32_t)v->h->num_tensors) return MCUPROF_EXEC_BAD_BOUNDS;
  }
  const int32_t out = op_out(v, op, 0);
  if (!usable(v, out) || (v->tensors[out].storage != MCUPROF_STORAGE_ARENA &&
                          v->tensors[out].storage != MCUPROF_STORAGE_PATCH))
    return MCUPROF_EXEC_BAD_BOUNDS;
  if (!usable(v, op_in(v, op, 0))) return MCUPROF_EXEC_BAD_BOUNDS;
  if ((op->flags & MCUPROF_OP_FLAG_PER_CHANNEL) != 0u &&
      (op->channels > v->num_params ||
       !range_ok(op->channels_offset, op->channels + (op->channels + 3u) / 4u, v->num_params)))
    return MCUPROF_EXEC_BAD_BOUNDS;
  if (!range_ok(op->aux_offset, op->aux_count, v->num_params)) return MCUPROF_EXEC_BAD_BOUNDS;
  const mcuprof_tensor* in = &v->tensors[op_in(v, op, 0)];
  const mcuprof_tensor* o = &v->tensors[out];
  switch (op->type) {
    case MCUPROF_OP_CONV_2D:
    case MCUPROF_OP_DEPTHWISE_CONV_2D:
    case MCUPROF_OP_FULLY_CONNECTED: {
      if (op->num_inputs < 2u || !usable(v, op_in(v, op, 1))) return MCUPROF_EXEC_BAD_BOUNDS;
      const int32_t b = op_in(v, op, 2);
      if (b >= 0 && (!usable(v, b) || v->tensors[b].dtype != MCUPROF_DTYPE_INT32))
        return MCUPROF_EXEC_UNSUPPORTED;
      const mcuprof_tensor* w = &v->tensors[op_in(v, op, 1)];
      const uint32_t channels = op->type == MCUPROF_OP_CONV_2D           ? (uint32_t)w->dims[0]
                                : op->type == MCUPROF_OP_FULLY_CONNECTED ? (uint32_t)w->dims[0]
                                                                         : (uint32_t)w->dims[3];
      if ((op->flags & MCUPROF_OP_FLAG_PER_CHANNEL) != 0u && op->channels != channels)
        return MCUPROF_EXEC_BAD_BOUNDS;
      if (b >= 0 && elements(&v->tensors[b]) != channels) return MCUPROF_EXEC_BAD_BOUNDS;
      if (!is_int8(v, op_in(v, op, 0)) || !is_int8(v, op_in(v, op, 1)) || !is_int8(v, out))
        return MCUPROF_EXEC_UNSUPPORTED;
      if (op->type != MCUPROF_OP_FULLY_CONNECTED && (in->rank != 4u || o->rank != 4u))
        return MCUPROF_EXEC_UNSUPPORTED;
      if (op->input_offset < -127 || op->input_offset > 128)
        return MCUPROF_EXEC_BAD_BOUNDS; /* minus an int8 zero point */
      break;
    }
    case MCUPROF_OP_ADD:
    case MCUPROF_OP_MUL: {
      if (op->num_inputs != 2u || !usable(v, op_in(v, op, 1))) return MCUPROF_EXEC_BAD_BOUNDS;
      /* The kernels take 4-D shapes: a fifth dimension must be 1 everywhere. */
      const mcuprof_tensor* in2 = &v->tensors[op_in(v, op, 1)];
      if ((in->rank == 5u && in->dims[0] != 1) || (in2->rank == 5u && in2->dims[0] != 1) ||
          (o->rank == 5u && o->dims[0] != 1))
        return MCUPROF_EXEC_UNSUPPORTED;
      break;
    }
    case MCUPROF_OP_MEAN: {
      const int32_t* axes = v->params + op->aux_offset;
      if (op->aux_count < 1u || op->aux_count > in->rank) return MCUPROF_EXEC_UNSUPPORTED;
      for (uint32_t k = 0; k < op->aux_count; ++k)
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
      if (in->rank > 4u || op->aux_count != 2u * in->rank) return MCUPROF_EXEC_UNSUPPORTED;
      break;
    case MCUPROF_OP_TRANSPOSE:
      if (in->rank > 4u || op->aux_count != in->rank) return MCUPROF_EXEC_UNSUPPORTED;
      break;
    case MCUPROF_OP_CONCATENATION:
      if (op->num_inputs > MAX_CONCAT_INPUTS || op->axis < 0 || op->axis >= (int32_t)o->rank)
        return MCUPROF_EXEC_UNSUPPORTED;
      for (uint32_t k = 0; k < op->num_inputs; ++k)
        if (!usable(v, op_in(v, op, k))) return MCUPROF_EXEC_BAD_BOUNDS;
      break;
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
      elements(in) != elements(o))
    return MCUPROF_EXEC_BAD_BOUNDS; /* elementwise ops keep the element count */
  return MCUPROF_EXEC_OK;
}

/* ---- the patch schedule section (format 1.1) ---- */

static const mcuprof_schedule* schedule_of(const view* v) {
  if (v->h->schedule_size == 0u) return NULL;
  return (const mcuprof_schedule*)(v->image + v->h->schedule_offset);
}
static const mcuprof_patch* patch_at(const view* v, uint32_t k) {
  const mcuprof_schedule* s = schedule_of(v);
  return (const mcuprof_patch*)((const uint8_t*)s + s->patches_offset) + k;
}
static const mcuprof_patch_region* region_at(const view* v, uint32_t k) {
  const mcuprof_schedule* s = schedule_of(v);
  return (const mcuprof_patch_region*)((const uint8_t*)s + s->regions_offset) + k;
}

/* The region tensor t has in patch p, NULL if none. */
static const mcuprof_patch_region* find_region(const view* v, const mcuprof_patch* p, int32_t t) {
  for (uint32_t k = 0; k < p->num_regions; ++k) {
    const mcuprof_patch_region* r = region_at(v, p->first_region + k);
    if ((int32_t)r->tensor == t) return r;
  }
  return NULL;
}

static int stage_op_type(uint8_t type) {
  return type == MCUPROF_OP_CONV_2D || type == MCUPROF_OP_DEPTHWISE_CONV_2D ||
         type == MCUPROF_OP_AVERAGE_POOL_2D || type == MCUPROF_OP_MAX_POOL_2D ||
         type == MCUPROF_OP_ADD || type == MCUPROF_OP_MUL || type == MCUPROF_OP_QUANTIZE ||
         type == MCUPROF_OP_DEQUANTIZE;
}
static int window_op_type(uint8_t type) {
  return type == MCUPROF_OP_CONV_2D || type == MCUPROF_OP_DEPTHWISE_CONV_2D ||
         type == MCUPROF_OP_AVERAGE_POOL_2D || type == MCUPROF_OP_MAX_POOL_2D;
}

/* Height and width of a tensor seen as 4-D with leading 1s (as the ADD/MUL kernels do). */
static int32_t height4(const mcuprof_tensor* t) {
  return t->rank >= 3u ? t->dims[t->rank - 3u] : 1;
}
static int32_t width4(const mcuprof_tensor* t) {
  return t->rank >= 2u ? t->dims[t->rank - 2u] : 1;
}

/* An elementwise operand broadcast over the map (H = W = 1 while the output is larger). */
static int broadcast_operand(const mcuprof_tensor* in, const mcuprof_tensor* out) {
  return height4(in) == 1 && width4(in) == 1 && (out->dims[1] != 1 || out->dims[2] != 1);
}

static uint32_t region_bytes(const mcuprof_tensor* t, const mcuprof_patch_region* r) {
  return (uint32_t)(r->row1 - r->row0) * (uint32_t)(r->col1 - r->col0) * (uint32_t)t->dims[3] *
         dtype_size(t->dtype);
}

static int region_contains(const mcuprof_patch_region* outer, const mcuprof_patch_region* inner) {
  return outer->row0 <= inner->row0 && outer->row1 >= inner->row1 && outer->col0 <= inner->col0 &&
         outer->col1 >= inner->col1;
}

static mcuprof_exec_status check_schedule(const view* v) {
  const mcuprof_image_header* h = v->h;
  if (!range_ok(h->schedule_offset, h->schedule_size, h->total_size) ||
      h->schedule_size < sizeof(mcuprof_schedule))
    return MCUPROF_EXEC_BAD_BOUNDS;
  if ((h->schedule_offset & (MCUPROF_IMAGE_ALIGN - 1u)) != 0u) return MCUPROF_EXEC_BAD_ALIGNMENT;
  const mcuprof_schedule* s = schedule_of(v);
  if (s->num_patches > 0x10000u || s->num_regions > 0x1000000u) return MCUPROF_EXEC_BAD_BOUNDS;
  if (s->split < 1u || s->split >= h->num_ops || s->grid < 1u || s->grid > 0xFFu ||
      s->num_patches != s->grid * s->grid || s->output_tensor >= h->num_tensors)
    return MCUPROF_EXEC_BAD_BOUNDS;
  if (!range_ok(s->patches_offset, s->num_patches * (uint32_t)sizeof(mcuprof_patch),
                h->schedule_size) ||
      !range_ok(s->regions_offset, s->num_regions * (uint32_t)sizeof(mcuprof_patch_region),
                h->schedule_size) ||
      ((s->patches_offset | s->regions_offset) & 3u) != 0u)
    return MCUPROF_EXEC_BAD_BOUNDS;
  const mcuprof_tensor* out = &v->tensors[s->output_tensor];
  if (out->storage != MCUPROF_STORAGE_ARENA || out->rank != 4u) return MCUPROF_EXEC_UNSUPPORTED;
  for (uint32_t k = 0; k < s->num_regions; ++k) {
    const mcuprof_patch_region* r = region_at(v, k);
    if (r->tensor >= h->num_tensors) return MCUPROF_EXEC_BAD_BOUNDS;
    const mcuprof_tensor* t = &v->tensors[r->tensor];
    if (t->rank != 4u || r->row0 < 0 || r->row0 >= r->row1 || r->row1 > t->dims[1] || r->col0 < 0 ||
        r->col0 >= r->col1 || r->col1 > t->dims[2])
      return MCUPROF_EXEC_BAD_BOUNDS;
    if ((r->flags & MCUPROF_REGION_FULL) != 0u) {
      if (t->storage != MCUPROF_STORAGE_ARENA || r->offset != t->offset)
        return MCUPROF_EXEC_BAD_BOUNDS;
    } else {
      if (t->storage != MCUPROF_STORAGE_PATCH || (r->offset & 3u) != 0u ||
          !range_ok(r->offset, region_bytes(t, r), h->arena_size))
        return MCUPROF_EXEC_BAD_BOUNDS;
    }
  }
  for (uint32_t i = 0; i < h->num_ops; ++i) {
    const mcuprof_op* op = &v->ops[i];
    if (i < s->split) {
      if (!stage_op_type(op->type) || v->tensors[op_out(v, op, 0)].rank != 4u)
        return MCUPROF_EXEC_UNSUPPORTED;
      continue;
    }
    for (uint32_t k = 0; k < op->num_inputs; ++k) {
      const int32_t t = op_in(v, op, k);
      if (t >= 0 && v->tensors[t].storage == MCUPROF_STORAGE_PATCH) return MCUPROF_EXEC_BAD_BOUNDS;
    }
  }
  /* Every op a patch runs finds its operands there, large enough for elementwise reads. */
  for (uint32_t pi = 0; pi < s->num_patches; ++pi) {
    const mcuprof_patch* p = patch_at(v, pi);
    if (!range_ok(p->first_region, p->num_regions, s->num_regions)) return MCUPROF_EXEC_BAD_BOUNDS;
    for (uint32_t i = 0; i < s->split; ++i) {
      const mcuprof_op* op = &v->ops[i];
      const mcuprof_patch_region* ro = find_region(v, p, op_out(v, op, 0));
      if (ro == NULL) continue;
      if ((ro->flags & MCUPROF_REGION_FULL) != 0u && (uint32_t)op_out(v, op, 0) != s->output_tensor)
        return MCUPROF_EXEC_BAD_BOUNDS;
      const uint32_t n_in = window_op_type(op->type) ? 1u : op->num_inputs;
      for (uint32_t k = 0; k < n_in; ++k) {
        const int32_t t = op_in(v, op, k);
        if (t < 0) continue;
        if (v->tensors[t].storage == MCUPROF_STORAGE_WEIGHTS) { /* read whole from flash */
          const mcuprof_tensor* c = &v->tensors[t];
          const mcuprof_tensor* o = &v->tensors[op_out(v, op, 0)];
          if (!window_op_type(op->type) && !broadcast_operand(c, o) &&
              (c->rank != 4u || c->dims[1] != o->dims[1] || c->dims[2] != o->dims[2]))
            return MCUPROF_EXEC_UNSUPPORTED;
          continue;
        }
        const mcuprof_patch_region* ri = find_region(v, p, t);
        if (ri == NULL) return MCUPROF_EXEC_BAD_BOUNDS;
        if (window_op_type(op->type) ||
            broadcast_operand(&v->tensors[t], &v->tensors[op_out(v, op, 0)]))
          continue;
        if (v->tensors[t].dims[1] != v->tensors[op_out(v, op, 0)].dims[1] ||
            v->tensors[t].dims[2] != v->tensors[op_out(v, op, 0)].dims[2])
          return MCUPROF_EXEC_UNSUPPORTED;
        if (!region_contains(ri, ro)) return MCUPROF_EXEC_BAD_BOUNDS;
      }
    }
  }
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
    const mcuprof_exec_status s = check_tensor(h, &v.tensors[i]);
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
  if (h->schedule_offset != 0u || h->schedule_size != 0u) return check_schedule(&v);
  return MCUPROF_EXEC_OK;
}

/* ---- kernel parameters from the image ---- */

static const mcuprof_tensor* T(const view* v, int32_t index) {
  return &v->tensors[index];
}

/* Per channel: int32 multipliers[channels], then the shifts as int8, four to a word. */
static void requant(const view* v, const mcuprof_op* op, int32_t* per_channel,
                    const int32_t** multiplier, const int32_t** shift, const int8_t** shift8) {
  if ((op->flags & MCUPROF_OP_FLAG_PER_CHANNEL) != 0u) {
    *per_channel = 1;
    *multiplier = v->params + op->channels_offset;
    *shift = NULL;
    *shift8 = (const int8_t*)(v->params + op->channels_offset + op->channels);
  } else {
    *per_channel = 0;
    *multiplier = &op->output_multiplier;
    *shift = &op->output_shift;
    *shift8 = NULL;
  }
}

static void depthwise_params(const view* v, const mcuprof_op* op, mcuprof_depthwise_params* p) {
  const mcuprof_tensor* in = T(v, op_in(v, op, 0));
  const mcuprof_tensor* w = T(v, op_in(v, op, 1));
  const mcuprof_tensor* out = T(v, op_out(v, op, 0));
  p->batches = in->dims[0];
  p->in_h = in->dims[1], p->in_w = in->dims[2], p->in_c = in->dims[3];
  p->out_h = out->dims[1], p->out_w = out->dims[2];
  p->depth_multiplier = op->depth_multiplier;
  p->filter_h = w->dims[1], p->filter_w = w->dims[2];
  p->stride_h = op->stride_h, p->stride_w = op->stride_w;
  p->dilation_h = op->dilation_h, p->dilation_w = op->dilation_w;
  p->pad_top = op->pad_top, p->pad_left = op->pad_left;
  p->input_offset = op->input_offset, p->output_offset = op->output_offset;
  p->act_min = op->act_min, p->act_max = op->act_max;
  requant(v, op, &p->per_channel, &p->multiplier, &p->shift, &p->shift8);
}

static void conv_params(const view* v, const mcuprof_op* op, mcuprof_conv_params* p) {
  const mcuprof_tensor* in = T(v, op_in(v, op, 0));
  const mcuprof_tensor* w = T(v, op_in(v, op, 1));
  const mcuprof_tensor* out = T(v, op_out(v, op, 0));
  p->batches = in->dims[0];
  p->in_h = in->dims[1], p->in_w = in->dims[2], p->in_c = in->dims[3];
  p->out_h = out->dims[1], p->out_w = out->dims[2], p->out_c = out->dims[3];
  p->filter_h = w->dims[1], p->filter_w = w->dims[2];
  p->stride_h = op->stride_h, p->stride_w = op->stride_w;
  p->dilation_h = op->dilation_h, p->dilation_w = op->dilation_w;
  p->pad_top = op->pad_top, p->pad_left = op->pad_left;
  p->input_offset = op->input_offset, p->output_offset = op->output_offset;
  p->act_min = op->act_min, p->act_max = op->act_max;
  requant(v, op, &p->per_channel, &p->multiplier, &p->shift, &p->shift8);
}

/* The largest scratch any op's kernel needs (convolutions), placed after the arena. */
static uint32_t scratch_needed(const view* v) {
  uint32_t most = 0;
  for (uint32_t i = 0; i < v->h->num_ops; ++i) {
    uint32_t n = 0;
    if (v->ops[i].type == MCUPROF_OP_DEPTHWISE_CONV_2D) {
      mcuprof_depthwise_params p;
      depthwise_params(v, &v->ops[i], &p);
      n = (uint32_t)mcuprof_depthwise_conv2d_s8_scratch_bytes(&p);
    } else if (v->ops[i].type == MCUPROF_OP_CONV_2D) {
      mcuprof_conv_params p;
      conv_params(v, &v->ops[i], &p);
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
  if (op->type == MCUPROF_OP_CONV_2D) {
    const mcuprof_tensor* w = T(&v, op_in(&v, op, 1));
    return elements(out) * (uint32_t)(w->dims[1] * w->dims[2] * w->dims[3]);
  }
  if (op->type == MCUPROF_OP_DEPTHWISE_CONV_2D) {
    const mcuprof_tensor* w = T(&v, op_in(&v, op, 1));
    return elements(out) * (uint32_t)(w->dims[1] * w->dims[2]);
  }
  if (op->type == MCUPROF_OP_FULLY_CONNECTED)
    return elements(out) * (uint32_t)T(&v, op_in(&v, op, 1))->dims[1];
  return 0u;
}

/* Dims of a tensor as 4-D with leading 1s (rank <= 4, or rank 5 with a leading 1). */
static void dims4(const mcuprof_tensor* t, int32_t out[4]) {
  const uint32_t rank = t->rank > 4u ? 4u : t->rank;
  const uint32_t skip = t->rank > 4u ? t->rank - 4u : 0u;
  for (uint32_t k = 0; k < 4u; ++k) out[k] = 1;
  for (uint32_t k = 0; k < rank; ++k) out[4u - rank + k] = t->dims[skip + k];
}

static int mean_is_hw(const mcuprof_tensor* in, const mcuprof_op* op, const int32_t* axes) {
  return in->rank == 4u && op->aux_count == 2u && axes[0] == 1 && axes[1] == 2;
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
static void run_elementwise(const view* v, const mcuprof_op* op, const mcuprof_broadcast_shapes* s,
                            const void* x1, const void* x2, void* y, uint32_t n) {
  const mcuprof_tensor* in = T(v, op_in(v, op, 0));
  const mcuprof_tensor* out = T(v, op_out(v, op, 0));
  switch (op->type) {
    case MCUPROF_OP_ADD: {
      mcuprof_add_params p;
      p.shapes = *s;
      p.in1_offset = op->input_offset, p.in2_offset = op->input2_offset;
      p.output_offset = op->output_offset;
      p.left_shift = op->left_shift;
      p.in1_multiplier = op->input1_multiplier, p.in1_shift = op->input1_shift;
      p.in2_multiplier = op->input2_multiplier, p.in2_shift = op->input2_shift;
      p.out_multiplier = op->output_multiplier, p.out_shift = op->output_shift;
      p.act_min = op->act_min, p.act_max = op->act_max;
      mcuprof_add_s8(&p, (const int8_t*)x1, (const int8_t*)x2, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_MUL: {
      mcuprof_mul_params p;
      p.shapes = *s;
      p.in1_offset = op->input_offset, p.in2_offset = op->input2_offset;
      p.output_offset = op->output_offset;
      p.out_multiplier = op->output_multiplier, p.out_shift = op->output_shift;
      p.act_min = op->act_min, p.act_max = op->act_max;
      mcuprof_mul_s8(&p, (const int8_t*)x1, (const int8_t*)x2, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_QUANTIZE:
      if (in->dtype == MCUPROF_DTYPE_FLOAT32)
        mcuprof_quantize_f32_s8((const float*)x1, (int8_t*)y, n, op->scale, out->zero_point);
      else
        requantize_s8((const int8_t*)x1, (int8_t*)y, n, in->zero_point, out->zero_point,
                      op->output_multiplier, op->output_shift);
      break;
    default: /* DEQUANTIZE */
      mcuprof_dequantize_s8_f32((const int8_t*)x1, (float*)y, n, op->scale, in->zero_point);
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
      conv_params(v, op, &p);
      mcuprof_conv2d_s8(&p, (const int8_t*)x,
                        (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)),
                        bias, (int8_t*)y, scratch);
      break;
    }
    case MCUPROF_OP_DEPTHWISE_CONV_2D: {
      mcuprof_depthwise_params p;
      depthwise_params(v, op, &p);
      mcuprof_depthwise_conv2d_s8(
          &p, (const int8_t*)x,
          (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)), bias, (int8_t*)y,
          scratch);
      break;
    }
    case MCUPROF_OP_FULLY_CONNECTED: {
      const mcuprof_tensor* w = T(v, op_in(v, op, 1));
      mcuprof_fc_params p;
      p.in_depth = w->dims[1], p.out_depth = w->dims[0];
      p.batches = (int32_t)(elements(in) / (uint32_t)p.in_depth);
      p.input_offset = op->input_offset, p.output_offset = op->output_offset;
      p.act_min = op->act_min, p.act_max = op->act_max;
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
      dims4(in, sh.in1);
      dims4(T(v, in2_index), sh.in2);
      dims4(out, sh.out);
      run_elementwise(v, op, &sh, x, mcuprof_model_tensor_data(m, (uint32_t)in2_index), y,
                      elements(out));
      break;
    }
    case MCUPROF_OP_MEAN: { /* any axes (validated sorted, in range); H,W has a fast path */
      const int32_t* axes = v->params + op->aux_offset;
      if (!mean_is_hw(in, op, axes)) {
        mcuprof_reduce_params r;
        r.rank = (int32_t)in->rank, r.reduced = 0u;
        for (uint32_t k = 0; k < in->rank; ++k) r.dims[k] = in->dims[k];
        for (uint32_t k = 0; k < op->aux_count; ++k) r.reduced |= 1u << (uint32_t)axes[k];
        r.input_offset = op->input_offset, r.output_offset = op->output_offset;
        r.multiplier = op->output_multiplier, r.shift = op->output_shift;
        mcuprof_mean_s8(&r, (const int8_t*)x, (int8_t*)y);
        break;
      }
      mcuprof_mean_params p;
      p.batches = in->dims[0];
      p.in_h = in->dims[1], p.in_w = in->dims[2], p.channels = in->dims[3];
      p.input_offset = op->input_offset, p.output_offset = op->output_offset;
      p.multiplier = op->output_multiplier, p.shift = op->output_shift;
      mcuprof_mean_hw_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_AVERAGE_POOL_2D:
    case MCUPROF_OP_MAX_POOL_2D: {
      mcuprof_pool_params p;
      p.batches = in->dims[0];
      p.in_h = in->dims[1], p.in_w = in->dims[2], p.channels = in->dims[3];
      p.out_h = out->dims[1], p.out_w = out->dims[2];
      p.filter_h = op->filter_h, p.filter_w = op->filter_w;
      p.stride_h = op->stride_h, p.stride_w = op->stride_w;
      p.pad_top = op->pad_top, p.pad_left = op->pad_left;
      p.act_min = op->act_min, p.act_max = op->act_max;
      if (op->type == MCUPROF_OP_AVERAGE_POOL_2D)
        mcuprof_average_pool_s8(&p, (const int8_t*)x, (int8_t*)y);
      else
        mcuprof_max_pool_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_PAD: {
      mcuprof_pad_params p;
      const int32_t* amounts = v->params + op->aux_offset;
      const uint32_t lead = 4u - in->rank;
      dims4(in, p.in);
      for (uint32_t k = 0; k < 4u; ++k) {
        p.before[k] = k < lead ? 0 : amounts[2u * (k - lead)];
        p.after[k] = k < lead ? 0 : amounts[2u * (k - lead) + 1u];
      }
      p.pad_value = (int8_t)out->zero_point;
      mcuprof_pad_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_RESHAPE:
      if (x != y) mcuprof_reshape_s8((const int8_t*)x, (int8_t*)y, out->size_bytes);
      break;
    case MCUPROF_OP_SOFTMAX: {
      mcuprof_softmax_params p;
      p.depth = in->rank == 0u ? 1 : in->dims[in->rank - 1u];
      p.rows = (int32_t)(elements(in) / (uint32_t)p.depth);
      p.input_multiplier = op->input1_multiplier;
      p.input_left_shift = op->input1_shift;
      p.diff_min = op->left_shift;
      mcuprof_softmax_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_QUANTIZE:
    case MCUPROF_OP_DEQUANTIZE: /* the element count is the same on both sides (validated) */
      run_elementwise(v, op, NULL, x, NULL, y, elements(out));
      break;
    case MCUPROF_OP_TRANSPOSE: {
      mcuprof_transpose_params p;
      const int32_t* perm = v->params + op->aux_offset;
      const uint32_t lead = 4u - in->rank;
      dims4(in, p.in);
      for (uint32_t k = 0; k < 4u; ++k)
        p.perm[k] = k < lead ? (int32_t)k : perm[k - lead] + (int32_t)lead;
      mcuprof_transpose_s8(&p, (const int8_t*)x, (int8_t*)y);
      break;
    }
    case MCUPROF_OP_RESIZE_NEAREST_NEIGHBOR: {
      mcuprof_resize_params p;
      p.batches = in->dims[0];
      p.in_h = in->dims[1], p.in_w = in->dims[2], p.channels = in->dims[3];
      p.out_h = out->dims[1], p.out_w = out->dims[2];
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
      for (int32_t k = 0; k < op->axis; ++k) p.outer *= out->dims[k];
      for (uint32_t k = (uint32_t)op->axis + 1u; k < out->rank; ++k) p.inner *= out->dims[k];
      p.count = op->num_inputs;
      for (uint32_t k = 0; k < op->num_inputs; ++k) {
        const int32_t t = op_in(v, op, k);
        inputs[k] = (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)t);
        sizes[k] = T(v, t)->dims[op->axis];
      }
      p.axis_sizes = sizes;
      mcuprof_concat_s8(&p, inputs, (int8_t*)y);
      break;
    }
    default:
      break; /* refused by validation */
  }
}

/* Whether a tensor is read by an op after `op_index` or is a model output. */
/* Whether two arena tensors share a byte. */
static int bytes_overlap(const mcuprof_tensor* a, const mcuprof_tensor* b) {
  return a->offset < b->offset + b->size_bytes && b->offset < a->offset + a->size_bytes;
}

static int used_after(const view* v, int32_t tensor, uint32_t op_index) {
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
static int first_mention(const view* v, const mcuprof_op* op, uint32_t k) {
  for (uint32_t j = 0; j < k; ++j)
    if (op_in(v, op, j) == op_in(v, op, k)) return 0;
  return 1;
}

static void free_dead_inputs(const view* v, uint32_t i, int32_t freed) {
  const mcuprof_op* op = &v->ops[i];
  for (uint32_t k = 0; k < op->num_inputs; ++k) {
    const int32_t t = op_in(v, op, k);
    if (t < 0 || t == freed || v->tensors[t].storage != MCUPROF_STORAGE_ARENA) continue;
    if (!first_mention(v, op, k) || used_after(v, t, i)) continue;
    EV_FREE((uint32_t)t);
  }
}

/* ---- running the patch stage ---- */

/* A tensor's buffer in one patch: its base address and which rows/columns it holds. */
typedef struct patch_buffer {
  uint8_t* base;
  int32_t row0, col0, rows, cols; /* the buffer's extent in the tensor's coordinates */
  int32_t pixel_bytes;            /* channels x element size */
} patch_buffer;

static patch_buffer buffer_of(const mcuprof_model* m, const view* v,
                              const mcuprof_patch_region* r) {
  const mcuprof_tensor* t = &v->tensors[r->tensor];
  patch_buffer b;
  b.pixel_bytes = t->dims[3] * (int32_t)dtype_size(t->dtype);
  b.base = m->arena + r->offset;
  if ((r->flags & MCUPROF_REGION_FULL) != 0u) {
    b.row0 = 0, b.col0 = 0, b.rows = t->dims[1], b.cols = t->dims[2];
  } else {
    b.row0 = r->row0, b.col0 = r->col0, b.rows = r->row1 - r->row0, b.cols = r->col1 - r->col0;
  }
  return b;
}

static uint8_t* pixel_at(const patch_buffer* b, int32_t row, int32_t col) {
  return b->base + ((size_t)(row - b->row0) * (size_t)b->cols + (size_t)(col - b->col0)) *
                       (size_t)b->pixel_bytes;
}

/* One window op (conv, depthwise, pooling) over one output-region row band: the kernel
 * reads the input buffer with in_h/in_w its extent and the padding shifted by where the
 * buffer starts (negative when it starts before the first row the outputs need). */
static void run_window_rows(const mcuprof_model* m, const view* v, const mcuprof_op* op,
                            const patch_buffer* in, const mcuprof_patch_region* ro,
                            int32_t out_row0, int32_t out_rows, int8_t* y) {
  const int32_t out_cols = ro->col1 - ro->col0;
  const int32_t pad_top = op->pad_top + in->row0 - out_row0 * op->stride_h;
  const int32_t pad_left = op->pad_left + in->col0 - ro->col0 * op->stride_w;
  void* scratch = m->arena + ((m->header->arena_size + 15u) & ~15u);
  const int32_t bias_index = op_in(v, op, 2);
  const int32_t* bias =
      bias_index >= 0 ? (const int32_t*)mcuprof_model_tensor_data(m, (uint32_t)bias_index) : NULL;
  const int8_t* x = (const int8_t*)in->base;
  if (op->type == MCUPROF_OP_CONV_2D) {
    mcuprof_conv_params p;
    conv_params(v, op, &p);
    p.batches = 1, p.in_h = in->rows, p.in_w = in->cols, p.out_h = out_rows, p.out_w = out_cols;
    p.pad_top = pad_top, p.pad_left = pad_left;
    mcuprof_conv2d_s8(&p, x, (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)),
                      bias, y, scratch);
  } else if (op->type == MCUPROF_OP_DEPTHWISE_CONV_2D) {
    mcuprof_depthwise_params p;
    depthwise_params(v, op, &p);
    p.batches = 1, p.in_h = in->rows, p.in_w = in->cols, p.out_h = out_rows, p.out_w = out_cols;
    p.pad_top = pad_top, p.pad_left = pad_left;
    mcuprof_depthwise_conv2d_s8(
        &p, x, (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)), bias, y,
        scratch);
  } else {
    mcuprof_pool_params p;
    p.batches = 1;
    p.in_h = in->rows, p.in_w = in->cols, p.channels = v->tensors[op_in(v, op, 0)].dims[3];
    p.out_h = out_rows, p.out_w = out_cols;
    p.filter_h = op->filter_h, p.filter_w = op->filter_w;
    p.stride_h = op->stride_h, p.stride_w = op->stride_w;
    p.pad_top = pad_top, p.pad_left = pad_left;
    p.act_min = op->act_min, p.act_max = op->act_max;
    if (op->type == MCUPROF_OP_AVERAGE_POOL_2D)
      mcuprof_average_pool_s8(&p, x, y);
    else
      mcuprof_max_pool_s8(&p, x, y);
  }
}

/* One elementwise op (ADD, MUL, QUANTIZE, DEQUANTIZE) over one output row of the region:
 * each row of an NHWC sub-window is contiguous. */
static void run_elementwise_row(const mcuprof_model* m, const view* v, const mcuprof_op* op,
                                const mcuprof_patch* patch, int32_t row, int32_t col0, int32_t cols,
                                uint8_t* y) {
  const mcuprof_tensor* out = T(v, op_out(v, op, 0));
  const uint8_t* x[2] = {NULL, NULL};
  int32_t shape[2][4] = {{1, 1, 1, 1}, {1, 1, 1, 1}};
  for (uint32_t k = 0; k < op->num_inputs && k < 2u; ++k) {
    const int32_t t = op_in(v, op, k);
    const mcuprof_tensor* in = T(v, t);
    if (broadcast_operand(in, out)) { /* small, whole: the same for every row */
      const mcuprof_patch_region* r = find_region(v, patch, t);
      x[k] = r != NULL ? buffer_of(m, v, r).base
                       : (const uint8_t*)mcuprof_model_tensor_data(m, (uint32_t)t);
      dims4(in, shape[k]);
    } else if (in->storage == MCUPROF_STORAGE_WEIGHTS) { /* a whole map in flash */
      patch_buffer b;
      b.base = (uint8_t*)mcuprof_model_tensor_data(m, (uint32_t)t);
      b.row0 = 0, b.col0 = 0, b.rows = in->dims[1], b.cols = in->dims[2];
      b.pixel_bytes = in->dims[3] * (int32_t)dtype_size(in->dtype);
      x[k] = pixel_at(&b, row, col0);
      shape[k][0] = 1, shape[k][1] = 1, shape[k][2] = cols, shape[k][3] = in->dims[3];
    } else {
      const patch_buffer b = buffer_of(m, v, find_region(v, patch, t));
      x[k] = pixel_at(&b, row, col0);
      shape[k][0] = 1, shape[k][1] = 1, shape[k][2] = cols, shape[k][3] = in->dims[3];
    }
  }
  const int32_t channels = out->dims[3];
  const uint32_t n = (uint32_t)cols * (uint32_t)channels;
  mcuprof_broadcast_shapes sh;
  for (uint32_t k = 0; k < 4u; ++k) sh.in1[k] = shape[0][k], sh.in2[k] = shape[1][k];
  sh.out[0] = 1, sh.out[1] = 1, sh.out[2] = cols, sh.out[3] = channels;
  run_elementwise(v, op, &sh, x[0], x[1], y, n);
}

/* Op i of the stage in one patch, computing only its output region. */
static void run_patch_op(const mcuprof_model* m, const view* v, const mcuprof_patch* patch,
                         const mcuprof_op* op, const mcuprof_patch_region* ro) {
  const patch_buffer ob = buffer_of(m, v, ro);
  const int32_t rows = ro->row1 - ro->row0, cols = ro->col1 - ro->col0;
  const int full = (ro->flags & MCUPROF_REGION_FULL) != 0u; /* the stage output map */
  if (window_op_type(op->type)) {
    const patch_buffer in = buffer_of(m, v, find_region(v, patch, op_in(v, op, 0)));
    if (!full) {
      run_window_rows(m, v, op, &in, ro, ro->row0, rows, (int8_t*)ob.base);
    } else { /* row by row into the map, whose rows are longer than the tile's */
      for (int32_t r = ro->row0; r < ro->row1; ++r)
        run_window_rows(m, v, op, &in, ro, r, 1, (int8_t*)pixel_at(&ob, r, ro->col0));
    }
    return;
  }
  for (int32_t r = ro->row0; r < ro->row1; ++r)
    run_elementwise_row(m, v, op, patch, r, ro->col0, cols, pixel_at(&ob, r, ro->col0));
}

/* Whether a later stage op that runs in this patch reads tensor t. */
static int used_later_in_patch(const view* v, const mcuprof_patch* patch, int32_t t,
                               uint32_t op_index, uint32_t split) {
  for (uint32_t j = op_index + 1u; j < split; ++j) {
    const mcuprof_op* op = &v->ops[j];
    if (find_region(v, patch, op_out(v, op, 0)) == NULL) continue;
    for (uint32_t k = 0; k < op->num_inputs; ++k)
      if (op_in(v, op, k) == t) return 1;
  }
  return 0;
}

static uint32_t patch_op_macs(const mcuprof_model* m, const view* v, uint32_t i,
                              const mcuprof_patch_region* ro) {
  const mcuprof_tensor* out = T(v, op_out(v, &v->ops[i], 0));
  const uint64_t pixels = (uint64_t)out->dims[1] * (uint64_t)out->dims[2];
  const uint64_t region = (uint64_t)(ro->row1 - ro->row0) * (uint64_t)(ro->col1 - ro->col0);
  return (uint32_t)((uint64_t)mcuprof_op_macs(m, i) * region / pixels);
}

static void run_stage(const mcuprof_model* m, const view* v, const mcuprof_schedule* s) {
  EV_STAGE_BEGIN(0u);
  const mcuprof_tensor* map = &v->tensors[s->output_tensor];
  EV_ALLOC(s->output_tensor, map->offset, map->size_bytes);
  for (uint32_t pi = 0; pi < s->num_patches; ++pi) {
    const mcuprof_patch* patch = patch_at(v, pi);
    EV_PATCH_BEGIN(pi, patch->row, patch->column);
    for (uint32_t i = 0; i < s->split; ++i) {
      const mcuprof_op* op = &v->ops[i];
      const int32_t out = op_out(v, op, 0);
      const mcuprof_patch_region* ro = find_region(v, patch, out);
      if (ro == NULL) continue; /* nothing downstream needs this op in this patch */
      const int full = (ro->flags & MCUPROF_REGION_FULL) != 0u;
      if (!full) EV_ALLOC((uint32_t)out, ro->offset, region_bytes(&v->tensors[out], ro));
      EV_LAYER_BEGIN(i, op->type, patch_op_macs(m, v, i, ro));
      run_patch_op(m, v, patch, op, ro);
      EV_LAYER_END(i);
      for (uint32_t k = 0; k < op->num_inputs; ++k) {
        const int32_t t = op_in(v, op, k);
        if (t < 0 || v->tensors[t].storage != MCUPROF_STORAGE_PATCH) continue;
        if (!first_mention(v, op, k) || used_later_in_patch(v, patch, t, i, s->split)) continue;
        EV_FREE((uint32_t)t);
      }
    }
    EV_PATCH_END(pi);
  }
  EV_STAGE_END(0u);
  /* Model inputs read only by the stage die with it. */
  const uint32_t* ins = (const uint32_t*)(v->image + v->h->inputs_offset);
  for (uint32_t i = 0; i < v->h->num_inputs; ++i)
    if (!used_after(v, (int32_t)ins[i], s->split - 1u)) EV_FREE(ins[i]);
}

mcuprof_exec_status mcuprof_model_run(const mcuprof_model* m) {
  view v;
  model_view(m, &v);
  EV_RUN_BEGIN();
  EV_ARENA(m->arena, (m->header->arena_size + 15u) & ~15u);
  const uint32_t* ins = (const uint32_t*)(v.image + v.h->inputs_offset);
  for (uint32_t i = 0; i < v.h->num_inputs; ++i)
    EV_ALLOC(ins[i], v.tensors[ins[i]].offset, v.tensors[ins[i]].size_bytes);
  const mcuprof_schedule* schedule = schedule_of(&v);
  uint32_t first = 0;
  if (schedule != NULL) {
    run_stage(m, &v, schedule);
    first = schedule->split;
  }
  for (uint32_t i = first; i < v.h->num_ops; ++i) {
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
          bytes_overlap(&v.tensors[t], &v.tensors[out]) && !used_after(&v, t, i))
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
  if (op_index >= v.h->num_ops || schedule_of(&v) != NULL) return MCUPROF_EXEC_UNSUPPORTED;
  run_op(m, &v, &v.ops[op_index]);
  return MCUPROF_EXEC_OK;
}
