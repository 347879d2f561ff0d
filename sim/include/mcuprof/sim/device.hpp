// The device interface of memory-mapped peripherals (after Spike's abstract_device_t):
// a device answers reads and writes at offsets inside its window. The bus routes an
// address to the device that owns it. One device per file under src/devices/.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace mcuprof::sim {

// What a device may ask of the machine it sits in.
class DeviceHost {
 public:
  virtual ~DeviceHost() = default;
  virtual uint64_t cycles() const = 0;  // simulated core cycles so far
  virtual void console(std::string_view text) = 0;
  virtual void itm_event(unsigned port, uint32_t value, unsigned size) = 0;
  // Reports the first access to a register nobody models (once per address).
  virtual void unmodelled_access(uint32_t address, bool write) = 0;
  // The exception number the core is handling (IPSR), 0 in thread mode.
  virtual unsigned current_exception() const = 0;
  // A device rejects an access (precise bus error at `address`).
  virtual void bus_error(uint32_t address, bool write) = 0;
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string_view name() const = 0;
  // `size` is 1, 2 or 4 bytes; `offset` is relative to the device's base.
  virtual uint32_t read(uint32_t offset, unsigned size) = 0;
  virtual void write(uint32_t offset, unsigned size, uint32_t value) = 0;
};

// Sub-word accesses of a 32-bit register: the bytes written merge into the old value,
// and a read returns the bytes at the offset.
inline uint32_t merge_register(uint32_t old, uint32_t offset, unsigned size, uint32_t value) {
  if (size >= 4) return value;
  const unsigned shift = 8 * (offset & 3u);
  const uint32_t mask = (size == 1 ? 0xFFu : 0xFFFFu) << shift;
  return (old & ~mask) | ((value << shift) & mask);
}
inline uint32_t read_register(uint32_t value, uint32_t offset, unsigned size) {
  if (size >= 4) return value;
  const uint32_t v = value >> (8 * (offset & 3u));
  return size == 1 ? (v & 0xFFu) : (v & 0xFFFFu);
}

class DeviceBus {
 public:
  void attach(uint32_t base, uint32_t size, std::unique_ptr<Device> device);
  // The device owning `address` and the offset inside it, or {nullptr, 0}.
  std::pair<Device*, uint32_t> find(uint32_t address) const;

 private:
  struct Window {
    uint32_t base;
    uint32_t size;
    std::unique_ptr<Device> device;
  };
  std::vector<Window> windows_;
};

}  // namespace mcuprof::sim
