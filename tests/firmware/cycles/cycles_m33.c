/* mcuprof-cores: cortex-m33 */
/* cycles_m33.c — micro-benchmarks of the Cortex-M33 rules that differ from the M4
 * (docs/cycle-model.md R33-...): load-to-use latency, load-to-store forwarding, MAC
 * result latency and accumulator forwarding, the limited dual issue of 16-bit branches
 * and the FP MAC issue. Expected counts: jnk0le's RP2350 measurements ("pipeline cycle
 * test", doc/cortex_m33.md). Exit status = number of failed checks. */
#include "cycle_bench.c.inc"

/* clang-format off */
CB_BENCH(ldr_then_use, "", "ldr r1, [r0]\n adds r1, r1, #1\n")
CB_BENCH(ldr_then_other, "", "ldr r1, [r0]\n adds r2, r2, #1\n adds r1, r1, #1\n")
CB_BENCH(ldr_then_store_it, "", "ldr r1, [r0]\n str r1, [r0, #64]\n")
CB_BENCH(muls_one, "movs r1, #3\n movs r2, #5\n", "muls r1, r2, r1\n")
CB_BENCH(mul_then_use, "movs r1, #3\n movs r2, #5\n", "mul r1, r2, r1\n adds r1, r1, #1\n")
CB_BENCH(smlad_chain, "movs r1, #1\n movs r2, #2\n movs r3, #3\n",
         "smlad r1, r2, r3, r1\n smlad r1, r2, r3, r1\n smlad r1, r2, r3, r1\n")
CB_BENCH(smlad_then_use, "movs r1, #1\n movs r2, #2\n movs r3, #3\n",
         "smlad r1, r2, r3, r1\n adds r1, r1, #1\n")
CB_BENCH(shifted_reg_then_use, "", "add.w r1, r2, r3, lsl #2\n adds r1, r1, #1\n")
CB_BENCH(shifted_const_then_use, "", "eor.w r1, r2, #0x1fc0\n adds r1, r1, #1\n")
CB_BENCH(pattern_const_then_use, "", "eor.w r1, r2, #0x1b1b1b1b\n adds r1, r1, #1\n")
CB_BENCH(shifted_reg_then_other, "", "add.w r1, r2, r3, lsl #2\n adds r2, r2, #1\n adds r1, r1, #1\n")
CB_BENCH(ands_rotated, "", "ands.w r1, r2, #0x1fc0\n")
CB_BENCH(tst_rotated, "", "tst.w r2, #0x1fc0\n")
CB_BENCH(movs_rotated, "", "movs.w r1, #0x1fc0\n")
CB_BENCH(adds_shifted_reg, "", "adds.w r1, r2, r3, lsl #2\n")
CB_BENCH(uxtab_then_use, "", "uxtab r1, r2, r3\n adds r1, r1, #1\n")
CB_BENCH(uadd8_then_use, "", "uadd8 r1, r2, r3\n adds r1, r1, #1\n")
CB_BENCH(qsub_then_use, "", "qsub r1, r2, r3\n adds r1, r1, #1\n")
CB_BENCH(pkhbt_then_use, "", "pkhbt r1, r2, r3\n adds r1, r1, #1\n")
CB_BENCH(uadd8_then_other, "", "uadd8 r1, r2, r3\n adds r2, r2, #1\n")
CB_BENCH(shifted_flags_then_adc, "", "adds.w r1, r2, r3, lsl #2\n adc.w r2, r2, r3\n")
CB_BENCH(loop_add_bne, "movs r1, #3\n", "1:\n subs r1, r1, #1\n add r2, r3\n bne.n 1b\n")
CB_BENCH(loop_ldm_bne, "movs r1, #3\n", "1:\n subs r1, r1, #1\n ldmia r0!, {r2, r3}\n bne.n 1b\n")
CB_BENCH(b_after_flags, "", "movs r1, #0\n b.n 1f\n 1:\n")
CB_BENCH(b_after_noflags, "", "mov r1, r2\n b.n 1f\n 1:\n")
/* two skipped NOPs keep the target (the frame's NOP.W) word-aligned (R-BRANCH-ALIGN) */
CB_BENCH(cmp_bne_taken, "", "cmp r0, r0\n beq.n 1f\n nop\n nop\n 1:\n")
#if defined(__ARM_FP)
CB_BENCH_FP(vfma_vfma, "", "vfma.f32 s0, s1, s2\n vfma.f32 s0, s1, s0\n")
CB_BENCH_FP(vfma_nops_vfma, "", "vfma.f32 s0, s1, s2\n mov r8, r8\n mov r8, r8\n vfma.f32 s0, s1, s0\n")
CB_BENCH_FP(vfma_vldr, "", "vfma.f32 s0, s1, s2\n vldr s3, [r0]\n")
CB_BENCH_FP(vfma_alu, "", "vfma.f32 s0, s1, s2\n adds r1, r1, #1\n adds r2, r2, #1\n")
#endif
/* clang-format on */

