// mcuprof-stack: a firmware's worst-case stack depth from the call-graph files GCC writes
// with -fcallgraph-info=su (stack_bound.hpp), for the firmware build to reserve exactly that.
// Usage: mcuprof-stack --entry Reset_Handler [--handler H]... [--handler-suffix S]
//          [--allow-indirect F]...
//          [--exception-frame BYTES] [--library-frame BYTES] [--defsym-file PATH] FILE...
// FILE is a .ci file or an object file whose .ci lies beside it (x.c.obj -> x.c.ci).
// Prints the bound and its deepest path; --defsym-file writes the linker option
// `-Wl,--defsym=__mcuprof_stack_bytes=N` (the board's linker script uses it when defined).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mcuprof/targets/stack_bound.hpp"

namespace {

std::filesystem::path callgraph_file(const std::filesystem::path& file) {
  if (file.extension() == ".ci") return file;
  auto ci = file;
  return ci.replace_extension(".ci");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Worst-case stack depth from GCC call-graph files (-fcallgraph-info=su)",
               "mcuprof-stack"};
  mcuprof::targets::StackBoundOptions options;
  std::vector<std::string> allow_indirect, files;
  std::string defsym_file;
  app.add_option("--entry", options.entries, "Entry point (e.g. Reset_Handler)")->required();
  app.add_option("--handler", options.handlers, "Exception handler, on top of the entries");
  app.add_option("--handler-suffix", options.handler_suffix,
                 "Every defined function with this suffix is a handler too (e.g. _Handler)");
  app.add_option("--allow-indirect", allow_indirect,
                 "Function whose calls through pointers reach nothing (checked elsewhere)");
  app.add_option("--exception-frame", options.exception_frame_bytes,
                 "Bytes an exception pushes (32; 104 with the FPU's extended frame)");
  app.add_option("--library-frame", options.library_frame_bytes,
                 "Bytes for a function no file defines (libgcc, C library helpers)");
  app.add_option("--defsym-file", defsym_file, "Write the linker option here");
  app.add_option("files", files, ".ci or object files")->required();
  CLI11_PARSE(app, argc, argv);
  options.allow_indirect.insert(allow_indirect.begin(), allow_indirect.end());
  try {
    mcuprof::targets::CallGraph graph;
    for (const auto& f : files) {
      const auto ci = callgraph_file(f);
      std::ifstream in(ci, std::ios::binary);
      if (!in) {
        fmt::print(stderr, "mcuprof-stack: cannot read {} (built without -fcallgraph-info=su?)\n",
                   ci.string());
        return 66;
      }
      std::ostringstream text;
      text << in.rdbuf();
      mcuprof::targets::add_callgraph_text(graph, text.str());
    }
    const auto bound = mcuprof::targets::stack_bound(graph, options);
    std::string path;
    for (const auto& p : bound.path) path += (path.empty() ? "" : " > ") + p;
    fmt::print("mcuprof-stack: {} bytes: {}\n", bound.bytes, path);
    if (!defsym_file.empty()) {
      std::ofstream out(defsym_file, std::ios::binary | std::ios::trunc);
      out << fmt::format("-Wl,--defsym=__mcuprof_stack_bytes={}\n", bound.bytes);
      if (!out.good()) {
        fmt::print(stderr, "mcuprof-stack: cannot write {}\n", defsym_file);
        return 73;
      }
    }
    return 0;
  } catch (const mcuprof::targets::StackBoundError& e) {
    fmt::print(stderr, "mcuprof-stack: {}\n", e.what());
    return 65;
  }
}
