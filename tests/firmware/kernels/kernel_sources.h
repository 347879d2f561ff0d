/* kernel_sources.h — builds the runtime's kernel sources into a test firmware program
 * (tests/firmware compiles each program from its own .c file; this pulls in the very
 * same kernel files the runtime firmware and the host library compile). */
#ifndef MCUPROF_KERNEL_SOURCES_H
#define MCUPROF_KERNEL_SOURCES_H
#include "../../../runtime/firmware/src/kernels/arith.c"
#include "../../../runtime/firmware/src/kernels/conv.c"
#include "../../../runtime/firmware/src/kernels/conv_shallow.c"
#include "../../../runtime/firmware/src/kernels/depthwise.c"
#include "../../../runtime/firmware/src/kernels/depthwise_rows.c"
#include "../../../runtime/firmware/src/kernels/elementwise.c"
#include "../../../runtime/firmware/src/kernels/fully_connected.c"
#include "../../../runtime/firmware/src/kernels/layout.c"
#include "../../../runtime/firmware/src/kernels/pooling.c"
#include "../../../runtime/firmware/src/kernels/quantize.c"
#include "../../../runtime/firmware/src/kernels/reduce.c"
#include "../../../runtime/firmware/src/kernels/softmax.c"
#endif
