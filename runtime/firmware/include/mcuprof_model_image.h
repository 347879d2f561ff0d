/* mcuprof_model_image.h - layout of the mcuprof model image (format version 4.0).
 *
 * The image is one little-endian blob written by runtime/compiler (host) and read in
 * place from flash by the firmware executor: a header, then sections located by
 * byte offsets from the start of the image. Every structure here has a fixed size
 * (checked below) and natural alignment; sections start on 16-byte boundaries.
 * docs/runtime.md, "Model image", describes every field; this header is the contract.
 * C11, freestanding, no dependencies. Also compiled as C++ by the host writer. */
#ifndef MCUPROF_MODEL_IMAGE_H
#define MCUPROF_MODEL_IMAGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#define MCUPROF_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define MCUPROF_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#define MCUPROF_IMAGE_MAGIC 0x4D49504Du /* "MPIM" as little-endian bytes 'M','P','I','M' */
#define MCUPROF_IMAGE_VERSION_MAJOR                                                  \
  4u /* incompatible layout changes (2: int8 shifts; 3: schedule section with a list \
        of stages; 4: compact tensor and op records, per-kind op options) */
#define MCUPROF_IMAGE_VERSION_MINOR 0u /* compatible additions */
#define MCUPROF_IMAGE_ALIGN 16u        /* every section and weight blob starts aligned */
#define MCUPROF_IMAGE_CRC_OFFSET 12u   /* the CRC covers every byte except its own four */
#define MCUPROF_IMAGE_MAX_RANK 5u

/* Element types: the TFLite TensorType numbers. */
enum mcuprof_dtype {
  MCUPROF_DTYPE_FLOAT32 = 0,
  MCUPROF_DTYPE_INT32 = 2,
  MCUPROF_DTYPE_UINT8 = 3,
  MCUPROF_DTYPE_INT64 = 4,
  MCUPROF_DTYPE_INT16 = 7,
  MCUPROF_DTYPE_INT8 = 9
};

/* Where a tensor's bytes live. */
enum mcuprof_storage {
  MCUPROF_STORAGE_ARENA = 0,   /* activation: offset is into the SRAM arena */
  MCUPROF_STORAGE_WEIGHTS = 1, /* constant: offset is into the weights section (flash) */
  MCUPROF_STORAGE_NONE = 2,    /* removed by fusion (e.g. a PAD output): never materialised */
  MCUPROF_STORAGE_PATCH = 3    /* patch-stage intermediate: only in per-patch buffers, whose
                                  offsets the schedule section gives (offset is 0) */
};

/* Operators (mcuprof's numbering, not TFLite's). */
enum mcuprof_op_type {
  MCUPROF_OP_CONV_2D = 1,
  MCUPROF_OP_DEPTHWISE_CONV_2D = 2,
  MCUPROF_OP_FULLY_CONNECTED = 3,
  MCUPROF_OP_ADD = 4,
  MCUPROF_OP_MUL = 5,
  MCUPROF_OP_MEAN = 6,
  MCUPROF_OP_AVERAGE_POOL_2D = 7,
  MCUPROF_OP_MAX_POOL_2D = 8,
  MCUPROF_OP_PAD = 9,
  MCUPROF_OP_RESHAPE = 10,
  MCUPROF_OP_SOFTMAX = 11,
  MCUPROF_OP_QUANTIZE = 12,
  MCUPROF_OP_DEQUANTIZE = 13,
  MCUPROF_OP_TRANSPOSE = 14,
  MCUPROF_OP_RESIZE_NEAREST_NEIGHBOR = 15,
  MCUPROF_OP_CONCATENATION = 16
};

/* mcuprof_image_header.flags */
#define MCUPROF_IMAGE_FLAG_INT8_IO                                                   \
  0x0001u /* the model's inputs and outputs are its int8 tensors: the float boundary \
             QUANTIZE/DEQUANTIZE are not in the image (docs/runtime.md, "int8 model I/O") */

/* mcuprof_op.flags */
#define MCUPROF_OP_FLAG_FUSED_PAD 0x01u          /* explicit PAD folded into the pad_* fields */
#define MCUPROF_OP_FLAG_IN_PLACE 0x02u           /* output overwrites the dying input it overlaps */
#define MCUPROF_OP_FLAG_PER_CHANNEL 0x04u        /* per-channel multipliers/shifts present */
#define MCUPROF_OP_FLAG_ALIGN_CORNERS 0x08u      /* RESIZE_NEAREST_NEIGHBOR */
#define MCUPROF_OP_FLAG_HALF_PIXEL_CENTERS 0x10u /* RESIZE_NEAREST_NEIGHBOR */
#define MCUPROF_OP_FLAG_KEEP_DIMS 0x20u          /* MEAN */
#define MCUPROF_OP_FLAG_BROADCAST 0x40u          /* ADD/MUL input shapes differ */

