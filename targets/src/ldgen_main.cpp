// mcuprof-ldgen: writes a board's linker script and the CMake snippet the firmware
// build includes for it. Usage: mcuprof-ldgen TARGET.json OUTPUT_DIR
// Produces OUTPUT_DIR/<board>.ld and OUTPUT_DIR/<board>.cmake.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "mcuprof/targets/linker_script.hpp"

namespace {

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return out.good();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fmt::print(stderr, "usage: mcuprof-ldgen TARGET.json OUTPUT_DIR\n");
    return 64;
  }
  try {
    const auto target = mcuprof::targets::load_target_file(argv[1]);
    const std::filesystem::path dir = argv[2];
    std::filesystem::create_directories(dir);
    const auto ld = dir / (target.name + ".ld");
    if (!write_file(ld, mcuprof::targets::linker_script(target)) ||
        !write_file(dir / (target.name + ".cmake"),
                    mcuprof::targets::firmware_cmake(target, ld.string()))) {
      fmt::print(stderr, "mcuprof-ldgen: cannot write into {}\n", dir.string());
      return 73;
    }
    return 0;
  } catch (const mcuprof::targets::TargetError& e) {
    fmt::print(stderr, "mcuprof-ldgen: {}\n", e.what());
    return 65;
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "mcuprof-ldgen: {}\n", e.what());
    return 73;
  }
}
