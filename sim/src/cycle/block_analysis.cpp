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

bool ends_inside_it(std::span<const Insn> insns) {
  for (size_t i = 0; i < insns.size(); ++i)
    if (insns[i].cls == InsnClass::It && i + insns[i].it_slots >= insns.size()) return true;
  return false;
}

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
  // Registers whose followed value may be wrong for the load placement (a conditional
  // write-back, a load with write-back that also loads its base); the timing rules keep
  // following them as they always have.
  RegMask uncertain = 0;
  // For the placement too: a register loaded from a literal (a word of the code's literal
  // pool: the address of a global, a table) holds that word + lit_adjust[r]; 0: none.
  std::array<uint32_t, 16> literal{};
  std::array<int32_t, 16> lit_adjust{};
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
      if (in.read_count > 0) {
        LoadSite l;
        l.insn = m.insn;
        l.unit = in.read_unit;
        l.count = in.read_count;
        l.cond = !in.conditional ? LoadSite::kAlways : in.cond < 14 ? in.cond : LoadSite::kUnknown;
        l.base = in.base;
        l.index = in.index < 16 ? in.index : LoadSite::kNoRegister;
        l.shift = in.shift;
        l.subtract = in.subtract;
        const int32_t pre = in.post != 0 ? 0 : in.disp;
        l.disp = pre + down;
        if (in.base == 15) {  // TBB/TBH read the PC as is, the other loads word-aligned
          l.pc_value = in.cls == InsnClass::TableBranch ? in.address + 4 : (in.address + 4) & ~3u;
          l.entry_known = l.index == LoadSite::kNoRegister ||
                          (origin[l.index] == l.index && adjust[l.index] == 0);
          l.offset = static_cast<int32_t>(l.pc_value) + l.disp;
        } else {
          l.entry_known = m.address_known && ((uncertain >> in.base) & 1u) == 0 &&
                          (l.index == LoadSite::kNoRegister || ((uncertain >> l.index) & 1u) == 0);
          l.entry_base = m.entry_base;
          l.offset = m.offset;
          const bool index_ok = l.index == LoadSite::kNoRegister ||
                                (origin[l.index] == l.index && adjust[l.index] == 0 &&
                                 ((uncertain >> l.index) & 1u) == 0);
          if (!l.entry_known && origin[in.base] == kUnknown && literal[in.base] != 0 && index_ok) {
            l.literal = literal[in.base];  // resolved when the block is first entered
            l.entry_base = LoadSite::kNoRegister;
            l.offset = lit_adjust[in.base] + l.disp;
          }
        }
        b.loads.push_back(l);
      }
      if (in.writeback && in.base < 16 && (in.conditional || in.loads_base))
        uncertain |= RegMask{1} << in.base;
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
      for (unsigned r = 0; r < 16; ++r)
        if (((in.writes >> r) & 1u) != 0) literal[r] = 0;
      if (in.base == 15 && in.cls == InsnClass::Load && in.read_unit == 4 && in.read_count == 1 &&
          !in.conditional && std::popcount(static_cast<uint32_t>(in.writes & 0xFFFF)) == 1) {
        const auto rt =
            static_cast<unsigned>(std::countr_zero(static_cast<uint32_t>(in.writes & 0xFFFF)));
        if (rt < 15) {
          literal[rt] =
              static_cast<uint32_t>(((in.address + 4) & ~3u) + static_cast<uint32_t>(in.disp));
          lit_adjust[rt] = 0;
        }
      }
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
      const bool from_literal = dest < 16 && in.value_src < 16 &&
                                origin[in.value_src] == kUnknown && literal[in.value_src] != 0 &&
                                ((uncertain >> in.value_src) & 1u) == 0;
      const uint32_t lit = from_literal ? literal[in.value_src] : 0;
      const int32_t lit_add = from_literal ? lit_adjust[in.value_src] + in.value_add : 0;
      for (unsigned r = 0; r < 16; ++r)
        if (((written >> r) & 1u) != 0) literal[r] = 0;
      if (from_literal) {
        literal[dest] = lit;
        lit_adjust[dest] = lit_add;
      }
      if (dest < 16 && in.value_src == 0xFE) {
        origin[dest] = kConstant;
        adjust[dest] = in.value_add;
      } else if (dest < 16 && in.value_src < 16 && origin[in.value_src] != kUnknown) {
        origin[dest] = origin[in.value_src];
        adjust[dest] = adjust[in.value_src] + in.value_add;
        uncertain =
            (uncertain & ~(RegMask{1} << dest)) | (((uncertain >> in.value_src) & 1u) << dest);
      } else {
        for (unsigned r = 0; r < 16; ++r)
          if ((written >> r) & 1u) origin[r] = kUnknown;
      }
    }
  }

  b.ends_in_it = ends_inside_it(insns);

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
