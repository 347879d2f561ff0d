/* memsys_configured.c — the memory-system workload after the shared start-up code's
 * SystemInit: flash latency for the board's clock, prefetch, the ART / flash cache and
 * the Cortex-M7 L1 caches on (runtime/firmware/src/startup.c). */
#include "memsys_workload.h"
