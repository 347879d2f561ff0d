// Plain reference of TFLite's int8 arithmetic; see tflite_reference.hpp.
#include "tflite_reference.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace mcuprof::ref {
namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

// Two's-complement wrap of a 64-bit value to 32 bits (TFLite's int32 accumulators).
int32_t wrap32(int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

int32_t clamp32(int64_t v, int64_t lo, int64_t hi) {
  return static_cast<int32_t>(std::min(std::max(v, lo), hi));
}

// gemmlowp's SaturatingRoundingMultiplyByPOT<e>: e > 0 saturating left shift,
// e < 0 rounding right shift.
int32_t multiply_by_pot(int32_t raw, int e) {
  if (e == 0) return raw;
  if (e < 0) return rounding_divide_by_pot(raw, -e);
  return clamp32(static_cast<int64_t>(raw) * (int64_t{1} << e), kMin, kMax);
}

// A gemmlowp-style fixed-point number with IntBits integer bits in an int32.
template <int IntBits>
struct Fx {
  int32_t raw;
  static Fx constant(double value) {
    return {static_cast<int32_t>(std::llround(value * std::ldexp(1.0, 31 - IntBits)))};
  }
  static Fx one() { return {IntBits == 0 ? kMax : int32_t{1} << (31 - IntBits)}; }
};

template <int A, int B>
Fx<A + B> operator*(Fx<A> a, Fx<B> b) {
  return {saturating_rounding_doubling_high_mul(a.raw, b.raw)};
}
template <int A>
Fx<A> operator+(Fx<A> a, Fx<A> b) {
  return {wrap32(int64_t{a.raw} + b.raw)};
}
template <int A>
Fx<A> operator-(Fx<A> a, Fx<A> b) {
  return {wrap32(int64_t{a.raw} - b.raw)};
}
template <int Dst, int Src>
Fx<Dst> rescale(Fx<Src> x) {
  return {multiply_by_pot(x.raw, Src - Dst)};
}

Fx<0> exp_on_interval_between_negative_one_quarter_and_0(Fx<0> a) {
  const auto constant_term = Fx<0>::constant(std::exp(-1.0 / 8.0));
  const auto one_third = Fx<0>::constant(1.0 / 3.0);
  const Fx<0> x = a + Fx<0>{1 << 28};  // a + 1/8
  const Fx<0> x2 = x * x;
  const Fx<0> x3 = x2 * x;
  const Fx<0> x4 = x2 * x2;
  const Fx<0> x4_over_4{multiply_by_pot(x4.raw, -2)};
  const Fx<0> poly{multiply_by_pot((((x4_over_4 + x3) * one_third) + x2).raw, -1)};
  return constant_term + constant_term * (x + poly);
}

int64_t offset4(const int32_t dims[4], int64_t a, int64_t b, int64_t c, int64_t d) {
  return ((a * dims[1] + b) * dims[2] + c) * dims[3] + d;
}

template <typename Params>
int32_t channel_multiplier(const Params& p, int32_t channel) {
  return p.multiplier[p.per_channel ? channel : 0];
}
template <typename Params>
int32_t channel_shift(const Params& p, int32_t channel) {
  return p.shift[p.per_channel ? channel : 0];
}

int8_t requantize_to_int8(int64_t acc, int32_t multiplier, int32_t shift, int32_t offset,
                          int32_t lo, int32_t hi) {
  const int32_t scaled = multiply_by_quantized_multiplier(wrap32(acc), multiplier, shift);
  return static_cast<int8_t>(clamp32(int64_t{scaled} + offset, lo, hi));
}

}  // namespace

int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == kMin && b == kMin) return kMax;
  const int64_t ab = int64_t{a} * int64_t{b};
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));  // C++ truncates
}

int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  if (exponent <= 0) return x;
  if (exponent > 62) return 0;
  // Exact: magnitude divided with round-half-up, sign restored (half away from zero).
  const int64_t magnitude = std::llabs(int64_t{x});
  const int64_t divisor = int64_t{1} << exponent;
  const int64_t q = (magnitude + divisor / 2) / divisor;
  return static_cast<int32_t>(x < 0 ? -q : q);
}

int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t shifted = wrap32(int64_t{x} * (int64_t{1} << left));
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}

