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
  return v->params + op->io_offset;
}
static inline int32_t op_in(const view* v, const mcuprof_op* op, uint32_t k) {
  return k < op->num_inputs ? op_io(v, op)[k] : -1;
}
static inline int32_t op_out(const view* v, const mcuprof_op* op, uint32_t k) {
  return op_io(v, op)[op->num_inputs + k];
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

static inline uint32_t elements(const mcuprof_tensor* t) {
  uint32_t n = 1u;
  for (uint32_t k = 0; k < t->rank; ++k) n *= (uint32_t)t->dims[k];
  return n;
}

static inline const mcuprof_tensor* T(const view* v, int32_t index) {
  return &v->tensors[index];
}

/* Dims of a tensor as 4-D with leading 1s (rank <= 4, or rank 5 with a leading 1). */
static inline void dims4(const mcuprof_tensor* t, int32_t out[4]) {
  const uint32_t rank = t->rank > 4u ? 4u : t->rank;
  const uint32_t skip = t->rank > 4u ? t->rank - 4u : 0u;
  for (uint32_t k = 0; k < 4u; ++k) out[k] = 1;
  for (uint32_t k = 0; k < rank; ++k) out[4u - rank + k] = t->dims[skip + k];
}

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
