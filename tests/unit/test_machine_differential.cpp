// Differential check (after Dynarmic's fuzzing against Unicorn): random short Thumb
// sequences run on our machine and on a plain Unicorn instance of the same core; the
// registers (stored to memory by the sequence) and the scratch memory must agree.
// A second variant lets SysTick interrupt the sequence every few dozen cycles with an
// empty handler: exception entry and return must be invisible to the program.
#include <gtest/gtest.h>
#include <unicorn/unicorn.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "machine_test_support.hpp"
#include "mcuprof/sim/elf_image.hpp"

using namespace mcuprof;

namespace {

constexpr uint32_t kScratchOffset = 0x800;  // from the start of data memory
constexpr uint32_t kScratchBytes = 256;

class Program {
 public:
  explicit Program(uint32_t code_base) : base_(code_base) {}
  void op(uint16_t h) { code_.push_back(h); }
  uint32_t here() const { return base_ + 0x40 + 2 * static_cast<uint32_t>(code_.size()); }
  // LDR Rt, [PC, #x] to a literal appended after the code; patched in finish().
  void load_literal(unsigned rt, uint32_t value) {
    literals_.push_back({code_.size(), rt, value});
    code_.push_back(0);
  }
  // Image: vector table, code at +0x40, literal pool after it.
  std::vector<uint8_t> finish(uint32_t sp, uint32_t systick_handler) {
    if (code_.size() % 2 != 0) code_.push_back(0xBF00);  // nop: keep the pool aligned
    const uint32_t pool = base_ + 0x40 + 2 * static_cast<uint32_t>(code_.size());
    std::vector<uint32_t> pool_words;
    for (const auto& l : literals_) {
      const uint32_t pc = base_ + 0x40 + 2 * static_cast<uint32_t>(l.index);
      const uint32_t literal = pool + 4 * static_cast<uint32_t>(pool_words.size());
      const uint32_t imm = (literal - ((pc + 4) & ~3u)) / 4;
      code_[l.index] = static_cast<uint16_t>(0x4800 | (l.rt << 8) | imm);
      pool_words.push_back(l.value);
    }
    std::vector<uint8_t> image(0x40, 0);
    const uint32_t vectors[16] = {sp, (base_ + 0x40) | 1u, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                  0,  systick_handler | 1u};
    std::memcpy(image.data(), vectors, sizeof vectors);
    for (uint16_t h : code_) {
      image.push_back(static_cast<uint8_t>(h));
      image.push_back(static_cast<uint8_t>(h >> 8));
    }
    for (uint32_t w : pool_words)
      for (int i = 0; i < 4; ++i) image.push_back(static_cast<uint8_t>(w >> (8 * i)));
    return image;
  }

