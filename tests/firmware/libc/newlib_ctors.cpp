/* newlib_ctors.cpp — a C++ program with global constructors, linked with newlib's
 * semihosting library (rdimon) and libstdc++, started by rdimon's crt0. The
 * constructors (run by __libc_init_array from .init_array) fill RAM objects in .data
 * and .bss; main prints what they left and returns 3 when both ran, else 1. Checks the
 * exit status through SH_EXT_EXIT_EXTENDED and the static SRAM of a C++ image.
 * mcuprof-startup: libc
 * mcuprof-link: --specs=nano.specs --specs=rdimon.specs */
#include <cstdint>
#include <cstdio>

#include "libc_start.h"

namespace {

class Counter {
 public:
  explicit Counter(uint32_t start) : value_(start) { ++constructed; }
  uint32_t value() const { return value_; }
  static inline volatile uint32_t constructed = 0;

 private:
  volatile uint32_t value_;
};

class Table {
 public:
  Table() {
    for (uint32_t i = 0; i < kSize; ++i) cells_[i] = i * 3u;
    ++Counter::constructed;
  }
  uint32_t sum() const {
    uint32_t s = 0;
    for (uint32_t i = 0; i < kSize; ++i) s += cells_[i];
    return s;
  }

 private:
  static constexpr uint32_t kSize = 256;
  uint32_t cells_[kSize];
};

Counter counter(41);  // dynamic initialisation: a constructor in .init_array
Table table;          // 1 KiB of .bss filled by its constructor
volatile uint32_t initialised[4] = {1, 2, 3, 4};  // .data

}  // namespace

int main() {
  std::printf("newlib C++: constructors run %lu, counter %lu, table sum %lu, data %lu\n",
              static_cast<unsigned long>(Counter::constructed),
              static_cast<unsigned long>(counter.value()), static_cast<unsigned long>(table.sum()),
              static_cast<unsigned long>(initialised[3]));
  return Counter::constructed == 2 && counter.value() == 41 ? 3 : 1;
}
