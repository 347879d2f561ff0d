/* executor_internal.h — what executor.c and patch_stage.c share: the image view, its
 * accessors, the trace events, kernel-parameter helpers and the patch-stage entry points.
 * Internal to runtime/firmware/src (not an installed header). Freestanding C11. */
#ifndef MCUPROF_EXECUTOR_INTERNAL_H
#define MCUPROF_EXECUTOR_INTERNAL_H

#include "mcuprof_executor.h"
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

/* ---- image access ---- */

typedef struct view {
  const uint8_t* image;
  const mcuprof_image_header* h;
  const mcuprof_tensor* tensors;
  const mcuprof_op* ops;
  const int32_t* params;
  uint32_t num_params;
} view;

static inline void make_view(view* v, const void* image) {
  v->image = (const uint8_t*)image;
  v->h = (const mcuprof_image_header*)image;
  v->tensors = (const mcuprof_tensor*)(v->image + v->h->tensors_offset);
  v->ops = (const mcuprof_op*)(v->image + v->h->ops_offset);
  v->params = (const int32_t*)(v->image + v->h->params_offset);
  v->num_params = v->h->params_size / 4u;
}

static inline const int32_t* op_io(const view* v, const mcuprof_op* op) {
  return v->params + op->params_offset;
}
static inline int32_t op_in(const view* v, const mcuprof_op* op, uint32_t k) {
  return k < op->num_inputs ? op_io(v, op)[k] : -1;
}
static inline int32_t op_out(const view* v, const mcuprof_op* op, uint32_t k) {
  return op_io(v, op)[op->num_inputs + k];
}

/* The options of an op's kind follow its io list (image_records.c checks they are in
 * bounds); each accessor is for the kinds its struct names. */
static inline const uint8_t* op_options(const view* v, const mcuprof_op* op) {
  return (const uint8_t*)(op_io(v, op) + op->num_inputs + op->num_outputs);
}
static inline const mcuprof_window_options* op_window(const view* v, const mcuprof_op* op) {
  return (const mcuprof_window_options*)(const void*)op_options(v, op);
}
static inline const mcuprof_fc_options* op_fc(const view* v, const mcuprof_op* op) {
  return (const mcuprof_fc_options*)(const void*)op_options(v, op);
}
static inline const mcuprof_arith_options* op_arith(const view* v, const mcuprof_op* op) {
  return (const mcuprof_arith_options*)(const void*)op_options(v, op);
}
static inline const mcuprof_other_options* op_other(const view* v, const mcuprof_op* op) {
  return (const mcuprof_other_options*)(const void*)op_options(v, op);
}

/* The int32 words of a kind's options (0 for RESHAPE, RESIZE and unknown kinds). */
static inline uint32_t exec_options_words(uint32_t type) {
  static const uint8_t words[] = {
      [MCUPROF_OP_CONV_2D] = sizeof(mcuprof_window_options) / 4u,
      [MCUPROF_OP_DEPTHWISE_CONV_2D] = sizeof(mcuprof_window_options) / 4u,
      [MCUPROF_OP_FULLY_CONNECTED] = sizeof(mcuprof_fc_options) / 4u,
      [MCUPROF_OP_ADD] = sizeof(mcuprof_arith_options) / 4u,
      [MCUPROF_OP_MUL] = sizeof(mcuprof_arith_options) / 4u,
      [MCUPROF_OP_MEAN] = sizeof(mcuprof_other_options) / 4u,
      [MCUPROF_OP_AVERAGE_POOL_2D] = sizeof(mcuprof_window_options) / 4u,
      [MCUPROF_OP_MAX_POOL_2D] = sizeof(mcuprof_window_options) / 4u,
      [MCUPROF_OP_PAD] = sizeof(mcuprof_other_options) / 4u,
      [MCUPROF_OP_SOFTMAX] = sizeof(mcuprof_other_options) / 4u,
      [MCUPROF_OP_QUANTIZE] = sizeof(mcuprof_other_options) / 4u,
      [MCUPROF_OP_DEQUANTIZE] = sizeof(mcuprof_other_options) / 4u,
      [MCUPROF_OP_TRANSPOSE] = sizeof(mcuprof_other_options) / 4u,
      [MCUPROF_OP_CONCATENATION] = sizeof(mcuprof_other_options) / 4u,
  };
  return type < sizeof words ? words[type] : 0u;
}

