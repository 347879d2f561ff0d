// BlockTiming assembly (see block_analysis.hpp).
#include "block_analysis.hpp"

#include <array>
#include <bit>

namespace mcuprof::sim::cycle {
namespace {

bool is_load(InsnClass c) {
  return c == InsnClass::Load || c == InsnClass::LoadDouble || c == InsnClass::LoadMultiple ||
         c == InsnClass::FpLoad || c == InsnClass::FpLoadMultiple || c == InsnClass::TableBranch;
}

}  // namespace

BlockTiming assemble_block(uint32_t address, uint32_t size, std::span<const Insn> insns,
                           std::span<const uint32_t> cost, uint32_t fetch_line_bytes) {
  BlockTiming b;
  b.address = address;
  b.size = size;
  b.instructions = static_cast<uint32_t>(insns.size());
  b.prefix.reserve(insns.size());
  uint32_t total = 0;
  for (size_t i = 0; i < insns.size(); ++i) {
    b.prefix.push_back(total);
    b.offsets.push_back(static_cast<uint16_t>(insns[i].address - address));
    total += i < cost.size() ? cost[i] : 1;
  }
  b.cycles = total;

  // Loads and stores, with each core register's value followed through the block as
  // (entry value of origin[r]) + adjust[r]: write-back and simple register arithmetic
  // keep it known; anything else makes it unknown (kUnknown).
  constexpr uint8_t kUnknown = 0xFF;
  constexpr uint8_t kConstant = 0xFE;  // adjust[r] is the value itself
  std::array<int32_t, 16> adjust{};
  std::array<uint8_t, 16> origin{};
  for (uint8_t r = 0; r < 16; ++r) origin[r] = r;
  RegMask changed = 0;  // written by something other than a tracked write-back
  for (size_t i = 0; i < insns.size(); ++i) {
    const Insn& in = insns[i];
    if (is_memory(in.cls) && in.base != 0xFF) {
      MemoryOperand m;
      m.insn = static_cast<uint16_t>(i);
      m.load = is_load(in.cls);
      m.bytes = in.cls == InsnClass::TableBranch ? (in.access_bytes == 0 ? 1 : in.access_bytes)
                                                 : in.access_bytes;
      const int32_t down = in.decrement_before ? -static_cast<int32_t>(in.access_bytes) : 0;
      if (in.base == 15) {  // literal: Align(PC, 4) + disp, known statically
        m.offset = static_cast<int32_t>(((in.address + 4) & ~3u) + static_cast<uint32_t>(in.disp));
        m.disp = m.offset;
      } else {
        m.base = in.base;
        m.index = in.index;
        m.shift = in.shift;
        m.subtract = in.subtract;
        const int32_t pre = in.post != 0 ? 0 : in.disp;
        m.disp = pre + down;
        const uint8_t from = in.base < 16 ? origin[in.base] : kUnknown;
        m.address_known = from != kUnknown &&
                          (in.index == 0xFF || (in.index < 16 && origin[in.index] == in.index &&
                                                adjust[in.index] == 0));
        m.entry_base = from < 16 ? from : MemoryOperand::kNoRegister;
        m.offset = in.base < 16 ? adjust[in.base] + pre + down : 0;
      }
      b.memory.push_back(m);
      if (in.writeback && in.base < 16) {
        if (in.cls == InsnClass::LoadMultiple || in.cls == InsnClass::StoreMultiple ||
            in.cls == InsnClass::FpLoadMultiple || in.cls == InsnClass::FpStoreMultiple)
          adjust[in.base] += in.decrement_before ? -static_cast<int32_t>(in.access_bytes)
                                                 : static_cast<int32_t>(in.access_bytes);
        else
          adjust[in.base] += in.post != 0 ? in.post : in.disp;
      }
      RegMask others = in.writes & 0xFFFF;
      if (in.writeback && in.base < 16) others &= ~(RegMask{1} << in.base);
      changed |= others;
      for (unsigned r = 0; r < 16; ++r)
        if ((others >> r) & 1u) origin[r] = kUnknown;
    } else {
      if (in.cls == InsnClass::Divide && in.op1 != 0xFF && in.op2 != 0xFF) {
        DivideOperand d;
        d.insn = static_cast<uint16_t>(i);
        d.dividend = in.op1;
        d.divisor = in.op2;
        d.is_signed = in.is_signed;
        d.operands_known = ((changed >> in.op1) & 1u) == 0 && ((changed >> in.op2) & 1u) == 0;
        b.divides.push_back(d);
      }
      changed |= in.writes & 0xFFFF;
      // Follow Rd = Rn + imm, Rd = Rm, Rd = imm; any other write loses the value.
      const RegMask written = in.writes & 0xFFFF;
      uint8_t dest = kUnknown;
      if (in.value_src != 0xFF && !in.conditional &&
          std::popcount(static_cast<uint32_t>(written)) == 1)
        dest = static_cast<uint8_t>(std::countr_zero(static_cast<uint32_t>(written)));
      if (dest < 16 && in.value_src == 0xFE) {
        origin[dest] = kConstant;
        adjust[dest] = in.value_add;
      } else if (dest < 16 && in.value_src < 16 && origin[in.value_src] != kUnknown) {
        origin[dest] = origin[in.value_src];
        adjust[dest] = adjust[in.value_src] + in.value_add;
      } else {
        for (unsigned r = 0; r < 16; ++r)
          if ((written >> r) & 1u) origin[r] = kUnknown;
      }
    }
  }

  // Whether the block can leave R13 (or the stack selected by CONTROL) changed.
  uint32_t decoded = 0;
  b.writes_sp = false;
  for (const Insn& in : insns) {
    decoded += in.bytes;
    if (((in.writes >> 13) & 1u) != 0 || (in.base == 13 && in.writeback) ||
        in.cls == InsnClass::SystemRegister || in.cls == InsnClass::Exception ||
        in.cls == InsnClass::Sleep)
      b.writes_sp = true;
  }
  if (decoded != size) b.writes_sp = true;  // not all decoded: assume the worst

  if (!insns.empty()) {
    const Insn& last = insns.back();
    if (last.writes_pc) b.exit = last.conditional ? BlockExit::Conditional : BlockExit::Always;
    if (last.has_target) b.taken_target = last.target;
    b.first_wide_unaligned = insns.front().bytes == 4 && (address & 3u) == 2;
  }

  // Cycles spent in each fetch line (the prefetch model hides the next line's fetch
  // behind them).
  if (fetch_line_bytes != 0 && size != 0) {
    const uint32_t first = address / fetch_line_bytes;
    const uint32_t last = (address + size - 1) / fetch_line_bytes;
    b.line_cycles.assign(last - first + 1, 0);
    for (size_t i = 0; i < insns.size(); ++i) {
      const uint32_t l = insns[i].address / fetch_line_bytes - first;
      if (l < b.line_cycles.size()) b.line_cycles[l] += i < cost.size() ? cost[i] : 1;
    }
  }
  return b;
}

}  // namespace mcuprof::sim::cycle
