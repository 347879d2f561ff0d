// The glue between the machine and its cycle model: called from the block hook, it
// looks the block's static timing up (analysing it once), charges it with the
// model's dynamic corrections, and keeps what is needed to answer "at which cycle
// does the instruction now accessing a device run?" for DWT->CYCCNT and ITM
// timestamps: the block's start cycle plus the prefix cost of the accessing load or
// store, found by matching the access address against the block's memory operands
// computed from the current register values. It also keeps the flash byte counters
// (instruction fetch per executed block, data reads through a flash read hook).
#pragma once

#include <unicorn/unicorn.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mcuprof/sim/cycle_model.hpp"
#include "mcuprof/sim/observer.hpp"

namespace mcuprof::sim::cycle {

// Reads registers from Unicorn on first use only.
class UnicornRegisters final : public RegisterView {
 public:
  explicit UnicornRegisters(uc_engine* uc) : uc_(uc) {}
  uint32_t core(unsigned r) const override {
    r &= 15u;
    if (((valid_ >> r) & 1u) == 0) read(r);
    return values_[r];
  }

 private:
  void read(unsigned r) const;
  uc_engine* uc_;
  mutable std::array<uint32_t, 16> values_;  // valid where valid_ says so
  mutable uint32_t valid_ = 0;
};

class CycleClock {
 public:
  explicit CycleClock(CycleModel& model) : model_(model) {}

  // Notes the memories where the model wants to see data reads (slow memory). They are
  // charged without a memory hook, from each block's loads (load_placement.cpp): at block
  // entry for the loads whose address the entry registers give, through a code hook on
  // the others; use_memory_hooks() goes back to memory hooks on those ranges.
  void install(uc_engine* uc);
  // Memory hooks for data reads from here on (the machine observes memory, or a block
  // the placement cannot follow): every later block runs as Unicorn translates it anew.
  void use_memory_hooks(uc_engine* uc);
  // Every mapped memory (translated code is dropped there when switching to hooks).
  void set_memories(std::vector<AddressRange> all) { memories_ = std::move(all); }
  // Set by on_block when the block must not run now: it was translated before the code
  // hooks it needs existed (the caller restarts it at its start); nothing was charged.
  bool restart() const { return restart_; }
  // The counters before the block on_block charged last.
  ExecutionCounters entry_counters() const {
    return {block_base_, instructions_base_, ifetch_base_, data_base_};
  }
  // The flash memories: instruction bytes of blocks there count as flash fetch bytes.
  void set_flash(std::vector<AddressRange> flash) {
    flash_ = std::move(flash);
    rebuild_watched();
  }
  // Counts data reads from flash: in the model's hook where it covers flash, through a
  // counting-only hook on the rest.
  void count_flash_data(uc_engine* uc);
  bool counts_flash_data() const { return count_data_; }
  // Block hook: charges the block at `address` of `size` bytes and returns the cycle
  // count after it (inline: it runs once per executed block).
  uint64_t on_block(uc_engine* uc, uint32_t address, uint32_t size) {
    Entry& e = entry(uc, address, size);
    restart_ = false;
    if (place_ && (!e.prepared || hook_calls_ > kHookBudget)) [[unlikely]] {
      if (prepare(uc, e)) {
        restart_ = true;
        return cycles_;
      }
    }
    previous_entry_ = &e;
    const BlockTiming& block = e.timing;
    const UnicornRegisters regs(uc);
    const uint32_t extra = model_.enter_block(block, previous_, regs);
    const uint32_t charged = extra + entry_static_cycles(block, previous_);
    current_prefix_ = &entry_prefix(block, previous_);
    const uint64_t start = cycles_;
    const uint64_t end = start + charged;
    block_base_ = start;
    cycles_ = end;
    instructions_base_ = instructions_;
    instructions_ += block.instructions;
    ifetch_base_ = flash_ifetch_;
    current_in_flash_ = e.in_flash;
    if (e.in_flash) flash_ifetch_ += block.size;
    ++e.executions;
    e.cycles += charged;
    previous_ = &block;
    current_ = &block;
    matched_ = SIZE_MAX;
    mid_block_ = 0;
    data_base_ = flash_data_;
    if (place_) {
      placed_.clear();
      if (e.hooked_from != 0) place_at_entry(e, regs);
    }
    return end;  // without the block's data reads, as when a memory hook charged them
  }
  // Adds cycles outside any block (exception entry, sleep) and forgets the previous
  // block, so no branch correction applies across the gap.
  void charge(uint64_t cycles) {
    cycles_ += cycles;
    previous_ = nullptr;
    previous_entry_ = nullptr;
  }

