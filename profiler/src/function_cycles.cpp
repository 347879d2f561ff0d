// Per-function cycles (see function_cycles.hpp).
#include "function_cycles.hpp"

#include <algorithm>
#include <map>

#include "mcuprof/traces/function_names.hpp"

namespace mcuprof::profiler {

std::vector<FunctionCycles> cycles_per_function(const sim::ElfImage& image,
                                                const std::vector<sim::BlockProfile>& blocks) {
  std::map<uint32_t, FunctionCycles> rows;  // by function address
  FunctionCycles unknown{"(no symbol)", 0, 0, 0, 0};
  for (const auto& b : blocks) {
    const sim::Symbol* s = image.symbol_at(b.address);
    if (s == nullptr || !s->is_function) {
      unknown.cycles += b.cycles;
      unknown.instructions += b.executions * b.instructions;
      continue;
    }
    auto& row = rows[s->address];
    row.name = traces::demangle(s->name);
    row.address = s->address;
    row.cycles += b.cycles;
    row.instructions += b.executions * b.instructions;
    if (b.address == s->address) row.calls += b.executions;
  }
  std::vector<FunctionCycles> out;
  out.reserve(rows.size() + 1);
  for (auto& [address, row] : rows) out.push_back(std::move(row));
  if (unknown.cycles > 0) out.push_back(unknown);
  std::stable_sort(out.begin(), out.end(), [](const FunctionCycles& a, const FunctionCycles& b) {
    return a.cycles > b.cycles;
  });
  return out;
}

}  // namespace mcuprof::profiler
