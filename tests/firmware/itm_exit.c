/* itm_exit.c — prints on the ITM console, sends one event word on stimulus port 3,
 * prints through semihosting and exits with status 42. Checked by test_machine and
 * test_cli: the text, the event and the status must all reach the host. */
#include "mcuprof_semihosting.h"
#include "mcuprof_trace.h"

int main(void) {
  mcuprof_console_write("hello from ITM\n");
  mcuprof_itm_put32(3u, 0xCAFEF00Du);
  mcuprof_semihost_write0("hello from semihosting\n");
  return 42;
}
