// Refuses, before a command does anything, an output that would overwrite one of its own
// inputs, its database or another of its outputs: the same file by device and inode (so
// also through symlinks and hard links), or the same path once resolved when it does
// not exist yet. A --dump-tensors folder clashes with the files it would write.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mcuprof::profiler {

struct CommandFile {
  enum class Kind { Input, Output, OutputFolder };
  std::string option;  // as the user wrote it: "--summary", "firmware", "--db"
  std::filesystem::path path;
  Kind kind = Kind::Input;
};

// Throws CommandError (status 64) with one line naming both files. Empty paths and
// "-" (standard output) are ignored.
void refuse_clashing_files(const std::string& command, const std::vector<CommandFile>& files);

}  // namespace mcuprof::profiler
