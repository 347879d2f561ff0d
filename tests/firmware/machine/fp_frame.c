/* fp_frame.c — the extended (FP) exception frame and lazy stacking on cores with an
 * FPU: main keeps float values in S registers while SysTick interrupts it; the SysTick
 * handler uses the FPU (its EXC_RETURN says "FP frame", and the lazily reserved space
 * gets the caller's S0-S15), the PendSV handler does not (FPCCR.LSPACT stays set while
 * it runs). The caller's values must survive both.
 * mcuprof-cores: cortex-m4 cortex-m7 cortex-m33 */
#include "machine_test.h"

static volatile uint32_t tick_exc_return;
static volatile uint32_t pendsv_lspact;
static volatile uint32_t ticks;
static volatile float sink;

void SysTick_Handler(void) {
  uint32_t lr;
  __asm__ volatile("mov %0, lr" : "=r"(lr));
  tick_exc_return = lr;
  /* Clobber caller-saved S registers. */
  float a = (float)ticks * 3.5f;
  __asm__ volatile("vmov s0, %0\n\tvmov s1, %0\n\tvmov s2, %0\n\tvmov s15, %0" ::"r"(0x7f7f7f7fu)
                   : "s0", "s1", "s2", "s15");
  sink = a * 2.0f;
  ticks = ticks + 1u;
}

void PendSV_Handler(void) {
  pendsv_lspact = FPU_FPCCR & 1u;
}

int main(void) {
  CHECK((FPU_FPCCR & 0xC0000000u) == 0xC0000000u, 10); /* ASPEN and LSPEN at reset */
  SYST_RVR = 300u;
  SYST_CVR = 0u;
  SYST_CSR = 7u;
  uint32_t bad = 0;
  for (int round = 0; round < 50; ++round) {
    register float x __asm__("s0") = 1.25f * (float)round;
    register float y __asm__("s1") = 2.5f;
    register float z __asm__("s15") = -7.0f;
    /* Spin with the values live in s0, s1, s15 while SysTick fires. */
    for (volatile int spin = 0; spin < 40; ++spin) {
      __asm__ volatile("" : "+t"(x), "+t"(y), "+t"(z));
    }
    if (x != 1.25f * (float)round || y != 2.5f || z != -7.0f) ++bad;
  }
  SYST_CSR = 0u;
  CHECK(ticks > 10u, 11);
  CHECK(bad == 0u, 12);
  CHECK((tick_exc_return & 0x10u) == 0u, 13); /* FP frame on the stack */
  CHECK(tick_exc_return == 0xFFFFFFE9u, 14);  /* thread mode, MSP, FP frame */

  /* PendSV after FP use in thread mode: space reserved, LSPACT set, nothing saved. */
  register float w __asm__("s3") = 3.0f;
  __asm__ volatile("" : "+t"(w));
  SCB_ICSR = 1u << 28;
  barrier();
  CHECK(pendsv_lspact == 1u, 15);
  CHECK((FPU_FPCCR & 1u) == 0u, 16); /* cleared again by the exception return */
  put("fp frame ok\n");
  return 0;
}
