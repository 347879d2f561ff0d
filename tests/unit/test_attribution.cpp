// Event decoding and span attribution on hand-built event streams (words written as
// docs/trace-protocol.md lays them out, not with the firmware header's helpers).
#include <gtest/gtest.h>

#include <numeric>

#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/profiler/trace_events.hpp"

using namespace mcuprof::profiler;

namespace {

uint32_t header(uint32_t type, uint32_t words, uint32_t arg) {
  return (type << 26) | (words << 22) | arg;
}

Counters at(uint64_t cycle) {
  return {cycle, cycle / 2, cycle * 4, cycle};
}

// Feeds words (all at one cycle) and returns the events they complete.
std::vector<TraceEvent> feed(EventDecoder& d, std::initializer_list<uint32_t> words,
                             uint64_t cycle) {
  std::vector<TraceEvent> out;
  for (uint32_t w : words)
    if (auto e = d.push(w, at(cycle))) out.push_back(*e);
  return out;
}

}  // namespace

TEST(EventDecoder, DecodesHeadersAndPayloads) {
  EventDecoder d;
  auto e = feed(d, {header(0x03, 2, 7), 0x12, 5000}, 100);  // layer 7 begin, op 0x12, 5000 MACs
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].type, EventType::LayerBegin);
  EXPECT_EQ(e[0].arg, 7u);
  EXPECT_EQ(e[0].payload[0], 0x12u);
  EXPECT_EQ(e[0].payload[1], 5000u);
  EXPECT_EQ(e[0].at.cycles, 100u);
  e = feed(d, {header(0x04, 0, 0x3FFFFF)}, 200);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].type, EventType::LayerEnd);
  EXPECT_EQ(e[0].arg, 0x3FFFFFu);  // the full 22-bit argument
  EXPECT_TRUE(d.problems().empty());
}

TEST(EventDecoder, SkipsUnknownEventsWithTheirPayload) {
  EventDecoder d;
  // Type 0x3F is unknown; its two payload words look like a layer-end header.
  auto e =
      feed(d, {header(0x3F, 2, 1), header(0x04, 0, 1), header(0x04, 0, 1), header(0x06, 0, 4)}, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].type, EventType::PatchEnd);
  EXPECT_EQ(e[0].arg, 4u);
  ASSERT_EQ(d.problems().size(), 1u);
  EXPECT_NE(d.problems()[0].find("0xfc800001"), std::string::npos) << d.problems()[0];
  // A known type with the wrong payload count is refused too.
  feed(d, {header(0x03, 0, 1)}, 2);
  EXPECT_EQ(d.problems().size(), 2u);
  EXPECT_FALSE(d.incomplete());
  feed(d, {header(0x09, 2, 3), 64}, 3);
  EXPECT_TRUE(d.incomplete());
}

namespace {

TraceEvent ev(EventType type, uint32_t arg, uint64_t cycle, uint32_t a = 0, uint32_t b = 0) {
  TraceEvent e;
  e.type = type;
  e.arg = arg;
  e.payload = {a, b};
  e.at = at(cycle);
  return e;
}

}  // namespace

TEST(Attribution, NestsSpansAndSumsUp) {
  Attributor a(at(0));
  a.on_event(ev(EventType::Arena, 0, 0, 0x20000100, 4096));
  a.on_event(ev(EventType::StageBegin, 0, 10));
  for (uint32_t p = 0; p < 2; ++p) {
    const uint64_t base = 10 + p * 100;
    a.on_event(ev(EventType::PatchBegin, p, base, (p << 16) | (p + 1)));
    a.on_event(ev(EventType::LayerBegin, 0, base + 5, 1, 300));
    a.on_event(ev(EventType::LayerEnd, 0, base + 50));
    a.on_event(ev(EventType::LayerBegin, 1, base + 50, 2, 700));
    a.on_event(ev(EventType::LayerEnd, 1, base + 95));
    a.on_event(ev(EventType::PatchEnd, p, base + 100));
  }
  a.on_event(ev(EventType::StageEnd, 0, 210));
  a.on_event(ev(EventType::LayerBegin, 2, 210, 3, 1000));
  a.on_event(ev(EventType::LayerEnd, 2, 400));
  const Attribution r = a.finish(at(450));

  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  ASSERT_EQ(r.spans.size(), 1u + 1 + 2 * 3 + 1);
  EXPECT_EQ(r.spans[0].kind, SpanKind::Run);
  EXPECT_EQ(r.spans[0].cycles(), 450u);
  EXPECT_EQ(r.spans[1].kind, SpanKind::Stage);
  EXPECT_EQ(r.spans[2].kind, SpanKind::Patch);
  EXPECT_EQ(r.spans[2].row, 0);
  EXPECT_EQ(r.spans[2].column, 1);
  EXPECT_EQ(r.spans[5].row, 1);
  EXPECT_EQ(r.spans[5].column, 2);
  EXPECT_EQ(r.spans[3].parent, 2);
  EXPECT_EQ(r.spans[3].depth, 3u);
  EXPECT_EQ(r.spans[3].macs, 300u);
  EXPECT_EQ(r.spans[3].op, 1u);
  EXPECT_EQ(r.spans[8].parent, 0);  // the layer after the stage hangs off the run

  // Patches add up to their stage; every child lies inside its parent.
  uint64_t patch_cycles = 0;
  for (const auto& s : r.spans) {
    if (s.kind == SpanKind::Patch) patch_cycles += s.cycles();
    if (s.parent >= 0) {
      const Span& p = r.spans[static_cast<size_t>(s.parent)];
      EXPECT_GE(s.begin.cycles, p.begin.cycles);
      EXPECT_LE(s.end.cycles, p.end.cycles);
    }
  }
  EXPECT_EQ(patch_cycles, r.spans[1].cycles());
  EXPECT_EQ(r.spans[3].flash_ifetch_bytes(), 45u * 4);
  EXPECT_EQ(r.spans[3].instructions(), (60u / 2) - (15u / 2));
  EXPECT_EQ(*r.arena_size, 4096u);
}

