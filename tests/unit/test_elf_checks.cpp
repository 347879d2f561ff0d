// Malformed and misplaced firmware: each refused with one line naming the problem —
// paths that are not regular files, big-endian/64-bit/foreign ELFs, truncated headers
// and segments, and segments (zero-fill included) that do not fit a memory of the
// board — through ElfImage/Machine and through `mcuprof run` (statuses 65/66).
// Every crafted file is made here from a real test firmware.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "elf_patch_support.hpp"
#include "files.hpp"
#include "machine_test_support.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/sim/error.hpp"
#include "process.hpp"

namespace mcuprof {
namespace {

using sim::SimError;

struct Refusal {
  SimError::Kind kind = SimError::Kind::Emulator;
  std::string message;
};

// Loads the file and, when it loads, places it on the board.
Refusal refusal(const std::filesystem::path& path, const std::string& board = "stm32f412") {
  try {
    const auto& target = test::catalogue().find(board);
    sim::Machine machine(target, sim::make_unit_cycle_model(target));
    machine.load(sim::ElfImage::load(path));
  } catch (const SimError& e) {
    return {e.kind(), e.what()};
  }
  ADD_FAILURE() << path << " was accepted";
  return {};
}

test::ProcessResult run_cli(const std::filesystem::path& path) {
  return test::run_process(
      {test::mcuprof_binary().string(), "run", path.string(), "--target", "stm32f412"});
}

// One line on stderr that contains `what`.
void expect_one_line(const test::ProcessResult& r, const std::string& what) {
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
}

// events.c: a program with a .bss (its 1 KiB arena).
std::vector<uint8_t> firmware_bytes() {
  return test::read_bytes(test::test_firmware("stm32f412", "events"));
}

const test::ProgramHeader& ram_segment(const std::vector<test::ProgramHeader>& headers) {
  for (const auto& p : headers)
    if (p.type == test::kPtLoad && p.vaddr >= 0x20000000u && p.vaddr < 0x40000000u) return p;
  throw std::runtime_error("no RAM segment");
}

}  // namespace

TEST(ElfChecks, PathsThatAreNotRegularFilesGetTheirOwnMessage) {
  test::ScratchDir dir;
  const auto fifo = dir / "pipe.elf";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  struct Case {
    std::filesystem::path path;
    const char* message;
  };
  const Case cases[] = {
      {dir.path(), "is a directory, not a firmware file"},
      {fifo, "is a FIFO (named pipe), not a firmware file"},
      {"/dev/null", "is a device, not a firmware file"},
      {dir / "missing.elf", "no such firmware file"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path.string());
    const auto r = refusal(c.path);
    EXPECT_EQ(r.kind, SimError::Kind::FileNotFound);
    EXPECT_EQ(r.message, c.path.string() + ": " + c.message);
    const auto cli = run_cli(c.path);  // must not block on the FIFO
    EXPECT_EQ(cli.status, profiler::exit_code::kNoInput);
    expect_one_line(cli, c.message);
  }
}

TEST(ElfChecks, ForeignAndMalformedElfsAreOneLineEach) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "events");
  const auto good = firmware_bytes();
  const auto headers = test::program_headers(good);
  test::ScratchDir dir;
  struct Case {
    const char* name;
    std::vector<uint8_t> bytes;
    SimError::Kind kind;
    const char* message;
  };
  std::vector<Case> cases;
  auto big = good;
  big[5] = 2;  // EI_DATA = ELFDATA2MSB
  cases.push_back({"big.elf", big, SimError::Kind::WrongArchitecture,
                   "big-endian ELF: Cortex-M firmware must be little-endian"});
  auto x86 = good;
  x86[18] = 62;  // e_machine = EM_X86_64
  cases.push_back({"x86.elf", x86, SimError::Kind::WrongArchitecture, "ELF for x86-64, not Arm"});
  cases.push_back({"short.elf", std::vector<uint8_t>(good.begin(), good.begin() + 40),
                   SimError::Kind::InvalidElf,
                   "truncated ELF: 40 bytes, shorter than the ELF header"});
  cases.push_back({"noheaders.elf", std::vector<uint8_t>(good.begin(), good.begin() + 60),
                   SimError::Kind::InvalidElf, "truncated ELF: its"});
  auto far = good;
  test::set_u32(far, test::kElfPhoff, 0x7FFFFFF0u);
  cases.push_back({"phoff.elf", far, SimError::Kind::InvalidElf, "program header"});
  const auto& ram = ram_segment(headers);
  auto cut = good;
  cut.resize(ram.offset + 2);  // the RAM segment's file bytes end past the file
  if (ram.filesz > 2)
    cases.push_back({"cut.elf", cut, SimError::Kind::InvalidElf, "truncated ELF: segment"});
  auto sizes = good;
  test::set_u32(sizes, ram.at + test::kPhFilesz, ram.memsz + 4);
  cases.push_back({"sizes.elf", sizes, SimError::Kind::InvalidElf, "in the file but only"});

  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto path = dir / c.name;
    test::write_bytes(path, c.bytes);
    const auto r = refusal(path);
    EXPECT_EQ(r.kind, c.kind);
    EXPECT_NE(r.message.find(c.message), std::string::npos) << r.message;
    EXPECT_EQ(r.message.find('\n'), std::string::npos) << r.message;
    const auto cli = run_cli(path);
    EXPECT_EQ(cli.status, profiler::exit_code::kDataError);
    expect_one_line(cli, c.message);
  }
  // The host's own binary: 64-bit.
  EXPECT_NE(refusal("/proc/self/exe").message.find("64-bit ELF: Cortex-M firmware is 32-bit"),
            std::string::npos);
}

