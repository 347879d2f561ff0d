/* oob_clean.c — oob_write.c without the stray store: a 64-byte tensor announced with the
 * trace protocol, filled and read back inside its bounds. `mcuprof run --observe-memory`
 * must report no out-of-bounds write, and an observed peak of at least the tensor's 64
 * bytes (written, then read).
 * mcuprof-cores: cortex-m4 */
#define OOB_CLEAN 1
#include "oob_write.c"