int main(void) {
  cb_start();
  /* clang-format off */
  /*                                                                     M0+  M3  M4  M33 M7 */
  CB_EXPECT33("R33-LDR", "LDR r1; ADDS r1 (load to use 2)", ldr_then_use,      -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-LDR", "LDR r1; ADDS r2; ADDS r1", ldr_then_other,           -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-LDR", "LDR r1; STR r1 (load to store 1)", ldr_then_store_it, -1, -1, -1, 2, -1);
  CB_EXPECT33("R33-MUL", "MULS (16-bit, flags)", muls_one,                     -1, -1, -1, 2, -1);
  CB_EXPECT33("R33-MUL", "MUL.W r1; ADDS r1", mul_then_use,                    -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-MAC-ACC", "SMLAD x3 chained on the accumulator", smlad_chain, -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-XTA", "UXTAB r1; ADDS r1", uxtab_then_use,                 -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-DSP", "UADD8 r1; ADDS r1", uadd8_then_use,                 -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-DSP", "QSUB r1; ADDS r1", qsub_then_use,                   -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-DSP", "PKHBT r1; ADDS r1", pkhbt_then_use,                 -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-DSP", "UADD8 r1; ADDS r2", uadd8_then_other,               -1, -1, -1, 2, -1);
  CB_EXPECT33("R33-OP2-FLAGS", "ADDS.W shifted; ADC", shifted_flags_then_adc,  -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-MUL", "SMLAD r1; ADDS r1", smlad_then_use,                  -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-OP2", "ADD.W shifted reg; ADDS using it", shifted_reg_then_use, -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-OP2", "EOR.W #0x1fc0; ADDS using it", shifted_const_then_use, -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-OP2", "EOR.W #0x1b1b1b1b; ADDS using it", pattern_const_then_use, -1, -1, -1, 2, -1);
  CB_EXPECT33("R33-OP2", "ADD.W shifted; ADDS r2; ADDS r1", shifted_reg_then_other, -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-OP2", "ANDS.W #0x1fc0 (flags, rotated constant)", ands_rotated, -1, -1, -1, 2, -1);
  CB_EXPECT33("R33-OP2", "TST.W #0x1fc0", tst_rotated, -1, -1, -1, 2, -1);
  CB_EXPECT33("R33-OP2", "MOVS.W #0x1fc0 (unaffected)", movs_rotated, -1, -1, -1, 1, -1);
  CB_EXPECT33("R33-OP2", "ADDS.W shifted reg (unaffected)", adds_shifted_reg, -1, -1, -1, 1, -1);
  CB_EXPECT33("R33-BRANCH-PAIR", "SUBS; ADD; BNE.N backward x3", loop_add_bne,  -1, -1, -1, 8, -1);
  CB_EXPECT33("R33-BRANCH-PAIR", "SUBS; LDMIA 2; BNE.N backward x3", loop_ldm_bne, -1, -1, -1, 11, -1);
  CB_EXPECT33("R33-BRANCH-PAIR", "MOVS; B.N", b_after_flags,                   -1, -1, -1, 3, -1);
  CB_EXPECT33("R33-BRANCH-PAIR", "MOV; B.N", b_after_noflags,                  -1, -1, -1, 2, -1);
  CB_EXPECT33("R33-BRANCH-PAIR", "CMP; BEQ.N taken", cmp_bne_taken,            -1, -1, -1, 3, -1);
#if defined(__ARM_FP)
  CB_EXPECT33("R33-VFMA", "VFMA; VFMA", vfma_vfma,                             -1, -1, -1, 4, -1);
  CB_EXPECT33("R33-VFMA", "VFMA; MOV; MOV; VFMA", vfma_nops_vfma,              -1, -1, -1, 4, -1);
  CB_EXPECT33("R33-VFMA", "VFMA; VLDR (blocked 2 cycles)", vfma_vldr, -1, -1, -1, 4, -1);
  CB_EXPECT33("R33-VFMA", "VFMA; ADDS; ADDS", vfma_alu,                        -1, -1, -1, 3, -1);
#endif
  /* clang-format on */
  return cb_failures();
}
