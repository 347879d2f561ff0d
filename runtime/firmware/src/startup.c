/* startup.c — reset handler, vector table and default handlers shared by every
 * mcuprof firmware (runtime and tests). No HAL: configure the flash interface and caches
 * (SystemInit), copy .data, zero .bss, enable the FPU when the build uses it, run static
 * constructors, call main, exit with its value through semihosting. Symbols come from
 * the generated linker script, the board's settings from mcuprof-ldgen's definitions
 * (targets/src/linker_script.cpp: startup_definitions). */
#include <stdint.h>

#include "mcuprof_semihosting.h"

extern uint32_t __data_start__, __data_end__, __data_load__, __bss_start__, __bss_end__;
extern uint32_t _estack;
extern int main(void);
/* Constructors (C++ globals, __attribute__((constructor))), as the linker script gathers them. */
typedef void (*mcuprof_init_fn)(void);
extern const mcuprof_init_fn __preinit_array_start[], __preinit_array_end[];
extern const mcuprof_init_fn __init_array_start[], __init_array_end[];

void Reset_Handler(void);
void Default_Handler(void);

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void IRQ_Handler(void) WEAK_DEFAULT;

typedef void (*vector_t)(void);

#define MCUPROF_IRQ_COUNT 64

/* Cortex-M vector table: initial SP, 15 system exceptions, then external IRQs. */
__attribute__((section(".isr_vector"), used))
const vector_t vector_table[16 + MCUPROF_IRQ_COUNT] = {
    (vector_t)(uintptr_t)&_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    [16 ... 16 + MCUPROF_IRQ_COUNT - 1] = IRQ_Handler,
};

#define REG32(address) (*(volatile uint32_t*)(address))
#define SCB_CCR REG32(0xE000ED14u)
#define SCB_CCSIDR REG32(0xE000ED80u)
#define SCB_CSSELR REG32(0xE000ED84u)
#define SCB_ICIALLU REG32(0xE000EF50u)
#define SCB_DCISW REG32(0xE000EF60u)

static inline void barriers(void) {
  __asm__ volatile("dsb\n\tisb" ::: "memory");
}

#if defined(MCUPROF_L1_DCACHE)
/* Invalidates every line of the L1 data cache by set and way (ARMv7-M ARM B2.2.7), with
 * the geometry CCSIDR gives, then enables it (CCR.DC). */
static void enable_l1_dcache(void) {
  SCB_CSSELR = 0u; /* level 1, data */
  barriers();
  const uint32_t ccsidr = SCB_CCSIDR;
  const uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u;
  const uint32_t ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
  const uint32_t line_shift = (ccsidr & 7u) + 4u;
  const uint32_t way_shift = ways > 1u ? (uint32_t)__builtin_clz(ways - 1u) : 0u;
  for (uint32_t set = 0; set < sets; ++set)
    for (uint32_t way = 0; way < ways; ++way) SCB_DCISW = (way << way_shift) | (set << line_shift);
  barriers();
  SCB_CCR |= 1u << 16;
  barriers();
}
#endif

/* What a chip's start-up code does before anything else (CMSIS calls it SystemInit):
 * the flash latency the board's clock needs with prefetch and the flash accelerator on,
 * the nRF52's flash cache, the Cortex-M7's L1 caches. Without it a real chip runs at its
 * reset clock; the simulator keeps the board's clock and times the slower memory system
 * (docs/cycle-model.md). Weak: a program may bring its own. */
__attribute__((weak)) void SystemInit(void) {
#if defined(MCUPROF_FLASH_ACR)
  REG32(MCUPROF_FLASH_ACR) = MCUPROF_FLASH_ACR_VALUE;
  while ((REG32(MCUPROF_FLASH_ACR) & 0xFu) != (MCUPROF_FLASH_ACR_VALUE & 0xFu)) {
  }
#endif
#if defined(MCUPROF_NVMC_ICACHECNF)
  REG32(MCUPROF_NVMC_ICACHECNF) = 1u; /* CACHEEN */
#endif
#if defined(MCUPROF_L1_ICACHE)
  barriers();
  SCB_ICIALLU = 0u;
  barriers();
  SCB_CCR |= 1u << 17;
  barriers();
#endif
#if defined(MCUPROF_L1_DCACHE)
  enable_l1_dcache();
#endif
}

void Reset_Handler(void) {
  SystemInit();
  const uint32_t* src = &__data_load__;
  for (uint32_t* dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0u;
#if defined(__ARM_FP)
  /* CPACR: full access to CP10 and CP11 (the FPU). */
  *(volatile uint32_t*)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  for (const mcuprof_init_fn* f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (const mcuprof_init_fn* f = __init_array_start; f < __init_array_end; ++f) (*f)();
  mcuprof_exit(main());
}

/* An unexpected exception: stay here, as firmware on a chip would. The simulator
 * reports where the program is stuck (and, later, the fault that led here). */
void Default_Handler(void) {
  for (;;) {
  }
}
