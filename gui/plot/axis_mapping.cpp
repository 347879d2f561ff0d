// Coordinate mapping, zoom/pan and nice ticks of the memory chart.
#include "axis_mapping.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mcuprof::plot {

double Timebase::to_axis(double cycle, XUnit unit) const {
  switch (unit) {
    case XUnit::Cycles:
      return cycle;
    case XUnit::Milliseconds:
      return clock_hz == 0 ? cycle : cycle * 1000.0 / static_cast<double>(clock_hz);
    case XUnit::Progress:
      return end_cycle == 0 ? 0.0 : cycle / static_cast<double>(end_cycle);
  }
  return cycle;
}

double Timebase::to_cycle(double axis, XUnit unit) const {
  switch (unit) {
    case XUnit::Cycles:
      return axis;
    case XUnit::Milliseconds:
      return clock_hz == 0 ? axis : axis * static_cast<double>(clock_hz) / 1000.0;
    case XUnit::Progress:
      return axis * static_cast<double>(end_cycle);
  }
  return axis;
}

LinearMap::LinearMap(double v0, double v1, double p0, double p1) : v0_(v0), v1_(v1), p0_(p0) {
  const double span = v1 - v0;
  scale_ = span == 0.0 ? 1.0 : (p1 - p0) / span;
  if (scale_ == 0.0) scale_ = 1.0;
}

void XView::set_extent(double full_lo, double full_hi) {
  if (!(full_hi > full_lo)) full_hi = full_lo + 1.0;
  full_lo_ = full_lo;
  full_hi_ = full_hi;
  reset();
}

double XView::min_width() const {
  return (full_hi_ - full_lo_) * 1e-9;
}

void XView::set_visible(double lo, double hi) {
  if (hi < lo) std::swap(lo, hi);
  const double full = full_hi_ - full_lo_;
  double width = std::clamp(hi - lo, min_width(), full);
  lo = std::clamp(lo, full_lo_, full_hi_ - width);
  lo_ = lo;
  hi_ = lo + width;
}

void XView::zoom(double factor, double anchor) {
  if (!(factor > 0.0)) return;
  const double width = hi_ - lo_;
  const double new_width = std::clamp(width / factor, min_width(), full_hi_ - full_lo_);
  const double fraction = width > 0.0 ? (anchor - lo_) / width : 0.5;
  const double lo = anchor - fraction * new_width;
  set_visible(lo, lo + new_width);
}

void XView::pan(double delta) {
  set_visible(lo_ + delta, hi_ + delta);
}

double nice_step(double range, int target) {
  if (!(range > 0.0) || target < 1) return 1.0;
  const double raw = range / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  // The nice step closest to the raw one (on a log scale).
  double best = magnitude;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (std::abs(std::log(m * magnitude / raw)) < std::abs(std::log(best / raw)))
      best = m * magnitude;
  }
  return best;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo)) return ticks;
  const double step = nice_step(hi - lo, target);
  const double first = std::ceil(lo / step - 1e-9) * step;
  for (double v = first; v <= hi + step * 1e-9 && ticks.size() < 1000; v += step) {
    ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  return ticks;
}

double nice_ceiling(double value) {
  if (!(value > 0.0)) return 1.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
  for (const double m : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
    if (m * magnitude >= value * (1 - 1e-12)) return m * magnitude;
  }
  return 10.0 * magnitude;
}

namespace {

std::string trim_number(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

// Decimals needed to write multiples of `step` exactly (2.5 -> 1, 0.25 -> 2, 50 -> 0).
int decimals_for(double step) {
  for (int d = 0; d < 9; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) return d;
  }
  return 9;
}

std::string with_thousands(uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out += ',';
  }
  return out;
}

}  // namespace

std::vector<Tick> byte_ticks(double max_bytes, int target) {
  double unit = 1.0;
  const char* name = "B";
  if (max_bytes >= 1024.0 * 1024.0 * 2) {
    unit = 1024.0 * 1024.0;
    name = "MiB";
  } else if (max_bytes >= 1024.0 * 2) {
    unit = 1024.0;
    name = "KiB";
  }
  std::vector<Tick> ticks;
  const double step = nice_step(max_bytes / unit, target);
  for (const double v : nice_ticks(0.0, max_bytes / unit, target)) {
    ticks.push_back({v * unit, v == 0.0 ? "0" : trim_number(v, decimals_for(step)) + " " + name});
  }
  return ticks;
}

std::vector<Tick> x_ticks(double lo, double hi, XUnit unit, int target) {
  std::vector<Tick> ticks;
  const double step = nice_step(hi - lo, target);
  for (const double v : nice_ticks(lo, hi, target)) {
    std::string label;
    switch (unit) {
      case XUnit::Cycles: {
        // The suffix follows the largest visible value: 0, 0.5M, 1M, 1.5M.
        const double top = std::max(std::abs(lo), std::abs(hi));
        const double scale = top >= 1e9 ? 1e9 : top >= 1e6 ? 1e6 : top >= 1e4 ? 1e3 : 1.0;
        const char* suffix = scale == 1e9 ? "G" : scale == 1e6 ? "M" : scale == 1e3 ? "k" : "";
        label = v == 0.0 ? "0" : trim_number(v / scale, decimals_for(step / scale)) + suffix;
        break;
      }
      case XUnit::Milliseconds:
        label = trim_number(v, decimals_for(step));
        break;
      case XUnit::Progress:
        label = trim_number(v * 100.0, decimals_for(step * 100.0)) + "%";
        break;
    }
    ticks.push_back({v, label});
  }
  return ticks;
}

std::string format_bytes(double bytes) {
  const double a = std::abs(bytes);
  if (a >= 1024.0 * 1024.0) return trim_number(bytes / (1024.0 * 1024.0), 2) + " MiB";
  if (a >= 1024.0) return trim_number(bytes / 1024.0, 1) + " KiB";
  return trim_number(bytes, 0) + " B";
}

std::string format_axis_value(double value, XUnit unit) {
  char buf[64];
  switch (unit) {
    case XUnit::Cycles:
      return with_thousands(static_cast<uint64_t>(std::max(0.0, std::round(value)))) + " cycles";
    case XUnit::Milliseconds:
      std::snprintf(buf, sizeof buf, "%.3f ms", value);
      return buf;
    case XUnit::Progress:
      std::snprintf(buf, sizeof buf, "%.1f %%", value * 100.0);
      return buf;
  }
  return {};
}

std::string x_axis_title(XUnit unit) {
  switch (unit) {
    case XUnit::Cycles:
      return "cycles";
    case XUnit::Milliseconds:
      return "time (ms)";
    case XUnit::Progress:
      return "progress (%)";
  }
  return {};
}

}  // namespace mcuprof::plot
