/* spin_forever.c — never exits: the run must end at the --max-cycles budget. */
#include "mcuprof_trace.h"

int main(void) {
  mcuprof_console_write("spinning\n");
  volatile uint32_t counter = 0;
  for (;;) counter = counter + 1u;
}
