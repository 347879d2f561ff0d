/* mcuprof_semihosting.h — minimal Arm semihosting calls (BKPT 0xAB) for firmware that
 * does not link newlib's rdimon: console text and exiting with a status code. They
 * work the same under a debugger on a real board and under mcuprof. */
#ifndef MCUPROF_SEMIHOSTING_H
#define MCUPROF_SEMIHOSTING_H

#include <stdint.h>

#define MCUPROF_SYS_WRITE0 0x04u
#define MCUPROF_SYS_EXIT 0x18u
#define MCUPROF_SYS_EXIT_EXTENDED 0x20u
#define MCUPROF_ADP_STOPPED_APPLICATION_EXIT 0x20026u

static inline uint32_t mcuprof_semihost_call(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt #0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static inline void mcuprof_semihost_write0(const char *text) {
  (void)mcuprof_semihost_call(MCUPROF_SYS_WRITE0, text);
}

/* Ends the program with an exit status (SYS_EXIT_EXTENDED). Never returns. */
static inline void mcuprof_exit(int status) {
  const uint32_t block[2] = {MCUPROF_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
  for (;;) (void)mcuprof_semihost_call(MCUPROF_SYS_EXIT_EXTENDED, block);
}

#endif /* MCUPROF_SEMIHOSTING_H */
