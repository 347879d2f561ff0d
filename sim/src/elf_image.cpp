// ELF reading with libelf (elfutils): loadable segments and the symbol table.
#include "mcuprof/sim/elf_image.hpp"

#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>

#include "mcuprof/sim/error.hpp"

namespace mcuprof::sim {
namespace {

struct ElfCloser {
  void operator()(Elf* e) const { elf_end(e); }
};
using ElfHandle = std::unique_ptr<Elf, ElfCloser>;

[[noreturn]] void invalid(const std::string& origin, std::string_view what) {
  throw SimError(SimError::Kind::InvalidElf, fmt::format("{}: {}", origin, what));
}

void read_symbols(Elf* elf, const std::string& origin, std::vector<Symbol>& out,
                  std::vector<Symbol>& labels) {
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr shdr;
    if (gelf_getshdr(scn, &shdr) == nullptr || shdr.sh_type != SHT_SYMTAB) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr || shdr.sh_entsize == 0) invalid(origin, "unreadable symbol table");
    const size_t count = shdr.sh_size / shdr.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      GElf_Sym sym;
      if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) continue;
      const int type = GELF_ST_TYPE(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF) continue;
      const char* name = elf_strptr(elf, shdr.sh_link, sym.st_name);
      if (name == nullptr || *name == '\0') continue;
      if (type == STT_NOTYPE && GELF_ST_BIND(sym.st_info) == STB_GLOBAL) {
        // Linker-script labels (__StackLimit, _estack...): found by name only.
        labels.push_back({name, static_cast<uint32_t>(sym.st_value), 0, false});
        continue;
      }
      if (type != STT_FUNC && type != STT_OBJECT) continue;
      Symbol s;
      s.name = name;
      s.is_function = type == STT_FUNC;
      s.address = static_cast<uint32_t>(sym.st_value) & (s.is_function ? ~1u : ~0u);
      s.size = static_cast<uint32_t>(sym.st_size);
      out.push_back(std::move(s));
    }
  }
  std::sort(out.begin(), out.end(), [](const Symbol& a, const Symbol& b) {
    return a.address != b.address ? a.address < b.address : a.name < b.name;
  });
}

}  // namespace

namespace {

// Why `path` cannot be read as a firmware file, or nothing when it is a regular file.
std::optional<std::string> not_a_file(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);  // follows symbolic links
  switch (st.type()) {
    case fs::file_type::regular:
      return std::nullopt;
    case fs::file_type::directory:
      return "is a directory, not a firmware file";
    case fs::file_type::fifo:
      return "is a FIFO (named pipe), not a firmware file";
    case fs::file_type::block:
    case fs::file_type::character:
      return "is a device, not a firmware file";
    case fs::file_type::socket:
      return "is a socket, not a firmware file";
    case fs::file_type::not_found:
      return "no such firmware file";
    default:
      return ec ? fmt::format("cannot read ({})", ec.message()) : "not a regular file";
  }
}

std::string machine_name(unsigned machine) {
  switch (machine) {
    case EM_386:
      return "x86";
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "AArch64";
    case EM_RISCV:
      return "RISC-V";
    case EM_XTENSA:
      return "Xtensa";
    case EM_AVR:
      return "AVR";
    case EM_MIPS:
      return "MIPS";
    case EM_PPC:
    case EM_PPC64:
      return "PowerPC";
    default:
      return fmt::format("machine {}", machine);
  }
}

// 32-bit, little-endian, Arm: each mismatch in words, before libelf reads anything that
// depends on the byte order.
void check_architecture(const std::vector<uint8_t>& bytes, Elf* elf, const std::string& origin) {
  if (bytes.size() > EI_DATA && bytes[EI_DATA] == ELFDATA2MSB)
    throw SimError(
        SimError::Kind::WrongArchitecture,
        fmt::format("{}: big-endian ELF: Cortex-M firmware must be little-endian", origin));
  if (bytes.size() > EI_DATA && bytes[EI_DATA] != ELFDATA2LSB)
    invalid(origin, fmt::format("unknown ELF byte order {}", bytes[EI_DATA]));
  const int cls = gelf_getclass(elf);
  if (cls == ELFCLASS64)
    throw SimError(SimError::Kind::WrongArchitecture,
                   fmt::format("{}: 64-bit ELF: Cortex-M firmware is 32-bit", origin));
  if (cls != ELFCLASS32) invalid(origin, "unknown ELF class (neither 32- nor 64-bit)");
}

}  // namespace

ElfImage ElfImage::load(const std::filesystem::path& path) {
  // Checked before opening: a FIFO would block, a directory reads as nothing.
  if (auto why = not_a_file(path))
    throw SimError(SimError::Kind::FileNotFound, fmt::format("{}: {}", path.string(), *why));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw SimError(SimError::Kind::FileNotFound,
                   fmt::format("{}: cannot read ({})", path.string(), std::strerror(errno)));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad())
    throw SimError(SimError::Kind::FileNotFound,
                   fmt::format("{}: read error after {} bytes", path.string(), bytes.size()));
  return from_bytes(std::move(bytes), path.string());
}

