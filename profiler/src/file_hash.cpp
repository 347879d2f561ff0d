// SHA-256 of a file with nettle.
#include "file_hash.hpp"

#include <fmt/format.h>
#include <nettle/sha2.h>

#include <array>
#include <fstream>
#include <stdexcept>

namespace mcuprof::profiler {
namespace {

std::string hex_digest(sha256_ctx& ctx) {
  std::array<uint8_t, SHA256_DIGEST_SIZE> digest;
  sha256_digest(&ctx, digest.size(), digest.data());
  std::string hex;
  for (uint8_t b : digest) hex += fmt::format("{:02x}", b);
  return hex;
}

}  // namespace

std::string sha256_text(std::string_view bytes) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()));
  return hex_digest(ctx);
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path.string()));
  sha256_ctx ctx;
  sha256_init(&ctx);
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto n = static_cast<size_t>(in.gcount());
    if (n > 0) sha256_update(&ctx, n, reinterpret_cast<const uint8_t*>(buffer.data()));
  }
  return hex_digest(ctx);
}

}  // namespace mcuprof::profiler
