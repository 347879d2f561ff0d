// The out-of-bounds write check of `mcuprof run --observe-memory`: every store the
// firmware makes to SRAM must land in
//   - a live planned buffer: a tensor between its TENSOR_ALLOC and TENSOR_FREE events,
//     inside the arena announced by the ARENA event (plus, for model runs, the kernels'
//     scratch that the model runner places right after the announced arena);
//   - the main stack: [stack limit, initial SP) — the whole reserved stack, since
//     painting it below the SP is legitimate; without a known limit, [SP - 128, initial SP)
//     (128 bytes: the largest single push, VPUSH of 32 S registers, which stores below
//     the SP before writing it back);
//   - static data: the image's writable segments (.data, .bss), less the arena once it is
//     announced when the arena lies inside them.
// Before the arena is announced (start-up: the runner copies inputs into the arena before
// the executor announces it), a store outside static data and the stack is held pending
// and judged when the ARENA event arrives: inside the arena it was set-up, elsewhere it is
// out of bounds. A firmware that never announces an arena may also use its heap
// (__HeapBase..__HeapLimit); one that announces an arena may not (the arena is where its
// buffers live). Anything else is an out-of-bounds write, reported once per instruction
// (PC) with its symbol, address, size and the buffer it is nearest to.
// Pure logic, fed by the machine's memory observer and the firmware's events.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mcuprof/profiler/observed_memory.hpp"

namespace mcuprof::profiler {

struct MemoryLayout {
  std::vector<AddressRange> memories;  // the target's writable memories
  std::vector<AddressRange> statics;   // writable segments of the image
  uint32_t stack_top = 0;
  std::optional<uint32_t> stack_limit;
  std::optional<AddressRange> heap;
  uint32_t scratch_after_arena = 0;  // bytes after the announced arena that are allowed
};

struct OutOfBoundsWrite {
  uint32_t pc = 0;
  std::string location;  // "function+0x12" or the address
  uint32_t address = 0;  // first out-of-bounds byte of the first such write
  unsigned bytes = 0;    // size of that write
  uint64_t cycle = 0;    // when that write happened
  uint64_t count = 0;    // out-of-bounds writes by this instruction (bytes, when judged late)
  std::string what;      // e.g. "1 byte past tensor 1 [0x20000100,+16)"
};

struct MemoryCheckResult {
  std::vector<OutOfBoundsWrite> sites;  // by first cycle
  uint64_t total = 0;                   // every out-of-bounds write, all sites
  uint64_t dropped_sites = 0;           // sites beyond the cap (counted in total only)
};

class MemoryCheck {
 public:
  using Locate = std::function<std::string(uint32_t pc)>;
  MemoryCheck(MemoryLayout layout, Locate locate, size_t max_sites = 64);

  void on_write(uint32_t pc, uint32_t sp, uint32_t address, unsigned bytes, uint64_t cycle);
  void on_arena(uint32_t address, uint32_t size);
  void on_alloc(uint32_t tensor, uint32_t offset, uint32_t bytes);
  void on_free(uint32_t tensor);
  MemoryCheckResult finish();

 private:
  struct Buffer {
    uint32_t offset = 0;  // in the arena
    uint32_t bytes = 0;
  };
  struct Pending {  // the first pending write of an instruction
    uint32_t address = 0;
    unsigned bytes = 0;
    uint64_t cycle = 0;
  };
  bool in_static(uint32_t address) const;
  bool in_stack(uint32_t address, uint32_t sp) const;
  void report(uint32_t pc, uint32_t address, unsigned bytes, uint64_t cycle, uint64_t count);
  void hold(uint32_t pc, uint32_t address, uint64_t cycle, unsigned bytes);
  void judge_pending(bool arena_known);
  std::string describe(uint32_t address) const;

  MemoryLayout layout_;
  Locate locate_;
  size_t max_sites_;
  std::optional<AddressRange> arena_;
  std::vector<uint32_t> owner_;  // per arena byte: tensor + 1 of the live buffer, or 0
  std::map<uint32_t, Buffer> live_;
  std::map<uint32_t, Buffer> freed_;               // last place of every freed tensor
  std::vector<std::vector<uint32_t>> pending_pc_;  // per memory byte, before the arena
  std::unordered_map<uint32_t, Pending> pending_;
  std::unordered_map<uint32_t, size_t> site_of_pc_;
  MemoryCheckResult result_;
};

}  // namespace mcuprof::profiler
