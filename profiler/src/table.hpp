// A small table that prints as aligned text, Markdown or CSV: the one formatter behind
// `mcuprof report` and `mcuprof compare` (JSON output is built separately).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace mcuprof::profiler {

enum class TableFormat { Text, Markdown, Csv };

class Table {
 public:
  // Columns whose title starts with '>' are right-aligned (the '>' is not printed).
  explicit Table(std::vector<std::string> columns);
  void add_row(std::vector<std::string> cells);
  void print(std::ostream& out, TableFormat format) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> titles_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// Figures as people read them.
std::string format_count(uint64_t v);              // 1,234,567
std::string format_bytes(uint64_t bytes);          // 187.5 KiB
std::string format_delta_pct(double a, double b);  // "+12.3 %" (b relative to a), "" if a == 0

}  // namespace mcuprof::profiler
