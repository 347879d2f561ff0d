// The observed SRAM view of `mcuprof run --observe-memory`: from every load and store
// the emulator saw, how many bytes hold a value that is still going to be read.
//
// A byte's value is live from the cycle it is written to the cycle of its last read
// before the next write (both inclusive); a value never read is dead and never counts.
// Memory at reset (the loaded image, zeros elsewhere) counts as written at cycle 0.
// The count over time is kept on a grid of cells of `resolution` cycles (a power of two,
// starting at 1 and doubled whenever the run outgrows `max_cells` cells): a byte counts
// in every cell its live interval touches, so a cell's value is at least the exact count
// at any moment inside it — a peak is never hidden, and with a resolution of 1 the series
// is exact. Memory use: 16 bytes per byte of SRAM the firmware touches (the arrays are
// zero-filled on demand by the OS, so untouched SRAM costs nothing) plus 16 per cell
// (at most 2^20 cells by default: 16 MiB, twice that while the grid vector grows).
// Pure logic, fed by the machine's memory observer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace mcuprof::profiler {

struct AddressRange {
  uint32_t base = 0;
  uint32_t size = 0;
  bool contains(uint32_t address) const { return address - base < size; }
  uint64_t end() const { return uint64_t{base} + size; }
};

struct ObservedPoint {
  uint64_t cycle = 0;
  uint64_t bytes = 0;  // live bytes from `cycle` until the next point
};

struct ObservedSeries {
  std::vector<ObservedPoint> points;  // a step function, one point per change
  uint64_t peak_bytes = 0;
  uint64_t peak_cycle = 0;         // first cell at the peak
  uint64_t resolution_cycles = 1;  // width of a grid cell
};

class ObservedMemory {
 public:
  explicit ObservedMemory(std::vector<AddressRange> memories, size_t max_cells = size_t{1} << 20);

  // Accesses in time order (cycles never decrease). Bytes outside the memories are ignored.
  void write(uint32_t address, unsigned bytes, uint64_t cycle);
  void read(uint32_t address, unsigned bytes, uint64_t cycle);
  // Ends every live value at its last read and returns the series up to `end_cycle`.
  ObservedSeries finish(uint64_t end_cycle);

 private:
  struct Free {
    void operator()(uint64_t* p) const { std::free(p); }
  };
  // Zero-filled by calloc: large blocks come as untouched zero pages.
  using Cycles = std::unique_ptr<uint64_t[], Free>;
  struct Memory {
    AddressRange range;
    Cycles written;  // cycle of the last write of each byte (0: reset)
    Cycles read;     // 1 + cycle of the last read since then, or 0 when not read
  };
  Memory* memory_of(uint32_t address);
  void close(uint64_t written, uint64_t last_read);  // one live interval ends
  void coarsen();                                    // halves the number of cells

  std::vector<Memory> memories_;
  Memory* last_ = nullptr;  // the memory of the previous access
  size_t max_cells_;
  unsigned shift_ = 0;            // resolution = 1 << shift_
  std::vector<uint64_t> starts_;  // live intervals whose first cell is this one
  std::vector<uint64_t> ends_;    // live intervals whose last cell is this one
};

}  // namespace mcuprof::profiler
