// The sweep's Pareto front (traces/include/mcuprof/traces/pareto.hpp) against a brute-force check
// on random point sets, ties and duplicates included.
#include <gtest/gtest.h>

#include <random>

#include "mcuprof/traces/pareto.hpp"

using mcuprof::traces::pareto_front;
using mcuprof::traces::ParetoInput;

namespace {

// On the front: nobody is at least as good on both and better on one, and no earlier
// point is exactly the same.
std::vector<bool> brute_force(const std::vector<ParetoInput>& p) {
  std::vector<bool> front(p.size(), true);
  for (size_t i = 0; i < p.size(); ++i)
    for (size_t j = 0; j < p.size(); ++j) {
      if (i == j) continue;
      const bool le =
          p[j].peak_sram_bytes <= p[i].peak_sram_bytes && p[j].latency_ms <= p[i].latency_ms;
      const bool lt =
          p[j].peak_sram_bytes < p[i].peak_sram_bytes || p[j].latency_ms < p[i].latency_ms;
      if ((le && lt) || (le && !lt && j < i)) front[i] = false;
    }
  return front;
}

}  // namespace

TEST(SweepPareto, SmallCaseByHand) {
  // (SRAM, ms): B is beaten by A on both; D equals C and comes later.
  const std::vector<ParetoInput> p{{100, 5.0}, {120, 6.0}, {200, 2.0}, {50, 9.0}, {200, 2.0}};
  EXPECT_EQ(pareto_front(p), (std::vector<bool>{true, false, true, true, false}));
  EXPECT_TRUE(pareto_front({}).empty());
}

TEST(SweepPareto, MatchesBruteForceOnRandomSets) {
  std::mt19937 rng(16);
  for (int round = 0; round < 300; ++round) {
    const size_t n = 1 + rng() % 40;
    // Few distinct values so that ties and duplicates are common.
    std::uniform_int_distribution<uint64_t> sram(1, round % 2 ? 8 : 1000);
    std::uniform_int_distribution<int> ms(1, round % 2 ? 8 : 1000);
    std::vector<ParetoInput> p;
    for (size_t i = 0; i < n; ++i) p.push_back({sram(rng) * 1024, ms(rng) / 4.0});
    const auto expected = brute_force(p);
    ASSERT_EQ(pareto_front(p), expected) << "round " << round;
    EXPECT_GE(std::count(expected.begin(), expected.end(), true), 1);
  }
}
