// The reference of MEAN (tflite_reference.hpp, ref::mean): TensorFlow Lite Micro's int8
// arithmetic, written plainly from its documented steps — resolve the axes (negative
// ones counted from the end, repeats ignored), sum each output's reduced inputs in int32,
// remove the zero point, rescale once with the count folded into the multiplier.
#include <algorithm>
#include <bit>
#include <stdexcept>

#include "tflite_reference.hpp"

namespace mcuprof::ref {

Bytes mean(const MeanSpec& spec, const Bytes& input) {
  const auto rank = static_cast<int32_t>(spec.dims.size());
  std::vector<bool> reduced(spec.dims.size(), false);
  for (int32_t a : spec.axes) {
    if (a < 0) a += rank;
    if (a < 0 || a >= rank) throw std::invalid_argument("mean: axis out of range");
    reduced[static_cast<size_t>(a)] = true;
  }
  int64_t count = 1, outputs = 1;
  for (int32_t k = 0; k < rank; ++k)
    (reduced[static_cast<size_t>(k)] ? count : outputs) *= spec.dims[static_cast<size_t>(k)];
  if (count == 0 || outputs == 0) return Bytes(static_cast<size_t>(outputs), 0);

  // Sums, walking the input in row-major order; the output index keeps the kept axes.
  std::vector<int32_t> sums(static_cast<size_t>(outputs), 0);
  std::vector<int32_t> at(spec.dims.size(), 0);
  for (std::size_t i = 0; i < input.size(); ++i) {
    int64_t o = 0;
    for (int32_t k = 0; k < rank; ++k)
      if (!reduced[static_cast<size_t>(k)])
        o = o * spec.dims[static_cast<size_t>(k)] + at[static_cast<size_t>(k)];
    auto& s = sums[static_cast<size_t>(o)];
    s = static_cast<int32_t>(static_cast<uint32_t>(s) + static_cast<uint32_t>(int32_t{input[i]}));
    for (int32_t k = rank; k-- > 0;) {
      if (++at[static_cast<size_t>(k)] < spec.dims[static_cast<size_t>(k)]) break;
      at[static_cast<size_t>(k)] = 0;
    }
  }

  // 1/count folded into the multiplier: m * 2^e / count with e = floor(log2(count)),
  // e <= 32 and shift - e >= -31.
  int e = 63 - std::countl_zero(static_cast<uint64_t>(count));
  e = std::min(e, 32);
  e = std::min(e, 31 + spec.shift);
  e = std::max(e, 0);  // shift < -31 never comes from QuantizeMultiplier
  const auto multiplier = static_cast<int32_t>((int64_t{spec.multiplier} << e) / count);
  const int shift = spec.shift - e;

  Bytes out(sums.size());
  for (std::size_t i = 0; i < sums.size(); ++i) {
    const auto centred =
        static_cast<int32_t>(int64_t{sums[i]} - int64_t{spec.input_zero_point} * count);
    const int64_t v = int64_t{multiply_by_quantized_multiplier(centred, multiplier, shift)} +
                      spec.output_zero_point;
    out[i] = static_cast<int8_t>(std::clamp<int64_t>(v, -128, 127));
  }
  return out;
}

Bytes mean_hw(const mcuprof_mean_params& p, const Bytes& input) {
  MeanSpec s;
  s.dims = {p.batches, p.in_h, p.in_w, p.channels};
  s.axes = {1, 2};
  s.input_zero_point = -p.input_offset, s.output_zero_point = p.output_offset;
  s.multiplier = p.multiplier, s.shift = p.shift;
  return mean(s, input);
}

}  // namespace mcuprof::ref
