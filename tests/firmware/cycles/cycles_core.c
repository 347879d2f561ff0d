/* cycles_core.c — micro-benchmarks of the integer core rules (docs/cycle-model.md):
 * ALU, multiply, loads and stores with their pipelining, address dependence,
 * load/store multiple, unaligned accesses. Exit status = number of failed checks. */
#include "cycle_bench.c.inc"

/* clang-format off */
CB_BENCH(alu_chain, "movs r1, #0\n", "adds r1, r1, #1\n adds r1, r1, #1\n adds r1, r1, #1\n adds r1, r1, #1\n")
CB_BENCH(alu_independent, "", "adds r0, r0, #1\n adds r1, r1, #1\n adds r2, r2, #1\n adds r3, r3, #1\n")
CB_BENCH(mul_chain, "movs r1, #3\n movs r2, #5\n", "muls r1, r2, r1\n muls r1, r2, r1\n")
CB_BENCH(ldr_one, "", "ldr r1, [r0]\n")
CB_BENCH(ldr_two, "", "ldr r1, [r0]\n ldr r2, [r0, #4]\n")
CB_BENCH(ldr_three, "", "ldr r1, [r0]\n ldr r2, [r0, #4]\n ldr r3, [r0, #8]\n")
CB_BENCH(ldr_address_from_load, "", "ldr r1, [r0]\n ldr r2, [r1]\n")
CB_BENCH(str_one, "movs r1, #0\n", "str r1, [r0]\n")
CB_BENCH(str_two, "movs r1, #0\n movs r2, #0\n", "str r1, [r0]\n str r2, [r0, #4]\n")
CB_BENCH(str_register_offset, "movs r1, #0\n movs r2, #4\n", "str r1, [r0, r2]\n")
CB_BENCH(str_then_ldr, "movs r1, #0\n", "str r1, [r0, #64]\n ldr r2, [r0, #4]\n")
CB_BENCH(str_then_ldm, "movs r1, #0\n", "str r1, [r0, #64]\n ldmia r0!, {r2, r3}\n")
CB_BENCH(ldr_then_str_register_offset, "movs r2, #4\n", "ldr r1, [r0]\n str r1, [r0, r2]\n")
CB_BENCH(address_from_alu, "", "adds r0, r0, #0\n ldr r1, [r0]\n")
CB_BENCH(ldm_three, "", "ldmia r0!, {r1, r2, r3}\n")
CB_BENCH(stm_three, "", "stmia r0!, {r1, r2, r3}\n")
CB_BENCH(push_pop_two, "", "push {r1, r2}\n pop {r1, r2}\n")
CB_BENCH(nop_two, "", "nop\n nop\n")
CB_BENCH(cmp_bne_nop, "movs r1, #0\n", "cmp r1, #0\n bne 7f\n nop\n 7:\n")
#if CB_V7
CB_BENCH(mla_one, "movs r1, #1\n movs r2, #2\n movs r3, #3\n", "mla r1, r2, r3, r1\n")
CB_BENCH(umull_one, "movs r3, #3\n", "umull r1, r2, r3, r3\n")
CB_BENCH(ldr_writeback_then_ldr, "", "ldr r1, [r0], #4\n ldr r2, [r0]\n")
CB_BENCH(ldr_writeback_then_ldr_other_base, "adds r3, r0, #8\n", "ldr r1, [r0], #4\n ldr r2, [r3]\n")
CB_BENCH(ldr_writeback_pair_other_bases, "adds r3, r0, #8\n", "ldr r1, [r0], #4\n ldr r2, [r3], #4\n")
CB_BENCH(ldr_then_ldr_writeback, "adds r3, r0, #8\n", "ldr r1, [r0]\n ldr r2, [r3], #4\n")
CB_BENCH(str_writeback_pair_same_base, "movs r1, #0\n movs r2, #0\n", "str r1, [r0], #4\n str r2, [r0], #4\n")
CB_BENCH(str_writeback_pair_other_bases, "adds r3, r0, #64\n movs r1, #0\n movs r2, #0\n", "str r1, [r0], #4\n str r2, [r3], #4\n")
CB_BENCH(ldr_then_str_writeback, "adds r3, r0, #64\n", "ldr r1, [r0]\n str r1, [r3], #4\n")
CB_BENCH(ldrd_one, "", "ldrd r1, r2, [r0]\n")
CB_BENCH(ldr_unaligned, "adds r1, r0, #1\n", "ldr r2, [r1]\n")
CB_BENCH(ldr_unaligned_same_block, "", "adds r1, r0, #1\n ldr r2, [r1]\n")
CB_BENCH(ldr_aligned_same_block, "", "adds r1, r0, #4\n ldr r2, [r1]\n")
CB_BENCH(shifted_from_alu, "", "adds r1, r0, #1\n add.w r2, r3, r1, lsl #2\n")
CB_BENCH(unshifted_from_alu, "", "adds r1, r0, #1\n add.w r2, r1, r3, lsl #2\n")
CB_BENCH(load_across_branch, "", "ldr r1, [r0]\n b 1f\n 1: adds r2, r1, #1\n")
CB_BENCH(byte_load_across_branch, "", "ldrb r1, [r0]\n b 1f\n 1: adds r2, r1, #1\n")
CB_BENCH(alu_across_branch, "", "ldr r1, [r0]\n b 1f\n 1: adds r2, r3, #1\n")
CB_BENCH(ldr_unaligned_half, "adds r1, r0, #2\n", "ldr r2, [r1]\n")
CB_BENCH(ldrh_unaligned, "adds r1, r0, #1\n", "ldrh r2, [r1]\n")
CB_BENCH(str_unaligned, "adds r1, r0, #1\n", "str r2, [r1]\n")
CB_BENCH(str_unaligned_half, "adds r1, r0, #2\n", "str r2, [r1]\n")
CB_BENCH(ldr_unaligned_cross, "adds r1, r0, #6\n", "ldr r2, [r1]\n")
#define MLA8 "mla r1, r2, r3, r1\n mla r1, r2, r3, r1\n mla r1, r2, r3, r1\n mla r1, r2, r3, r1\n"
CB_BENCH(mla_chain, "movs r1, #1\n movs r2, #2\n movs r3, #3\n", MLA8 MLA8)
/* M7 rules of [JNK] cortex_m7.md (docs/cycle-model.md R7-LDR, R7-EARLY, R7-PAIR-ALU,
 * R7-PAIR-MAC). */
