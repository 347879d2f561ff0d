// Segment placement check (see image_fit.hpp).
#include "image_fit.hpp"

#include <fmt/format.h>

#include "mcuprof/sim/error.hpp"

namespace mcuprof::sim {
namespace {

std::string describe(const Segment& seg) {
  return seg.name.empty() ? std::string("added segment") : seg.name;
}

// The range [start, start + bytes) against the memory holding `start`.
void check_range(const ElfImage& image, const targets::Target& target, const Segment& seg,
                 uint32_t start, uint64_t bytes, std::string_view what) {
  if (bytes == 0) return;
  const targets::Memory* m = target.memory_at(start);
  if (m == nullptr)
    throw SimError(SimError::Kind::ImageDoesNotFit,
                   fmt::format("{}: {} {} at 0x{:08x} ({} bytes) is outside every memory of {} — "
                               "was it linked for another board?",
                               image.origin(), describe(seg), what, start, bytes, target.name));
  if (uint64_t{start} + bytes > m->end())
    throw SimError(
        SimError::Kind::ImageDoesNotFit,
        fmt::format("{}: {} {} at 0x{:08x} ({} bytes) does not fit {}'s {} (0x{:08x}, {} bytes): "
                    "{} bytes over",
                    image.origin(), describe(seg), what, start, bytes, target.name, m->name,
                    m->base, m->size, uint64_t{start} + bytes - m->end()));
}

}  // namespace

void check_image_fits(const ElfImage& image, const targets::Target& target) {
  for (const auto& seg : image.segments()) {
    check_range(image, target, seg, seg.load_address, seg.bytes.size(), "file bytes");
    // At run time: initialised bytes and zero-fill together, at the run address.
    check_range(image, target, seg, seg.virtual_address, seg.memory_size, "in memory");
  }
}

}  // namespace mcuprof::sim
