/* cycles_branch.c — micro-benchmarks of branches, IT folding, barriers and system
 * register access (docs/cycle-model.md). Exit status = number of failed checks. */
#include "cycle_bench.c.inc"

/* clang-format off */
CB_BENCH(b_aligned, "", "b.n 1f\n nop\n 1:\n")
CB_BENCH(b_then_adds, "", "b.n 1f\n nop\n 1:\n adds r1, r1, #1\n")
CB_BENCH(b_unaligned_wide_target, "", "b.n 1f\n 1:\n")
CB_BENCH(bcond_taken, "", "cmp r0, r0\n beq.n 1f\n nop\n nop\n 1:\n")
CB_BENCH(loop_three, "movs r1, #3\n", "1:\n subs r1, r1, #1\n bne 1b\n")
CB_BENCH(bcond_not_taken, "", "cmp r0, r0\n bne.n 1f\n nop\n nop\n 1:\n")
CB_BENCH(bl_call, "", "bl 1f\n 1:\n")
/* A call and its return, then a branch over the callee: BL, BX LR, B. */
CB_BENCH(call_return, "", "bl 1f\n b.n 2f\n 1:\n bx lr\n 2:\n")
CB_BENCH(bx_register, "adr r1, 1f\n adds r1, r1, #1\n", "bx r1\n nop\n 1:\n")
CB_BENCH(pop_pc, "adr r1, 1f\n adds r1, r1, #1\n push {r1}\n", "pop {pc}\n nop\n 1:\n")
CB_BENCH(dmb_one, "", "dmb\n")
CB_BENCH(dsb_one, "", "dsb\n")
CB_BENCH(isb_one, "", "isb\n")
CB_BENCH(mrs_one, "", "mrs r1, primask\n")
#if CB_V7
CB_BENCH(cbz_taken, "movs r1, #0\n", "cbz r1, 1f\n nop\n 1:\n")
CB_BENCH(ldr_pc, "adr r1, 1f\n adds r1, r1, #1\n str r1, [r0, #8]\n",
         "ldr.w pc, [r0, #8]\n nop\n nop\n 1:\n")
/* The BX goes to 1: on odd runs and to 2: on even ones (a counter in cb_buffer[31]),
 * so the measured (second) run finds another target than the first. */
CB_BENCH(bx_new_target,
         "ldr r2, [r0, #124]\n adds r2, r2, #1\n str r2, [r0, #124]\n adr r1, 1f\n adr r3, 2f\n"
         " lsls r2, r2, #31\n it eq\n moveq r1, r3\n adds r1, r1, #1\n",
         "bx r1\n nop\n .p2align 2\n 1:\n nop.w\n 2:\n nop.w\n")
CB_BENCH(tbb_one, "movs r1, #0\n", "tbb [pc, r1]\n .byte 2\n .byte 0\n nop\n 1:\n")
CB_BENCH(it_after_16bit, "movs r2, #0\n movs r3, #0\n", "movs r1, #0\n it eq\n moveq r2, r3\n")
CB_BENCH(it_after_32bit, "movs r2, #0\n movs r3, #0\n", "add.w r1, r1, #0\n it eq\n moveq r2, r3\n")
#endif

/* clang-format on */
int main(void) {
  cb_start();
  /* clang-format off */
  /*                                                                       M0+  M3  M4  M7  CB_EXPECT33: M0+ M3 M4 M33 M7 */
  /* M7: a predicted branch shares its cycle with one instruction at its target, here
   * the frame's closing NOP.W; the CYCCNT read after it takes the next cycle (R7-PAIR,
   * [JNK] "one instruction at destination address"). */
  /* M3/M4: a taken branch is 2 cycles (P = 1), 3 to a 32-bit instruction at a
   * halfword address (measured on Cortex-M4 silicon, docs/cycle-model.md [CMP]). */
  CB_EXPECT("R-BRANCH", "B (aligned target)", b_aligned,                     2,  2,  2,  1);
  /* M7: the predicted B and the ADDS at its target issue together (R7-PAIR). */
  CB_EXPECT("R-BRANCH", "B; ADDS at the target", b_then_adds,               3,  3,  3,  1);
  CB_EXPECT("R-BRANCH-ALIGN", "B to 32-bit insn at halfword",
            b_unaligned_wide_target,                                         2,  3,  3,  1);
  /* M7: measured warm, the predictor has learnt the branch (taken: no penalty). */
  CB_EXPECT("R-BCOND", "CMP; BEQ taken", bcond_taken,                        3,  3,  3,  2);
  /* 3 iterations: taken, taken, not taken; on M7 the exit is the one misprediction, and
   * a predicted BNE issues together with the SUBS at its target (R7-PAIR): 1 cycle per
   * iteration, + 6 + 1 at the exit. */
  CB_EXPECT33("R-BCOND", "SUBS; BNE backward x3", loop_three, 8, 8, 8, 7, 10);
  /* M7: the not-taken BNE pairs with the first NOP, the second with the frame's NOP.W. */
  CB_EXPECT33("R-BCOND", "CMP; BNE not taken; NOP; NOP", bcond_not_taken, 4, 4, 4, 3, 3);
  CB_EXPECT("R-BRANCH", "BL", bl_call,                                       3,  2,  2,  1);
  /* M7: measured warm, the BX goes where it went last time (R7-BTAC: predicted); it
   * does not pair across the branch (R7-PAIR). */
  CB_EXPECT("R-BRANCH", "BX register", bx_register,                          2,  2,  2,  1);
  /* M3/M4: "jumping to a function and returning costs four cycles" [CMP], + B 2. */
  CB_EXPECT("R-BRANCH", "BL; BX LR; B (call, return)", call_return,          7,  6,  6, -1);
  CB_EXPECT33("R-POP-PC", "POP {pc}", pop_pc, 4, 5, 5, 4, 1);
  CB_EXPECT("R-BARRIER", "DMB", dmb_one,                                     3,  1,  1,  1);
  CB_EXPECT("R-BARRIER", "DSB", dsb_one,                                     3,  1,  1,  1);
  CB_EXPECT("R-BARRIER", "ISB", isb_one,                                     3,  3,  3,  1);
  CB_EXPECT("R-MISC", "MRS", mrs_one,                                        3,  1,  1,  1);
#if CB_V7
  CB_EXPECT("R-BCOND", "CBZ taken", cbz_taken,                              -1,  2,  2,  1);
  CB_EXPECT33("R-LDR-PC", "LDR pc", ldr_pc, -1, 5, 5, 4, 1);
  CB_EXPECT("R-TBB", "TBB", tbb_one,                                        -1,  6,  6,  1);
  /* M7: a BX to another target than last time: 1 + the misprediction's 6 + the NOP.W
   * at the target (R7-BTAC). */
  CB_EXPECT("R-BTAC", "BX to a new target", bx_new_target,                 -1, -1, -1,  8);
  /* M3 r2p0 and later fold IT too (ACTLR.DISFOLD, docs/cycle-model.md [M3-GUG]). */
  CB_EXPECT("R-IT", "MOVS; IT; MOVEQ (folded)", it_after_16bit,             -1,  2,  2,  2);
  /* M7: IT takes an issue slot as a not-taken branch would ([JNK] "branching"). */
  CB_EXPECT33("R-IT", "ADD.W; IT; MOVEQ", it_after_32bit, -1, 3, 3, 2, 2);
#endif
  /* clang-format on */
  return cb_failures();
}
