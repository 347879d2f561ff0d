// Firmware started by its C library (tests/firmware/libc/): newlib's rdimon, in C and
// C++, returns its real exit status through the ":semihosting-features" file
// (SH_EXT_EXIT_EXTENDED) and writes stderr apart (SH_EXT_STDOUT_STDERR); picolibc's
// semihosting library (C) exits with it too (picolibc 1.8 writes stderr and stdout to
// one console handle whatever the features). A C++ image's static SRAM is what lies in the board's
// RAM — the sum of its RAM sections — whatever its segments' flags, and its global
// constructors ran.
#include <gtest/gtest.h>

#include <sstream>

#include "elf_patch_support.hpp"
#include "files.hpp"
#include "machine_test_support.hpp"
#include "process.hpp"

namespace mcuprof {
namespace {

struct Expect {
  const char* program;
  const char* out;  // text main prints on stdout
  const char* err;  // text printed on stderr, or nullptr
};

void expect_status_3_on_every_board(const Expect& e) {
  int boards = 0;
  for (const auto& target : test::catalogue().targets()) {
    const auto elf = test::test_firmware(target.name, e.program);
    if (!std::filesystem::exists(elf)) continue;
    ++boards;
    const auto r = test::run_process({test::mcuprof_binary().string(), "run", elf.string(),
                                      "--target", target.name, "--max-cycles", "20000000"});
    EXPECT_EQ(r.status, 3) << target.name << ": " << r.err;
    EXPECT_NE(r.err.find("exited with status 3"), std::string::npos) << target.name << r.err;
    EXPECT_NE(r.out.find(e.out), std::string::npos) << target.name << ": " << r.out;
    if (e.err != nullptr) {
      EXPECT_NE(r.err.find(e.err), std::string::npos) << target.name << ": " << r.err;
      EXPECT_EQ(r.out.find(e.err), std::string::npos) << target.name << ": stderr text on stdout";
    }
  }
  if (boards == 0) GTEST_SKIP() << e.program << " firmware not built";
  EXPECT_EQ(boards, static_cast<int>(test::catalogue().targets().size())) << e.program;
}

}  // namespace

TEST(LibcFirmware, NewlibRdimonCReportsTheExitStatusOfMain) {
  expect_status_3_on_every_board(
      {"newlib_exit", "newlib C: main returns 3\n", "newlib C: on stderr\n"});
}

TEST(LibcFirmware, NewlibRdimonCxxReportsTheExitStatusAndRunsConstructors) {
  // 2 constructors ran, the counter kept its value, the table 3*(0+...+255), .data intact.
  expect_status_3_on_every_board(
      {"newlib_ctors", "newlib C++: constructors run 2, counter 41, table sum 97920, data 4\n",
       nullptr});
}

TEST(LibcFirmware, PicolibcSemihostReportsTheExitStatusOfMain) {
  expect_status_3_on_every_board({"picolibc_exit", "picolibc C: main returns 3\n", nullptr});
}

namespace {

// Sum of the sizes of the allocated sections whose address lies in one of the board's
// RAM memories, from binutils' own reading of the section headers.
uint64_t ram_section_bytes(const std::filesystem::path& elf, const targets::Target& target) {
  const auto r = test::run_process({"/usr/bin/arm-none-eabi-size", "-A", elf.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  uint64_t bytes = 0;
  int sections = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string name;
    uint64_t size = 0;
    uint64_t address = 0;
    if (!(fields >> name >> size >> address) || name.empty() || name[0] != '.') continue;
    const auto* m = target.memory_at(static_cast<uint32_t>(address));
    if (m == nullptr || !m->writable() || size == 0) continue;
    bytes += size;
    ++sections;
  }
  EXPECT_GE(sections, 2) << r.out;  // .data and .bss at least
  return bytes;
}

uint64_t summary_static_bytes(const std::filesystem::path& elf, const std::string& board,
                              const test::ScratchDir& dir) {
  const auto summary = dir / "summary.json";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", elf.string(),
                                    "--target", board, "--summary", summary.string()});
  EXPECT_EQ(r.status, 3) << r.err;
  return test::read_json(summary).at("static_sram_bytes").get<uint64_t>();
}

}  // namespace

TEST(LibcFirmware, StaticSramOfCxxFirmwareIsWhatLiesInRam) {
  const std::string board = "stm32f412";
  REQUIRE_TEST_FIRMWARE(board, "newlib_ctors");
  const auto elf = test::test_firmware(board, "newlib_ctors");
  const auto& target = test::catalogue().find(board);
  const uint64_t expected = ram_section_bytes(elf, target);
  EXPECT_GE(expected, 1024u + 16u);  // the constructed table and the initialised array
  test::ScratchDir dir;
  EXPECT_EQ(summary_static_bytes(elf, board, dir), expected);

  // The generated linker script keeps the constructor table out of .rodata and its
  // flash segment read-only...
  auto bytes = test::read_bytes(elf);
  const auto headers = test::program_headers(bytes);
  int flash_segments = 0;
  for (const auto& p : headers) {
    if (p.type != test::kPtLoad || target.memory_at(p.vaddr) == nullptr ||
        target.memory_at(p.vaddr)->writable())
      continue;
    ++flash_segments;
    EXPECT_EQ(p.flags & test::kPfW, 0u) << "flash segment at 0x" << std::hex << p.vaddr;
  }
  EXPECT_EQ(flash_segments, 1);
  const auto sections = test::run_process({"/usr/bin/arm-none-eabi-readelf", "-SW", elf.string()});
  EXPECT_NE(sections.out.find(" .init_array "), std::string::npos) << sections.out;

  // ...but static SRAM does not depend on it: a flash segment marked writable (as other
  // linker scripts make it) is still not SRAM.
  for (const auto& p : headers)
    if (p.type == test::kPtLoad && !target.memory_at(p.vaddr)->writable())
      test::set_u32(bytes, p.at + test::kPhFlags, p.flags | test::kPfW);
  const auto writable = dir / "writable_flash.elf";
  test::write_bytes(writable, bytes);
  EXPECT_EQ(summary_static_bytes(writable, board, dir), expected);
}

}  // namespace mcuprof