TEST(ElfChecks, EverySegmentMustFitAMemoryOfTheBoardZeroFillIncluded) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "events");
  const auto good = firmware_bytes();
  const auto headers = test::program_headers(good);
  const auto& ram = ram_segment(headers);
  const auto index = static_cast<size_t>(&ram - headers.data());
  const auto& target = test::catalogue().find("stm32f412");
  const auto* memory = target.memory_at(ram.vaddr);
  ASSERT_NE(memory, nullptr);
  test::ScratchDir dir;

  // A 2 MiB .bss on a board with far less RAM: no file bytes, still refused.
  auto huge = good;
  test::set_u32(huge, ram.at + test::kPhMemsz, 2u << 20);
  const auto huge_path = dir / "huge_bss.elf";
  test::write_bytes(huge_path, huge);
  const auto r = refusal(huge_path);
  EXPECT_EQ(r.kind, SimError::Kind::ImageDoesNotFit);
  for (const std::string& part :
       {fmt::format("segment {}", index), fmt::format("0x{:08x}", ram.vaddr),
        std::string("2097152"), memory->name})
    EXPECT_NE(r.message.find(part), std::string::npos) << part << " in " << r.message;
  const auto cli = run_cli(huge_path);
  EXPECT_EQ(cli.status, profiler::exit_code::kDataError);
  expect_one_line(cli, "does not fit stm32f412's " + memory->name);

  // Zero-fill at an address no memory holds.
  auto nowhere = good;
  test::set_u32(nowhere, ram.at + test::kPhVaddr, 0x70000000u);
  const auto nowhere_path = dir / "nowhere.elf";
  test::write_bytes(nowhere_path, nowhere);
  const auto n = refusal(nowhere_path);
  EXPECT_EQ(n.kind, SimError::Kind::ImageDoesNotFit);
  EXPECT_NE(n.message.find("0x70000000"), std::string::npos) << n.message;
  EXPECT_NE(n.message.find("outside every memory"), std::string::npos) << n.message;

  // The unpatched firmware fits and runs.
  EXPECT_EQ(run_cli(test::test_firmware("stm32f412", "events")).status, 0);
}

}  // namespace mcuprof