int32_t exp_on_negative_values(int32_t q5_26) {
  const Fx<5> a{q5_26};
  const Fx<5> one_quarter{1 << 24};
  const Fx<5> a_mod_quarter_minus_one_quarter = Fx<5>{a.raw & ((1 << 24) - 1)} - one_quarter;
  Fx<0> result = exp_on_interval_between_negative_one_quarter_and_0(
      rescale<0>(a_mod_quarter_minus_one_quarter));
  const int32_t remainder = (a_mod_quarter_minus_one_quarter - a).raw;
  for (int exponent = -2; exponent <= 4; ++exponent) {
    if ((remainder & (int32_t{1} << (26 + exponent))) != 0) {
      result = result * Fx<0>::constant(std::exp(-std::ldexp(1.0, exponent)));
    }
  }
  if (a.raw == 0) result = Fx<0>::one();
  return result.raw;
}

int32_t one_over_one_plus_x(int32_t q0_31) {
  const int64_t sum = int64_t{q0_31} + kMax;  // RoundingHalfSum(a, One)
  const Fx<0> half_denominator{static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2)};
  const auto c48_over_17 = Fx<2>::constant(48.0 / 17.0);
  const auto c_neg32_over_17 = Fx<2>::constant(-32.0 / 17.0);
  Fx<2> x = c48_over_17 + half_denominator * c_neg32_over_17;
  for (int i = 0; i < 3; ++i) {
    const Fx<2> half_denominator_times_x = half_denominator * x;
    const Fx<2> one_minus = Fx<2>::one() - half_denominator_times_x;
    x = x + rescale<2>(x * one_minus);
  }
  return rescale<0>(Fx<1>{x.raw}).raw;
}

void quantize_multiplier(double real, int32_t* multiplier, int32_t* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  int exponent = 0;
  const double q = std::frexp(real, &exponent);
  auto fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (fixed == (int64_t{1} << 31)) {
    fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    fixed = 0;
  }
  if (exponent > 30) {
    exponent = 30;
    fixed = (int64_t{1} << 31) - 1;
  }
  *multiplier = static_cast<int32_t>(fixed);
  *shift = exponent;
}

void softmax_params(double beta, double input_scale, int32_t* multiplier, int32_t* left_shift,
                    int32_t* diff_min) {
  constexpr int kIntegerBits = 5;
  const double real =
      std::min(beta * input_scale * static_cast<double>(int64_t{1} << (31 - kIntegerBits)),
               static_cast<double>((int64_t{1} << 31) - 1));
  quantize_multiplier(real, multiplier, left_shift);
  const double max_input_rescaled = 1.0 * ((1 << kIntegerBits) - 1) *
                                    static_cast<double>(int64_t{1} << (31 - kIntegerBits)) /
                                    static_cast<double>(int64_t{1} << *left_shift);
  *diff_min = -static_cast<int32_t>(std::floor(max_input_rescaled));
}

Bytes conv2d(const mcuprof_conv_params& p, const Bytes& input, const Bytes& filter,
             const std::vector<int32_t>& bias) {
  Bytes out(static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.out_c);
  const int32_t in_dims[4] = {p.batches, p.in_h, p.in_w, p.in_c};
  const int32_t f_dims[4] = {p.out_c, p.filter_h, p.filter_w, p.in_c};
  const int32_t o_dims[4] = {p.batches, p.out_h, p.out_w, p.out_c};
  for (int b = 0; b < p.batches; ++b)
    for (int oy = 0; oy < p.out_h; ++oy)
      for (int ox = 0; ox < p.out_w; ++ox)
        for (int oc = 0; oc < p.out_c; ++oc) {
          int64_t acc = bias.empty() ? 0 : bias[oc];
          for (int ky = 0; ky < p.filter_h; ++ky)
            for (int kx = 0; kx < p.filter_w; ++kx) {
              const int iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
              const int ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
              if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
              for (int ic = 0; ic < p.in_c; ++ic) {
                acc += (int64_t{input[offset4(in_dims, b, iy, ix, ic)]} + p.input_offset) *
                       filter[offset4(f_dims, oc, ky, kx, ic)];
              }
            }
          out[offset4(o_dims, b, oy, ox, oc)] =
              requantize_to_int8(acc, channel_multiplier(p, oc), channel_shift(p, oc),
                                 p.output_offset, p.act_min, p.act_max);
        }
  return out;
}