typedef struct mcuprof_image_header {
  uint32_t magic;         /* MCUPROF_IMAGE_MAGIC */
  uint16_t version_major; /* MCUPROF_IMAGE_VERSION_MAJOR */
  uint16_t version_minor;
  uint32_t total_size;  /* bytes in the whole image */
  uint32_t crc32;       /* CRC-32 (IEEE 802.3) of bytes [0, 12) then [16, total_size) */
  uint32_t header_size; /* sizeof(mcuprof_image_header) */
  uint32_t flags;       /* MCUPROF_IMAGE_FLAG_* */
  uint32_t arena_size;  /* bytes of SRAM arena the activations need */
  uint32_t num_tensors;
  uint32_t tensors_offset; /* mcuprof_tensor[num_tensors] */
  uint32_t num_ops;
  uint32_t ops_offset; /* mcuprof_op[num_ops], in execution order */
  uint32_t num_inputs;
  uint32_t inputs_offset; /* uint32_t tensor indices */
  uint32_t num_outputs;
  uint32_t outputs_offset; /* uint32_t tensor indices */
  uint32_t params_offset;  /* int32 words: tensor dims, op io lists, options, per-channel, lists */
  uint32_t params_size;
  uint32_t weights_offset; /* constant tensor data */
  uint32_t weights_size;
  uint32_t strings_offset; /* the names of the model's inputs then outputs, NUL-terminated */
  uint32_t strings_size;
  uint32_t schedule_offset; /* 0: layer by layer in op order; else mcuprof_schedule */
  uint32_t schedule_size;
  uint32_t reserved[9];
} mcuprof_image_header;

/* A tensor: only what the executor reads. Its dims are int32 words in the params section
 * (NHWC, `rank` of them); tensors of the same shape share one copy. */
typedef struct mcuprof_tensor {
  uint8_t dtype;        /* enum mcuprof_dtype */
  uint8_t rank;         /* 0..MCUPROF_IMAGE_MAX_RANK */
  uint8_t storage;      /* enum mcuprof_storage */
  uint8_t flags;        /* reserved, 0 */
  uint32_t dims_offset; /* params index (int32 units) of dims[rank] */
  uint32_t offset;      /* arena offset or weights-section offset (see storage) */
  uint32_t size_bytes;  /* element count x element size */
} mcuprof_tensor;

/* An op: a fixed 8-byte record; everything else is in its params block, which starts at
 * params[params_offset]: the input tensor indices (-1 = absent optional input), the
 * output tensor indices, then the options of its kind (the structs below; RESHAPE and
 * RESIZE_NEAREST_NEIGHBOR have none), then the kind's list:
 *   CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: the requantization — with
 *     MCUPROF_OP_FLAG_PER_CHANNEL int32 multipliers[C] then the shifts as int8, four to a
 *     word (ceil(C/4) words), C = the weights' output channels; else one multiplier and
 *     one shift;
 *   MEAN, PAD, TRANSPOSE: mcuprof_other_options.count int32 words (MEAN axes, PAD
 *     before/after per dim, TRANSPOSE perm).
 * Multipliers are Q31 (QuantizeMultiplier), shifts are TFLite-signed (>0 = left). */
typedef struct mcuprof_op {
  uint8_t type;           /* enum mcuprof_op_type */
  uint8_t num_inputs;     /* tensor indices: params[params_offset .. +num_inputs) */
  uint8_t num_outputs;    /* then num_outputs tensor indices */
  uint8_t flags;          /* MCUPROF_OP_FLAG_* */
  uint32_t params_offset; /* index (in int32 units) into the params section */
} mcuprof_op;

/* CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D (7 words; int8 kernels, so
 * the offsets and the clamp fit 16 bits). */
typedef struct mcuprof_window_options {
  int16_t stride_h, stride_w;
  int16_t dilation_h, dilation_w;
  int16_t filter_h, filter_w; /* pools; convs read the weight tensor's shape */
  int16_t pad_top, pad_left;  /* explicit, SAME resolved and fused PAD added */
  int16_t depth_multiplier;   /* DEPTHWISE_CONV_2D */
  int16_t input_offset;       /* -input zero point */
  int16_t output_offset;      /* output zero point */
  int16_t act_min, act_max;   /* output clamp in the output's integer domain */
  int16_t reserved;
} mcuprof_window_options;

