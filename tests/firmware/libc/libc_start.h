/* libc_start.h — the vector table and reset handler of the test programs that start
 * through their C library's crt0 ("mcuprof-startup: libc"), as firmware built with
 * `--specs=rdimon.specs` and a vendor start-up file does: copy .data from flash (crt0
 * expects a debugger to have loaded it), enable the FPU when the build uses it, then
 * branch to crt0's _start, which zeroes .bss, runs the constructors, calls main and
 * passes its value to the library's exit(). Include from exactly one file. */
#ifndef LIBC_START_H
#define LIBC_START_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

extern uint32_t __data_start__, __data_end__, __data_load__, _estack;
void _start(void) __attribute__((noreturn));
void Reset_Handler(void);
void libc_start_unexpected(void);

void Reset_Handler(void) {
  const uint32_t *src = &__data_load__;
  for (uint32_t *dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
#if defined(__ARM_FP)
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: CP10/CP11 full access */
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  _start();
}

void libc_start_unexpected(void) {
  for (;;) {
  }
}

typedef void (*libc_start_vector)(void);

/* Initial SP, reset, then the 14 other system exceptions (all unexpected here). */
__attribute__((section(".isr_vector"), used)) const libc_start_vector libc_start_vectors[16] = {
    (libc_start_vector)(uintptr_t)&_estack, Reset_Handler,         libc_start_unexpected,
    libc_start_unexpected,                  libc_start_unexpected, libc_start_unexpected,
    libc_start_unexpected,                  0,                     0,
    0,                                      0,                     libc_start_unexpected,
    libc_start_unexpected,                  0,                     libc_start_unexpected,
    libc_start_unexpected};

#ifdef __cplusplus
}
#endif

#endif /* LIBC_START_H */
