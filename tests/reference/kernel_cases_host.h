/* kernel_cases_host.h — entry point of the host build of the seeded kernel cases. */
#ifndef MCUPROF_KERNEL_CASES_HOST_H
#define MCUPROF_KERNEL_CASES_HOST_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
typedef void (*kc_report_fn)(const char* op, int32_t index, const void* out, size_t bytes);
void mcuprof_kernel_cases_run(kc_report_fn report);
/* The vww_96 benchmark layers: how many, and one layer's output hash and MACs. */
int32_t mcuprof_kernel_bench_layers(void);
uint32_t mcuprof_kernel_bench_hash(int32_t layer, uint32_t* macs);
#ifdef __cplusplus
}
#endif
#endif