/* FULLY_CONNECTED (4 words). */
typedef struct mcuprof_fc_options {
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
} mcuprof_fc_options;

/* ADD, MUL (12 words; MUL reads no input rescales and no left shift, 0 there). */
typedef struct mcuprof_arith_options {
  int32_t input_offset, input2_offset; /* -zero points of inputs 1 and 2 */
  int32_t output_offset;
  int32_t act_min, act_max;
  int32_t output_multiplier, output_shift;
  int32_t input1_multiplier, input1_shift; /* ADD: rescale of input 1 */
  int32_t input2_multiplier, input2_shift; /* ADD: rescale of input 2 */
  int32_t left_shift;                      /* ADD: 20 */
} mcuprof_arith_options;

/* MEAN, SOFTMAX, QUANTIZE, DEQUANTIZE, PAD, TRANSPOSE, CONCATENATION (7 words). */
typedef struct mcuprof_other_options {
  int32_t input_offset;      /* -input zero point */
  int32_t output_offset;     /* output zero point (PAD: the pad value) */
  int32_t multiplier, shift; /* MEAN, int8 QUANTIZE: requantization; SOFTMAX: beta
                                multiplier and left shift */
  int32_t value;             /* SOFTMAX: diff_min; CONCATENATION: axis (non-negative) */
  float scale;               /* QUANTIZE from float / DEQUANTIZE: the int side's scale */
  uint32_t count;            /* words of the list that follows (MEAN, PAD, TRANSPOSE) */
} mcuprof_other_options;

/* The schedule section (since version 3): one or more patch stages, in op order and not
 * overlapping; stage k runs ops [first_op, end_op) patch by patch over a grid x grid split
 * of its output map (row-major patches); every op outside the stages runs layer by layer
 * in op order. Offsets inside the section are relative to the section's start. */
typedef struct mcuprof_schedule {
  uint32_t num_stages;
  uint32_t stages_offset;  /* mcuprof_stage[num_stages] */
  uint32_t num_patches;    /* all stages' patches */
  uint32_t patches_offset; /* mcuprof_patch[num_patches] */
  uint32_t num_regions;
  uint32_t regions_offset; /* mcuprof_patch_region[num_regions] */
  uint32_t reserved[2];
} mcuprof_schedule;

typedef struct mcuprof_stage {
  uint32_t first_op;      /* ops [first_op, end_op) form the stage */
  uint32_t end_op;        /* the split point: the next op after the stage */
  uint32_t grid;          /* p: p x p patches */
  uint32_t output_tensor; /* the stage output map (full, in the arena) */
  uint32_t first_patch;   /* its patches: [first_patch, first_patch + grid * grid) */
  uint32_t reserved[3];
} mcuprof_stage;

typedef struct mcuprof_patch {
  uint16_t row, column;
  uint32_t first_region; /* this patch's regions: [first_region, first_region + num_regions) */
  uint32_t num_regions;
  uint32_t reserved;
} mcuprof_patch;

/* mcuprof_patch_region.flags */
#define MCUPROF_REGION_FULL                                         \
  0x0001u /* the buffer is the whole tensor at its own arena offset \
             (a whole map: model input, stage input or output);     \
             the region is the part this patch reads or writes */

/* One tensor of the stage in one patch: the rows [row0, row1) and columns [col0, col1)
 * (the tensor's own coordinates) this patch holds, packed NHWC (all channels) at `offset`
 * in the arena unless MCUPROF_REGION_FULL. */
typedef struct mcuprof_patch_region {
  uint32_t tensor;
  uint32_t offset;
  int16_t row0, row1, col0, col1;
  uint32_t flags;
  uint32_t reserved;
} mcuprof_patch_region;

MCUPROF_STATIC_ASSERT(sizeof(mcuprof_schedule) == 32, "schedule layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_stage) == 32, "stage layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_patch) == 16, "patch layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_patch_region) == 24, "patch region layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_image_header) == 128, "image header layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_tensor) == 16, "tensor record layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_op) == 8, "op record layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_window_options) == 28, "window options layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_fc_options) == 16, "fc options layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_arith_options) == 48, "arith options layout");
MCUPROF_STATIC_ASSERT(sizeof(mcuprof_other_options) == 28, "other options layout");

#ifdef __cplusplus
}
#endif
#endif /* MCUPROF_MODEL_IMAGE_H */
