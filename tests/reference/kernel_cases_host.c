/* kernel_cases_host.c — the seeded kernel cases of tests/firmware/kernels compiled for
 * the host against mcuprof_kernels_host, so a test can compare the emulated firmware's
 * report with the host's. */
#include "kernel_cases_host.h"

#include "../firmware/kernels/kernel_cases.h"

void mcuprof_kernel_cases_run(kc_report_fn report) {
  kc_run_all(report);
}