  // The block charged last, or nothing after charge() (or before the first block).
  const BlockTiming* previous_block() const { return previous_; }
  uint64_t cycles() const { return cycles_; }
  uint64_t instructions() const { return instructions_; }
  ExecutionCounters now() const { return {cycles_, instructions_, flash_ifetch_, flash_data_}; }
  // The cycle at which the load/store now accessing `address` (from inside an MMIO
  // callback) started; falls back to the block's start.
  uint64_t cycle_at_access(uc_engine* uc, uint32_t address) {
    return counters_at_access(uc, address).cycles;
  }
  // All counters at that instruction: instructions and fetch bytes before it, the cycle
  // it starts at, the flash data bytes read so far.
  ExecutionCounters counters_at_access(uc_engine* uc, uint32_t address);
  // The address of the load/store the last counters_at_access matched (Unicorn's PC in a
  // memory hook is the block's start), or nothing when it matched none.
  std::optional<uint32_t> pc_at_access() const;

  // Every block met so far with its execution count and the cycles charged to it.
  struct BlockStats {
    uint32_t address = 0;
    uint32_t size = 0;
    uint32_t instructions = 0;
    uint64_t executions = 0;
    uint64_t cycles = 0;
  };
  std::vector<BlockStats> block_stats() const;

 private:
  struct Entry {
    BlockTiming timing;
    uint64_t executions = 0;
    uint64_t cycles = 0;
    bool in_flash = false;  // fetched from flash
    // The blocks that last followed this one (taken / fall-through), to skip lookups.
    std::array<uint64_t, 2> next_key{~uint64_t{0}, ~uint64_t{0}};
    std::array<Entry*, 2> next{nullptr, nullptr};
    unsigned next_victim = 0;
    // Load placement: timing.loads before hooked_from are charged at block entry, the
    // rest by code hooks on their instructions.
    bool prepared = false;
    uint16_t hooked_from = 0;
  };
  // A data read charged at block entry, for the counters of a device access mid-block.
  struct Placed {
    uint16_t insn = 0;
    uint32_t cycles = 0;
    uint32_t flash_bytes = 0;
  };
  static uint64_t block_key(uint64_t address, uint32_t size) { return (address << 16) ^ size; }
  // The block's entry: first through the previous block's two successors.
  Entry& entry(uc_engine* uc, uint32_t address, uint32_t size) {
    const uint64_t key = block_key(address, size);
    Entry* prev = previous_entry_;
    if (prev != nullptr) [[likely]] {
      if (prev->next_key[0] == key) [[likely]]
        return *prev->next[0];
      if (prev->next_key[1] == key) return *prev->next[1];
    }
    return miss(uc, address, size, key);
  }
  // Not a cached successor: looks the block up and remembers it as one.
  Entry& miss(uc_engine* uc, uint32_t address, uint32_t size, uint64_t key);
  Entry& lookup(uc_engine* uc, uint32_t address, uint32_t size, uint64_t key);
  static void on_data_read(uc_engine* uc, uc_mem_type type, uint64_t address, int size,
                           int64_t value, void* user);
  // --- load placement (load_placement.cpp) ---
  // First entry of a block: splits its loads, hooks the instructions it must, or switches
  // to memory hooks; true when the block must be restarted.
  bool prepare(uc_engine* uc, Entry& e);
  void place_at_entry(const Entry& e, const UnicornRegisters& regs);
  static void on_load_site(uc_engine* uc, uint64_t address, uint32_t size, void* user);
  // One read as a memory hook would have seen it (Unicorn splits a read crossing a page
  // into its two aligned halves and reports all three).
  void charge_read(uint32_t address, unsigned bytes, const Placed* at) {
    // Most reads are in neither a slow memory nor (counted) flash: nothing to charge,
    // also for the halves of a read crossing a page (same memory, mapped in whole pages).
    if (watched(address) != nullptr ||
        (bytes > 1 && (address & (page_bytes_ - 1)) + bytes - 1 >= page_bytes_))
      charge_watched(address, bytes, at);  // (crossing: the next page may be watched)
  }
  void charge_watched(uint32_t address, unsigned bytes, const Placed* at);
  void charge_hook(uint32_t address, unsigned bytes, const Placed* at);
  // A stretch of memory whose reads are charged: a slow memory of the model's, counted
  // flash, or both.
  struct Watched {
    uint32_t begin = 0;
    uint64_t end = 0;
    bool flash = false;  // counted flash data bytes
    bool data = false;   // the model's data_read
  };
  // The stretch holding `address`, or nullptr; the last one found is tried first.
  const Watched* watched(uint32_t address) {
    const Watched* w = last_watched_ < watched_.size() ? &watched_[last_watched_] : nullptr;
    if (w != nullptr && address >= w->begin && address < w->end) return w;
    for (size_t i = 0; i < watched_.size(); ++i)
      if (address >= watched_[i].begin && address < watched_[i].end) {
        last_watched_ = i;
        return &watched_[i];
      }
    return nullptr;
  }
  // Builds watched_ from data_ranges_ and, when counted, flash_.
  void rebuild_watched();
  void add_flash_count_hooks(uc_engine* uc);
  static void on_flash_read(uc_engine* uc, uc_mem_type type, uint64_t address, int size,
                            int64_t value, void* user);
  bool in_flash(uint32_t address) const {
    for (const AddressRange& r : flash_)
      if (address >= r.begin && address < r.end) return true;
    return false;
  }
  // Index of the instruction of the current block now accessing `address`; -1 when it
  // cannot be told (the block's start is used then).
  int access_insn(uc_engine* uc, uint32_t address);
  uint64_t at(uint16_t insn) const;  // cycle at which instruction `insn` of the block starts

