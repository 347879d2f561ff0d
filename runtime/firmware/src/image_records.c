/* image_records.c — bounds checks of the compact records of a version-4 model image: a
 * tensor's dims in the params section, an op's params block (io list, the options of its
 * kind, the requantization or list after them). executor.c validates the rest (what the
 * kernels need) on top. Freestanding C11 (mcuprof_model_image.h has the layout). */
#include "executor_internal.h"

mcuprof_exec_status exec_check_tensor(const view* v, const mcuprof_tensor* t) {
  const mcuprof_image_header* h = v->h;
  const uint32_t esize = dtype_size(t->dtype);
  if (esize == 0u || t->rank > MCUPROF_IMAGE_MAX_RANK) return MCUPROF_EXEC_UNSUPPORTED;
  if (!range_ok(t->dims_offset, t->rank, v->num_params)) return MCUPROF_EXEC_BAD_BOUNDS;
  const int32_t* dims = tdims(v, t);
  uint64_t n = esize;
  for (uint32_t k = 0; k < t->rank; ++k) {
    if (dims[k] < 1) return MCUPROF_EXEC_BAD_BOUNDS;
    n *= (uint64_t)dims[k];
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

/* Words of the list after the options, or UINT32_MAX if it cannot be sized (the weights
 * of a convolution or FULLY_CONNECTED missing or of another rank). */
static uint32_t list_words(const view* v, const mcuprof_op* op) {
  switch (op->type) {
    case MCUPROF_OP_CONV_2D:
    case MCUPROF_OP_DEPTHWISE_CONV_2D:
    case MCUPROF_OP_FULLY_CONNECTED: {
      const int32_t w = op_in(v, op, 1);
      if (w < 0) return 0xFFFFFFFFu;
      const mcuprof_tensor* wt = &v->tensors[w];
      if (op->type == MCUPROF_OP_FULLY_CONNECTED ? wt->rank != 2u : wt->rank != 4u)
        return 0xFFFFFFFFu;
      if ((op->flags & MCUPROF_OP_FLAG_PER_CHANNEL) == 0u) return 2u; /* multiplier, shift */
      const uint32_t c = (uint32_t)tdims(v, wt)[op->type == MCUPROF_OP_DEPTHWISE_CONV_2D ? 3 : 0];
      return c + (c + 3u) / 4u; /* c < 2^31: no overflow */
    }
    case MCUPROF_OP_MEAN:
    case MCUPROF_OP_PAD:
    case MCUPROF_OP_TRANSPOSE:
      return op_other(v, op)->count;
    default:
      return 0u;
  }
}

mcuprof_exec_status exec_check_op_block(const view* v, const mcuprof_op* op) {
  const uint32_t n_io = (uint32_t)op->num_inputs + op->num_outputs;
  if (!range_ok(op->params_offset, n_io, v->num_params)) return MCUPROF_EXEC_BAD_BOUNDS;
  for (uint32_t k = 0; k < n_io; ++k) {
    const int32_t t = op_io(v, op)[k];
    if (t < -1 || t >= (int32_t)v->h->num_tensors) return MCUPROF_EXEC_BAD_BOUNDS;
  }
  const uint32_t options = op->params_offset + n_io; /* <= num_params */
  const uint32_t words = exec_options_words(op->type);
  if (!range_ok(options, words, v->num_params)) return MCUPROF_EXEC_BAD_BOUNDS;
  const uint32_t list = list_words(v, op);
  if (list == 0xFFFFFFFFu) return MCUPROF_EXEC_UNSUPPORTED;
  if (!range_ok(options + words, list, v->num_params)) return MCUPROF_EXEC_BAD_BOUNDS;
  return MCUPROF_EXEC_OK;
}
