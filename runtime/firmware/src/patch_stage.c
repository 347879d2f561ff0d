/* patch_stage.c — the patch stages of a model image's schedule section: validation and
 * running a stage patch by patch (docs/patch-based.md, "Patch executor"; the section's
 * layout is in mcuprof_model_image.h). Split from executor.c, which runs the layer-wise
 * ops and calls exec_run_stage where a stage starts. Freestanding C11, no malloc. */
#include <stddef.h>

#include "executor_internal.h"

/* ---- the schedule section (format 3) ---- */

const mcuprof_schedule* exec_schedule_of(const view* v) {
  if (v->h->schedule_size == 0u) return NULL;
  return (const mcuprof_schedule*)(v->image + v->h->schedule_offset);
}
const mcuprof_stage* exec_stage_at(const view* v, uint32_t k) {
  const mcuprof_schedule* s = exec_schedule_of(v);
  return (const mcuprof_stage*)((const uint8_t*)s + s->stages_offset) + k;
}
static const mcuprof_patch* patch_at(const view* v, uint32_t k) {
  const mcuprof_schedule* s = exec_schedule_of(v);
  return (const mcuprof_patch*)((const uint8_t*)s + s->patches_offset) + k;
}
static const mcuprof_patch_region* region_at(const view* v, uint32_t k) {
  const mcuprof_schedule* s = exec_schedule_of(v);
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
static int32_t height4(const view* v, const mcuprof_tensor* t) {
  return t->rank >= 3u ? tdims(v, t)[t->rank - 3u] : 1;
}
static int32_t width4(const view* v, const mcuprof_tensor* t) {
  return t->rank >= 2u ? tdims(v, t)[t->rank - 2u] : 1;
}

/* An elementwise operand broadcast over the map (H = W = 1 while the output, rank 4, is
 * larger). */
static int broadcast_operand(const view* v, const mcuprof_tensor* in, const mcuprof_tensor* out) {
  return height4(v, in) == 1 && width4(v, in) == 1 &&
         (tdims(v, out)[1] != 1 || tdims(v, out)[2] != 1);
}

/* Bytes of a region of a rank-4 tensor. */
static uint32_t region_bytes(const view* v, const mcuprof_tensor* t,
                             const mcuprof_patch_region* r) {
  return (uint32_t)(r->row1 - r->row0) * (uint32_t)(r->col1 - r->col0) * (uint32_t)tdims(v, t)[3] *
         dtype_size(t->dtype);
}

static int region_contains(const mcuprof_patch_region* outer, const mcuprof_patch_region* inner) {
  return outer->row0 <= inner->row0 && outer->row1 >= inner->row1 && outer->col0 <= inner->col0 &&
         outer->col1 >= inner->col1;
}

/* The stage op k runs in, or -1 (layer by layer). */
static int32_t stage_of_op(const view* v, uint32_t op) {
  const mcuprof_schedule* s = exec_schedule_of(v);
  for (uint32_t k = 0; k < s->num_stages; ++k) {
    const mcuprof_stage* st = exec_stage_at(v, k);
    if (op >= st->first_op && op < st->end_op) return (int32_t)k;
  }
  return -1;
}

/* Header, tables, stages: in bounds, in op order, not overlapping, each with grid^2
 * patches following the previous stage's. */
static mcuprof_exec_status check_stages(const view* v) {
  const mcuprof_image_header* h = v->h;
  if (!range_ok(h->schedule_offset, h->schedule_size, h->total_size) ||
      h->schedule_size < sizeof(mcuprof_schedule))
    return MCUPROF_EXEC_BAD_BOUNDS;
  if ((h->schedule_offset & (MCUPROF_IMAGE_ALIGN - 1u)) != 0u) return MCUPROF_EXEC_BAD_ALIGNMENT;
  const mcuprof_schedule* s = exec_schedule_of(v);
  if (s->num_stages < 1u || s->num_stages > h->num_ops || s->num_patches > 0x100000u ||
      s->num_regions > 0x1000000u)
    return MCUPROF_EXEC_BAD_BOUNDS;
  if (!range_ok(s->stages_offset, s->num_stages * (uint32_t)sizeof(mcuprof_stage),
                h->schedule_size) ||
      !range_ok(s->patches_offset, s->num_patches * (uint32_t)sizeof(mcuprof_patch),
                h->schedule_size) ||
      !range_ok(s->regions_offset, s->num_regions * (uint32_t)sizeof(mcuprof_patch_region),
                h->schedule_size) ||
      ((s->stages_offset | s->patches_offset | s->regions_offset) & 3u) != 0u)
    return MCUPROF_EXEC_BAD_BOUNDS;
  uint32_t next_op = 0, next_patch = 0;
  for (uint32_t k = 0; k < s->num_stages; ++k) {
    const mcuprof_stage* st = exec_stage_at(v, k);
    if (st->first_op < next_op || st->first_op >= st->end_op || st->end_op >= h->num_ops ||
        st->grid < 1u || st->grid > 0xFFu || st->first_patch != next_patch ||
        st->output_tensor >= h->num_tensors)
      return MCUPROF_EXEC_BAD_BOUNDS;
    next_op = st->end_op;
    next_patch += st->grid * st->grid;
    if (next_patch > s->num_patches) return MCUPROF_EXEC_BAD_BOUNDS;
    const mcuprof_tensor* out = &v->tensors[st->output_tensor];
    if (out->storage != MCUPROF_STORAGE_ARENA || out->rank != 4u) return MCUPROF_EXEC_UNSUPPORTED;
  }
  return next_patch == s->num_patches ? MCUPROF_EXEC_OK : MCUPROF_EXEC_BAD_BOUNDS;
}

/* Every op a patch runs finds its operands there, large enough for elementwise reads. */
static mcuprof_exec_status check_patch(const view* v, const mcuprof_stage* st,
                                       const mcuprof_patch* p) {
  const mcuprof_schedule* s = exec_schedule_of(v);
  if (!range_ok(p->first_region, p->num_regions, s->num_regions)) return MCUPROF_EXEC_BAD_BOUNDS;
  for (uint32_t i = st->first_op; i < st->end_op; ++i) {
    const mcuprof_op* op = &v->ops[i];
    const mcuprof_tensor* o = &v->tensors[op_out(v, op, 0)];
    const int32_t* od = tdims(v, o); /* rank 4 (exec_check_schedule) */
    const mcuprof_patch_region* ro = find_region(v, p, op_out(v, op, 0));
    if (ro == NULL) continue;
    if ((ro->flags & MCUPROF_REGION_FULL) != 0u && (uint32_t)op_out(v, op, 0) != st->output_tensor)
      return MCUPROF_EXEC_BAD_BOUNDS;
    const uint32_t n_in = window_op_type(op->type) ? 1u : op->num_inputs;
    for (uint32_t k = 0; k < n_in; ++k) {
      const int32_t t = op_in(v, op, k);
      if (t < 0) continue;
      const mcuprof_tensor* c = &v->tensors[t];
      const int32_t* cd = tdims(v, c);
      if (c->storage == MCUPROF_STORAGE_WEIGHTS) { /* read whole from flash */
        if (!window_op_type(op->type) && !broadcast_operand(v, c, o) &&
            (c->rank != 4u || cd[1] != od[1] || cd[2] != od[2]))
          return MCUPROF_EXEC_UNSUPPORTED;
        continue;
      }
      const mcuprof_patch_region* ri = find_region(v, p, t);
      if (ri == NULL) return MCUPROF_EXEC_BAD_BOUNDS;
      if (window_op_type(op->type) || broadcast_operand(v, c, o)) continue;
      if (c->rank != 4u || cd[1] != od[1] || cd[2] != od[2]) return MCUPROF_EXEC_UNSUPPORTED;
      if (!region_contains(ri, ro)) return MCUPROF_EXEC_BAD_BOUNDS;
    }
  }
  return MCUPROF_EXEC_OK;
}

mcuprof_exec_status exec_check_schedule(const view* v) {
  const mcuprof_image_header* h = v->h;
  mcuprof_exec_status status = check_stages(v);
  if (status != MCUPROF_EXEC_OK) return status;
  const mcuprof_schedule* s = exec_schedule_of(v);
  for (uint32_t k = 0; k < s->num_regions; ++k) {
    const mcuprof_patch_region* r = region_at(v, k);
    if (r->tensor >= h->num_tensors) return MCUPROF_EXEC_BAD_BOUNDS;
    const mcuprof_tensor* t = &v->tensors[r->tensor];
    if (t->rank != 4u || r->row0 < 0 || r->row0 >= r->row1 || r->row1 > tdims(v, t)[1] ||
        r->col0 < 0 || r->col0 >= r->col1 || r->col1 > tdims(v, t)[2])
      return MCUPROF_EXEC_BAD_BOUNDS;
    if ((r->flags & MCUPROF_REGION_FULL) != 0u) {
      if (t->storage != MCUPROF_STORAGE_ARENA || r->offset != t->offset)
        return MCUPROF_EXEC_BAD_BOUNDS;
    } else {
      if (t->storage != MCUPROF_STORAGE_PATCH || (r->offset & 3u) != 0u ||
          !range_ok(r->offset, region_bytes(v, t, r), h->arena_size))
        return MCUPROF_EXEC_BAD_BOUNDS;
    }
  }
  /* Stage ops are tileable; ops outside the stages neither read nor write patch tensors. */
  for (uint32_t i = 0; i < h->num_ops; ++i) {
    const mcuprof_op* op = &v->ops[i];
    if (stage_of_op(v, i) >= 0) {
      if (!stage_op_type(op->type) || v->tensors[op_out(v, op, 0)].rank != 4u)
        return MCUPROF_EXEC_UNSUPPORTED;
      continue;
    }
    if (v->tensors[op_out(v, op, 0)].storage != MCUPROF_STORAGE_ARENA)
      return MCUPROF_EXEC_BAD_BOUNDS;
    for (uint32_t k = 0; k < op->num_inputs; ++k) {
      const int32_t t = op_in(v, op, k);
      if (t >= 0 && v->tensors[t].storage == MCUPROF_STORAGE_PATCH) return MCUPROF_EXEC_BAD_BOUNDS;
    }
  }
  for (uint32_t k = 0; k < s->num_stages; ++k) {
    const mcuprof_stage* st = exec_stage_at(v, k);
    for (uint32_t pi = st->first_patch; pi < st->first_patch + st->grid * st->grid; ++pi) {
      status = check_patch(v, st, patch_at(v, pi));
      if (status != MCUPROF_EXEC_OK) return status;
    }
  }
  return MCUPROF_EXEC_OK;
}

/* ---- running a stage ---- */

/* A tensor's buffer in one patch: its base address and which rows/columns it holds. */
typedef struct patch_buffer {
  uint8_t* base;
  int32_t row0, col0, rows, cols; /* the buffer's extent in the tensor's coordinates */
  int32_t pixel_bytes;            /* channels x element size */
} patch_buffer;

static patch_buffer buffer_of(const mcuprof_model* m, const view* v,
                              const mcuprof_patch_region* r) {
  const mcuprof_tensor* t = &v->tensors[r->tensor];
  const int32_t* d = tdims(v, t);
  patch_buffer b;
  b.pixel_bytes = d[3] * (int32_t)dtype_size(t->dtype);
  b.base = m->arena + r->offset;
  if ((r->flags & MCUPROF_REGION_FULL) != 0u) {
    b.row0 = 0, b.col0 = 0, b.rows = d[1], b.cols = d[2];
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
  const mcuprof_window_options* o = op_window(v, op);
  const int32_t out_cols = ro->col1 - ro->col0;
  const int32_t pad_top = o->pad_top + in->row0 - out_row0 * o->stride_h;
  const int32_t pad_left = o->pad_left + in->col0 - ro->col0 * o->stride_w;
  void* scratch = m->arena + ((m->header->arena_size + 15u) & ~15u);
  const int32_t bias_index = op_in(v, op, 2);
  const int32_t* bias =
      bias_index >= 0 ? (const int32_t*)mcuprof_model_tensor_data(m, (uint32_t)bias_index) : NULL;
  const int8_t* x = (const int8_t*)in->base;
  if (op->type == MCUPROF_OP_CONV_2D) {
    mcuprof_conv_params p;
    exec_conv_params(v, op, &p);
    p.batches = 1, p.in_h = in->rows, p.in_w = in->cols, p.out_h = out_rows, p.out_w = out_cols;
    p.pad_top = pad_top, p.pad_left = pad_left;
    mcuprof_conv2d_s8(&p, x, (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)),
                      bias, y, scratch);
  } else if (op->type == MCUPROF_OP_DEPTHWISE_CONV_2D) {
    mcuprof_depthwise_params p;
    exec_depthwise_params(v, op, &p);
    p.batches = 1, p.in_h = in->rows, p.in_w = in->cols, p.out_h = out_rows, p.out_w = out_cols;
    p.pad_top = pad_top, p.pad_left = pad_left;
    mcuprof_depthwise_conv2d_s8(
        &p, x, (const int8_t*)mcuprof_model_tensor_data(m, (uint32_t)op_in(v, op, 1)), bias, y,
        scratch);
  } else {
    mcuprof_pool_params p;
    p.batches = 1;
    p.in_h = in->rows, p.in_w = in->cols, p.channels = tdims(v, T(v, op_in(v, op, 0)))[3];
    p.out_h = out_rows, p.out_w = out_cols;
    p.filter_h = o->filter_h, p.filter_w = o->filter_w;
    p.stride_h = o->stride_h, p.stride_w = o->stride_w;
    p.pad_top = pad_top, p.pad_left = pad_left;
    p.act_min = o->act_min, p.act_max = o->act_max;
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
    const int32_t* d = tdims(v, in);
    if (broadcast_operand(v, in, out)) { /* small, whole: the same for every row */
      const mcuprof_patch_region* r = find_region(v, patch, t);
      x[k] = r != NULL ? buffer_of(m, v, r).base
                       : (const uint8_t*)mcuprof_model_tensor_data(m, (uint32_t)t);
      dims4(v, in, shape[k]);
    } else if (in->storage == MCUPROF_STORAGE_WEIGHTS) { /* a whole map in flash (rank 4) */
      patch_buffer b;
      b.base = (uint8_t*)mcuprof_model_tensor_data(m, (uint32_t)t);
      b.row0 = 0, b.col0 = 0, b.rows = d[1], b.cols = d[2];
      b.pixel_bytes = d[3] * (int32_t)dtype_size(in->dtype);
      x[k] = pixel_at(&b, row, col0);
      shape[k][0] = 1, shape[k][1] = 1, shape[k][2] = cols, shape[k][3] = d[3];
    } else {
      const patch_buffer b = buffer_of(m, v, find_region(v, patch, t));
      x[k] = pixel_at(&b, row, col0);
      shape[k][0] = 1, shape[k][1] = 1, shape[k][2] = cols, shape[k][3] = d[3];
    }
  }
  const int32_t channels = tdims(v, out)[3];
  const uint32_t n = (uint32_t)cols * (uint32_t)channels;
  mcuprof_broadcast_shapes sh;
  for (uint32_t k = 0; k < 4u; ++k) sh.in1[k] = shape[0][k], sh.in2[k] = shape[1][k];
  sh.out[0] = 1, sh.out[1] = 1, sh.out[2] = cols, sh.out[3] = channels;
  exec_run_elementwise(v, op, &sh, x[0], x[1], y, n);
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
                               uint32_t op_index, uint32_t end) {
  for (uint32_t j = op_index + 1u; j < end; ++j) {
    const mcuprof_op* op = &v->ops[j];
    if (find_region(v, patch, op_out(v, op, 0)) == NULL) continue;
    for (uint32_t k = 0; k < op->num_inputs; ++k)
      if (op_in(v, op, k) == t) return 1;
  }
  return 0;
}

static uint32_t patch_op_macs(const mcuprof_model* m, const view* v, uint32_t i,
                              const mcuprof_patch_region* ro) {
  const int32_t* out = tdims(v, T(v, op_out(v, &v->ops[i], 0)));
  const uint32_t macs = mcuprof_op_macs(m, i);
  const uint32_t pixels = (uint32_t)out[1] * (uint32_t)out[2];
  const uint32_t region = (uint32_t)(ro->row1 - ro->row0) * (uint32_t)(ro->col1 - ro->col0);
  /* A conv's MACs are a whole number per output pixel: no 64-bit division then. */
  if (macs % pixels == 0u) return macs / pixels * region;
  return (uint32_t)mcuprof_udiv64((uint64_t)macs * region, pixels);
}

/* Whether stage op j's input k was read by an earlier op of the stage (or earlier by j). */
static int read_earlier_in_stage(const view* v, const mcuprof_stage* st, uint32_t j, uint32_t k) {
  const int32_t t = op_in(v, &v->ops[j], k);
  if (!exec_first_mention(v, &v->ops[j], k)) return 1;
  for (uint32_t i = st->first_op; i < j; ++i)
    for (uint32_t q = 0; q < v->ops[i].num_inputs; ++q)
      if (op_in(v, &v->ops[i], q) == t) return 1;
  return 0;
}

void exec_run_stage(const mcuprof_model* m, const view* v, uint32_t k) {
  const mcuprof_stage* st = exec_stage_at(v, k);
  EV_STAGE_BEGIN(k);
  const mcuprof_tensor* map = &v->tensors[st->output_tensor];
  EV_ALLOC(st->output_tensor, map->offset, map->size_bytes);
  for (uint32_t pi = st->first_patch; pi < st->first_patch + st->grid * st->grid; ++pi) {
    const mcuprof_patch* patch = patch_at(v, pi);
    EV_PATCH_BEGIN(pi, patch->row, patch->column);
    for (uint32_t i = st->first_op; i < st->end_op; ++i) {
      const mcuprof_op* op = &v->ops[i];
      const int32_t out = op_out(v, op, 0);
      const mcuprof_patch_region* ro = find_region(v, patch, out);
      if (ro == NULL) continue; /* nothing downstream needs this op in this patch */
      const int full = (ro->flags & MCUPROF_REGION_FULL) != 0u;
      if (!full) EV_ALLOC((uint32_t)out, ro->offset, region_bytes(v, &v->tensors[out], ro));
      EV_LAYER_BEGIN(i, op->type, patch_op_macs(m, v, i, ro));
      run_patch_op(m, v, patch, op, ro);
      EV_LAYER_END(i);
      for (uint32_t q = 0; q < op->num_inputs; ++q) {
        const int32_t t = op_in(v, op, q);
        if (t < 0 || v->tensors[t].storage != MCUPROF_STORAGE_PATCH) continue;
        if (!exec_first_mention(v, op, q) || used_later_in_patch(v, patch, t, i, st->end_op))
          continue;
        EV_FREE((uint32_t)t);
      }
    }
    EV_PATCH_END(pi);
  }
  EV_STAGE_END(k);
  /* Whole maps the stage read (the model input, an earlier stage's output, a squeeze-excite
   * scale) that nothing after it reads die with it. */
  for (uint32_t j = st->first_op; j < st->end_op; ++j)
    for (uint32_t q = 0; q < v->ops[j].num_inputs; ++q) {
      const int32_t t = op_in(v, &v->ops[j], q);
      if (t < 0 || v->tensors[t].storage != MCUPROF_STORAGE_ARENA ||
          (uint32_t)t == st->output_tensor || read_earlier_in_stage(v, st, j, q) ||
          exec_used_after(v, t, st->end_op - 1u))
        continue;
      EV_FREE((uint32_t)t);
    }
}