CB_BENCH(ldr_then_use, "", "ldr r1, [r0]\n adds r2, r1, #1\n")
CB_BENCH(ldrb_then_use, "", "ldrb r1, [r0]\n adds r2, r1, #1\n")
CB_BENCH(ldr_then_mul, "movs r2, #3\n", "ldr r1, [r0]\n mul r2, r1, r2\n")
CB_BENCH(ldr_then_shifted, "", "ldr r1, [r0]\n add.w r2, r3, r1, lsl #2\n")
CB_BENCH(uxtb_two, "", "uxtb r1, r2\n uxtb r3, r2\n")
CB_BENCH(adds_then_uxtb, "", "adds r1, r2, #1\n uxtb r3, r2\n")
CB_BENCH(uxtb_then_adds, "", "uxtb r3, r2\n adds r1, r2, #1\n")
CB_BENCH(shifted_two, "", "add.w r1, r2, r3, lsl #2\n eor.w lr, r2, r3, ror #3\n")
CB_BENCH(mul_then_str, "", "mul r1, r2, r3\n str r2, [r0]\n")
CB_BENCH(ubfx_from_alu, "", "adds r1, r0, #1\n ubfx r2, r1, #1, #3\n")
#endif
#if defined(__ARM_FEATURE_DSP)
CB_BENCH(smlad_one, "movs r1, #1\n movs r2, #2\n movs r3, #3\n", "smlad r1, r2, r3, r1\n")
#define SMLAD4 "smlad r1, r2, r3, r1\n smlad r1, r2, r3, r1\n smlad r1, r2, r3, r1\n smlad r1, r2, r3, r1\n"
CB_BENCH(smlad_chain, "movs r1, #1\n movs r2, #2\n movs r3, #3\n", SMLAD4 SMLAD4)
#endif
#if CB_V7
/* Until R-SEAM a new benchmark ahead of the others could move one across the 1 KiB page
 * where Unicorn splits a block and change its count; new ones still go last. */
