/* mcuprof-cores: cortex-m3 cortex-m4 cortex-m7 cortex-m33 */
/* cycles_divide.c — SDIV/UDIV early termination (docs/cycle-model.md R-DIV): the
 * operands are live into the timed block, where the model reads them. */
#include "cycle_bench.c.inc"

/* clang-format off */
CB_BENCH(udiv_small, "movs r2, #5\n movs r3, #7\n", "udiv r1, r2, r3\n")
CB_BENCH(udiv_large, "mov.w r2, #0xFFFFFFFF\n movs r3, #1\n", "udiv r1, r2, r3\n")
CB_BENCH(sdiv_middle, "movw r2, #1000\n movs r3, #3\n", "sdiv r1, r2, r3\n")

/* clang-format on */
int main(void) {
  cb_start();
  /* clang-format off */
  /*                                                                 M0+  M3  M4  M7 */
  CB_EXPECT("R-DIV", "UDIV 5/7 (quotient 0)", udiv_small,             -1,  2,  2,  7);
  CB_EXPECT("R-DIV", "UDIV 0xFFFFFFFF/1", udiv_large,                 -1, 12, 12,  7);
  cb_expect_range("R-DIV", "SDIV 1000/3", sdiv_middle, CB_PICK(-1, 2, 2, 7), CB_PICK(-1, 12, 12, 7));
  /* clang-format on */
  return cb_failures();
}
