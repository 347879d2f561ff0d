// Board descriptions: the typed form of a targets/*.json file, its validation, and
// the catalogue of known boards. Everything the simulator and the firmware build know
// about a board comes from here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mcuprof::targets {

// A target file that cannot be used. The message names the file and the field.
class TargetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Core { CortexM0, CortexM0Plus, CortexM3, CortexM4, CortexM7, CortexM33 };

std::string_view to_string(Core core);
std::optional<Core> core_from_string(std::string_view name);

enum class MemoryKind { Flash, Sram, Tcm };

std::string_view to_string(MemoryKind kind);

struct Memory {
  std::string name;
  MemoryKind kind = MemoryKind::Sram;
  uint32_t base = 0;
  uint32_t size = 0;
  unsigned wait_states = 0;  // extra cycles per access at the target clock
  std::string source;        // datasheet reference for the figures

  uint64_t end() const { return uint64_t{base} + size; }
  bool contains(uint32_t address) const { return address >= base && address < end(); }
  bool writable() const { return kind != MemoryKind::Flash; }
};

// What sits between the core and the flash (instruction fetch and data reads).
// Fields are used by the cycle model; docs/targets.md gives their meaning.
struct FlashAccelerator {
  enum class Kind {
    None,        // every flash access pays the wait states
    Prefetch,    // sequential prefetch buffer only
    StmArt,      // STM32 ART accelerator: instruction cache lines + data cache lines + prefetch
    XipCache,    // RP2040-style XIP cache in front of QSPI flash
    FlashCache,  // an instruction-only set-associative cache (nRF52 NVMC I-cache)
  };
  Kind kind = Kind::None;
  bool prefetch = false;
  unsigned line_bytes = 16;   // bytes fetched per flash access (128-bit on STM32)
  unsigned icache_lines = 0;  // instruction lines (ART) or total lines (XIP/flash cache)
  unsigned dcache_lines = 0;  // data lines (ART)
  unsigned ways = 1;          // associativity of the XIP or flash cache
  std::string source;
};

// The register through which firmware configures its flash interface: which family's
// layout, where it sits, and the latency the reference manual requires at clock_hz.
// Without one the accelerator and caches are always on (docs/targets.md).
struct FlashControl {
  enum class Kind {
    None,
    Stm32F4,    // FLASH_ACR: LATENCY, PRFTEN, ICEN, DCEN, ICRST, DCRST (reset 0)
    Stm32L4,    // FLASH_ACR: as the F4, reset 0x600 (ICEN, DCEN on)
    Stm32F7,    // FLASH_ACR: LATENCY, PRFTEN, ARTEN, ARTRST (reset 0)
    Stm32H7,    // FLASH_ACR: LATENCY, WRHIGHFREQ (reset 0x37)
    Rp2040Xip,  // XIP_CTRL: CTRL.EN (reset 1), FLUSH
    Nrf52Nvmc,  // NVMC: ICACHECNF.CACHEEN (reset 0)
  };
  Kind kind = Kind::None;
  uint32_t address = 0;             // the register block's base
  unsigned latency = 0;             // LATENCY the RM's table requires at clock_hz (STM32)
  unsigned cycles_per_latency = 1;  // core cycles per LATENCY step (2 when flash runs at half)
  std::string source;
  bool present() const { return kind != Kind::None; }
  // One of the STM32 FLASH_ACR layouts (LATENCY and its needed value apply).
  bool stm32() const {
    return kind == Kind::Stm32F4 || kind == Kind::Stm32L4 || kind == Kind::Stm32F7 ||
           kind == Kind::Stm32H7;
  }
};

struct Cache {
  uint32_t size = 0;  // 0: no cache
  uint32_t line_bytes = 32;
  unsigned ways = 1;
  bool present() const { return size != 0; }
};

// A peripheral register the unknown-register policy answers specially: its reset
// value and bit fields whose read value copies another field (ready bits follow their
// enable bits, RCC_CFGR.SWS follows SW), so vendor clock set-up code runs through.
struct RegisterRule {
  struct Copy {
    unsigned from = 0;   // lowest bit of the source field
    unsigned to = 0;     // lowest bit of the field that reads as the source
    unsigned width = 1;  // bits
  };
  std::string name;
  uint32_t address = 0;
  uint32_t reset = 0;
  std::vector<Copy> copies;

  // The value firmware reads when `stored` was last written (or is the reset value).
  uint32_t read_value(uint32_t stored) const;
};

// Address ranges where the chip has peripherals mcuprof does not model.
struct PeripheralRegion {
  std::string name;
  uint32_t base = 0;
  uint32_t size = 0;
  bool contains(uint32_t address) const { return address - base < size; }
};

enum class UnknownRegisterPolicy {
  LastWritten,  // reads return the last value written (or the rule's reset value)
  Fault,        // any access is a bus fault
};

struct Peripherals {
  UnknownRegisterPolicy policy = UnknownRegisterPolicy::LastWritten;
  std::vector<PeripheralRegion> regions;  // default: 0x40000000-0x5FFFFFFF
  std::vector<RegisterRule> registers;
  std::string source;  // datasheet reference for the rules
  const RegisterRule* rule_at(uint32_t address) const;
};

struct Target {
  std::string name;
  std::string description;
  Core core = Core::CortexM4;
  bool fpu = false;
  bool fpu_double = false;     // FPv5 with double precision (fpu: "double")
  unsigned irq_count = 64;     // external interrupts wired to the NVIC
  unsigned priority_bits = 4;  // implemented NVIC priority bits
  uint64_t clock_hz = 0;
  std::vector<Memory> memories;
  std::string code_memory;  // where .text/.rodata and the vector table go
  std::string data_memory;  // where .data/.bss/heap/stack go
  uint32_t stack_bytes = 0;
  FlashAccelerator flash_accelerator;
  FlashControl flash_control;
  Cache icache;  // core L1 caches (Cortex-M7)
  Cache dcache;
  Peripherals peripherals;
  std::filesystem::path file;  // the JSON it came from (empty when parsed from text)

  const Memory& memory(std::string_view memory_name) const;
  const Memory& code() const { return memory(code_memory); }
  const Memory& data() const { return memory(data_memory); }
  // The memory that holds `address`, or nullptr.
  const Memory* memory_at(uint32_t address) const;
};

// Parses and validates a target description. `origin` names the source in errors.
Target parse_target(std::string_view json_text, const std::string& origin);
Target load_target_file(const std::filesystem::path& path);

// All *.json boards in a folder, sorted by name.
class Catalogue {
 public:
  static Catalogue from_directory(const std::filesystem::path& dir);

  const std::vector<Target>& targets() const { return targets_; }
  // Throws TargetError listing the known names when `name` is unknown.
  const Target& find(std::string_view name) const;

 private:
  std::vector<Target> targets_;
};

// The catalogue folder: $MCUPROF_TARGETS if set, else the one compiled in.
std::filesystem::path default_catalogue_dir();

// Size of the data memory of the catalogue board `name`, 0 when the catalogue does not
// know it (a run made with a target file, or a board since removed): for SRAM-limit lines.
uint64_t catalogue_sram_bytes(std::string_view name);

}  // namespace mcuprof::targets