 private:
  struct Literal {
    size_t index;
    unsigned rt;
    uint32_t value;
  };
  uint32_t base_;
  std::vector<uint16_t> code_;
  std::vector<Literal> literals_;
};

// A minimal ELF32 executable with one loadable segment at `address`.
std::vector<uint8_t> make_elf(uint32_t address, const std::vector<uint8_t>& bytes) {
  constexpr size_t kHeaders = 52 + 32;
  std::vector<uint8_t> elf(kHeaders + bytes.size(), 0);
  const auto put16 = [&](size_t at, uint16_t v) { std::memcpy(&elf[at], &v, 2); };
  const auto put32 = [&](size_t at, uint32_t v) { std::memcpy(&elf[at], &v, 4); };
  const uint8_t ident[] = {0x7F, 'E', 'L', 'F', 1, 1, 1};
  std::memcpy(elf.data(), ident, sizeof ident);
  put16(16, 2);   // ET_EXEC
  put16(18, 40);  // EM_ARM
  put32(20, 1);
  put32(24, address + 0x41);
  put32(28, 52);          // program headers
  put32(36, 0x05000000);  // EABI5
  put16(40, 52);
  put16(42, 32);
  put16(44, 1);
  put16(46, 40);
  put32(52 + 0, 1);  // PT_LOAD
  put32(52 + 4, 84);
  put32(52 + 8, address);
  put32(52 + 12, address);
  put32(52 + 16, static_cast<uint32_t>(bytes.size()));
  put32(52 + 20, static_cast<uint32_t>(bytes.size()));
  put32(52 + 24, 5);  // R+X
  put32(52 + 28, 4);
  std::copy(bytes.begin(), bytes.end(), elf.begin() + kHeaders);
  return elf;
}

uint16_t random_instruction(std::mt19937& rng) {
  const auto r = [&](unsigned n) { return static_cast<uint16_t>(rng() % n); };
  const uint16_t d = r(7);
  const uint16_t n = r(7);
  const uint16_t m = r(7);
  switch (r(12)) {
    case 0:
      return static_cast<uint16_t>(0x2000 | (d << 8) | r(256));  // movs
    case 1:
      return static_cast<uint16_t>((r(2) ? 0x3000 : 0x3800) | (d << 8) | r(256));  // adds/subs
    case 2:
      return static_cast<uint16_t>((r(2) ? 0x1800 : 0x1A00) | (m << 6) | (n << 3) | d);
    case 3:
      return static_cast<uint16_t>((r(2) ? 0x1C00 : 0x1E00) | (r(8) << 6) | (n << 3) | d);
    case 4: {
      const uint16_t ops[] = {0x0000, 0x0800, 0x1000};  // lsls, lsrs, asrs #imm
      return static_cast<uint16_t>(ops[r(3)] | (r(32) << 6) | (m << 3) | d);
    }
    case 5:
    case 6:
      return static_cast<uint16_t>(0x4000 | (r(16) << 6) | (m << 3) | d);  // data processing
    case 7:  // str/ldr word, [r7, #imm]
      return static_cast<uint16_t>((r(2) ? 0x6000 : 0x6800) | ((8 + r(24)) << 6) | (7 << 3) | d);
    case 8:  // strb/ldrb
      return static_cast<uint16_t>((r(2) ? 0x7000 : 0x7800) | (r(32) << 6) | (7 << 3) | d);
    case 9:  // strh/ldrh
      return static_cast<uint16_t>((r(2) ? 0x8000 : 0x8800) | (r(32) << 6) | (7 << 3) | d);
    case 10: {
      const uint16_t ops[] = {0xBA00, 0xBA40, 0xBAC0, 0xB200, 0xB240, 0xB280, 0xB2C0};
      return static_cast<uint16_t>(ops[r(7)] | (m << 3) | d);  // rev*, sxt*, uxt*
    }
    default:  // conditional branch over the next instruction
      return static_cast<uint16_t>(0xD000 | (r(14) << 8));
  }
}

Program build(const targets::Target& t, std::mt19937& rng, bool with_systick) {
  const uint32_t scratch = t.data().base + kScratchOffset;
  Program p(t.code().base);
  if (with_systick) {
    p.load_literal(0, 0xE000E010u);
    p.op(0x2119);  // movs r1, #25 (RVR): a tick every 26 cycles
    p.op(0x6041);  // str r1, [r0, #4]
    p.op(0x2100);  // movs r1, #0
    p.op(0x6081);  // str r1, [r0, #8] (CVR)
    p.op(0x2107);  // movs r1, #7
    p.op(0x6001);  // str r1, [r0, #0] (CSR)
  }
  p.load_literal(7, scratch);
  for (uint16_t rt = 0; rt < 7; ++rt)
    p.op(static_cast<uint16_t>(0x6800 | (rt << 6) | (7 << 3) | rt));
  for (int i = 0; i < 48; ++i) {
    const uint16_t insn = random_instruction(rng);
    p.op(insn);
    if ((insn & 0xF000) == 0xD000) {  // the instruction the branch may skip
      uint16_t next = random_instruction(rng);
      while ((next & 0xF000) == 0xD000) next = random_instruction(rng);
      p.op(next);
    }
  }
  for (uint16_t rt = 0; rt < 7; ++rt)
    p.op(static_cast<uint16_t>(0x6000 | (rt << 6) | (7 << 3) | rt));
  p.op(0xF3EF);  // mrs r0, apsr
  p.op(0x8000);
  p.op(0x61F8);  // str r0, [r7, #28]
  if (with_systick) {
    p.load_literal(0, 0xE000E010u);
    p.op(0x2100);  // movs r1, #0
    p.op(0x6001);  // str r1, [r0] (SysTick off)
  }
  p.op(0x2018);  // movs r0, #0x18 (SYS_EXIT)
  p.load_literal(1, 0x20026u);
  p.op(0xBEAB);  // bkpt #0xab
  // SysTick handler: clobbers everything the frame saves (r0-r3, r12, flags), so a
  // wrong unstacking shows up in the stored registers.
  for (int h : {0x2000, 0x2100, 0x2200, 0x2300, 0x4684, 0x2801, 0x4770})
    p.op(static_cast<uint16_t>(h));
  return p;
}

// Scratch memory after running `image` on a plain Unicorn of the same core, without
// any of the machine's devices or hooks.
std::vector<uint8_t> run_plain_unicorn(const targets::Target& t, const std::vector<uint8_t>& image,
                                       int model) {
  uc_engine* uc = nullptr;
  EXPECT_EQ(uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &uc), UC_ERR_OK);
  uc_ctl_set_cpu_model(uc, model);
  uc_mem_map(uc, t.code().base, t.code().size, UC_PROT_READ | UC_PROT_EXEC);
  uc_mem_map(uc, t.data().base, t.data().size, UC_PROT_ALL);
  uc_mem_map(uc, 0xE000E000u, 0x1000, UC_PROT_ALL);  // SysTick writes land here, inert
  uc_mem_write(uc, t.code().base, image.data(), image.size());
  const uint32_t scratch = t.data().base + kScratchOffset;
  uint32_t sp = 0;
  uint32_t entry = 0;
  std::memcpy(&sp, image.data(), 4);
  std::memcpy(&entry, image.data() + 4, 4);
  uc_reg_write(uc, UC_ARM_REG_SP, &sp);
  // Stop at the BKPT: find it in the image.
  uint32_t stop_at = 0;
  for (size_t i = 0x40; i + 1 < image.size(); i += 2)
    if (image[i] == 0xAB && image[i + 1] == 0xBE)
      stop_at = t.code().base + static_cast<uint32_t>(i);
  const uc_err err = uc_emu_start(uc, entry, stop_at, 0, 100000);
  EXPECT_EQ(err, UC_ERR_OK) << uc_strerror(err);
  std::vector<uint8_t> bytes(kScratchBytes);
  uc_mem_read(uc, scratch, bytes.data(), kScratchBytes);
  uc_close(uc);
  return bytes;
}

