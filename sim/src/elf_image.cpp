// ELF reading with libelf (elfutils): loadable segments and the symbol table.
#include "mcuprof/sim/elf_image.hpp"

#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>

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

ElfImage ElfImage::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw SimError(SimError::Kind::FileNotFound,
                   fmt::format("{}: no such firmware file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw SimError(SimError::Kind::FileNotFound, fmt::format("{}: cannot read", path.string()));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return from_bytes(std::move(bytes), path.string());
}

ElfImage ElfImage::from_bytes(std::vector<uint8_t> bytes, const std::string& origin) {
  if (elf_version(EV_CURRENT) == EV_NONE)
    throw SimError(SimError::Kind::Emulator, "libelf initialisation failed");
  if (bytes.size() < 4 || bytes[0] != 0x7F || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
    invalid(origin, "not an ELF file");
  ElfHandle elf(elf_memory(reinterpret_cast<char*>(bytes.data()), bytes.size()));
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF) invalid(origin, "not an ELF file");

  GElf_Ehdr ehdr;
  if (gelf_getehdr(elf.get(), &ehdr) == nullptr) invalid(origin, "malformed ELF header");
  if (gelf_getclass(elf.get()) != ELFCLASS32 || ehdr.e_machine != EM_ARM ||
      ehdr.e_ident[EI_DATA] != ELFDATA2LSB) {
    throw SimError(
        SimError::Kind::WrongArchitecture,
        fmt::format("{}: ELF is for machine {} ({}-bit), not 32-bit little-endian Arm", origin,
                    ehdr.e_machine, gelf_getclass(elf.get()) == ELFCLASS64 ? 64 : 32));
  }
  if (ehdr.e_type != ET_EXEC)
    invalid(origin, "not an executable ELF (relocatable or shared object)");

  ElfImage image;
  image.origin_ = origin;
  image.entry_ = static_cast<uint32_t>(ehdr.e_entry);

  size_t phnum = 0;
  if (elf_getphdrnum(elf.get(), &phnum) != 0) invalid(origin, "unreadable program headers");
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf.get(), static_cast<int>(i), &ph) == nullptr)
      invalid(origin, "unreadable program header");
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz || ph.p_offset + ph.p_filesz > bytes.size() ||
        ph.p_paddr + ph.p_memsz > 0x1'0000'0000ull)
      invalid(origin, fmt::format("segment {} overruns the file or the address space", i));
    Segment seg;
    seg.load_address = static_cast<uint32_t>(ph.p_paddr);
    seg.virtual_address = static_cast<uint32_t>(ph.p_vaddr);
    seg.memory_size = static_cast<uint32_t>(ph.p_memsz);
    seg.bytes.assign(bytes.begin() + static_cast<std::ptrdiff_t>(ph.p_offset),
                     bytes.begin() + static_cast<std::ptrdiff_t>(ph.p_offset + ph.p_filesz));
    seg.executable = (ph.p_flags & PF_X) != 0;
    seg.writable = (ph.p_flags & PF_W) != 0;
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
