// Decoding of the structured event words that firmware sends on ITM stimulus port 1
// (docs/trace-protocol.md; the firmware side is runtime/firmware/include/mcuprof_trace.h).
// Pure logic: words in, events out, no emulator involved.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcuprof::profiler {

inline constexpr unsigned kEventPort = 1;
// RUN_BEGIN's argument. Version 2: LAYER_BEGIN's op code is TFLite's BuiltinOperator code.
// Version 1 (still decoded): mcuprof's own op numbering (mcuprof_op_type), translated to
// TFLite's codes by the Attributor. docs/trace-protocol.md, "Versions".
inline constexpr uint32_t kProtocolVersion = 2;
inline constexpr uint32_t kOldestProtocolVersion = 1;

enum class EventType : uint8_t {
  RunBegin = 0x01,
  RunEnd = 0x02,
  LayerBegin = 0x03,
  LayerEnd = 0x04,
  PatchBegin = 0x05,
  PatchEnd = 0x06,
  StageBegin = 0x07,
  StageEnd = 0x08,
  TensorAlloc = 0x09,
  TensorFree = 0x0A,
  Arena = 0x0B,
  Mark = 0x0C,
  RegionBegin = 0x0D,
  RegionEnd = 0x0E,
};

std::string_view to_string(EventType type);

// The machine's running totals at the moment an event's header word was written.
struct Counters {
  uint64_t cycles = 0;
  uint64_t instructions = 0;
  uint64_t flash_ifetch_bytes = 0;
  uint64_t flash_data_bytes = 0;
};

struct TraceEvent {
  EventType type = EventType::Mark;
  uint32_t arg = 0;  // 22-bit argument: layer/patch/tensor index, user id...
  std::array<uint32_t, 2> payload{};
  Counters at;
};

// Turns a stream of port-1 words into events. Words that do not form a known event are
// counted and described, never fatal: third-party firmware may send anything.
class EventDecoder {
 public:
  // Feeds one 32-bit word written at `at`. Returns a completed event, if any.
  std::optional<TraceEvent> push(uint32_t word, const Counters& at);
  // Non-empty when the stream ended inside a multi-word event.
  bool incomplete() const { return remaining_ > 0; }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  TraceEvent pending_;
  unsigned remaining_ = 0;
  unsigned filled_ = 0;
  bool skipping_ = false;  // inside the payload of an unknown event
  std::vector<std::string> problems_;
};

}  // namespace mcuprof::profiler