ElfImage ElfImage::from_bytes(std::vector<uint8_t> bytes, const std::string& origin) {
  if (elf_version(EV_CURRENT) == EV_NONE)
    throw SimError(SimError::Kind::Emulator, "libelf initialisation failed");
  if (bytes.size() < 4 || bytes[0] != 0x7F || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
    invalid(origin, "not an ELF file");
  if (bytes.size() < sizeof(Elf32_Ehdr))
    invalid(origin,
            fmt::format("truncated ELF: {} bytes, shorter than the ELF header", bytes.size()));
  ElfHandle elf(elf_memory(reinterpret_cast<char*>(bytes.data()), bytes.size()));
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF) invalid(origin, "not an ELF file");
  check_architecture(bytes, elf.get(), origin);

  GElf_Ehdr ehdr;
  if (gelf_getehdr(elf.get(), &ehdr) == nullptr)
    invalid(origin, fmt::format("malformed ELF header ({})", elf_errmsg(-1)));
  if (ehdr.e_machine != EM_ARM)
    throw SimError(SimError::Kind::WrongArchitecture,
                   fmt::format("{}: ELF for {}, not Arm (Cortex-M firmware)", origin,
                               machine_name(ehdr.e_machine)));
  if (ehdr.e_type != ET_EXEC)
    invalid(origin, "not an executable ELF (relocatable or shared object)");

  ElfImage image;
  image.origin_ = origin;
  image.entry_ = static_cast<uint32_t>(ehdr.e_entry);

  size_t phnum = 0;
  if (elf_getphdrnum(elf.get(), &phnum) != 0)
    invalid(origin, fmt::format("unreadable program header table ({})", elf_errmsg(-1)));
  // libelf counts only the headers that fit in the file: check the declared number.
  const uint64_t declared = ehdr.e_phnum == PN_XNUM ? phnum : ehdr.e_phnum;
  if (declared > 0 && ehdr.e_phoff + declared * ehdr.e_phentsize > bytes.size())
    invalid(origin, fmt::format("truncated ELF: its {} program headers at offset {} end past "
                                "the end of the file ({} bytes)",
                                declared, ehdr.e_phoff, bytes.size()));
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf.get(), static_cast<int>(i), &ph) == nullptr)
      invalid(origin, fmt::format("unreadable program header {} ({})", i, elf_errmsg(-1)));
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz)
      invalid(origin, fmt::format("segment {}: {} bytes in the file but only {} in memory", i,
                                  ph.p_filesz, ph.p_memsz));
    if (ph.p_offset + ph.p_filesz > bytes.size())
      invalid(origin, fmt::format("truncated ELF: segment {}'s {} bytes at offset {} end past the "
                                  "end of the file ({} bytes)",
                                  i, ph.p_filesz, ph.p_offset, bytes.size()));
    if (ph.p_paddr + ph.p_memsz > 0x1'0000'0000ull || ph.p_vaddr + ph.p_memsz > 0x1'0000'0000ull)
      invalid(origin, fmt::format("segment {} at 0x{:08x} ({} bytes) runs past the end of the "
                                  "32-bit address space",
                                  i, ph.p_vaddr, ph.p_memsz));
    Segment seg;
    seg.load_address = static_cast<uint32_t>(ph.p_paddr);
    seg.virtual_address = static_cast<uint32_t>(ph.p_vaddr);
    seg.memory_size = static_cast<uint32_t>(ph.p_memsz);
    seg.bytes.assign(bytes.begin() + static_cast<std::ptrdiff_t>(ph.p_offset),
                     bytes.begin() + static_cast<std::ptrdiff_t>(ph.p_offset + ph.p_filesz));
    seg.executable = (ph.p_flags & PF_X) != 0;
    seg.writable = (ph.p_flags & PF_W) != 0;
    seg.name = fmt::format("segment {}", i);
    image.segments_.push_back(std::move(seg));
  }
  if (image.segments_.empty()) invalid(origin, "no loadable segments");
  read_symbols(elf.get(), origin, image.symbols_, image.labels_);
  return image;
}

const Symbol* ElfImage::symbol_at(uint32_t address) const {
  // Symbols are sorted by start; the covering one is among the last few that start
  // at or before `address` (zero-size symbols cover only their own address).
  const auto first_after =
      std::upper_bound(symbols_.begin(), symbols_.end(), address,
                       [](uint32_t a, const Symbol& s) { return a < s.address; });
  constexpr int kLookBack = 16;
  int looked = 0;
  for (auto it = std::make_reverse_iterator(first_after);
       it != symbols_.rend() && looked < kLookBack; ++it, ++looked) {
    if (uint64_t{address} < uint64_t{it->address} + std::max<uint32_t>(it->size, 1)) return &*it;
  }
  return nullptr;
}

std::optional<uint32_t> ElfImage::symbol_address(const std::string& name) const {
  for (const auto& s : symbols_)
    if (s.name == name) return s.address;
  for (const auto& s : labels_)
    if (s.name == name) return s.address;
  return std::nullopt;
}

}  // namespace mcuprof::sim
