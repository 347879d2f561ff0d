// The System Control Space tail (0xE000EF00-0xE000EF4F): STIR, the software trigger
// interrupt register of the NVIC, and the floating-point extension's FPCCR (lazy
// stacking control), FPCAR (address of the reserved FP frame) and FPDSCR (ARMv7-M ARM
// B3.2.2, B3.4). The machine reads FPCCR/FPCAR when it stacks and unstacks FP frames.
#pragma once

#include <unordered_set>

#include "../exception_state.hpp"
#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

class FpExtension final : public Device {
 public:
  static constexpr uint32_t kBase = 0xE000EF00;
  static constexpr uint32_t kSize = 0x50;  // the cache maintenance operations follow
  static constexpr uint32_t kLspAct = 1u << 0;
  static constexpr uint32_t kLspEn = 1u << 30;
  static constexpr uint32_t kAspEn = 1u << 31;

  FpExtension(DeviceHost& host, ExceptionState& exceptions, bool fpu)
      : host_(host), exceptions_(exceptions), fpu_(fpu), fpccr_(fpu ? kAspEn | kLspEn : 0) {}
  std::string_view name() const override { return "STIR/FPU"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

  uint32_t fpccr() const { return fpccr_; }
  uint32_t fpcar() const { return fpcar_; }
  uint32_t fpdscr() const { return fpdscr_; }
  void set_fpccr(uint32_t v) { fpccr_ = v; }
  void set_fpcar(uint32_t v) { fpcar_ = v & ~7u; }

 private:
  DeviceHost& host_;
  ExceptionState& exceptions_;
  bool fpu_;
  uint32_t fpccr_;
  uint32_t fpcar_ = 0;
  uint32_t fpdscr_ = 0;
  std::unordered_set<uint32_t> reported_;  // unmodelled offsets already reported
};

}  // namespace mcuprof::sim
