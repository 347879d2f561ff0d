// The same-file check of every command's outputs (see output_guard.hpp).
#include "output_guard.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <optional>
#include <regex>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"

namespace mcuprof::profiler {
namespace {

namespace fs = std::filesystem;

// What makes two names the same file: the inode when the file exists, else its path with
// every existing part resolved.
struct Identity {
  std::optional<std::pair<dev_t, ino_t>> inode;
  fs::path resolved;
  bool operator==(const Identity& o) const {
    if (inode && o.inode) return *inode == *o.inode;
    return resolved == o.resolved;
  }
};

Identity identity(const fs::path& path) {
  Identity id;
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) id.inode = std::make_pair(st.st_dev, st.st_ino);
  std::error_code ec;
  id.resolved = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) id.resolved = fs::absolute(path, ec).lexically_normal();
  return id;
}

// A file --dump-tensors writes into its folder: N.bin and index.json.
bool dump_file_name(const fs::path& name) {
  static const std::regex kTensorFile("[0-9]+\\.bin");
  return name == "index.json" || std::regex_match(name.string(), kTensorFile);
}

bool is_output(const CommandFile& f) {
  return f.kind != CommandFile::Kind::Input;
}

std::string describe(const CommandFile& f) {
  return f.option.empty() || f.option[0] != '-' ? f.path.string()
                                                : fmt::format("{} {}", f.option, f.path.string());
}

}  // namespace

void refuse_clashing_files(const std::string& command, const std::vector<CommandFile>& files) {
  std::vector<const CommandFile*> used;
  for (const auto& f : files)
    if (!f.path.empty() && f.path != "-") used.push_back(&f);
  std::vector<Identity> ids;
  for (const auto* f : used) ids.push_back(identity(f->path));
  const auto refuse = [&](const CommandFile& out, const CommandFile& other, const char* how) {
    throw CommandError(exit_code::kUsage,
                       fmt::format("{}: {} {} {}: choose another output", command, describe(out),
                                   how, describe(other)));
  };
  for (size_t i = 0; i < used.size(); ++i) {
    if (!is_output(*used[i])) continue;
    for (size_t j = 0; j < used.size(); ++j) {
      if (i == j || (j < i && is_output(*used[j]))) continue;  // output pairs once
      if (ids[i] == ids[j]) refuse(*used[i], *used[j], "is the same file as");
      if (used[i]->kind != CommandFile::Kind::OutputFolder) continue;
      // A file the folder would receive.
      const fs::path& other = ids[j].resolved;
      if (other.parent_path() == ids[i].resolved && dump_file_name(other.filename()))
        refuse(*used[i], *used[j], "would overwrite");
    }
  }
}

}  // namespace mcuprof::profiler
