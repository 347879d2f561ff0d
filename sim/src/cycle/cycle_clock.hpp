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
#include <vector>

#include "mcuprof/sim/cycle_model.hpp"
#include "mcuprof/sim/observer.hpp"

namespace mcuprof::sim::cycle {

// Reads registers from Unicorn on first use only.
class UnicornRegisters final : public RegisterView {
 public:
  explicit UnicornRegisters(uc_engine* uc) : uc_(uc) {}
  uint32_t core(unsigned r) const override;

 private:
  uc_engine* uc_;
  mutable std::array<uint32_t, 16> values_;  // valid where valid_ says so
  mutable uint32_t valid_ = 0;
};

class CycleClock {
 public:
  explicit CycleClock(CycleModel& model) : model_(model) {}

  // Adds the memory hooks the model asks for (data reads in slow memory).
  void install(uc_engine* uc);
  // The flash memories: instruction bytes of blocks there count as flash fetch bytes.
  void set_flash(std::vector<AddressRange> flash) { flash_ = std::move(flash); }
  // Counts data reads from flash: in the model's hook where it covers flash, through a
  // counting-only hook on the rest.
  void count_flash_data(uc_engine* uc);
  bool counts_flash_data() const { return count_data_; }
  // Block hook: charges the block at `address` of `size` bytes and returns the cycle
  // count after it (inline: it runs once per executed block).
  uint64_t on_block(uc_engine* uc, uint32_t address, uint32_t size) {
    Entry& e = entry(uc, address, size);
    previous_entry_ = &e;
    const BlockTiming& block = e.timing;
    const UnicornRegisters regs(uc);
    const uint32_t extra = model_.enter_block(block, previous_, regs);
    const uint32_t charged = extra + block.cycles;
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
    return end;
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
  const BlockTiming* previous_ = nullptr;
  Entry* previous_entry_ = nullptr;
  uint64_t mid_block_ = 0;  // cycles charged by data reads inside the current block
  const BlockTiming* current_ = nullptr;
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
};

}  // namespace mcuprof::sim::cycle
