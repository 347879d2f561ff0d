/* cycle_bench.h — timing harness of the cycle-model micro-benchmarks.
 *
 * Each benchmark is a sequence of instructions timed with DWT->CYCCNT inside the
 * firmware, exactly as one would on a board: set-up, a branch that ends the set-up
 * block, then  LDR t0,[CYCCNT]; NOP; <body>; NOP; LDR t1,[CYCCNT]. The same frame with
 * an empty body is the baseline; body cycles = (t1 - t0) - baseline. The NOPs keep
 * the body from pipelining with the CYCCNT loads. Benchmarks run from SRAM (section
 * .data.*, copied by the start-up code) so flash wait states stay out of the core
 * rules; each runs twice and the second run counts. The expected counts come from
 * the documents cited in docs/cycle-model.md, one column per core family. */
#ifndef CYCLE_BENCH_H
#define CYCLE_BENCH_H

#include <stdint.h>

#include "mcuprof_trace.h"

#if defined(__ARM_ARCH_6M__)
#define CB_V7 0
#define CB_T0 ".p2align 2\n9:\n ldr %[t0], [%[dwt], #4]\n nop\n"
#define CB_T1 "nop\n ldr %[t1], [%[dwt], #4]\n"
#elif defined(MCUPROF_CORE_CORTEX_M7)
/* R7-PAIR: the instruction at a taken branch's target may share the branch's cycle,
 * depending on the set-up before it; a DMB (single issue) there starts the frame the same
 * way after every set-up: the CYCCNT read and the NOP.W after it share the next cycle. */
#define CB_V7 1
#define CB_T0 ".p2align 2\n9:\n dmb\n ldr.w %[t0], [%[dwt], #4]\n nop.w\n"
#define CB_T1 "nop.w\n ldr.w %[t1], [%[dwt], #4]\n"
#else
#define CB_V7 1
#define CB_T0 ".p2align 2\n9:\n ldr.w %[t0], [%[dwt], #4]\n nop.w\n"
#define CB_T1 "nop.w\n ldr.w %[t1], [%[dwt], #4]\n"
#endif
/* The set-up ends with a branch, so the timed block starts with its registers set. */
#define CB_SPLIT "b 9f\n"

/* The section flags end in a gas comment (@) so GCC's own "ax" flags are ignored: the
 * code is writable data as far as the linker goes, without assembler warnings. */
#define CB_RAM __attribute__((section(".data.cycles,\"awx\",%progbits @"), noinline, long_call))

/* uint32_t fn(uint32_t *buf): r0 = buf on entry to `setup`; r0-r3 free. */
#define CB_BENCH(fn, setup, body)                                                       \
  CB_RAM static uint32_t fn(uint32_t* buf) {                                            \
    uint32_t t0, t1;                                                                    \
    __asm volatile(".syntax unified\n mov r0, %[buf]\n" setup CB_SPLIT CB_T0 body CB_T1 \
                   : [t0] "=&l"(t0), [t1] "=&l"(t1)                                     \
                   : [dwt] "l"(0xE0001000u), [buf] "l"(buf)                             \
                   : "r0", "r1", "r2", "r3", "lr", "cc", "memory");                     \
    return t1 - t0;                                                                     \
  }

/* Same, clobbering s0-s3 too (FPU benchmarks). */
#define CB_BENCH_FP(fn, setup, body)                                                        \
  CB_RAM static uint32_t fn(uint32_t* buf) {                                                \
    uint32_t t0, t1;                                                                        \
    __asm volatile(".syntax unified\n mov r0, %[buf]\n" setup CB_SPLIT CB_T0 body CB_T1     \
                   : [t0] "=&l"(t0), [t1] "=&l"(t1)                                         \
                   : [dwt] "l"(0xE0001000u), [buf] "l"(buf)                                 \
                   : "r0", "r1", "r2", "r3", "lr", "cc", "memory", "s0", "s1", "s2", "s3"); \
    return t1 - t0;                                                                         \
  }

/* The expected count on this core: one column per family (-1: not applicable).
 * Cortex-M33 follows the M4 column unless the check gives an M33 column of its own
 * (CB_EXPECT33, CB_PICK33: the rules where the M33 differs, docs/cycle-model.md R33-). */
#if defined(MCUPROF_CORE_CORTEX_M0PLUS)
#define CB_PICK(m0p, m3, m4, m7) (m0p)
#elif defined(MCUPROF_CORE_CORTEX_M3)
#define CB_PICK(m0p, m3, m4, m7) (m3)
#elif defined(MCUPROF_CORE_CORTEX_M4) || defined(MCUPROF_CORE_CORTEX_M33)
#define CB_PICK(m0p, m3, m4, m7) (m4)
#elif defined(MCUPROF_CORE_CORTEX_M7)
#define CB_PICK(m0p, m3, m4, m7) (m7)
#else
#define CB_PICK(m0p, m3, m4, m7) (-1)
#endif

#if defined(MCUPROF_CORE_CORTEX_M33)
#define CB_PICK33(m0p, m3, m4, m33, m7) (m33)
#else
#define CB_PICK33(m0p, m3, m4, m33, m7) CB_PICK(m0p, m3, m4, m7)
#endif

extern uint32_t cb_buffer[32];
int cb_failures(void);
void cb_start(void);
/* Prints "<rule> <what>: <cycles> (expected <lo>[..<hi>]) ok|FAIL" and counts failures. */
void cb_expect_range(const char* rule, const char* what, uint32_t (*bench)(uint32_t*), int lo,
                     int hi);
#define CB_EXPECT(rule, what, bench, m0p, m3, m4, m7) \
  cb_expect_range(rule, what, bench, CB_PICK(m0p, m3, m4, m7), CB_PICK(m0p, m3, m4, m7))
#define CB_EXPECT33(rule, what, bench, m0p, m3, m4, m33, m7)          \
  cb_expect_range(rule, what, bench, CB_PICK33(m0p, m3, m4, m33, m7), \
                  CB_PICK33(m0p, m3, m4, m33, m7))
void cb_print(const char* text);
void cb_print_u32(uint32_t value);

#endif
