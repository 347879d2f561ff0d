// ELF loading: segments and symbols of a real cross-built firmware (cross-checked
// with arm-none-eabi-nm), and the errors for files that are not Arm executables.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/sim/error.hpp"
#include "paths.hpp"
#include "process.hpp"

using mcuprof::sim::ElfImage;
using mcuprof::sim::SimError;

namespace {

SimError::Kind error_kind(const std::filesystem::path& p) {
  try {
    ElfImage::load(p);
  } catch (const SimError& e) {
    return e.kind();
  }
  ADD_FAILURE() << p << " loaded";
  return SimError::Kind::Emulator;
}

}  // namespace

TEST(ElfImage, LoadsSegmentsAndSymbolsOfTheDemo) {
  const auto path = mcuprof::test::firmware("stm32f412", "demo");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing " << path;
  const ElfImage image = ElfImage::load(path);
  ASSERT_FALSE(image.segments().empty());
  bool has_code = false;
  for (const auto& s : image.segments()) {
    EXPECT_TRUE(s.load_address >= 0x08000000u && s.load_address + s.bytes.size() <= 0x08100000u)
        << std::hex << s.load_address;
    has_code = has_code || s.executable;
  }
  EXPECT_TRUE(has_code);
  EXPECT_GE(image.entry(), 0x08000000u);

  // Independent check of the symbol table with binutils.
  const auto nm = mcuprof::test::run_process({"/usr/bin/arm-none-eabi-nm", path.string()});
  ASSERT_EQ(nm.status, 0) << nm.err;
  for (const std::string name : {"main", "Reset_Handler", "conv3x3"}) {
    const auto line_end = nm.out.find(" " + name + "\n");
    if (name == "conv3x3" && line_end == std::string::npos) continue;  // may be inlined
    ASSERT_NE(line_end, std::string::npos) << name;
    const auto line_start = nm.out.rfind('\n', line_end) + 1;
    const uint32_t nm_address =
        static_cast<uint32_t>(std::stoul(nm.out.substr(line_start, 8), nullptr, 16)) & ~1u;
    const auto address = image.symbol_address(name);
    ASSERT_TRUE(address.has_value()) << name;
    EXPECT_EQ(*address, nm_address) << name;
    const auto* inside = image.symbol_at(*address + 2);
    ASSERT_NE(inside, nullptr);
    EXPECT_EQ(inside->name, name);
  }
}

TEST(ElfImage, RejectsMissingNonElfAndForeignFiles) {
  mcuprof::test::ScratchDir dir;
  EXPECT_EQ(error_kind(dir / "missing.elf"), SimError::Kind::FileNotFound);

  std::ofstream(dir / "text.elf") << "this is not an ELF file\n";
  EXPECT_EQ(error_kind(dir / "text.elf"), SimError::Kind::InvalidElf);

  // The host's own test binary: an ELF, but x86-64.
  EXPECT_EQ(error_kind("/proc/self/exe"), SimError::Kind::WrongArchitecture);

  const auto demo = mcuprof::test::firmware("stm32f412", "demo");
  if (std::filesystem::exists(demo)) {
    std::ifstream in(demo, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir / "truncated.elf", std::ios::binary) << bytes.substr(0, 100);
    EXPECT_EQ(error_kind(dir / "truncated.elf"), SimError::Kind::InvalidElf);
  }
}
