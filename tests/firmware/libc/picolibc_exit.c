/* picolibc_exit.c — a C program linked with picolibc's semihosting library and started
 * by picolibc's crt0: main returns 3, crt0 passes it to exit(), and picolibc's _exit
 * reports it with SYS_EXIT_EXTENDED only if ":semihosting-features" offers
 * SH_EXT_EXIT_EXTENDED. picolibc's crt0 names the start-up labels as picolibc.ld does;
 * the link options map them onto the generated script's (no thread-local data here).
 * mcuprof-startup: libc
 * mcuprof-link: --specs=picolibc.specs --crt0=semihost --oslib=semihost -Wl,--defsym=__data_source=__data_load__,--defsym=__data_start=__data_start__,--defsym=__data_size=__data_end__-__data_start__,--defsym=__bss_start=__bss_start__,--defsym=__bss_size=__bss_end__-__bss_start__,--defsym=__tls_base=__data_start__,--defsym=__arm32_tls_tcb_offset=0 */
#include <stdio.h>

#include "libc_start.h"

int main(void) {
  printf("picolibc C: main returns 3\n");
  fprintf(stderr, "picolibc C: on stderr\n");
  return 3;
}