Bytes depthwise_conv2d(const mcuprof_depthwise_params& p, const Bytes& input, const Bytes& filter,
                       const std::vector<int32_t>& bias) {
  const int32_t out_c = p.in_c * p.depth_multiplier;
  Bytes out(static_cast<size_t>(p.batches) * p.out_h * p.out_w * out_c);
  const int32_t in_dims[4] = {p.batches, p.in_h, p.in_w, p.in_c};
  const int32_t f_dims[4] = {1, p.filter_h, p.filter_w, out_c};
  const int32_t o_dims[4] = {p.batches, p.out_h, p.out_w, out_c};
  for (int b = 0; b < p.batches; ++b)
    for (int oy = 0; oy < p.out_h; ++oy)
      for (int ox = 0; ox < p.out_w; ++ox)
        for (int ic = 0; ic < p.in_c; ++ic)
          for (int m = 0; m < p.depth_multiplier; ++m) {
            const int oc = ic * p.depth_multiplier + m;
            int64_t acc = bias.empty() ? 0 : bias[oc];
            for (int ky = 0; ky < p.filter_h; ++ky)
              for (int kx = 0; kx < p.filter_w; ++kx) {
                const int iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
                const int ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
                if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
                acc += (int64_t{input[offset4(in_dims, b, iy, ix, ic)]} + p.input_offset) *
                       filter[offset4(f_dims, 0, ky, kx, oc)];
              }
            out[offset4(o_dims, b, oy, ox, oc)] =
                requantize_to_int8(acc, channel_multiplier(p, oc), channel_shift(p, oc),
                                   p.output_offset, p.act_min, p.act_max);
          }
  return out;
}

Bytes fully_connected(const mcuprof_fc_params& p, const Bytes& input, const Bytes& filter,
                      const std::vector<int32_t>& bias) {
  Bytes out(static_cast<size_t>(p.batches) * p.out_depth);
  for (int b = 0; b < p.batches; ++b)
    for (int o = 0; o < p.out_depth; ++o) {
      int64_t acc = bias.empty() ? 0 : bias[o];
      for (int i = 0; i < p.in_depth; ++i) {
        acc += (int64_t{input[static_cast<size_t>(b) * p.in_depth + i]} + p.input_offset) *
               filter[static_cast<size_t>(o) * p.in_depth + i];
      }
      out[static_cast<size_t>(b) * p.out_depth + o] =
          requantize_to_int8(acc, channel_multiplier(p, o), channel_shift(p, o), p.output_offset,
                             p.act_min, p.act_max);
    }
  return out;
}

namespace {
// Index into a possibly broadcast input for output coordinates c.
int64_t broadcast_index(const int32_t in[4], const std::array<int, 4>& c) {
  int64_t index = 0;
  for (int i = 0; i < 4; ++i) index = index * in[i] + (in[i] == 1 ? 0 : c[i]);
  return index;
}

template <typename F>
Bytes for_each_output(const mcuprof_broadcast_shapes& s, F&& f) {
  Bytes out(static_cast<size_t>(s.out[0]) * s.out[1] * s.out[2] * s.out[3]);
  size_t k = 0;
  std::array<int, 4> c{};
  for (c[0] = 0; c[0] < s.out[0]; ++c[0])
    for (c[1] = 0; c[1] < s.out[1]; ++c[1])
      for (c[2] = 0; c[2] < s.out[2]; ++c[2])
        for (c[3] = 0; c[3] < s.out[3]; ++c[3]) {
          out[k++] = f(broadcast_index(s.in1, c), broadcast_index(s.in2, c));
        }
  return out;
}
}  // namespace

Bytes add(const mcuprof_add_params& p, const Bytes& in1, const Bytes& in2) {
  return for_each_output(p.shapes, [&](int64_t i1, int64_t i2) {
    const int32_t a = wrap32((int64_t{in1[i1]} + p.in1_offset) * (int64_t{1} << p.left_shift));
    const int32_t b = wrap32((int64_t{in2[i2]} + p.in2_offset) * (int64_t{1} << p.left_shift));
    const int32_t sa = multiply_by_quantized_multiplier(a, p.in1_multiplier, p.in1_shift);
    const int32_t sb = multiply_by_quantized_multiplier(b, p.in2_multiplier, p.in2_shift);
    const int32_t raw =
        multiply_by_quantized_multiplier(wrap32(int64_t{sa} + sb), p.out_multiplier, p.out_shift);
    return static_cast<int8_t>(clamp32(int64_t{raw} + p.output_offset, p.act_min, p.act_max));
  });
}

Bytes mul(const mcuprof_mul_params& p, const Bytes& in1, const Bytes& in2) {
  return for_each_output(p.shapes, [&](int64_t i1, int64_t i2) {
    const int64_t product = (int64_t{in1[i1]} + p.in1_offset) * (int64_t{in2[i2]} + p.in2_offset);
    const int32_t raw =
        multiply_by_quantized_multiplier(wrap32(product), p.out_multiplier, p.out_shift);
    return static_cast<int8_t>(clamp32(int64_t{raw} + p.output_offset, p.act_min, p.act_max));
  });
}

