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

/* Console port and the first port of structured events. */
#define MCUPROF_PORT_CONSOLE 0u

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

static inline void mcuprof_console_write(const char *text) {
  while (*text != '\0') mcuprof_itm_put8(MCUPROF_PORT_CONSOLE, (uint8_t)*text++);
}

/* Starts DWT->CYCCNT (as a debugger would) and returns its current value. */
static inline uint32_t mcuprof_cycles_start(void) {
  MCUPROF_DEMCR |= 1u << 24; /* TRCENA */
  MCUPROF_DWT_CTRL |= 1u;    /* CYCCNTENA */
  return MCUPROF_DWT_CYCCNT;
}

static inline uint32_t mcuprof_cycles(void) { return MCUPROF_DWT_CYCCNT; }

#endif /* MCUPROF_TRACE_H */