TEST(Attribution, ArenaTimelineAndPeaksPerSpan) {
  Attributor a(at(0));
  a.on_event(ev(EventType::Arena, 0, 0, 0x20000000, 1000));
  a.on_event(ev(EventType::TensorAlloc, 1, 5, 0, 100));
  a.on_event(ev(EventType::LayerBegin, 0, 10, 1, 0));
  a.on_event(ev(EventType::TensorAlloc, 2, 12, 100, 400));  // live 500, extent 500
  a.on_event(ev(EventType::TensorFree, 1, 20));             // live 400, extent 500
  a.on_event(ev(EventType::LayerEnd, 0, 30));
  a.on_event(ev(EventType::LayerBegin, 1, 30, 1, 0));
  a.on_event(ev(EventType::TensorAlloc, 3, 31, 0, 50));  // live 450, extent 500
  a.on_event(ev(EventType::TensorFree, 2, 40));          // live 50, extent 50
  a.on_event(ev(EventType::LayerEnd, 1, 50));
  const Attribution r = a.finish(at(60));
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.arena_peak_live_bytes, 500u);
  EXPECT_EQ(r.arena_peak_extent_bytes, 500u);
  ASSERT_EQ(r.spans.size(), 3u);
  EXPECT_EQ(r.spans[1].arena_peak_live_bytes, 500u);
  EXPECT_EQ(r.spans[2].arena_peak_live_bytes, 450u);  // starts at 400, rises to 450
  const std::vector<uint64_t> expected_live = {0, 100, 500, 400, 450, 50};
  ASSERT_EQ(r.arena.size(), expected_live.size());
  for (size_t i = 0; i < expected_live.size(); ++i)
    EXPECT_EQ(r.arena[i].live_bytes, expected_live[i]);
  EXPECT_EQ(r.arena.back().extent_bytes, 50u);
}

TEST(Attribution, ReportsProtocolMisuseAndKeepsNestingStrict) {
  Attributor a(at(0));
  a.on_event(ev(EventType::Arena, 0, 0, 0x20000000, 256));
  a.on_event(ev(EventType::TensorAlloc, 1, 1, 0, 128));
  a.on_event(ev(EventType::TensorAlloc, 2, 2, 64, 128));   // overlaps tensor 1
  a.on_event(ev(EventType::TensorAlloc, 3, 3, 200, 128));  // runs past the arena
  a.on_event(ev(EventType::TensorFree, 9, 4));             // never allocated
  a.on_event(ev(EventType::PatchBegin, 0, 5, 0));
  a.on_event(ev(EventType::LayerBegin, 4, 6, 0, 0));
  a.on_event(ev(EventType::PatchEnd, 0, 7));  // layer 4 still open: closed by force
  a.on_event(ev(EventType::LayerEnd, 4, 8));  // no longer open
  a.on_event(ev(EventType::StageBegin, 1, 9));
  const Attribution r = a.finish(at(10));
  ASSERT_EQ(r.problems.size(), 6u);
  EXPECT_NE(r.problems[0].find("overlaps live tensor 1"), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[1].find("past the arena"), std::string::npos) << r.problems[1];
  EXPECT_NE(r.problems[2].find("freed but not allocated"), std::string::npos) << r.problems[2];
  EXPECT_NE(r.problems[3].find("still open"), std::string::npos) << r.problems[3];
  EXPECT_NE(r.problems[4].find("was not open"), std::string::npos) << r.problems[4];
  EXPECT_NE(r.problems[5].find("never ended"), std::string::npos) << r.problems[5];
  ASSERT_EQ(r.spans.size(), 4u);
  EXPECT_FALSE(r.spans[2].terminated);
  EXPECT_EQ(r.spans[2].end.cycles, 7u);
  EXPECT_TRUE(r.spans[1].terminated);
  EXPECT_FALSE(r.spans[3].terminated);
  EXPECT_EQ(r.spans[3].end.cycles, 10u);
}
