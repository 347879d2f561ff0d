// Benchmark of the trace store (not a test): writes one run with N counter samples
// (default 1,000,000) in one RunWriter transaction and reports rows per second, then
// times a full-range read and a 1000-column min/max query of that counter.
// Usage: mcuprof_trace_bench DB [N]
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"

namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace mcuprof::traces;
  if (argc < 2) {
    fmt::print(stderr, "usage: {} DB [N]\n", argv[0]);
    return 64;
  }
  const uint64_t n = argc > 2 ? std::stoull(argv[2]) : 1'000'000;
  std::filesystem::remove(argv[1]);
  auto store = TraceStore::open(argv[1], TraceStore::Mode::ReadWrite);
  RunRecord record;
  record.name = "bench";
  record.clock_hz = 100'000'000;
  record.total_cycles = n * 10;
  RunWriter writer(store, record);
  std::mt19937_64 rng(1);
  for (uint64_t i = 0; i < n; ++i)
    writer.add_counter(track::kSramTotal, i * 10, static_cast<int64_t>(rng() % 100'000));
  const auto start = std::chrono::steady_clock::now();
  const int64_t id = writer.finish();
  const double write_s = seconds_since(start);
  fmt::print("write: {} counter rows in {:.3f} s = {:.0f} rows/s (one transaction)\n", n, write_s,
             static_cast<double>(n) / write_s);

  const auto read_start = std::chrono::steady_clock::now();
  const auto points = store.counters(id, track::kSramTotal);
  const double read_s = seconds_since(read_start);
  fmt::print("read:  {} rows in {:.3f} s = {:.0f} rows/s\n", points.size(), read_s,
             static_cast<double>(points.size()) / read_s);
  const auto col_start = std::chrono::steady_clock::now();
  const auto columns = store.counter_columns(id, track::kSramTotal, 0, n * 10, 1000);
  fmt::print("1000-column min/max over all rows: {:.3f} s\n", seconds_since(col_start));
  fmt::print("database size: {:.1f} MB\n",
             static_cast<double>(std::filesystem::file_size(argv[1])) / 1e6);
  return columns.size() == 1000 ? 0 : 1;
}
