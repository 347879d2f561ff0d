/* startup.c — reset handler, vector table and default handlers shared by every
 * mcuprof firmware (runtime and tests). No HAL: copy .data, zero .bss, enable the FPU
 * when the build uses it, run static constructors, call main, exit with its value
 * through semihosting. Symbols come from the generated linker script. */
#include <stdint.h>

#include "mcuprof_semihosting.h"

extern uint32_t __data_start__, __data_end__, __data_load__, __bss_start__, __bss_end__;
extern uint32_t _estack;
extern int main(void);
/* Constructors (C++ globals, __attribute__((constructor))), as the linker script gathers them. */
typedef void (*mcuprof_init_fn)(void);
extern const mcuprof_init_fn __preinit_array_start[], __preinit_array_end[];
extern const mcuprof_init_fn __init_array_start[], __init_array_end[];

void Reset_Handler(void);
void Default_Handler(void);

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void IRQ_Handler(void) WEAK_DEFAULT;

typedef void (*vector_t)(void);

#define MCUPROF_IRQ_COUNT 64

/* Cortex-M vector table: initial SP, 15 system exceptions, then external IRQs. */
__attribute__((section(".isr_vector"), used)) const vector_t vector_table[16 + MCUPROF_IRQ_COUNT] = {
    (vector_t)(uintptr_t)&_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    [16 ... 16 + MCUPROF_IRQ_COUNT - 1] = IRQ_Handler,
};

void Reset_Handler(void) {
  const uint32_t *src = &__data_load__;
  for (uint32_t *dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
  for (uint32_t *dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0u;
#if defined(__ARM_FP)
  /* CPACR: full access to CP10 and CP11 (the FPU). */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  for (const mcuprof_init_fn *f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (const mcuprof_init_fn *f = __init_array_start; f < __init_array_end; ++f) (*f)();
  mcuprof_exit(main());
}

/* An unexpected exception: stay here, as firmware on a chip would. The simulator
 * reports where the program is stuck (and, later, the fault that led here). */
void Default_Handler(void) {
  for (;;) {
  }
}