namespace {
// TFLite's "round to the closest integer" division of the pooled sums.
int32_t divide_rounded(int32_t acc, int32_t count) {
  return acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
}

template <typename Reduce>
Bytes pool(const mcuprof_pool_params& p, const Bytes& input, Reduce&& reduce) {
  Bytes out(static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.channels);
  const int32_t in_dims[4] = {p.batches, p.in_h, p.in_w, p.channels};
  const int32_t o_dims[4] = {p.batches, p.out_h, p.out_w, p.channels};
  for (int b = 0; b < p.batches; ++b)
    for (int oy = 0; oy < p.out_h; ++oy)
      for (int ox = 0; ox < p.out_w; ++ox)
        for (int c = 0; c < p.channels; ++c) {
          std::vector<int32_t> window;
          for (int ky = 0; ky < p.filter_h; ++ky)
            for (int kx = 0; kx < p.filter_w; ++kx) {
              const int iy = oy * p.stride_h - p.pad_top + ky;
              const int ix = ox * p.stride_w - p.pad_left + kx;
              if (iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w) {
                window.push_back(input[offset4(in_dims, b, iy, ix, c)]);
              }
            }
          out[offset4(o_dims, b, oy, ox, c)] = static_cast<int8_t>(reduce(window));
        }
  return out;
}
}  // namespace

Bytes average_pool(const mcuprof_pool_params& p, const Bytes& input) {
  return pool(p, input, [&](const std::vector<int32_t>& w) -> int32_t {
    if (w.empty()) return 0;
    int32_t sum = 0;
    for (int32_t v : w) sum += v;
    return std::clamp(divide_rounded(sum, static_cast<int32_t>(w.size())), p.act_min, p.act_max);
  });
}

Bytes max_pool(const mcuprof_pool_params& p, const Bytes& input) {
  return pool(p, input, [&](const std::vector<int32_t>& w) -> int32_t {
    int32_t m = -128;
    for (int32_t v : w) m = std::max(m, v);
    return std::clamp(m, p.act_min, p.act_max);
  });
}

Bytes softmax(const mcuprof_softmax_params& p, const Bytes& input) {
  Bytes out(input.size());
  for (int row = 0; row < p.rows; ++row) {
    const size_t base = static_cast<size_t>(row) * p.depth;
    int32_t max_in_row = -128;
    for (int c = 0; c < p.depth; ++c) max_in_row = std::max<int32_t>(max_in_row, input[base + c]);
    auto exp_of = [&](int32_t diff) {
      const int32_t shifted = wrap32(int64_t{diff} * (int64_t{1} << p.input_left_shift));
      return Fx<0>{exp_on_negative_values(
          saturating_rounding_doubling_high_mul(shifted, p.input_multiplier))};
    };
    Fx<12> sum_of_exps{0};
    for (int c = 0; c < p.depth; ++c) {
      const int32_t diff = input[base + c] - max_in_row;
      if (diff >= p.diff_min) sum_of_exps = sum_of_exps + rescale<12>(exp_of(diff));
    }
    // GetReciprocal(sum, 12)
    int headroom_plus_one = 0;
    while (headroom_plus_one < 32 &&
           (static_cast<uint32_t>(sum_of_exps.raw) & (0x80000000u >> headroom_plus_one)) == 0) {
      ++headroom_plus_one;
    }
    const int num_bits_over_unit = 12 - headroom_plus_one;
    const uint64_t shifted_sum =
        (uint64_t{static_cast<uint32_t>(sum_of_exps.raw)} << headroom_plus_one) & 0xFFFFFFFFu;
    const auto shifted_sum_minus_one =
        static_cast<int32_t>(static_cast<uint32_t>(shifted_sum - 0x80000000u));
    const Fx<0> shifted_scale{one_over_one_plus_x(shifted_sum_minus_one)};
    for (int c = 0; c < p.depth; ++c) {
      const int32_t diff = input[base + c] - max_in_row;
      if (diff >= p.diff_min) {
        const int32_t unsat =
            rounding_divide_by_pot((shifted_scale * exp_of(diff)).raw, num_bits_over_unit + 31 - 8);
        out[base + c] = static_cast<int8_t>(clamp32(int64_t{unsat} - 128, -128, 127));
      } else {
        out[base + c] = -128;
      }
    }
  }
  return out;
}

Bytes quantize(const std::vector<float>& input, float scale, int32_t zero_point) {
  Bytes out(input.size());
  for (size_t i = 0; i < input.size(); ++i) {
    const float q = input[i] / scale;
    const double rounded =
        std::isnan(q) ? 0.0 : std::clamp(static_cast<double>(std::round(q)), -1e6, 1e6);
    out[i] = static_cast<int8_t>(clamp32(static_cast<int64_t>(rounded) + zero_point, -128, 127));
  }
  return out;
}

