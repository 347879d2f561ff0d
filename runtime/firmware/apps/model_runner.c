/* model_runner.c — the generic inference firmware, one per board: runs whatever model
 * image mcuprof (or a flashing tool) placed in flash after the program.
 *
 * Layout (docs/runtime.md, "Model runner"):
 *  - the image starts at __model_image_start = ALIGN(__code_end__, 16) and may extend
 *    to __model_image_end (the end of code memory);
 *  - the model's input tensors follow the image: input k at the next 16-byte boundary
 *    after the end of input k-1 (the first after ALIGN(image + total_size, 16)), each
 *    exactly its tensor's size_bytes, in the image's input order;
 *  - the arena is all free data memory: from ALIGN(__bss_end__, 16) to __StackLimit.
 * The runner validates the image (CRC included), copies the inputs into the arena, runs
 * the model (which reports itself on ITM, mcuprof_trace.h), leaves the outputs in the
 * arena and exits 0, or MCUPROF_RUNNER_EXIT_BASE + the executor status on an error. */
#include <stdint.h>
#include <string.h>

#include "mcuprof_executor.h"
#include "mcuprof_semihosting.h"
#include "mcuprof_trace.h"

#define MCUPROF_RUNNER_EXIT_BASE 10
#define MCUPROF_RUNNER_EXIT_INPUT 20 /* the inputs do not fit before the end of flash */
#define STACK_PAINT 0xA5A5A5A5u

extern const uint8_t __model_image_start[];
extern const uint8_t __model_image_end[];
extern uint8_t __bss_end__[];
extern uint8_t __StackLimit[];

static mcuprof_model model;

static uintptr_t align16(uintptr_t v) {
  return (v + 15u) & ~(uintptr_t)15u;
}

/* Fills the unused stack (below this frame, with a margin) with a pattern, so mcuprof
 * can find the deepest stack use after the run. */
static void paint_stack(void) {
  volatile uint32_t marker = 0;
  uint32_t* p = (uint32_t*)(void*)__StackLimit;
  uint32_t* stop = (uint32_t*)((uintptr_t)&marker - 256u);
  while (p < stop) *p++ = STACK_PAINT;
}

static void fail(const char* what, int status) {
  mcuprof_console_write("model_runner: ");
  mcuprof_console_write(what);
  mcuprof_console_write("\n");
  mcuprof_exit(status);
}

int main(void) {
  paint_stack();
  const uint8_t* image = __model_image_start;
  const uint32_t image_room = (uint32_t)(__model_image_end - __model_image_start);
  uint8_t* arena = (uint8_t*)align16((uintptr_t)__bss_end__);
  const uint32_t arena_room = (uint32_t)((uintptr_t)__StackLimit - (uintptr_t)arena);

  const mcuprof_exec_status s = mcuprof_model_open(&model, image, image_room, arena, arena_room);
  if (s != MCUPROF_EXEC_OK) fail(mcuprof_exec_status_name(s), MCUPROF_RUNNER_EXIT_BASE + (int)s);

  const mcuprof_image_header* h = model.header;
  const uint32_t* inputs = (const uint32_t*)(image + h->inputs_offset);
  uintptr_t at = align16((uintptr_t)image + h->total_size);
  for (uint32_t i = 0; i < h->num_inputs; ++i) {
    const uint32_t bytes = model.tensors[inputs[i]].size_bytes;
    if (at + bytes > (uintptr_t)__model_image_end)
      fail("input tensors past the end of flash", MCUPROF_RUNNER_EXIT_INPUT);
    memcpy(mcuprof_model_tensor_data(&model, inputs[i]), (const void*)at, bytes);
    at = align16(at + bytes);
  }

  const mcuprof_exec_status r = mcuprof_model_run(&model);
  if (r != MCUPROF_EXEC_OK) fail(mcuprof_exec_status_name(r), MCUPROF_RUNNER_EXIT_BASE + (int)r);
  return 0;
}