void differential(const std::string& board, int model, bool with_systick, uint32_t seed) {
  const auto& target = test::catalogue().find(board);
  std::mt19937 rng(seed);
  int interrupted = 0;
  for (int round = 0; round < 60; ++round) {
    SCOPED_TRACE(::testing::Message() << board << " round " << round);
    const Program program = build(target, rng, with_systick);
    // Lay the image out once to find the handler (right after the BKPT), then
    // again with the SysTick vector pointing at it.
    Program first = program;
    auto image = first.finish(target.data().base + 0x1000, 0);
    uint32_t handler = 0;
    for (size_t i = 0x40; i + 3 < image.size(); i += 2)
      if (image[i] == 0xAB && image[i + 1] == 0xBE)
        handler = target.code().base + static_cast<uint32_t>(i + 2);
    Program second = program;
    image = second.finish(target.data().base + 0x1000, handler);

    sim::Machine machine(target, sim::make_unit_cycle_model(target));
    machine.load(sim::ElfImage::from_bytes(make_elf(target.code().base, image), "random"));
    sim::RunOptions options;
    options.max_cycles = 1'000'000;
    const auto result = machine.run(options);
    ASSERT_EQ(result.reason, sim::StopReason::Exited) << result.detail;
    const auto ours = machine.read_memory(target.data().base + kScratchOffset, kScratchBytes);
    EXPECT_EQ(ours, run_plain_unicorn(target, image, model));
    // Unit cycle model: every exception entry adds its latency on top of one cycle per
    // instruction, so more cycles than instructions means SysTick interrupted.
    if (result.cycles > result.instructions) ++interrupted;
  }
  if (with_systick)
    EXPECT_GT(interrupted, 10);
  else
    EXPECT_EQ(interrupted, 0);
}

}  // namespace

TEST(MachineDifferential, RandomThumbSequencesMatchPlainUnicornOnCortexM4) {
  differential("stm32f412", UC_CPU_ARM_CORTEX_M4, false, 1234);
}

TEST(MachineDifferential, RandomThumbSequencesMatchPlainUnicornOnCortexM0Plus) {
  differential("rp2040", UC_CPU_ARM_CORTEX_M0, false, 99);
}

TEST(MachineDifferential, SysTickInterruptsAreInvisibleToTheProgram) {
  differential("stm32f412", UC_CPU_ARM_CORTEX_M4, true, 777);
  differential("rp2040", UC_CPU_ARM_CORTEX_M0, true, 4242);
}