/* The list after the options: the requantization (convs, FULLY_CONNECTED) or the MEAN
 * axes, PAD amounts, TRANSPOSE perm. */
static inline const int32_t* op_list(const view* v, const mcuprof_op* op) {
  return (const int32_t*)(const void*)op_options(v, op) + exec_options_words(op->type);
}

static inline int range_ok(uint32_t offset, uint32_t size, uint32_t total) {
  return offset <= total && size <= total - offset;
}

static inline uint32_t dtype_size(uint8_t dtype) {
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

/* A tensor's dims: rank int32 words in the params section. */
static inline const int32_t* tdims(const view* v, const mcuprof_tensor* t) {
  return v->params + t->dims_offset;
}

static inline uint32_t elements(const view* v, const mcuprof_tensor* t) {
  const int32_t* d = tdims(v, t);
  uint32_t n = 1u;
  for (uint32_t k = 0; k < t->rank; ++k) n *= (uint32_t)d[k];
  return n;
}

static inline const mcuprof_tensor* T(const view* v, int32_t index) {
  return &v->tensors[index];
}

/* Dims of a tensor as 4-D with leading 1s (rank <= 4, or rank 5 with a leading 1). */
static inline void dims4(const view* v, const mcuprof_tensor* t, int32_t out[4]) {
  const int32_t* d = tdims(v, t);
  const uint32_t rank = t->rank > 4u ? 4u : t->rank;
  const uint32_t skip = t->rank > 4u ? t->rank - 4u : 0u;
  for (uint32_t k = 0; k < 4u; ++k) out[k] = 1;
  for (uint32_t k = 0; k < rank; ++k) out[4u - rank + k] = d[skip + k];
}

/* image_records.c: the records of a version-4 image (docs/runtime.md, "Model image") */
/* A tensor record: dtype, rank, its dims in the params, size and storage in bounds. */
mcuprof_exec_status exec_check_tensor(const view* v, const mcuprof_tensor* t);
/* An op's params block: io list (tensor indices in range), options and the list after
 * them in the params section. The tensors must have been checked first (a convolution's
 * requantization is as long as its weights' output channels). */
mcuprof_exec_status exec_check_op_block(const view* v, const mcuprof_op* op);

/* executor.c */
void exec_conv_params(const view* v, const mcuprof_op* op, mcuprof_conv_params* p);
void exec_depthwise_params(const view* v, const mcuprof_op* op, mcuprof_depthwise_params* p);
/* ADD, MUL, QUANTIZE and DEQUANTIZE over `n` output elements (`s`: ADD and MUL only). */
void exec_run_elementwise(const view* v, const mcuprof_op* op, const mcuprof_broadcast_shapes* s,
                          const void* x1, const void* x2, void* y, uint32_t n);
/* Whether a tensor is read by an op after `op_index` or is a model output. */
int exec_used_after(const view* v, int32_t tensor, uint32_t op_index);
/* Whether input k of the op is its first mention among the op's inputs. */
int exec_first_mention(const view* v, const mcuprof_op* op, uint32_t k);

/* patch_stage.c: the schedule section (docs/patch-based.md, "Patch executor") */
const mcuprof_schedule* exec_schedule_of(const view* v); /* NULL: layer by layer */
const mcuprof_stage* exec_stage_at(const view* v, uint32_t k);
mcuprof_exec_status exec_check_schedule(const view* v);
/* Runs stage k (its ops patch by patch, with events) and frees the maps that die in it. */
void exec_run_stage(const mcuprof_model* m, const view* v, uint32_t k);

#endif
