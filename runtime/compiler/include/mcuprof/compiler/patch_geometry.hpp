// Receptive-field arithmetic of patch-based inference (MCUNetV2): which input region
// an output region needs through a sliding window, where zero padding applies (only
// at the image border), and how a map is split into a p x p grid with remainders.
// Pure integer geometry, no model types; docs/patch-based.md explains it.
#pragma once

#include <algorithm>
#include <vector>

namespace mcuprof::compiler {

// Half-open range [begin, end) along one axis.
struct Interval {
  int begin = 0;
  int end = 0;
  int size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  friend bool operator==(const Interval&, const Interval&) = default;
};

inline Interval hull(Interval a, Interval b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

// A sliding window along one axis: kernel size, stride, dilation, and the padding the
// layer applies before the first element (TFLite's padding offset for SAME, the
// fused PAD amount, or 0 for VALID).
struct Window {
  int kernel = 1;
  int stride = 1;
  int dilation = 1;
  int pad_before = 0;
};

// The input positions (in the unpadded input's coordinates, possibly outside it)
// that outputs [out.begin, out.end) read: out.begin*stride - pad .. (out.end-1)*stride
// - pad + dilation*(kernel-1) inclusive. Stride 1 grows a range by k-1; stride s maps
// g outputs to (g-1)*s + k inputs.
inline Interval needed_input(Interval out, const Window& w) {
  if (out.empty()) return {};
  const int first = out.begin * w.stride - w.pad_before;
  const int last = (out.end - 1) * w.stride - w.pad_before + w.dilation * (w.kernel - 1);
  return {first, last + 1};
}

// A needed range clipped to an input of `extent` elements: what is read from memory,
// and how much zero padding applies before and after it (non-zero only at the border).
struct Clipped {
  Interval inside;
  int pad_before = 0;
  int pad_after = 0;
};

inline Clipped clip(Interval needed, int extent) {
  Clipped c;
  c.inside = {std::max(needed.begin, 0), std::min(needed.end, extent)};
  c.pad_before = std::max(0, -needed.begin);
  c.pad_after = std::max(0, needed.end - extent);
  if (c.inside.empty()) c.inside = {};
  return c;
}

// Splits [0, extent) into `parts` ranges as evenly as possible: the first
// extent % parts ranges get one more element. parts must be in [1, extent].
inline std::vector<Interval> split_range(int extent, int parts) {
  std::vector<Interval> out;
  const int base = extent / parts;
  const int extra = extent % parts;
  int at = 0;
  for (int i = 0; i < parts; ++i) {
    const int size = base + (i < extra ? 1 : 0);
    out.push_back({at, at + size});
    at += size;
  }
  return out;
}

}  // namespace mcuprof::compiler