  CycleModel& model_;
  std::unordered_map<uint64_t, std::unique_ptr<Entry>> blocks_;
  struct Slot {
    uint64_t key = ~uint64_t{0};
    Entry* entry = nullptr;
  };
  std::vector<Slot> recent_ = std::vector<Slot>(4096);  // direct-mapped front of blocks_
  std::vector<uint8_t> scratch_;
  // The bytes after a block that ends at a page boundary (analyse_cut_block).
  static constexpr uint32_t kSeamLookahead = 128;
  std::vector<uint8_t> after_cut_;
  std::span<const uint8_t> bytes_after_cut(uc_engine* uc, uint32_t end);
  const BlockTiming* previous_ = nullptr;
  Entry* previous_entry_ = nullptr;
  uint64_t mid_block_ = 0;  // cycles charged by data reads inside the current block
  const BlockTiming* current_ = nullptr;
  // Cycles before each instruction of current_: its own, its share of the schedule of
  // the block Unicorn cut before it (continues_cut_block), or its schedule when it began
  // in the previous block's last cycle (M7, entered_paired).
  const std::vector<uint32_t>* current_prefix_ = nullptr;
  uint64_t cycles_ = 0;
  uint64_t instructions_ = 0;
  uint64_t block_base_ = 0;         // cycles before the current block was entered
  uint64_t instructions_base_ = 0;  // instructions before the current block
  uint64_t ifetch_base_ = 0;        // flash fetch bytes before the current block
  std::vector<AddressRange> flash_;
  bool count_data_ = false;
  bool current_in_flash_ = false;
  uint64_t flash_ifetch_ = 0;
  uint64_t flash_data_ = 0;
  size_t matched_ = SIZE_MAX;  // memory operand matched by the last device access
  // Load placement.
  bool placing_ = true;  // false once memory hooks charge data reads
  bool place_ = false;   // placing_ and some memory is watched: the per-block work is due
  // Code hooks run so far: past the budget, the memory hooks are cheaper (Unicorn 2.0.1
  // walks every code hook at each hooked instruction).
  static constexpr uint64_t kHookBudget = 2'000'000;
  uint64_t hook_calls_ = 0;
  bool restart_ = false;  // see restart()
  uint64_t data_base_ = 0;
  uint32_t page_bytes_ = 1024;
  std::vector<AddressRange> data_ranges_;  // the model's slow memories
  std::vector<Watched> watched_;           // those and, when counted, flash
  size_t last_watched_ = 0;
  std::vector<AddressRange> memories_;
  std::vector<Placed> placed_;           // the current block's reads charged at entry
  std::unordered_set<uint32_t> hooked_;  // instructions with a code hook
  std::vector<uc_hook> code_hooks_;      // their hooks, deleted when memory hooks take over
};

}  // namespace mcuprof::sim::cycle
