/* mcuprof-cores: cortex-m4 cortex-m7 cortex-m33 */
/* cycles_fpu.c — single-precision FPU timings (docs/cycle-model.md R-VFP..., Cortex-M4
 * TRM Table 7-1). Boards without an FPU run nothing and pass. */
#include "cycle_bench.c.inc"

#if defined(__ARM_FP)
/* clang-format off */
CB_BENCH_FP(vadd_one, "", "vadd.f32 s0, s1, s2\n")
CB_BENCH_FP(vmul_one, "", "vmul.f32 s0, s1, s2\n")
CB_BENCH_FP(vmla_one, "", "vmla.f32 s0, s1, s2\n")
CB_BENCH_FP(vfma_one, "", "vfma.f32 s0, s1, s2\n")
CB_BENCH_FP(vdiv_one, "", "vdiv.f32 s0, s1, s2\n")
CB_BENCH_FP(vsqrt_one, "", "vsqrt.f32 s0, s1\n")
CB_BENCH_FP(vldr_one, "", "vldr s0, [r0]\n")
CB_BENCH_FP(vldr_two, "", "vldr s0, [r0]\n vldr s1, [r0, #4]\n")
CB_BENCH_FP(vldr_then_use, "", "vldr s0, [r0]\n vadd.f32 s1, s0, s0\n")
CB_BENCH_FP(vmov_to_core, "", "vmov r1, s0\n")
CB_BENCH_FP(vpush_vpop, "", "vpush {s0-s3}\n vpop {s0-s3}\n")
#endif

/* clang-format on */
int main(void) {
  cb_start();
  /* clang-format off */
#if defined(__ARM_FP)
  /*                                                                   M0+  M3  M4  M7  CB_EXPECT33: M0+ M3 M4 M33 M7 */
  CB_EXPECT("R-VFP", "VADD.F32", vadd_one,                              -1, -1,  1,  1);
  CB_EXPECT("R-VFP", "VMUL.F32", vmul_one,                              -1, -1,  1,  1);
  CB_EXPECT33("R-VMLA", "VMLA.F32", vmla_one, -1, -1, 3, 1, 1);
  CB_EXPECT33("R-VMLA", "VFMA.F32", vfma_one, -1, -1, 3, 1, 1);
  CB_EXPECT("R-VDIV", "VDIV.F32", vdiv_one,                             -1, -1, 14, 14);
  CB_EXPECT("R-VDIV", "VSQRT.F32", vsqrt_one,                           -1, -1, 14, 14);
  CB_EXPECT33("R-VLDR-VSTR", "VLDR", vldr_one, -1, -1, 2, 1, 1);
  CB_EXPECT33("R-VLDR-VSTR", "VLDR; VLDR", vldr_two, -1, -1, 3, 2, 1);
  CB_EXPECT33("R-VFP-USE", "VLDR s0; VADD using s0", vldr_then_use, -1, -1, 4, 2, 3);
  CB_EXPECT("R-VMOV", "VMOV r1, s0", vmov_to_core,                      -1, -1,  1,  1);
  CB_EXPECT33("R-VLDM", "VPUSH; VPOP 4 registers", vpush_vpop, -1, -1, 10, 8, 4);
#endif
  /* clang-format on */
  return cb_failures();
}
