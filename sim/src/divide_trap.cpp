// CCR.DIV_0_TRP (ARMv7-M ARM B3.2.8): with the bit set, SDIV and UDIV by zero raise a
// UsageFault (UFSR.DIVBYZERO) instead of returning 0. Unicorn never traps, so while the
// bit is set the machine puts a code hook on exactly the SDIV/UDIV instructions of each
// block it enters (found with Capstone, once per block), re-translates that block so the
// hooks take effect, and the hook checks the divisor register before the instruction
// runs. With the bit clear nothing is hooked: the block hook tests one flag.
#include <fmt/format.h>

#include <string_view>

#include "machine_impl.hpp"

namespace mcuprof::sim {
namespace {

constexpr int kCoreRegs[16] = {UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
                               UC_ARM_REG_R4,  UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
                               UC_ARM_REG_R8,  UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
                               UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,  UC_ARM_REG_PC};

}  // namespace

void Machine::Impl::update_divide_trap() {
  divide_trap = (scb->ccr() & Scb::kDiv0Trp) != 0;
}

bool Machine::Impl::hook_divides(uint32_t address, uint32_t size) {
  if (!divide_blocks.insert(block_key(address, size)).second) return false;  // seen before
  std::vector<uint32_t> fresh;
  for_each_instruction(address, size, [&](std::string_view m, uint32_t at) {
    if ((m.starts_with("sdiv") || m.starts_with("udiv")) && divide_hooks.insert(at).second)
      fresh.push_back(at);
  });
  if (fresh.empty()) return false;
  for (const uint32_t at : fresh) {
    uc_hook h = 0;
    if (uc_err e = uc_hook_add(uc.get(), &h, UC_HOOK_CODE, reinterpret_cast<void*>(&on_divide),
                               this, at, at);
        e != UC_ERR_OK)
      emulator_error("uc_hook_add (divide by zero trap)", e);
  }
  // The block was translated without the hooks: drop it and start it again (writing PC
  // from a hook makes Unicorn leave the block before it runs and resume there).
  uc_ctl_remove_cache(uc.get(), address, uint64_t{address} + size);
  set_reg(UC_ARM_REG_PC, address | 1u);
  return true;
}

void Machine::Impl::on_divide(uc_engine* uc, uint64_t address64, uint32_t /*size*/, void* user) {
  auto* self = static_cast<Impl*>(user);
  return self->guarded([&] {
    if (self->stop || !self->divide_trap) return;
    const auto address = static_cast<uint32_t>(address64);
    uint16_t hw[2] = {0, 0};
    if (uc_mem_read(uc, address, hw, 4) != UC_ERR_OK) return;
    // SDIV/UDIV T1: 1111 1011 10x1 Rn | 1111 Rd 1111 Rm.
    const unsigned rm = hw[1] & 0xFu;
    if (self->reg(kCoreRegs[rm]) != 0) return;
    self->sp_stale = true;
    self->raise_fault(
        FaultCause::DivideByZero, address, std::nullopt,
        fmt::format("integer division by zero (divisor r{} = 0) with CCR.DIV_0_TRP set", rm));
  });
}

}  // namespace mcuprof::sim