CB_BENCH(ldr_scaled_index, "movs r1, #1\n", "ldr.w r2, [r0, r1, lsl #2]\n")
/* R-LDR-BLOCK: r3 = the DWT (a device, no wait states on any board), r0 the SRAM buffer. */
#define CB_DWT "movw r3, #0x1000\n movt r3, #0xE000\n"
CB_BENCH(ldr_device_then_sram, CB_DWT, "ldr r1, [r3, #4]\n ldr r2, [r0]\n")
CB_BENCH(ldr_sram_then_device, CB_DWT, "ldr r1, [r0]\n ldr r2, [r3, #4]\n")
CB_BENCH(ldr_device_then_str_register, CB_DWT "movs r2, #4\n", "ldr r1, [r3, #4]\n str r1, [r0, r2]\n")
CB_BENCH(ldr_sram_other_bases, "adds r3, r0, #8\n", "ldr r1, [r0]\n ldr r2, [r3]\n")
/* R-WIDE-RUN: the body starts word-aligned, so a 16-bit ADDS puts the 32-bit ones after it
 * at halfword addresses; the closing ADDS realigns the frame's NOP.W. */
CB_BENCH(wide_two_unaligned, "", "adds r1, r1, #1\n add.w r2, r2, #1\n add.w r3, r3, #1\n adds r1, r1, #1\n")
CB_BENCH(wide_three_unaligned, "", "adds r1, r1, #1\n add.w r2, r2, #1\n add.w r3, r3, #1\n add.w r2, r2, #1\n adds r1, r1, #1\n")
CB_BENCH(wide_three_aligned, "", "add.w r2, r2, #1\n add.w r3, r3, #1\n add.w r2, r2, #1\n")
CB_BENCH(wide_three_stores, "movs r1, #0\n", "adds r2, r2, #1\n str.w r1, [r0, #64]\n str.w r1, [r0, #68]\n str.w r1, [r0, #72]\n adds r2, r2, #1\n")
CB_BENCH(wide_four_stores, "movs r1, #0\n", "adds r2, r2, #1\n str.w r1, [r0, #64]\n str.w r1, [r0, #68]\n str.w r1, [r0, #72]\n str.w r1, [r0, #76]\n adds r2, r2, #1\n")
/* R-SEAM: the same bodies with a 1 KiB page boundary (where Unicorn cuts the block)
 * after their first instruction: the set-up jumps over padding that puts the body at
 * 1020 mod 1024 (b 9f at 1010, the frame's LDR.W and NOP.W at 1012; on the M7 the
 * frame's DMB comes first: b 9f at 1006). */
#if defined(MCUPROF_CORE_CORTEX_M7)
#define CB_TO_PAGE_END "b 8f\n .p2align 10\n .space 1006\n 8:\n"
#else
#define CB_TO_PAGE_END "b 8f\n .p2align 10\n .space 1010\n 8:\n"
#endif
#define CB_LDR_W_LDR "ldr.w r1, [r0]\n ldr r2, [r0, #4]\n"
#define CB_LDR_W_ADDS_ADDS "ldr.w r1, [r0]\n adds r2, r2, #1\n adds r3, r3, #1\n"
CB_BENCH(ldr_w_ldr, "", CB_LDR_W_LDR)
CB_BENCH(ldr_w_ldr_cut, CB_TO_PAGE_END, CB_LDR_W_LDR)
CB_BENCH(ldr_w_adds_adds, "", CB_LDR_W_ADDS_ADDS)
CB_BENCH(ldr_w_adds_adds_cut, CB_TO_PAGE_END, CB_LDR_W_ADDS_ADDS)
CB_BENCH(address_from_late_alu, "", "orr.w r1, r0, #0\n ldr r2, [r1]\n")
CB_BENCH(shifted_from_late_alu, "", "orr.w r1, r0, #1\n add.w r2, r3, r1, lsl #2\n")
CB_BENCH(ubfx_from_late_alu, "", "orr.w r1, r0, #1\n ubfx r2, r1, #1, #3\n")
CB_BENCH(address_from_younger_alu, "", "nop\n adds r1, r0, #0\n ldr r2, [r1]\n")
#endif

