/* newlib_exit.c — a C program linked with newlib's semihosting library (rdimon) and
 * started by rdimon's crt0: main returns 3, crt0 passes it to exit(), and rdimon's
 * _exit reports it with SYS_EXIT_EXTENDED only if the host's ":semihosting-features"
 * file offers SH_EXT_EXIT_EXTENDED (else plain SYS_EXIT, which carries no status).
 * mcuprof-startup: libc
 * mcuprof-link: --specs=nano.specs --specs=rdimon.specs */
#include <stdio.h>

#include "libc_start.h"

int main(void) {
  printf("newlib C: main returns 3\n");
  fprintf(stderr, "newlib C: on stderr\n");
  return 3;
}