std::vector<float> dequantize(const Bytes& input, float scale, int32_t zero_point) {
  std::vector<float> out(input.size());
  const double s = scale;
  for (size_t i = 0; i < input.size(); ++i)
    out[i] = static_cast<float>(s * (input[i] - zero_point));
  return out;
}

Bytes pad(const mcuprof_pad_params& p, const Bytes& input) {
  int32_t o_dims[4];
  for (int i = 0; i < 4; ++i) o_dims[i] = p.before[i] + p.in[i] + p.after[i];
  Bytes out(static_cast<size_t>(o_dims[0]) * o_dims[1] * o_dims[2] * o_dims[3], p.pad_value);
  for (int a = 0; a < p.in[0]; ++a)
    for (int b = 0; b < p.in[1]; ++b)
      for (int c = 0; c < p.in[2]; ++c)
        for (int d = 0; d < p.in[3]; ++d) {
          out[offset4(o_dims, a + p.before[0], b + p.before[1], c + p.before[2], d + p.before[3])] =
              input[offset4(p.in, a, b, c, d)];
        }
  return out;
}

Bytes transpose(const mcuprof_transpose_params& p, const Bytes& input) {
  int32_t o_dims[4];
  for (int i = 0; i < 4; ++i) o_dims[i] = p.in[p.perm[i]];
  Bytes out(input.size());
  std::array<int, 4> o{};
  for (o[0] = 0; o[0] < o_dims[0]; ++o[0])
    for (o[1] = 0; o[1] < o_dims[1]; ++o[1])
      for (o[2] = 0; o[2] < o_dims[2]; ++o[2])
        for (o[3] = 0; o[3] < o_dims[3]; ++o[3]) {
          std::array<int, 4> i{};
          for (int k = 0; k < 4; ++k) i[p.perm[k]] = o[k];
          out[offset4(o_dims, o[0], o[1], o[2], o[3])] =
              input[offset4(p.in, i[0], i[1], i[2], i[3])];
        }
  return out;
}

namespace {
int32_t nearest_neighbor(int value, int32_t in_size, int32_t out_size, bool align_corners,
                         bool half_pixel_centers) {
  const float scale = (align_corners && out_size > 1)
                          ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
                          : static_cast<float>(in_size) / static_cast<float>(out_size);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float position = (static_cast<float>(value) + offset) * scale;
  int32_t result = std::min(align_corners ? static_cast<int32_t>(std::round(position))
                                          : static_cast<int32_t>(std::floor(position)),
                            in_size - 1);
  if (half_pixel_centers) result = std::max(0, result);
  return result;
}
}  // namespace

Bytes resize_nearest(const mcuprof_resize_params& p, const Bytes& input) {
  const int32_t in_dims[4] = {p.batches, p.in_h, p.in_w, p.channels};
  const int32_t o_dims[4] = {p.batches, p.out_h, p.out_w, p.channels};
  Bytes out(static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.channels);
  for (int b = 0; b < p.batches; ++b)
    for (int y = 0; y < p.out_h; ++y)
      for (int x = 0; x < p.out_w; ++x)
        for (int c = 0; c < p.channels; ++c) {
          const int iy =
              nearest_neighbor(y, p.in_h, p.out_h, p.align_corners != 0, p.half_pixel_centers != 0);
          const int ix =
              nearest_neighbor(x, p.in_w, p.out_w, p.align_corners != 0, p.half_pixel_centers != 0);
          out[offset4(o_dims, b, y, x, c)] = input[offset4(in_dims, b, iy, ix, c)];
        }
  return out;
}

Bytes concat(const mcuprof_concat_params& p, const std::vector<Bytes>& inputs) {
  int32_t total_axis = 0;
  for (int i = 0; i < p.count; ++i) total_axis += p.axis_sizes[i];
  Bytes out(static_cast<size_t>(p.outer) * total_axis * p.inner);
  for (int o = 0; o < p.outer; ++o) {
    int32_t axis_base = 0;
    for (int i = 0; i < p.count; ++i) {
      for (int a = 0; a < p.axis_sizes[i]; ++a)
        for (int k = 0; k < p.inner; ++k) {
          out[(static_cast<size_t>(o) * total_axis + axis_base + a) * p.inner + k] =
              inputs[i][(static_cast<size_t>(o) * p.axis_sizes[i] + a) * p.inner + k];
        }
      axis_base += p.axis_sizes[i];
    }
  }
  return out;
}

}  // namespace mcuprof::ref
