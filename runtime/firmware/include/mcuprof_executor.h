/* mcuprof_executor.h — runs a model image (mcuprof_model_image.h) layer by layer, or, when
 * the image has a schedule section, its first ops patch by patch and the rest layer by
 * layer (docs/patch-based.md, "Patch executor").
 *
 * Freestanding C11, no malloc. The image is read in place (flash on the board): the
 * executor validates it (magic, version, size, CRC-32, every offset in bounds), then
 * runs its ops in order on the int8 kernels with the activations in a caller-provided
 * arena (SRAM). On Arm builds every op is wrapped in trace-protocol events
 * (mcuprof_trace.h): run begin/end, the arena, layer begin/end with op (TFLite's builtin
 * code) and MACs, and tensor alloc/free with the planner's arena offsets. Host builds
 * (MCUPROF_EXECUTOR_HOST or any non-Arm compiler) run the same code without events, for
 * tests.
 * docs/runtime.md, "Executor", describes it. */
#ifndef MCUPROF_EXECUTOR_H
#define MCUPROF_EXECUTOR_H

#include <stdint.h>

#include "mcuprof_model_image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Results of opening and running an image. The model runner firmware exits with
 * MCUPROF_RUNNER_EXIT_BASE + status for any status but OK. */
typedef enum mcuprof_exec_status {
  MCUPROF_EXEC_OK = 0,
  MCUPROF_EXEC_BAD_MAGIC = 1,       /* not a model image */
  MCUPROF_EXEC_BAD_VERSION = 2,     /* another major version or header size */
  MCUPROF_EXEC_BAD_SIZE = 3,        /* total_size larger than the bytes available */
  MCUPROF_EXEC_BAD_CRC = 4,         /* checksum mismatch */
  MCUPROF_EXEC_BAD_BOUNDS = 5,      /* a section, tensor or op list out of bounds */
  MCUPROF_EXEC_UNSUPPORTED = 6,     /* an op or shape the executor cannot run */
  MCUPROF_EXEC_ARENA_TOO_SMALL = 7, /* arena smaller than arena_size + scratch */
  MCUPROF_EXEC_BAD_ALIGNMENT = 8    /* image or arena not 16-byte aligned */
} mcuprof_exec_status;

const char* mcuprof_exec_status_name(mcuprof_exec_status status);

/* An opened image: pointers into the image and the arena. */
typedef struct mcuprof_model {
  const uint8_t* image;
  const mcuprof_image_header* header;
  const mcuprof_tensor* tensors;
  const mcuprof_op* ops;
  const int32_t* params;
  const uint8_t* weights;
  uint8_t* arena;
  uint32_t arena_bytes;   /* bytes available at arena */
  uint32_t scratch_bytes; /* kernel scratch placed after the planned arena */
} mcuprof_model;

/* Checks the image (at most image_bytes long) without running it. check_crc = 0 skips
 * the checksum (the host has usually just written the image). */
mcuprof_exec_status mcuprof_image_validate(const void* image, uint32_t image_bytes, int check_crc);

/* Bytes of arena the image needs: its planned arena_size rounded up to 16, plus the
 * largest kernel scratch any op needs. The image must have been validated. */
uint32_t mcuprof_image_arena_needed(const void* image);

/* Validates (with CRC) and binds an arena (16-byte aligned). */
mcuprof_exec_status mcuprof_model_open(mcuprof_model* model, const void* image,
                                       uint32_t image_bytes, void* arena, uint32_t arena_bytes);

/* Runs every op in order; inputs must already be in the arena (see tensor_data). */
mcuprof_exec_status mcuprof_model_run(const mcuprof_model* model);

/* Runs op `op_index` alone (no events), for tests that read every activation as it is
 * produced; its inputs must be in the arena. Layer-wise images only (UNSUPPORTED with a
 * schedule section or an index out of range). */
mcuprof_exec_status mcuprof_model_run_op(const mcuprof_model* model, uint32_t op_index);
/* Address of a tensor's bytes (arena or weights), NULL if it is not materialised. */
void* mcuprof_model_tensor_data(const mcuprof_model* model, uint32_t tensor);

/* Multiply-accumulates of one op, as `mcuprof inspect` counts them. */
uint32_t mcuprof_op_macs(const mcuprof_model* model, uint32_t op_index);

/* TFLite's BuiltinOperator code (MCUPROF_BUILTIN_*, mcuprof_trace.h) of an image op type
 * (enum mcuprof_op_type): the op code the executor's LAYER_BEGIN markers carry (trace
 * protocol 2). MCUPROF_BUILTIN_CUSTOM for a type the image format does not define. */
uint32_t mcuprof_op_builtin_code(uint32_t type);

#ifdef __cplusplus
}
#endif
#endif /* MCUPROF_EXECUTOR_H */
