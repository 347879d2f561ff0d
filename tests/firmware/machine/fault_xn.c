/* fault_xn.c — a call into the peripheral region (execute-never in the default memory
 * map) with MemManage enabled: a MemManage fault, IACCVIOL.
 * mcuprof-cores: cortex-m3 cortex-m4 cortex-m7 cortex-m33 */
#include "machine_test.h"

typedef void (*fn_t)(void);

int main(void) {
  SCB_SHCSR |= 1u << 16; /* MEMFAULTENA */
  barrier();
  fn_t f = (fn_t)0x40000001u;
  f();
  return 0;
}
