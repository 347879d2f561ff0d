/* mcuprof_trace.h — the firmware side of mcuprof's trace protocol.
 *
 * Tiny, dependency-free C that any Cortex-M firmware can include: console text on ITM
 * stimulus port 0 and structured event words on the other ports, exactly as a real
 * board sends them over SWO. Under mcuprof the same writes are captured by the
 * simulator. The event encoding is described in docs/trace-protocol.md. */
#ifndef MCUPROF_TRACE_H
#define MCUPROF_TRACE_H

#include <stdint.h>

#define MCUPROF_ITM_BASE 0xE0000000u
#define MCUPROF_ITM_PORT(n) (*(volatile uint32_t *)(uintptr_t)(MCUPROF_ITM_BASE + 4u * (n)))
#define MCUPROF_ITM_PORT8(n) (*(volatile uint8_t *)(uintptr_t)(MCUPROF_ITM_BASE + 4u * (n)))
#define MCUPROF_ITM_TER (*(volatile uint32_t *)0xE0000E00u)
#define MCUPROF_ITM_TCR (*(volatile uint32_t *)0xE0000E80u)
#define MCUPROF_DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define MCUPROF_DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define MCUPROF_DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)

/* Console port and the port of structured events (docs/trace-protocol.md). */
#define MCUPROF_PORT_CONSOLE 0u
#define MCUPROF_PORT_EVENTS 1u

/* Event header word: type (6 bits) | payload word count (4 bits) | argument (22 bits).
 * Version 2: LAYER_BEGIN's op code is TFLite's BuiltinOperator code (below). Version 1
 * carried mcuprof's own op numbering (enum mcuprof_op_type); mcuprof still decodes it. */
#define MCUPROF_PROTOCOL_VERSION 2u
#define MCUPROF_EVENT_HEADER(type, words, arg) \
  (((uint32_t)(type) << 26) | ((uint32_t)(words) << 22) | ((uint32_t)(arg) & 0x3FFFFFu))

enum mcuprof_event_type {
  MCUPROF_EV_RUN_BEGIN = 0x01,    /* arg: protocol version */
  MCUPROF_EV_RUN_END = 0x02,      /* arg: 0 */
  MCUPROF_EV_LAYER_BEGIN = 0x03,  /* arg: layer index; payload: op code (BuiltinOperator), MACs */
  MCUPROF_EV_LAYER_END = 0x04,    /* arg: layer index */
  MCUPROF_EV_PATCH_BEGIN = 0x05,  /* arg: patch index; payload: row << 16 | column */
  MCUPROF_EV_PATCH_END = 0x06,    /* arg: patch index */
  MCUPROF_EV_STAGE_BEGIN = 0x07,  /* arg: stage id */
  MCUPROF_EV_STAGE_END = 0x08,    /* arg: stage id */
  MCUPROF_EV_TENSOR_ALLOC = 0x09, /* arg: tensor index; payload: arena offset, bytes */
  MCUPROF_EV_TENSOR_FREE = 0x0A,  /* arg: tensor index */
  MCUPROF_EV_ARENA = 0x0B,        /* arg: 0; payload: arena address, arena bytes */
  MCUPROF_EV_MARK = 0x0C,         /* arg: user id; payload: value */
  MCUPROF_EV_REGION_BEGIN = 0x0D, /* arg: user id */
  MCUPROF_EV_REGION_END = 0x0E,   /* arg: user id */
};

/* The op code of LAYER_BEGIN: TensorFlow Lite's BuiltinOperator code, so a layer is named
 * the same whoever sends it (mcuprof's runtime, a TFLite Micro profiler hook,
 * mcuprof_tflm_profiler.h). X(NAME, code) for every BuiltinOperator value, from
 * `enum BuiltinOperator` in TFLite's schema.fbs (tensorflow/tflite-micro, file
 * tensorflow/compiler/mlir/lite/schema/schema.fbs at commit
 * 90b983c2b3f1480642e040bbd2ddb37b998f3424); the names are TFLite's (EnumNameBuiltinOperator,
 * which TFLite Micro passes to its profiler as the event tag). docs/trace-protocol.md. */
