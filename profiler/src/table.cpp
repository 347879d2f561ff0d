// Table output in text, Markdown and CSV (see table.hpp).
#include "table.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace mcuprof::profiler {

Table::Table(std::vector<std::string> columns) {
  for (auto& c : columns) {
    const bool right = !c.empty() && c.front() == '>';
    right_.push_back(right);
    titles_.push_back(right ? c.substr(1) : c);
  }
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(titles_.size());
  rows_.push_back(std::move(cells));
}

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

void Table::print(std::ostream& out, TableFormat format) const {
  if (format == TableFormat::Csv) {
    for (size_t i = 0; i < titles_.size(); ++i) out << (i ? "," : "") << csv_cell(titles_[i]);
    out << '\n';
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_cell(row[i]);
      out << '\n';
    }
    return;
  }
  std::vector<size_t> width(titles_.size());
  for (size_t i = 0; i < titles_.size(); ++i) width[i] = titles_[i].size();
  for (const auto& row : rows_)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string s = format == TableFormat::Markdown ? "| " : "";
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string cell = right_[i] ? fmt::format("{:>{}}", cells[i], width[i])
                                         : fmt::format("{:<{}}", cells[i], width[i]);
      s += cell + (format == TableFormat::Markdown ? " | " : (i + 1 < cells.size() ? "  " : ""));
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << '\n';
  };
  line(titles_);
  if (format == TableFormat::Markdown) {
    std::string s = "|";
    for (size_t i = 0; i < titles_.size(); ++i)
      s += (right_[i] ? std::string(width[i] + 1, '-') + ":|"
                      : std::string(width[i] + 2, '-') + "|");
    out << s << '\n';
  } else {
    std::string s;
    for (size_t i = 0; i < titles_.size(); ++i)
      s += std::string(width[i], '-') + (i + 1 < titles_.size() ? "  " : "");
    out << s << '\n';
  }
  for (const auto& row : rows_) line(row);
}

std::string format_count(uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_bytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024.0);
  return fmt::format("{:.2f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

std::string format_delta_pct(double a, double b) {
  if (a == 0) return "";
  return fmt::format("{:+.1f} %", 100.0 * (b - a) / a);
}

}  // namespace mcuprof::profiler
