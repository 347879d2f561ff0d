// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: the host build of the runtime's int8
// kernels against the independent reference, byte for byte, on many seeded random
// shapes (strides 1/2, SAME/VALID, odd sizes, dilation, depth multipliers, 1x1 fast
// path), per-channel and per-tensor requantization, extreme multipliers and offsets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <tuple>
#include <utility>
#include <vector>

#include "kernel_test_random.hpp"
#include "mcuprof_kernels.h"
#include "tflite_reference.hpp"

using namespace mcuprof;

namespace {

struct Requant {
  std::vector<int32_t> multiplier, shift;
};

Requant make_requant(test::KernelRandom& r, int32_t channels, bool per_channel) {
  Requant q;
  for (int32_t i = 0; i < (per_channel ? channels : 1); ++i) {
    int32_t m = 0, s = 0;
    r.requant(&m, &s);
    q.multiplier.push_back(m);
    q.shift.push_back(s);
  }
  return q;
}

// A 1x1 stride-1 conv on an h x w map with random quantization and data (per channel,
// no clamp); its params point into its own requantization arrays.
struct PointwiseCase {
  mcuprof_conv_params p{};
  Requant q;
  ref::Bytes input, filter;
  std::vector<int32_t> bias;
};

PointwiseCase pointwise_case(test::KernelRandom& r, int32_t h, int32_t w, int32_t in_c,
                             int32_t out_c) {
  PointwiseCase c;
  mcuprof_conv_params& p = c.p;
  p.batches = 1;
  p.in_h = p.out_h = h;
  p.in_w = p.out_w = w;
  p.in_c = in_c;
  p.out_c = out_c;
  p.filter_h = p.filter_w = p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
  p.input_offset = r.input_offset();
  p.output_offset = r.output_offset();
  p.act_min = -128;
  p.act_max = 127;
  p.per_channel = 1;
  c.q = make_requant(r, p.out_c, true);
  p.multiplier = c.q.multiplier.data();  // a moved vector keeps its buffer
  p.shift = c.q.shift.data();
  c.input = r.bytes(static_cast<size_t>(h) * w * in_c);
  c.filter = r.bytes(static_cast<size_t>(out_c) * in_c);
  c.bias = r.bias(out_c);
  return c;
}

// Bias magnitudes: usually realistic, sometimes around 2^30 (where the kernels switch
// between their short and their general requantization) or up to INT32_MAX.
int32_t big_bias(test::KernelRandom& r) {
  if (r.chance(80)) return 50000;
  if (r.chance(50)) return (1 << 30) + r.range(-2000000, 2000000);
  return INT32_MAX;
}

// Spatial geometry common to conv and depthwise.
template <typename P>
void random_geometry(test::KernelRandom& r, P& p, int32_t max_filter) {
  p.batches = r.range(1, 2);
  p.in_h = r.range(1, 14);
  p.in_w = r.range(1, 14);
  p.filter_h = r.range(1, max_filter);
  p.filter_w = r.chance(70) ? p.filter_h : r.range(1, max_filter);
  p.stride_h = r.range(1, 2);
  p.stride_w = r.chance(80) ? p.stride_h : r.range(1, 3);
  p.dilation_h = r.chance(15) ? 2 : 1;
  p.dilation_w = r.chance(15) ? 2 : 1;
  bool same = r.chance(50);
  if (p.in_h < (p.filter_h - 1) * p.dilation_h + 1 || p.in_w < (p.filter_w - 1) * p.dilation_w + 1)
    same = true;
  p.out_h = test::out_size(p.in_h, p.filter_h, p.stride_h, p.dilation_h, same);
  p.out_w = test::out_size(p.in_w, p.filter_w, p.stride_w, p.dilation_w, same);
  p.pad_top = test::pad_before(p.in_h, p.out_h, p.filter_h, p.stride_h, p.dilation_h);
  p.pad_left = test::pad_before(p.in_w, p.out_w, p.filter_w, p.stride_w, p.dilation_w);
  p.input_offset = r.input_offset();
  p.output_offset = r.output_offset();
  r.activation(p.output_offset, &p.act_min, &p.act_max);
}

}  // namespace