/* clang-format off */
#define MCUPROF_BUILTIN_OPS(X) \
  X(ADD, 0) X(AVERAGE_POOL_2D, 1) X(CONCATENATION, 2) X(CONV_2D, 3) X(DEPTHWISE_CONV_2D, 4) \
  X(DEPTH_TO_SPACE, 5) X(DEQUANTIZE, 6) X(EMBEDDING_LOOKUP, 7) X(FLOOR, 8) \
  X(FULLY_CONNECTED, 9) X(HASHTABLE_LOOKUP, 10) X(L2_NORMALIZATION, 11) X(L2_POOL_2D, 12) \
  X(LOCAL_RESPONSE_NORMALIZATION, 13) X(LOGISTIC, 14) X(LSH_PROJECTION, 15) X(LSTM, 16) \
  X(MAX_POOL_2D, 17) X(MUL, 18) X(RELU, 19) X(RELU_N1_TO_1, 20) X(RELU6, 21) X(RESHAPE, 22) \
  X(RESIZE_BILINEAR, 23) X(RNN, 24) X(SOFTMAX, 25) X(SPACE_TO_DEPTH, 26) X(SVDF, 27) \
  X(TANH, 28) X(CONCAT_EMBEDDINGS, 29) X(SKIP_GRAM, 30) X(CALL, 31) X(CUSTOM, 32) \
  X(EMBEDDING_LOOKUP_SPARSE, 33) X(PAD, 34) X(UNIDIRECTIONAL_SEQUENCE_RNN, 35) X(GATHER, 36) \
  X(BATCH_TO_SPACE_ND, 37) X(SPACE_TO_BATCH_ND, 38) X(TRANSPOSE, 39) X(MEAN, 40) X(SUB, 41) \
  X(DIV, 42) X(SQUEEZE, 43) X(UNIDIRECTIONAL_SEQUENCE_LSTM, 44) X(STRIDED_SLICE, 45) \
  X(BIDIRECTIONAL_SEQUENCE_RNN, 46) X(EXP, 47) X(TOPK_V2, 48) X(SPLIT, 49) X(LOG_SOFTMAX, 50) \
  X(DELEGATE, 51) X(BIDIRECTIONAL_SEQUENCE_LSTM, 52) X(CAST, 53) X(PRELU, 54) X(MAXIMUM, 55) \
  X(ARG_MAX, 56) X(MINIMUM, 57) X(LESS, 58) X(NEG, 59) X(PADV2, 60) X(GREATER, 61) \
  X(GREATER_EQUAL, 62) X(LESS_EQUAL, 63) X(SELECT, 64) X(SLICE, 65) X(SIN, 66) \
  X(TRANSPOSE_CONV, 67) X(SPARSE_TO_DENSE, 68) X(TILE, 69) X(EXPAND_DIMS, 70) X(EQUAL, 71) \
  X(NOT_EQUAL, 72) X(LOG, 73) X(SUM, 74) X(SQRT, 75) X(RSQRT, 76) X(SHAPE, 77) X(POW, 78) \
  X(ARG_MIN, 79) X(FAKE_QUANT, 80) X(REDUCE_PROD, 81) X(REDUCE_MAX, 82) X(PACK, 83) \
  X(LOGICAL_OR, 84) X(ONE_HOT, 85) X(LOGICAL_AND, 86) X(LOGICAL_NOT, 87) X(UNPACK, 88) \
  X(REDUCE_MIN, 89) X(FLOOR_DIV, 90) X(REDUCE_ANY, 91) X(SQUARE, 92) X(ZEROS_LIKE, 93) \
  X(FILL, 94) X(FLOOR_MOD, 95) X(RANGE, 96) X(RESIZE_NEAREST_NEIGHBOR, 97) X(LEAKY_RELU, 98) \
  X(SQUARED_DIFFERENCE, 99) X(MIRROR_PAD, 100) X(ABS, 101) X(SPLIT_V, 102) X(UNIQUE, 103) \
  X(CEIL, 104) X(REVERSE_V2, 105) X(ADD_N, 106) X(GATHER_ND, 107) X(COS, 108) X(WHERE, 109) \
  X(RANK, 110) X(ELU, 111) X(REVERSE_SEQUENCE, 112) X(MATRIX_DIAG, 113) X(QUANTIZE, 114) \
  X(MATRIX_SET_DIAG, 115) X(ROUND, 116) X(HARD_SWISH, 117) X(IF, 118) X(WHILE, 119) \
  X(NON_MAX_SUPPRESSION_V4, 120) X(NON_MAX_SUPPRESSION_V5, 121) X(SCATTER_ND, 122) \
  X(SELECT_V2, 123) X(DENSIFY, 124) X(SEGMENT_SUM, 125) X(BATCH_MATMUL, 126) \
  X(PLACEHOLDER_FOR_GREATER_OP_CODES, 127) X(CUMSUM, 128) X(CALL_ONCE, 129) \
  X(BROADCAST_TO, 130) X(RFFT2D, 131) X(CONV_3D, 132) X(IMAG, 133) X(REAL, 134) \
  X(COMPLEX_ABS, 135) X(HASHTABLE, 136) X(HASHTABLE_FIND, 137) X(HASHTABLE_IMPORT, 138) \
  X(HASHTABLE_SIZE, 139) X(REDUCE_ALL, 140) X(CONV_3D_TRANSPOSE, 141) X(VAR_HANDLE, 142) \
  X(READ_VARIABLE, 143) X(ASSIGN_VARIABLE, 144) X(BROADCAST_ARGS, 145) \
  X(RANDOM_STANDARD_NORMAL, 146) X(BUCKETIZE, 147) X(RANDOM_UNIFORM, 148) X(MULTINOMIAL, 149) \
  X(GELU, 150) X(DYNAMIC_UPDATE_SLICE, 151) X(RELU_0_TO_1, 152) X(UNSORTED_SEGMENT_PROD, 153) \
  X(UNSORTED_SEGMENT_MAX, 154) X(UNSORTED_SEGMENT_SUM, 155) X(ATAN2, 156) \
  X(UNSORTED_SEGMENT_MIN, 157) X(SIGN, 158) X(BITCAST, 159) X(BITWISE_XOR, 160) \
  X(RIGHT_SHIFT, 161) X(STABLEHLO_LOGISTIC, 162) X(STABLEHLO_ADD, 163) X(STABLEHLO_DIVIDE, 164) \
  X(STABLEHLO_MULTIPLY, 165) X(STABLEHLO_MAXIMUM, 166) X(STABLEHLO_RESHAPE, 167) \
  X(STABLEHLO_CLAMP, 168) X(STABLEHLO_CONCATENATE, 169) X(STABLEHLO_BROADCAST_IN_DIM, 170) \
  X(STABLEHLO_CONVOLUTION, 171) X(STABLEHLO_SLICE, 172) X(STABLEHLO_CUSTOM_CALL, 173) \
  X(STABLEHLO_REDUCE, 174) X(STABLEHLO_ABS, 175) X(STABLEHLO_AND, 176) X(STABLEHLO_COSINE, 177) \
  X(STABLEHLO_EXPONENTIAL, 178) X(STABLEHLO_FLOOR, 179) X(STABLEHLO_LOG, 180) \
  X(STABLEHLO_MINIMUM, 181) X(STABLEHLO_NEGATE, 182) X(STABLEHLO_OR, 183) \
  X(STABLEHLO_POWER, 184) X(STABLEHLO_REMAINDER, 185) X(STABLEHLO_RSQRT, 186) \
  X(STABLEHLO_SELECT, 187) X(STABLEHLO_SUBTRACT, 188) X(STABLEHLO_TANH, 189) \
  X(STABLEHLO_SCATTER, 190) X(STABLEHLO_COMPARE, 191) X(STABLEHLO_CONVERT, 192) \
  X(STABLEHLO_DYNAMIC_SLICE, 193) X(STABLEHLO_DYNAMIC_UPDATE_SLICE, 194) X(STABLEHLO_PAD, 195) \
  X(STABLEHLO_IOTA, 196) X(STABLEHLO_DOT_GENERAL, 197) X(STABLEHLO_REDUCE_WINDOW, 198) \
  X(STABLEHLO_SORT, 199) X(STABLEHLO_WHILE, 200) X(STABLEHLO_GATHER, 201) \
  X(STABLEHLO_TRANSPOSE, 202) X(DILATE, 203) X(STABLEHLO_RNG_BIT_GENERATOR, 204) \
  X(REDUCE_WINDOW, 205) X(STABLEHLO_COMPOSITE, 206) X(STABLEHLO_SHIFT_LEFT, 207) \
  X(STABLEHLO_CBRT, 208) X(STABLEHLO_CASE, 209)