/* clang-format on */
int main(void) {
  cb_start();
  /* clang-format off */
  /*                                                                  M0+  M3  M4  M7  CB_EXPECT33: M0+ M3 M4 M33 M7 */
  /* R7-EARLY-ALU: the first ADDS of a cycle runs in the early ALU and the second takes
   * its result in the same cycle; the third's operand comes from the late ALU, too late
   * for the early one, so it runs late and the fourth waits a cycle. */
  CB_EXPECT("R-ALU", "4 dependent ADDS", alu_chain,                     4,  4,  4,  3);
  CB_EXPECT("R-ALU", "4 independent ADDS", alu_independent,             4,  4,  4,  2);
  /* R7-NOP: the M7 issues a NOP in either slot (issue 18's measurements). */
  CB_EXPECT("R-NOP", "NOP; NOP", nop_two,                               2,  2,  2,  1);
  CB_EXPECT33("R-NOP", "CMP; BNE not taken; NOP", cmp_bne_nop, 3, 3, 3, 2, 2);
  CB_EXPECT33("R-MUL", "MULS; MULS (dependent)", mul_chain, 2, 2, 2, 4, 3);
  CB_EXPECT33("R-LDR", "LDR", ldr_one, 2, 2, 2, 1, 1);
  CB_EXPECT33("R-LDR-PIPE", "LDR; LDR", ldr_two, 4, 3, 3, 2, 1);
  CB_EXPECT33("R-LDR-PIPE", "LDR; LDR; LDR", ldr_three, 6, 4, 4, 3, 2);
  CB_EXPECT33("R-LDR-PIPE", "LDR r1; LDR [r1]", ldr_address_from_load, 4, 4, 4, 3, 4);
  CB_EXPECT("R-STR", "STR imm", str_one,                                2,  1,  1,  1);
  CB_EXPECT("R-STR", "STR; STR", str_two,                               4,  2,  2,  2);
  CB_EXPECT33("R-STR", "STR reg offset", str_register_offset, 2, 2, 2, 1, 1);
  CB_EXPECT33("R-STR", "LDR; STR reg offset", ldr_then_str_register_offset, 4, 3, 3, 2, 1);
  /* M3/M4: a load right after a store waits a cycle (measured, docs [JNK]); M7 issues
   * the store and the load together (docs [JNK] cortex_m7). */
  CB_EXPECT33("R-STR-LDR", "STR; LDR", str_then_ldr, 4, 4, 4, 3, 1);
  CB_EXPECT33("R-STR-LDR", "STR; LDMIA 2 registers", str_then_ldm, 5, 5, 5, 4, 2);
  /* M7: an early-ALU result reaches the address unit the next cycle (R7-EARLY-ALU). */
  CB_EXPECT33("R-ADDR-DEP", "ADDS r0; LDR [r0]", address_from_alu, 3, 4, 4, 3, 2);
  CB_EXPECT33("R-LDM", "LDMIA 3 registers", ldm_three, 4, 4, 4, 3, 2);
  CB_EXPECT33("R-LDM", "STMIA 3 registers", stm_three, 4, 4, 4, 3, 2);
  CB_EXPECT33("R-LDM", "PUSH; POP 2 registers", push_pop_two, 6, 6, 6, 4, 2);
#if CB_V7
  CB_EXPECT("R-MUL", "MLA", mla_one,                                   -1,  2,  1,  1);
  cb_expect_range("R-MULL", "UMULL", umull_one, CB_PICK(-1, 3, 1, 1), CB_PICK(-1, 5, 1, 1));
  CB_EXPECT33("R-LDR-PIPE", "LDR post-index; LDR", ldr_writeback_then_ldr, -1, 4, 4, 2, 2);
  /* [JNK] cortex_m3m4.md: a load with base update pipelines the next access unless the
   * next uses the same base; on the M3 only the first of the pair may update its base. */
  CB_EXPECT33("R-LDR-PIPE", "LDR post-index; LDR other base", ldr_writeback_then_ldr_other_base,
              -1, 3, 3, 2, 1);
  CB_EXPECT33("R-LDR-PIPE", "LDR post-index; LDR post-index other base",
              ldr_writeback_pair_other_bases, -1, 4, 3, 2, 1);
  CB_EXPECT33("R-LDR-PIPE", "LDR; LDR post-index", ldr_then_ldr_writeback, -1, 4, 3, 2, 1);
  /* [JNK] cortex_m3m4.md "stores": indexed stores on the same base do not chain; on the M3
   * an indexed store is one cycle only when the instruction before is not a load. */
  CB_EXPECT33("R-STR-INDEX", "STR post-index x2, same base", str_writeback_pair_same_base, -1, 3,
              3, 2, 2);
  CB_EXPECT33("R-STR-INDEX", "STR post-index x2, other bases", str_writeback_pair_other_bases,
              -1, 2, 2, 2, 2);
  CB_EXPECT33("R-STR-INDEX", "LDR; STR post-index", ldr_then_str_writeback, -1, 4, 3, 2, 1);
  CB_EXPECT33("R-LDRD", "LDRD", ldrd_one, -1, 3, 3, 2, 1);
  /* [M4] 3.3.2: a word at a byte offset is a byte, a halfword and a byte (+2); a word at
   * a halfword offset or a halfword at a byte offset, two transfers (+1). */
  /* R7-UNALIGNED, measured on an STM32H743: +3 inside a 64-bit doubleword, +4 across. */
  CB_EXPECT33("R-UNALIGNED", "LDR at byte offset", ldr_unaligned, -1, 4, 4, 3, 4);
  CB_EXPECT33("R-UNALIGNED", "LDR at halfword offset", ldr_unaligned_half, -1, 3, 3, 2, 4);
  CB_EXPECT33("R-UNALIGNED", "LDRH unaligned", ldrh_unaligned, -1, 3, 3, 2, 4);
  CB_EXPECT33("R-UNALIGNED", "LDR across a doubleword", ldr_unaligned_cross, -1, 3, 3, 2, 5);
  /* [r0, r1, LSL #2] with r1 = 1 is aligned: the index is scaled before the check. */
  CB_EXPECT33("R-UNALIGNED", "LDR [r0, r1, LSL #2], r1 odd", ldr_scaled_index, -1, 2, 2, 1, 1);
  /* The address is set in the same block: the block analysis follows ADDS (issue 18). */
  CB_EXPECT33("R-UNALIGNED", "ADDS; LDR aligned, one block", ldr_aligned_same_block, -1, 4, 4, 3, 2);
  CB_EXPECT33("R-UNALIGNED", "ADDS; LDR at byte offset, one block", ldr_unaligned_same_block, -1, 6, 6, 5, 5);
  /* R7-OP2: the register shifted inline in operand 2 is read a cycle early. */
  /* R7-EARLY-ALU: from the early ALU, the shifted operand the next cycle, the other one
   * in the same cycle; from the late ALU (ORR) the shifted one a cycle later (R7-OP2). */
  CB_EXPECT("R7-OP2", "ADDS r1; ADD.W r2, r3, r1, LSL #2", shifted_from_alu, -1, -1, -1, 2);
  CB_EXPECT("R7-OP2", "ADDS r1; ADD.W r2, r1, r3, LSL #2", unshifted_from_alu, -1, -1, -1, 1);
  /* R7-CROSS: a load's result holds up its first use in the next block (a loaded word
   * reaches the late ALU in time, R7-LDR; a byte does not). */
  CB_EXPECT("R7-CROSS", "LDR r1; B; ADDS r2, r1", load_across_branch, -1, -1, -1, 2);
  CB_EXPECT("R7-CROSS", "LDRB r1; B; ADDS r2, r1", byte_load_across_branch, -1, -1, -1, 3);
  CB_EXPECT("R7-CROSS", "LDR r1; B; ADDS r2, r3", alu_across_branch, -1, -1, -1, 2);
  /* M7: a loaded word reaches the late ALU the next cycle; bytes, multiplies and
   * operands read in the early ALU wait a cycle more ([JNK] "loads"). */
  CB_EXPECT("R7-LDR", "LDR r1; ADDS r2, r1", ldr_then_use,             -1, -1, -1,  2);
  CB_EXPECT("R7-LDR", "LDRB r1; ADDS r2, r1", ldrb_then_use,           -1, -1, -1,  3);
  CB_EXPECT("R7-LDR", "LDR r1; MUL r2, r1, r2", ldr_then_mul,          -1, -1, -1,  3);
  CB_EXPECT("R7-LDR", "LDR r1; ADD.W r2, r3, r1, LSL #2", ldr_then_shifted, -1, -1, -1, 4);
  /* M7: bit-field/DSP instructions issue only as the older of a pair; two operand-2
   * shifts never pair; a multiply never pairs with a store ([JNK]). */
  CB_EXPECT("R7-PAIR-ALU", "UXTB; UXTB", uxtb_two,                     -1, -1, -1,  2);
  CB_EXPECT("R7-PAIR-ALU", "ADDS; UXTB", adds_then_uxtb,               -1, -1, -1,  2);
  CB_EXPECT("R7-PAIR-ALU", "UXTB; ADDS", uxtb_then_adds,               -1, -1, -1,  1);
  CB_EXPECT("R7-PAIR-ALU", "ADD.W LSL; EOR.W ROR", shifted_two,        -1, -1, -1,  2);
  CB_EXPECT("R7-PAIR-MAC", "MUL; STR", mul_then_str,                   -1, -1, -1,  2);
  /* M7: UBFX reads its source in the early ALU, as R7-OP2. */
  CB_EXPECT("R7-EARLY", "ADDS r1; UBFX r2, r1", ubfx_from_alu,          -1, -1, -1,  2);
  /* R7-MAC-FWD: the accumulator is forwarded, a chain runs one per cycle. */
  CB_EXPECT("R-MUL", "8 MLA into one accumulator", mla_chain,          -1, -1,  8,  8);
  CB_EXPECT("R-UNALIGNED", "STR at byte offset", str_unaligned,        -1,  3,  3,  1);
  CB_EXPECT("R-UNALIGNED", "STR at halfword offset", str_unaligned_half, -1, 2, 2,  1);
  /* [JNK] cortex_m3m4.md: loads pipeline only when both go to the same memory (a store
   * after a load likewise); SRAM and a device are two. The M33 and M7 have rules of their
   * own (no such measurement). */
  CB_EXPECT33("R-LDR-BLOCK", "LDR device; LDR SRAM", ldr_device_then_sram, -1, 4, 4, -1, -1);
  CB_EXPECT33("R-LDR-BLOCK", "LDR SRAM; LDR device", ldr_sram_then_device, -1, 4, 4, -1, -1);
  CB_EXPECT33("R-LDR-BLOCK", "LDR device; STR SRAM reg offset", ldr_device_then_str_register, -1, 4, 4, -1, -1);
  CB_EXPECT33("R-LDR-BLOCK", "LDR SRAM; LDR SRAM, other bases", ldr_sram_other_bases, -1, 3, 3, 2, 1);
  /* [CMP] alignment rules: a group of three or more 32-bit instructions at halfword
   * addresses takes one extra cycle; a group of stores only from four. */
  CB_EXPECT33("R-WIDE-RUN", "ADDS; 2 ADD.W at halfword addresses; ADDS", wide_two_unaligned, -1, 4, 4, -1, -1);
  CB_EXPECT33("R-WIDE-RUN", "ADDS; 3 ADD.W at halfword addresses; ADDS", wide_three_unaligned, -1, 6, 6, -1, -1);
  CB_EXPECT33("R-WIDE-RUN", "3 ADD.W word-aligned", wide_three_aligned, -1, 3, 3, -1, -1);
  CB_EXPECT33("R-WIDE-RUN", "ADDS; 3 STR.W at halfword addresses; ADDS", wide_three_stores, -1, 5, 5, -1, -1);
  CB_EXPECT33("R-WIDE-RUN", "ADDS; 4 STR.W at halfword addresses; ADDS", wide_four_stores, -1, 7, 7, -1, -1);
  /* R-SEAM: a page boundary inside the body changes nothing. */
  CB_EXPECT33("R-SEAM", "LDR.W; LDR", ldr_w_ldr, -1, 3, 3, 2, 1);
  CB_EXPECT33("R-SEAM", "LDR.W; | page | LDR", ldr_w_ldr_cut, -1, 3, 3, 2, 1);
  CB_EXPECT33("R-SEAM", "LDR.W; ADDS; ADDS", ldr_w_adds_adds, -1, 4, 4, 3, 2);
  CB_EXPECT33("R-SEAM", "LDR.W; | page | ADDS; ADDS", ldr_w_adds_adds_cut, -1, 4, 4, 3, 2);
  /* R7-AGU, R7-OP2 and R7-EARLY after a late-ALU result (ORR): the reads a cycle early. */
  CB_EXPECT("R7-AGU", "ORR.W r1; LDR [r1]", address_from_late_alu,      -1, -1, -1,  3);
  CB_EXPECT("R7-OP2", "ORR.W r1; ADD.W r2, r3, r1, LSL #2", shifted_from_late_alu, -1, -1, -1, 3);
  CB_EXPECT("R7-EARLY", "ORR.W r1; UBFX r2, r1", ubfx_from_late_alu,    -1, -1, -1,  3);
  /* R7-EARLY-ALU: ADD runs early only as the older instruction of its cycle. */
  CB_EXPECT("R7-EARLY-ALU", "NOP; ADDS r1; LDR [r1]", address_from_younger_alu, -1, -1, -1, 3);
#endif
#if defined(__ARM_FEATURE_DSP)
  CB_EXPECT("R-MUL", "SMLAD", smlad_one,                               -1, -1,  1,  1);
  CB_EXPECT("R-MUL", "8 SMLAD into one accumulator", smlad_chain,      -1, -1,  8,  8);
#endif
  /* clang-format on */
  return cb_failures();
}
