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
#define MCUPROF_ITM_PORT(n) (*(volatile uint32_t *)(MCUPROF_ITM_BASE + 4u * (n)))
#define MCUPROF_ITM_PORT8(n) (*(volatile uint8_t *)(MCUPROF_ITM_BASE + 4u * (n)))
#define MCUPROF_ITM_TER (*(volatile uint32_t *)0xE0000E00u)
#define MCUPROF_ITM_TCR (*(volatile uint32_t *)0xE0000E80u)
#define MCUPROF_DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define MCUPROF_DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define MCUPROF_DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)

/* Console port and the port of structured events (docs/trace-protocol.md). */
#define MCUPROF_PORT_CONSOLE 0u
#define MCUPROF_PORT_EVENTS 1u

/* Event header word: type (6 bits) | payload word count (4 bits) | argument (22 bits). */
#define MCUPROF_PROTOCOL_VERSION 1u
#define MCUPROF_EVENT_HEADER(type, words, arg) \
  (((uint32_t)(type) << 26) | ((uint32_t)(words) << 22) | ((uint32_t)(arg) & 0x3FFFFFu))

enum mcuprof_event_type {
  MCUPROF_EV_RUN_BEGIN = 0x01,    /* arg: protocol version */
  MCUPROF_EV_RUN_END = 0x02,      /* arg: 0 */
  MCUPROF_EV_LAYER_BEGIN = 0x03,  /* arg: layer index; payload: op code, MACs */
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
  MCUPROF_DEMCR |= 1u << 24; /* TRCENA */
  MCUPROF_DWT_CTRL |= 1u;    /* CYCCNTENA */
  return MCUPROF_DWT_CYCCNT;
}

static inline uint32_t mcuprof_cycles(void) { return MCUPROF_DWT_CYCCNT; }

#endif /* MCUPROF_TRACE_H */