/* clang-format on */

/* MCUPROF_BUILTIN_<NAME> = TFLite's BuiltinOperator_<NAME>: MCUPROF_BUILTIN_ADD = 0,
 * MCUPROF_BUILTIN_AVERAGE_POOL_2D = 1, MCUPROF_BUILTIN_CONV_2D = 3, ...,
 * MCUPROF_BUILTIN_CUSTOM = 32 (a custom op, named by its custom name in TFLite). */
#define MCUPROF_BUILTIN_ENUMERATOR_(name, code) MCUPROF_BUILTIN_##name = code,
enum mcuprof_builtin_op { MCUPROF_BUILTIN_OPS(MCUPROF_BUILTIN_ENUMERATOR_) };
#undef MCUPROF_BUILTIN_ENUMERATOR_

static inline int mcuprof_itm_port_enabled(uint32_t port) {
  return (MCUPROF_ITM_TCR & 1u) != 0u && (MCUPROF_ITM_TER & (1u << port)) != 0u;
}

/* Sends one byte on a stimulus port (waits while the port's FIFO is full). */
static inline void mcuprof_itm_put8(uint32_t port, uint8_t value) {
  if (!mcuprof_itm_port_enabled(port)) return;
  while (MCUPROF_ITM_PORT(port) == 0u) {
  }
  MCUPROF_ITM_PORT8(port) = value;
}

