// The board catalogue: parsing, validation errors that name the field, the memory
// map, and linker-script generation.
#include <gtest/gtest.h>

#include <fstream>

#include "mcuprof/targets/linker_script.hpp"
#include "mcuprof/targets/target.hpp"
#include "paths.hpp"

using namespace mcuprof::targets;

namespace {

const char* kMinimal = R"({
  "name": "t", "core": "cortex-m4", "fpu": true, "clock_hz": 1000000,
  "code_memory": "flash", "data_memory": "sram",
  "memories": [
    {"name": "flash", "kind": "flash", "base": "0x08000000", "size": "64KiB", "wait_states": 2},
    {"name": "sram", "kind": "sram", "base": "0x20000000", "size": 32768}
  ]
})";

std::string with(const std::string& from, const std::string& to) {
  std::string s = kMinimal;
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

void expect_error(const std::string& json, const std::string& needle) {
  try {
    parse_target(json, "test.json");
    FAIL() << "expected an error mentioning " << needle;
  } catch (const TargetError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("test.json"), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Targets, ParsesSizesAddressesAndMemoryMap) {
  const Target t = parse_target(kMinimal, "test.json");
  EXPECT_EQ(t.core, Core::CortexM4);
  EXPECT_TRUE(t.fpu);
  ASSERT_EQ(t.memories.size(), 2u);
  EXPECT_EQ(t.code().base, 0x08000000u);
  EXPECT_EQ(t.code().size, 64u * 1024);
  EXPECT_EQ(t.code().wait_states, 2u);
  EXPECT_FALSE(t.code().writable());
  EXPECT_EQ(t.data().size, 32768u);
  EXPECT_TRUE(t.data().writable());
  EXPECT_EQ(t.memory_at(0x08000000 + 64 * 1024 - 1), &t.code());
  EXPECT_EQ(t.memory_at(0x08000000 + 64 * 1024), nullptr);
  EXPECT_EQ(t.memory_at(0x20007FFF), &t.data());
  EXPECT_EQ(t.stack_bytes, 4096u);  // documented default
}

TEST(Targets, ErrorsNameTheField) {
  expect_error(with(R"("core": "cortex-m4")", R"("core": "cortex-m99")"), "field 'core'");
  expect_error(with(R"("clock_hz": 1000000)", R"("clock_hz": 0)"), "field 'clock_hz'");
  expect_error(with(R"("size": 32768)", R"("size": "lots")"), "field 'memories[1].size'");
  expect_error(with(R"("base": "0x20000000")", R"("base": "0x08008000")"), "overlaps");
  expect_error(with(R"("data_memory": "sram")", R"("data_memory": "flash")"),
               "field 'data_memory'");
  expect_error(with(R"("code_memory": "flash")", R"("code_memory": "rom")"), "field 'code_memory'");
  expect_error(with(R"("wait_states": 2)", R"("wait_states": 99)"), "memories[0].wait_states");
  expect_error(with(R"("core": "cortex-m4")", R"("core": "cortex-m0")"), "field 'fpu'");
  expect_error("{not json", "not valid JSON");
  expect_error(with(R"("name": "t", )", ""), "field 'name'");
}

TEST(Targets, CatalogueHasTheStm32f412AsSpecified) {
  const auto catalogue = Catalogue::from_directory(mcuprof::test::targets_dir());
  const Target& t = catalogue.find("stm32f412");
  EXPECT_EQ(t.core, Core::CortexM4);
  EXPECT_TRUE(t.fpu);
  EXPECT_EQ(t.clock_hz, 100'000'000u);
  EXPECT_EQ(t.code().base, 0x08000000u);
  EXPECT_EQ(t.code().size, 1024u * 1024);
  EXPECT_EQ(t.data().base, 0x20000000u);
  EXPECT_EQ(t.data().size, 256u * 1024);
}

TEST(Targets, UnknownTargetListsTheKnownOnes) {
  const auto catalogue = Catalogue::from_directory(mcuprof::test::targets_dir());
  try {
    catalogue.find("stm32f999");
    FAIL();
  } catch (const TargetError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("stm32f999"), std::string::npos);
    EXPECT_NE(msg.find("stm32f412"), std::string::npos);
  }
}

TEST(Targets, LinkerScriptPlacesMemoriesAndStack) {
  const Target t = parse_target(kMinimal, "test.json");
  const std::string ld = linker_script(t);
  EXPECT_NE(ld.find("CODE (rx)  : ORIGIN = 0x08000000, LENGTH = 0x10000"), std::string::npos) << ld;
  EXPECT_NE(ld.find("DATA (rwx) : ORIGIN = 0x20000000, LENGTH = 0x8000"), std::string::npos) << ld;
  EXPECT_NE(
      ld.find("__stack_bytes = DEFINED(__mcuprof_stack_bytes) ? __mcuprof_stack_bytes : 0x1000;"),
      std::string::npos);
  EXPECT_NE(ld.find("KEEP(*(.isr_vector))"), std::string::npos);
  EXPECT_EQ(gcc_cpu_flags(t), "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard");
}

TEST(Targets, ParsesFlashAcceleratorAndCaches) {
  const Target t = parse_target(kMinimal, "test.json");  // defaults
  EXPECT_EQ(t.flash_accelerator.kind, FlashAccelerator::Kind::None);
  EXPECT_FALSE(t.icache.present());

  std::string json = kMinimal;
  json.insert(json.rfind('}'), R"(, "flash_accelerator": {"kind": "stm32-art", "prefetch": true,
      "line_bytes": 16, "icache_lines": 64, "dcache_lines": 8},
    "icache": {"size": "4KiB", "line_bytes": 32, "ways": 2},
    "dcache": {"size": 4096, "line_bytes": 32, "ways": 4})");
  const Target c = parse_target(json, "test.json");
  EXPECT_EQ(c.flash_accelerator.kind, FlashAccelerator::Kind::StmArt);
  EXPECT_TRUE(c.flash_accelerator.prefetch);
  EXPECT_EQ(c.flash_accelerator.icache_lines, 64u);
  EXPECT_EQ(c.flash_accelerator.dcache_lines, 8u);
  EXPECT_EQ(c.icache.size, 4096u);
  EXPECT_EQ(c.icache.ways, 2u);
  EXPECT_EQ(c.dcache.ways, 4u);

  std::string bad = kMinimal;
  bad.insert(bad.rfind('}'), R"(, "icache": {"size": 3000})");
  expect_error(bad, "icache.size");
  bad = kMinimal;
  bad.insert(bad.rfind('}'), R"(, "flash_accelerator": {"kind": "magic"})");
  expect_error(bad, "flash_accelerator.kind");
}