TEST(KernelConv, MatchesReferenceOnRandomCases) {
  test::KernelRandom r(2024);
  for (int i = 0; i < 600; ++i) {
    mcuprof_conv_params p{};
    random_geometry(r, p, i % 4 == 0 ? 1 : 5);
    p.in_c = r.chance(50) ? r.range(1, 9) : 4 * r.range(1, 8);
    p.out_c = r.range(1, 17);
    p.per_channel = r.chance(75) ? 1 : 0;
    const Requant q = make_requant(r, p.out_c, p.per_channel != 0);
    p.multiplier = q.multiplier.data();
    p.shift = q.shift.data();
    const std::vector<int8_t> shift8(q.shift.begin(), q.shift.end());  // the image's form
    if (i % 2 == 1) p.shift8 = shift8.data();
    const auto input = r.bytes(static_cast<size_t>(p.batches) * p.in_h * p.in_w * p.in_c);
    const auto filter = r.bytes(static_cast<size_t>(p.out_c) * p.filter_h * p.filter_w * p.in_c);
    const auto bias = r.chance(85) ? r.bias(p.out_c, big_bias(r)) : std::vector<int32_t>{};
    ref::Bytes got(static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.out_c);
    std::vector<int32_t> scratch((mcuprof_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    mcuprof_conv2d_s8(&p, input.data(), filter.data(), bias.empty() ? nullptr : bias.data(),
                      got.data(), scratch.data());
    ASSERT_EQ(got, ref::conv2d(p, input, filter, bias))
        << "case " << i << ": " << p.in_h << "x" << p.in_w << "x" << p.in_c << " filter "
        << p.filter_h << "x" << p.filter_w << " stride " << p.stride_h << "," << p.stride_w
        << " out_c " << p.out_c;
  }
}

TEST(KernelConv, PointwiseLayerShapes) {
  // 1x1 stride-1 convolutions as in MobileNet blocks (the fast path), larger depths.
  test::KernelRandom r(77);
  for (int32_t in_c : {3, 8, 16, 24, 33, 64}) {
    PointwiseCase c = pointwise_case(r, 5, 7, in_c, 2 * in_c + 1);
    const mcuprof_conv_params& p = c.p;
    const auto& [input, filter, bias] = std::tie(c.input, c.filter, c.bias);
    ref::Bytes got(static_cast<size_t>(p.out_h) * p.out_w * p.out_c);
    std::vector<int32_t> scratch((mcuprof_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    mcuprof_conv2d_s8(&p, input.data(), filter.data(), bias.data(), got.data(), scratch.data());
    EXPECT_EQ(got, ref::conv2d(p, input, filter, bias)) << "in_c " << in_c;
  }
}

// More than 128 output channels run in chunks of 128 (conv.c, CONV_CHUNK): odd and even
// widths, pointwise and 3x3, each chunk's last pair and a last single channel; the
// per-channel table in the scratch stays at 128 entries.
TEST(KernelConv, WideLayersRunInChannelChunks) {
  test::KernelRandom r(303);
  for (int32_t out_c : {127, 128, 129, 130, 256, 257, 480}) {
    for (int32_t filter : {1, 3}) {
      mcuprof_conv_params p{};
      p.batches = 1;
      p.in_h = p.out_h = 3;
      p.in_w = p.out_w = 5;
      p.in_c = filter == 1 ? 24 : 5;
      p.out_c = out_c;
      p.filter_h = p.filter_w = filter;
      p.pad_top = p.pad_left = filter / 2;
      p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
      p.input_offset = r.input_offset();
      p.output_offset = r.output_offset();
      r.activation(p.output_offset, &p.act_min, &p.act_max);
      p.per_channel = 1;
      const Requant q = make_requant(r, p.out_c, true);
      p.multiplier = q.multiplier.data();
      p.shift = q.shift.data();
      const auto input = r.bytes(static_cast<size_t>(p.in_h) * p.in_w * p.in_c);
      const auto weights = r.bytes(static_cast<size_t>(p.out_c) * filter * filter * p.in_c);
      const auto bias = r.bias(p.out_c, big_bias(r));
      ref::Bytes got(static_cast<size_t>(p.out_h) * p.out_w * p.out_c);
      const size_t bytes = mcuprof_conv2d_s8_scratch_bytes(&p);
      const size_t k = static_cast<size_t>(filter) * filter * p.in_c;
      EXPECT_LE(bytes, 4 * ((k + 3) / 4 * 4) + 2 * k + 32 + 16 * 128 + 2048) << out_c;
      std::vector<int32_t> scratch((bytes + 3) / 4);
      mcuprof_conv2d_s8(&p, input.data(), weights.data(), bias.data(), got.data(), scratch.data());
      EXPECT_EQ(got, ref::conv2d(p, input, weights, bias)) << "out_c " << out_c << " " << filter;
    }
  }
}

// The in-place contract of a pointwise conv (runtime/compiler/src/planner.cpp,
// pointwise_conv_output_at; docs/runtime.md, "In place"): with the output placed D =
// OC + (P-1)*max(0, OC-IC) bytes (rounded up to 16) before its input in one buffer, the
// kernel gives the bytes it gives with separate buffers — for expand and projection convs,
// odd pixel counts and up to the 128 channels the planner allows. With the input at the
// output's own offset instead, an expand conv overwrites input pixels it has not read yet:
// the check can tell.
TEST(KernelConv, PointwiseRunsInPlaceBeforeItsInput) {
  test::KernelRandom r(4242);
  const auto run = [](const mcuprof_conv_params& p, const ref::Bytes& input,
                      const ref::Bytes& filter, const std::vector<int32_t>& bias,
                      int64_t input_at) {
    const size_t in_bytes = input.size();
    const size_t out_bytes = static_cast<size_t>(p.out_h) * p.out_w * p.out_c;
    ref::Bytes buffer(std::max(out_bytes, static_cast<size_t>(input_at) + in_bytes), 0);
    std::copy(input.begin(), input.end(), buffer.begin() + input_at);
    std::vector<int32_t> scratch((mcuprof_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    mcuprof_conv2d_s8(&p, buffer.data() + input_at, filter.data(), bias.data(), buffer.data(),
                      scratch.data());
    return ref::Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(out_bytes));
  };
  int expand_cases = 0;
  for (const auto& [in_c, out_c] : std::vector<std::pair<int32_t, int32_t>>{
           {8, 48}, {16, 96}, {3, 16}, {24, 128}, {5, 7}, {16, 8}, {48, 16}, {96, 24}, {9, 9}}) {
    for (const int32_t w : {1, 5, 6}) {
      PointwiseCase c = pointwise_case(r, 3, w, in_c, out_c);
      const mcuprof_conv_params& p = c.p;
      const auto& [input, filter, bias] = std::tie(c.input, c.filter, c.bias);
      const int64_t pixels = int64_t{p.out_h} * p.out_w;
      const int64_t d = (out_c + (pixels - 1) * std::max(0, out_c - in_c) + 15) / 16 * 16;
      const auto expected = ref::conv2d(p, input, filter, bias);
      EXPECT_EQ(run(p, input, filter, bias, d), expected)
          << in_c << " -> " << out_c << ", " << pixels << " pixels";
      if (out_c > in_c && pixels > 2) {
        EXPECT_NE(run(p, input, filter, bias, 0), expected) << in_c << " -> " << out_c;
        ++expand_cases;
      }
    }
  }
  EXPECT_GT(expand_cases, 0);
}

// Receptive fields wholly inside the input are gathered a filter row at a time
// (conv.c, gather_inside), the others by the generic gather; a pixel pair may mix both
// (the second pixel in the padding) and an odd row ends with a single pixel. First-layer
// shapes (in_c 3, 3x3, stride 2) and neighbours: in_c 1..5, strides 1..3, SAME and VALID,
// dilation_h 2 (still the fast gather) and dilation_w 2 (never), one and two batches,
// biases on both sides of the short-form bound.
TEST(KernelConv, FastGatherMatchesReferenceInsideAndAtTheBorder) {
  test::KernelRandom r(4242);
  int fast_shapes = 0;
  for (int i = 0; i < 240; ++i) {
    mcuprof_conv_params p{};
    p.batches = 1 + i % 2;
    p.in_c = i < 60 ? 3 : r.range(1, 5);
    p.in_h = r.range(3, 13);
    p.in_w = r.range(3, 13);
    p.filter_h = i % 5 == 4 ? 2 : 3;
    p.filter_w = i % 7 == 6 ? 1 : 3;
    p.stride_h = i < 60 ? 2 : r.range(1, 3);
    p.stride_w = i < 60 ? 2 : r.range(1, 3);
    p.dilation_h = i % 6 == 5 ? 2 : 1;
    p.dilation_w = i % 11 == 10 ? 2 : 1;
    const bool same = r.chance(50) || p.in_h < 5 || p.in_w < 5;
    p.out_h = test::out_size(p.in_h, p.filter_h, p.stride_h, p.dilation_h, same);
    p.out_w = test::out_size(p.in_w, p.filter_w, p.stride_w, p.dilation_w, same);
    p.pad_top = test::pad_before(p.in_h, p.out_h, p.filter_h, p.stride_h, p.dilation_h);
    p.pad_left = test::pad_before(p.in_w, p.out_w, p.filter_w, p.stride_w, p.dilation_w);
    fast_shapes += p.dilation_w == 1 && p.out_h > 1 && p.out_w > 2;
    p.out_c = r.range(1, 17);
    p.input_offset = r.input_offset();
    p.output_offset = r.output_offset();
    r.activation(p.output_offset, &p.act_min, &p.act_max);
    p.per_channel = r.chance(75) ? 1 : 0;
    const Requant q = make_requant(r, p.out_c, p.per_channel != 0);
    p.multiplier = q.multiplier.data();
    p.shift = q.shift.data();
    const auto input = r.bytes(static_cast<size_t>(p.batches) * p.in_h * p.in_w * p.in_c);
    const auto filter = r.bytes(static_cast<size_t>(p.out_c) * p.filter_h * p.filter_w * p.in_c);
    const auto bias = r.bias(p.out_c, big_bias(r));
    ref::Bytes got(static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.out_c);
    std::vector<int32_t> scratch((mcuprof_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    mcuprof_conv2d_s8(&p, input.data(), filter.data(), bias.data(), got.data(), scratch.data());
    ASSERT_EQ(got, ref::conv2d(p, input, filter, bias))
        << "case " << i << ": " << p.in_h << "x" << p.in_w << "x" << p.in_c << " filter "
        << p.filter_h << "x" << p.filter_w << " stride " << p.stride_h << "," << p.stride_w
        << " dilation " << p.dilation_h << "," << p.dilation_w << " out_c " << p.out_c;
  }
  EXPECT_GT(fast_shapes, 150);  // most cases have pixels inside and at the border
}

TEST(KernelDepthwise, MatchesReferenceOnRandomCases) {
  test::KernelRandom r(99);
  for (int i = 0; i < 600; ++i) {
    mcuprof_depthwise_params p{};
    random_geometry(r, p, i % 3 == 0 ? 3 : 5);
    if (i % 3 == 0) p.filter_h = p.filter_w = 3, p.dilation_h = p.dilation_w = 1;
    if (i % 3 == 0) {  // recompute geometry for the forced 3x3
      const bool same = p.in_h < 3 || p.in_w < 3 || r.chance(50);
      p.out_h = test::out_size(p.in_h, 3, p.stride_h, 1, same);
      p.out_w = test::out_size(p.in_w, 3, p.stride_w, 1, same);
      p.pad_top = test::pad_before(p.in_h, p.out_h, 3, p.stride_h, 1);
      p.pad_left = test::pad_before(p.in_w, p.out_w, 3, p.stride_w, 1);
    }
    p.in_c = r.range(1, 12);
    p.depth_multiplier = r.chance(70) ? 1 : r.range(2, 4);
    const int32_t out_c = p.in_c * p.depth_multiplier;
    p.per_channel = r.chance(75) ? 1 : 0;
    const Requant q = make_requant(r, out_c, p.per_channel != 0);
    p.multiplier = q.multiplier.data();
    p.shift = q.shift.data();
    const auto input = r.bytes(static_cast<size_t>(p.batches) * p.in_h * p.in_w * p.in_c);
    const auto filter = r.bytes(static_cast<size_t>(p.filter_h) * p.filter_w * out_c);
    const auto bias = r.chance(85) ? r.bias(out_c, big_bias(r)) : std::vector<int32_t>{};
    std::vector<int32_t> scratch((mcuprof_depthwise_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    ref::Bytes got(static_cast<size_t>(p.batches) * p.out_h * p.out_w * out_c);
    mcuprof_depthwise_conv2d_s8(&p, input.data(), filter.data(),
                                bias.empty() ? nullptr : bias.data(), got.data(), scratch.data());
    ASSERT_EQ(got, ref::depthwise_conv2d(p, input, filter, bias))
        << "case " << i << ": " << p.in_h << "x" << p.in_w << "x" << p.in_c << " x"
        << p.depth_multiplier << " filter " << p.filter_h << "x" << p.filter_w << " stride "
        << p.stride_h << "," << p.stride_w;
  }
}

TEST(KernelDepthwise, ScratchIsOnePaddedPlanePlusOneRowOfAccumulators) {
  mcuprof_depthwise_params p{};
  p.batches = 1;
  p.in_h = p.in_w = 48;
  p.out_h = p.out_w = 48;
  p.in_c = 8;
  p.depth_multiplier = 1;
  p.filter_h = p.filter_w = 3;
  p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
  EXPECT_EQ(mcuprof_depthwise_conv2d_s8_scratch_bytes(&p), 50u * 50u * 2u + 48u * 4u);
  p.stride_h = p.stride_w = 2;
  p.out_h = p.out_w = 24;  // 49 columns, rows padded to an even 50
  EXPECT_EQ(mcuprof_depthwise_conv2d_s8_scratch_bytes(&p), 49u * 50u * 2u + 24u * 4u);
}

TEST(KernelFullyConnected, MatchesReferenceOnRandomCases) {
  test::KernelRandom r(5);
  for (int i = 0; i < 400; ++i) {
    mcuprof_fc_params p{};
    p.batches = r.range(1, 4);
    p.in_depth = r.chance(50) ? r.range(1, 40) : r.range(1, 700);
    p.out_depth = r.range(1, 40);
    p.input_offset = r.input_offset();
    p.output_offset = r.output_offset();
    r.activation(p.output_offset, &p.act_min, &p.act_max);
    p.per_channel = r.chance(50) ? 1 : 0;
    const Requant q = make_requant(r, p.out_depth, p.per_channel != 0);
    p.multiplier = q.multiplier.data();
    p.shift = q.shift.data();
    const auto input = r.bytes(static_cast<size_t>(p.batches) * p.in_depth);
    const auto filter = r.bytes(static_cast<size_t>(p.out_depth) * p.in_depth);
    const auto bias = r.chance(85) ? r.bias(p.out_depth, big_bias(r)) : std::vector<int32_t>{};
    ref::Bytes got(static_cast<size_t>(p.batches) * p.out_depth);
    mcuprof_fully_connected_s8(&p, input.data(), filter.data(),
                               bias.empty() ? nullptr : bias.data(), got.data());
    ASSERT_EQ(got, ref::fully_connected(p, input, filter, bias)) << "case " << i;
  }
}

namespace {

// Per-channel requantizations that exercise every form the kernels choose between:
// ordinary right shifts, left shifts (shift 0..3), right shifts beyond 31, and "dead"
// channels (a bias near +-2^31 with a tiny scale, whose output cannot vary).
Requant mixed_requant(test::KernelRandom& r, int32_t channels, std::vector<int32_t>& bias) {
  Requant q;
  bias.clear();
  for (int32_t c = 0; c < channels; ++c) {
    int32_t m = 0, s = 0;
    r.requant(&m, &s);
    int32_t b = r.range(-30000, 30000);
    switch (c % 4) {
      case 1:
        s = r.range(0, 3);
        b = r.range(-300, 300);
        break;  // left shift
      case 2:
        s = -r.range(32, 45);
        break;  // beyond 31
      case 3:
        s = -r.range(36, 40);
        b = r.chance(50) ? 2100000000 : -2100000000;
        break;  // dead
      default:
        break;
    }
    q.multiplier.push_back(m);
    q.shift.push_back(s);
    bias.push_back(b);
  }
  return q;
}

}  // namespace

TEST(KernelConv, EveryRequantizationFormMatchesReference) {
  test::KernelRandom r(4242);
  for (int i = 0; i < 120; ++i) {
    mcuprof_conv_params p{};
    p.batches = 1;
    p.in_h = r.range(3, 9);
    p.in_w = r.range(3, 9);
    // 1x1 (pointwise path) or 3x3 stride 2 with k = 9 * in_c often not a multiple of 4.
    const bool pointwise = i % 2 == 0;
    p.in_c = pointwise ? 4 * r.range(1, 12) : r.range(1, 6);
    p.out_c = r.range(1, 13);
    p.filter_h = p.filter_w = pointwise ? 1 : 3;
    p.stride_h = p.stride_w = pointwise ? 1 : 2;
    p.dilation_h = p.dilation_w = 1;
    p.out_h = test::out_size(p.in_h, p.filter_h, p.stride_h, 1, true);
    p.out_w = test::out_size(p.in_w, p.filter_w, p.stride_w, 1, true);
    p.pad_top = test::pad_before(p.in_h, p.out_h, p.filter_h, p.stride_h, 1);
    p.pad_left = test::pad_before(p.in_w, p.out_w, p.filter_w, p.stride_w, 1);
    p.input_offset = r.input_offset();
    p.output_offset = r.output_offset();
    if (r.chance(50)) {
      p.act_min = -128, p.act_max = 127;  // the SSAT clamp
    } else {
      r.activation(p.output_offset, &p.act_min, &p.act_max);
    }
    p.per_channel = 1;
    std::vector<int32_t> bias;
    const Requant q = mixed_requant(r, p.out_c, bias);
    p.multiplier = q.multiplier.data();
    p.shift = q.shift.data();
    const auto input = r.bytes(static_cast<size_t>(p.in_h) * p.in_w * p.in_c);
    const auto filter = r.bytes(static_cast<size_t>(p.out_c) * p.filter_h * p.filter_w * p.in_c);
    ref::Bytes got(static_cast<size_t>(p.out_h) * p.out_w * p.out_c);
    std::vector<int32_t> scratch((mcuprof_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    mcuprof_conv2d_s8(&p, input.data(), filter.data(), bias.data(), got.data(), scratch.data());
    ASSERT_EQ(got, ref::conv2d(p, input, filter, bias))
        << "case " << i << ": in_c " << p.in_c << " out_c " << p.out_c;
  }
}

TEST(KernelDepthwise, LargeFiltersAndEveryRequantizationForm) {
  test::KernelRandom r(4343);
  for (int i = 0; i < 150; ++i) {
    mcuprof_depthwise_params p{};
    p.batches = 1;
    const int32_t f = 3 + 2 * (i % 3);  // 3x3, 5x5, 7x7
    p.filter_h = p.filter_w = f;
    p.in_h = r.range(f, f + 8);
    p.in_w = r.range(f, f + 8);
    p.stride_h = p.stride_w = r.range(1, 2);
    p.dilation_h = p.dilation_w = 1;
    const bool same = r.chance(50);
    p.out_h = test::out_size(p.in_h, f, p.stride_h, 1, same);
    p.out_w = test::out_size(p.in_w, f, p.stride_w, 1, same);
    p.pad_top = test::pad_before(p.in_h, p.out_h, f, p.stride_h, 1);
    p.pad_left = test::pad_before(p.in_w, p.out_w, f, p.stride_w, 1);
    p.in_c = r.range(1, 9);
    p.depth_multiplier = r.chance(80) ? 1 : 2;
    const int32_t out_c = p.in_c * p.depth_multiplier;
    p.input_offset = r.input_offset();
    p.output_offset = r.output_offset();
    r.activation(p.output_offset, &p.act_min, &p.act_max);
    p.per_channel = 1;
    std::vector<int32_t> bias;
    const Requant q = mixed_requant(r, out_c, bias);
    p.multiplier = q.multiplier.data();
    p.shift = q.shift.data();
    const auto input = r.bytes(static_cast<size_t>(p.in_h) * p.in_w * p.in_c);
    const auto filter = r.bytes(static_cast<size_t>(f) * f * out_c);
    std::vector<int32_t> scratch((mcuprof_depthwise_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    ref::Bytes got(static_cast<size_t>(p.out_h) * p.out_w * out_c);
    mcuprof_depthwise_conv2d_s8(&p, input.data(), filter.data(), bias.data(), got.data(),
                                scratch.data());
    ASSERT_EQ(got, ref::depthwise_conv2d(p, input, filter, bias))
        << "case " << i << ": filter " << f << " in_c " << p.in_c;
  }
}

// 3x3 depthwise channels in the short form with the whole int8 range as clamp and a right
// shift of at most 22 take the fused row loop (depthwise_rows.c: bias doubled, output
// offset folded into the rounding constant; stride 1: output pairs and a last single
// output on odd widths); the others the row buffer and the requantization pass. Shifts 1..30 (both
// sides of 22), output offsets at -128 and 127, biases on both sides of the short-form bound,
// strides 1 and 2 in both directions, odd and even widths, per-tensor and per-channel
// requantization.
TEST(KernelDepthwise, FusedRowsMatchReference) {
  test::KernelRandom r(5151);
  int fused = 0;
  for (int i = 0; i < 300; ++i) {
    mcuprof_depthwise_params p{};
    p.batches = 1;
    p.filter_h = p.filter_w = 3;
    p.dilation_h = p.dilation_w = 1;
    p.in_h = r.range(1, 14);
    p.in_w = r.range(1, 14);
    p.stride_h = r.range(1, 2);
    p.stride_w = r.range(1, 2);
    const bool same = r.chance(60) || p.in_h < 3 || p.in_w < 3;
    p.out_h = test::out_size(p.in_h, 3, p.stride_h, 1, same);
    p.out_w = test::out_size(p.in_w, 3, p.stride_w, 1, same);
    p.pad_top = test::pad_before(p.in_h, p.out_h, 3, p.stride_h, 1);
    p.pad_left = test::pad_before(p.in_w, p.out_w, 3, p.stride_w, 1);
    p.in_c = r.range(1, 9);
    p.depth_multiplier = r.chance(85) ? 1 : 2;
    const int32_t out_c = p.in_c * p.depth_multiplier;
    p.input_offset = r.input_offset();
    p.output_offset = r.chance(30) ? (r.chance(50) ? -128 : 127) : r.output_offset();
    p.act_min = -128;
    p.act_max = 127;
    if (r.chance(15)) r.activation(p.output_offset, &p.act_min, &p.act_max);
    p.per_channel = r.chance(75) ? 1 : 0;
    Requant q;
    for (int32_t c = 0; c < (p.per_channel ? out_c : 1); ++c) {
      q.multiplier.push_back(r.chance(10) ? INT32_MAX : r.range(1 << 30, INT32_MAX));
      q.shift.push_back(-r.range(1, 30));
    }
    p.multiplier = q.multiplier.data();
    p.shift = q.shift.data();
    const auto input = r.bytes(static_cast<size_t>(p.in_h) * p.in_w * p.in_c);
    const auto filter = r.bytes(static_cast<size_t>(9) * out_c);
    auto bias = r.bias(out_c);
    // The short-form bound: |bias| + 9 * max|x + input_offset| * 128 < 2^30.
    const int32_t max_x = std::max(std::abs(-128 + p.input_offset), std::abs(127 + p.input_offset));
    for (auto& b : bias) {
      if (r.chance(25))
        b = (r.chance(50) ? 1 : -1) * ((1 << 30) - 9 * max_x * 128 + r.range(-2, 1));
    }
    std::vector<int32_t> scratch((mcuprof_depthwise_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    ref::Bytes got(static_cast<size_t>(p.out_h) * p.out_w * out_c);
    mcuprof_depthwise_conv2d_s8(&p, input.data(), filter.data(), bias.data(), got.data(),
                                scratch.data());
    ASSERT_EQ(got, ref::depthwise_conv2d(p, input, filter, bias))
        << "case " << i << ": " << p.in_h << "x" << p.in_w << "x" << p.in_c << " stride "
        << p.stride_h << "," << p.stride_w << " shift " << q.shift[0] << " offset "
        << p.output_offset;
    fused += p.act_min == -128 && p.act_max == 127 && -q.shift[0] <= 22 &&
             (p.stride_w == 2 || p.out_w >= 2);
  }
  EXPECT_GT(fused, 100);
}

// Pointwise convolutions with 8 or 16 input channels whose channels all take the short
// right-shift form with a shift of at most 22 run in blocks of 16 pixels (conv_shallow.c:
// doubled weights and bias, output offset folded into the rounding constant); the others
// the pixel-pair loop. Pixel counts around the block size (a last partial block, a last
// single pixel), two batches, odd and even out_c and more than 128 (channel chunks),
// shifts 1..30 (both sides of 22), output offsets at -128 and 127, biases at the
// short-form bound, full-range and narrower clamps, per-tensor and per-channel.
TEST(KernelConv, ShallowPointwiseBlocksMatchReference) {
  test::KernelRandom r(1515);
  int shallow = 0;
  for (int i = 0; i < 240; ++i) {
    mcuprof_conv_params p{};
    p.batches = r.chance(20) ? 2 : 1;
    p.in_h = p.out_h = r.range(1, 5);
    p.in_w = p.out_w = r.chance(30) ? r.range(15, 17) : r.range(1, 9);
    p.in_c = r.chance(15) ? 4 * r.range(1, 5) : (r.chance(50) ? 8 : 16);
    p.out_c = r.chance(10) ? r.range(127, 132) : r.range(1, 40);
    p.filter_h = p.filter_w = p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
    p.input_offset = r.chance(20) ? (r.chance(50) ? -127 : 128) : r.input_offset();
    p.output_offset = r.chance(30) ? (r.chance(50) ? -128 : 127) : r.output_offset();
    p.act_min = -128;
    p.act_max = 127;
    if (r.chance(25)) r.activation(p.output_offset, &p.act_min, &p.act_max);
    p.per_channel = r.chance(80) ? 1 : 0;
    Requant q;
    const int32_t max_shift = r.chance(85) ? 22 : 30;
    for (int32_t c = 0; c < (p.per_channel ? p.out_c : 1); ++c) {
      q.multiplier.push_back(r.chance(10) ? INT32_MAX : r.range(1 << 30, INT32_MAX));
      q.shift.push_back(-r.range(1, max_shift));
    }
    p.multiplier = q.multiplier.data();
    p.shift = q.shift.data();
    const auto input = r.bytes(static_cast<size_t>(p.batches) * p.in_h * p.in_w * p.in_c);
    const auto filter = r.bytes(static_cast<size_t>(p.out_c) * p.in_c);
    auto bias = r.bias(p.out_c);
    // The short-form bound: |bias| + k * max|x + input_offset| * 128 < 2^30.
    const int32_t max_x = std::max(std::abs(-128 + p.input_offset), std::abs(127 + p.input_offset));
    for (auto& b : bias) {
      if (r.chance(20))
        b = (r.chance(50) ? 1 : -1) * ((1 << 30) - p.in_c * max_x * 128 + r.range(-2, 0));
    }
    std::vector<int32_t> scratch((mcuprof_conv2d_s8_scratch_bytes(&p) + 3) / 4);
    ref::Bytes got(static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.out_c);
    mcuprof_conv2d_s8(&p, input.data(), filter.data(), bias.data(), got.data(), scratch.data());
    ASSERT_EQ(got, ref::conv2d(p, input, filter, bias))
        << "case " << i << ": " << p.batches << "x" << p.in_h << "x" << p.in_w << "x" << p.in_c
        << " -> " << p.out_c << " shift " << q.shift[0] << " offset " << p.output_offset;
    bool all_short = true;
    for (const int32_t s : q.shift) all_short = all_short && -s <= 22;
    shallow += (p.in_c == 8 || p.in_c == 16) && all_short;
  }
  EXPECT_GT(shallow, 100);
}