/* Sends one 32-bit word on a stimulus port. */
static inline void mcuprof_itm_put32(uint32_t port, uint32_t value) {
  if (!mcuprof_itm_port_enabled(port)) return;
  while (MCUPROF_ITM_PORT(port) == 0u) {
  }
  MCUPROF_ITM_PORT(port) = value;
}

/* Multi-word events are sent with interrupts masked so an interrupt handler's own
 * events cannot split them. */
static inline uint32_t mcuprof_irq_save(void) {
  uint32_t primask;
  __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
  return primask;
}

static inline void mcuprof_irq_restore(uint32_t primask) {
  __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

static inline void mcuprof_event0(uint32_t type, uint32_t arg) {
  mcuprof_itm_put32(MCUPROF_PORT_EVENTS, MCUPROF_EVENT_HEADER(type, 0u, arg));
}

static inline void mcuprof_event1(uint32_t type, uint32_t arg, uint32_t a) {
  const uint32_t saved = mcuprof_irq_save();
  mcuprof_itm_put32(MCUPROF_PORT_EVENTS, MCUPROF_EVENT_HEADER(type, 1u, arg));
  mcuprof_itm_put32(MCUPROF_PORT_EVENTS, a);
  mcuprof_irq_restore(saved);
}

static inline void mcuprof_event2(uint32_t type, uint32_t arg, uint32_t a, uint32_t b) {
  const uint32_t saved = mcuprof_irq_save();
  mcuprof_itm_put32(MCUPROF_PORT_EVENTS, MCUPROF_EVENT_HEADER(type, 2u, arg));
  mcuprof_itm_put32(MCUPROF_PORT_EVENTS, a);
  mcuprof_itm_put32(MCUPROF_PORT_EVENTS, b);
  mcuprof_irq_restore(saved);
}

static inline void mcuprof_run_begin(void) {
  mcuprof_event0(MCUPROF_EV_RUN_BEGIN, MCUPROF_PROTOCOL_VERSION);
}
static inline void mcuprof_run_end(void) { mcuprof_event0(MCUPROF_EV_RUN_END, 0u); }
/* `op`: TFLite's BuiltinOperator code (MCUPROF_BUILTIN_*); `macs`: 0 when unknown. */
static inline void mcuprof_layer_begin(uint32_t index, uint32_t op, uint32_t macs) {
  mcuprof_event2(MCUPROF_EV_LAYER_BEGIN, index, op, macs);
}
static inline void mcuprof_layer_end(uint32_t index) { mcuprof_event0(MCUPROF_EV_LAYER_END, index); }
static inline void mcuprof_patch_begin(uint32_t index, uint32_t row, uint32_t column) {
  mcuprof_event1(MCUPROF_EV_PATCH_BEGIN, index, (row << 16) | (column & 0xFFFFu));
}
static inline void mcuprof_patch_end(uint32_t index) { mcuprof_event0(MCUPROF_EV_PATCH_END, index); }
static inline void mcuprof_stage_begin(uint32_t id) { mcuprof_event0(MCUPROF_EV_STAGE_BEGIN, id); }
static inline void mcuprof_stage_end(uint32_t id) { mcuprof_event0(MCUPROF_EV_STAGE_END, id); }
static inline void mcuprof_tensor_alloc(uint32_t tensor, uint32_t offset, uint32_t bytes) {
  mcuprof_event2(MCUPROF_EV_TENSOR_ALLOC, tensor, offset, bytes);
}
static inline void mcuprof_tensor_free(uint32_t tensor) {
  mcuprof_event0(MCUPROF_EV_TENSOR_FREE, tensor);
}
static inline void mcuprof_arena(const void *address, uint32_t bytes) {
  mcuprof_event2(MCUPROF_EV_ARENA, 0u, (uint32_t)(uintptr_t)address, bytes);
}
static inline void mcuprof_mark(uint32_t id, uint32_t value) {
  mcuprof_event1(MCUPROF_EV_MARK, id, value);
}
static inline void mcuprof_region_begin(uint32_t id) { mcuprof_event0(MCUPROF_EV_REGION_BEGIN, id); }
static inline void mcuprof_region_end(uint32_t id) { mcuprof_event0(MCUPROF_EV_REGION_END, id); }

static inline void mcuprof_console_write(const char *text) {
  while (*text != '\0') mcuprof_itm_put8(MCUPROF_PORT_CONSOLE, (uint8_t)*text++);
}

/* An unsigned number on the console, in decimal. */
static inline void mcuprof_console_u32(uint32_t value) {
  char text[11];
  int i = 10;
  text[i] = '\0';
  do {
    text[--i] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0u);
  mcuprof_console_write(&text[i]);
}

/* A word on the console as eight lower-case hex digits (no prefix). */
static inline void mcuprof_console_hex32(uint32_t value) {
  char text[9];
  for (int i = 7; i >= 0; --i) {
    text[i] = "0123456789abcdef"[value & 0xFu];
    value >>= 4;
  }
  text[8] = '\0';
  mcuprof_console_write(text);
}

/* Starts DWT->CYCCNT (as a debugger would) and returns its current value. */
static inline uint32_t mcuprof_cycles_start(void) {
  /* Read, then write: C++20 deprecates compound assignment to volatile objects. */
  MCUPROF_DEMCR = MCUPROF_DEMCR | (1u << 24); /* TRCENA */
  MCUPROF_DWT_CTRL = MCUPROF_DWT_CTRL | 1u;   /* CYCCNTENA */
  return MCUPROF_DWT_CYCCNT;
}

static inline uint32_t mcuprof_cycles(void) { return MCUPROF_DWT_CYCCNT; }

#endif /* MCUPROF_TRACE_H */
