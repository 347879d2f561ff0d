// Event-word decoding (see trace_events.hpp and docs/trace-protocol.md).
#include "mcuprof/profiler/trace_events.hpp"

#include <fmt/format.h>

namespace mcuprof::profiler {
namespace {

// Payload words each event type carries.
std::optional<unsigned> payload_words(uint32_t type) {
  switch (static_cast<EventType>(type)) {
    case EventType::RunBegin:
    case EventType::RunEnd:
    case EventType::LayerEnd:
    case EventType::PatchEnd:
    case EventType::StageBegin:
    case EventType::StageEnd:
    case EventType::TensorFree:
    case EventType::RegionBegin:
    case EventType::RegionEnd:
      return 0;
    case EventType::PatchBegin:
    case EventType::Mark:
      return 1;
    case EventType::LayerBegin:
    case EventType::TensorAlloc:
    case EventType::Arena:
      return 2;
  }
  return std::nullopt;
}

constexpr size_t kMaxProblems = 20;

}  // namespace

std::string_view to_string(EventType type) {
  switch (type) {
    case EventType::RunBegin:
      return "run-begin";
    case EventType::RunEnd:
      return "run-end";
    case EventType::LayerBegin:
      return "layer-begin";
    case EventType::LayerEnd:
      return "layer-end";
    case EventType::PatchBegin:
      return "patch-begin";
    case EventType::PatchEnd:
      return "patch-end";
    case EventType::StageBegin:
      return "stage-begin";
    case EventType::StageEnd:
      return "stage-end";
    case EventType::TensorAlloc:
      return "tensor-alloc";
    case EventType::TensorFree:
      return "tensor-free";
    case EventType::Arena:
      return "arena";
    case EventType::Mark:
      return "mark";
    case EventType::RegionBegin:
      return "region-begin";
    case EventType::RegionEnd:
      return "region-end";
  }
  return "unknown";
}

std::optional<TraceEvent> EventDecoder::push(uint32_t word, const Counters& at) {
  if (remaining_ > 0) {
    if (!skipping_) pending_.payload[filled_++] = word;
    if (--remaining_ == 0 && !skipping_) return pending_;
    return std::nullopt;
  }
  const uint32_t type = word >> 26;
  const unsigned words = (word >> 22) & 0xFu;
  const auto expected = payload_words(type);
  if (!expected || *expected != words) {
    if (problems_.size() < kMaxProblems)
      problems_.push_back(fmt::format("unknown event word 0x{:08x} at cycle {}", word, at.cycles));
    remaining_ = words;  // skip its payload so the stream stays in step
    skipping_ = true;
    return std::nullopt;
  }
  pending_ = TraceEvent{};
  pending_.type = static_cast<EventType>(type);
  pending_.arg = word & 0x3FFFFFu;
  pending_.at = at;
  filled_ = 0;
  skipping_ = false;
  remaining_ = words;
  if (words == 0) return pending_;
  return std::nullopt;
}

}  // namespace mcuprof::profiler
