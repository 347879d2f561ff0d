/* psp_thread.c — thread mode on the process stack (CONTROL.SPSEL = 1), as an RTOS
 * runs its tasks: SysTick frames go on the PSP, handlers run on the MSP, the return
 * uses EXC_RETURN 0xFFFFFFFD and the thread's values and stack survive. */
#include "machine_test.h"

static uint32_t task_stack[256] __attribute__((aligned(8)));
static volatile uint32_t ticks;
static volatile uint32_t handler_sp;
static volatile uint32_t handler_psp;
static volatile uint32_t handler_lr;

void SysTick_Handler(void) {
  uint32_t sp;
  uint32_t psp;
  uint32_t lr;
  __asm__ volatile("mov %0, lr" : "=r"(lr));
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  __asm__ volatile("mrs %0, psp" : "=r"(psp));
  handler_lr = lr;
  handler_sp = sp;
  handler_psp = psp;
  ticks = ticks + 1u;
}

int main(void) {
  uint32_t msp;
  __asm__ volatile("mrs %0, msp" : "=r"(msp));
  const uint32_t top = (uint32_t)(uintptr_t)&task_stack[256];
  __asm__ volatile("msr psp, %0" ::"r"(top));
  __asm__ volatile("msr control, %0\n\tisb" ::"r"(2u) : "memory"); /* SPSEL = PSP */
  uint32_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  CHECK(sp == top, 10);

  SYST_RVR = 500u;
  SYST_CVR = 0u;
  SYST_CSR = 7u;
  volatile uint32_t sum = 0;
  for (uint32_t i = 0; i < 3000u; ++i) sum = sum + i;
  SYST_CSR = 0u;
  CHECK(sum == 3000u * 2999u / 2u, 11);
  CHECK(ticks > 3u, 12);
  CHECK(handler_lr == 0xFFFFFFFDu || handler_lr == 0xFFFFFFEDu, 13);
  CHECK(handler_sp <= msp && handler_sp > msp - 256u, 14);    /* handler on the main stack */
  CHECK(handler_psp < top && handler_psp >= top - 1024u, 15); /* frame on the task stack */
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  CHECK(sp <= top && sp > top - 256u, 16);
  put("psp ok\n");
  /* Back to the main stack, where main's own frame is, before returning. */
  __asm__ volatile("msr control, %0\n\tisb" ::"r"(0u) : "memory");
  return 0;
}
