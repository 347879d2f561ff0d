/* machine_test.h — shared helpers of the machine test programs: core register
 * addresses (ARMv7-M/ARMv6-M ARM, chapter B3), console output on ITM port 0 and a
 * CHECK that prints the failing line and makes the program exit non-zero. */
#ifndef MACHINE_TEST_H
#define MACHINE_TEST_H

#include <stdint.h>

#include "mcuprof_trace.h"

#define REG32(a) (*(volatile uint32_t*)(a))
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define NVIC_ISER0 REG32(0xE000E100u)
#define NVIC_ICER0 REG32(0xE000E180u)
#define NVIC_ISPR0 REG32(0xE000E200u)
#define NVIC_IABR0 REG32(0xE000E300u)
#define NVIC_IPR(n) (*(volatile uint8_t*)(0xE000E400u + (n)))
#define SCB_CPUID REG32(0xE000ED00u)
#define SCB_ICSR REG32(0xE000ED04u)
#define SCB_VTOR REG32(0xE000ED08u)
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define SCB_SHPR2 REG32(0xE000ED1Cu)
#define SCB_SHPR3 REG32(0xE000ED20u)
#define SCB_SHCSR REG32(0xE000ED24u)
#define SCB_CFSR REG32(0xE000ED28u)
#define SCB_CPACR REG32(0xE000ED88u)
#define FPU_FPCCR REG32(0xE000EF34u)
#define FPU_FPCAR REG32(0xE000EF38u)

#if defined(__ARM_ARCH_6M__)
#define MACHINE_V6M 1
#else
#define MACHINE_V6M 0
#endif

static inline void put(const char* text) {
  mcuprof_console_write(text);
}

static inline void put_hex(uint32_t v) {
  char buf[11] = "0x";
  for (int i = 0; i < 8; ++i) buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
  buf[10] = '\0';
  put(buf);
}

static inline void put_dec(uint32_t v) {
  char buf[11];
  int i = 10;
  buf[i] = '\0';
  do {
    buf[--i] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0u && i > 0);
  put(&buf[i]);
}

static inline uint32_t get_ipsr(void) {
  uint32_t v;
  __asm__ volatile("mrs %0, ipsr" : "=r"(v));
  return v;
}

static inline void irq_disable(void) {
  __asm__ volatile("cpsid i" ::: "memory");
}
static inline void irq_enable(void) {
  __asm__ volatile("cpsie i" ::: "memory");
}
static inline void barrier(void) {
  __asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* A failed check prints its line and the program returns `code` from main. */
#define CHECK(cond, code)          \
  do {                             \
    if (!(cond)) {                 \
      put("FAIL line ");           \
      put_dec((uint32_t)__LINE__); \
      put(": " #cond "\n");        \
      return (code);               \
    }                              \
  } while (0)

#endif /* MACHINE_TEST_H */
