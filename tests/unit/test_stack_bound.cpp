// The worst-case stack from GCC call graphs (targets/src/stack_bound.cpp) and the model
// runner's stack reserve built from it: sums along the deepest path, refuses what it cannot
// bound, and the runners' reserves hold every library helper they call within the frame
// the analysis assumes for it (checked against the disassembly of each runner).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "mcuprof/targets/stack_bound.hpp"
#include "paths.hpp"

using namespace mcuprof;

namespace {

std::string node(const std::string& name, int bytes, const char* kind = "static") {
  return "node: { title: \"" + name + "\" label: \"" + name + "\\nx.c:1:1\\n" +
         std::to_string(bytes) + " bytes (" + kind + ")\" }\n";
}
std::string declared(const std::string& name) {
  return "node: { title: \"" + name + "\" label: \"" + name + "\\nx.h:1:1\" shape : ellipse }\n";
}
std::string edge(const std::string& from, const std::string& to) {
  return "edge: { sourcename: \"" + from + "\" targetname: \"" + to + "\" label: \"x.c:2:3\" }\n";
}

targets::CallGraph graph_of(const std::string& text) {
  targets::CallGraph g;
  targets::add_callgraph_text(g, "graph: { title: \"x.c\"\n" + text + "}\n");
  return g;
}

std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(command.c_str(), "r"), pclose);
  std::string out;
  if (!p) return out;
  std::array<char, 4096> buf{};
  while (const auto n = fread(buf.data(), 1, buf.size(), p.get())) out.append(buf.data(), n);
  return out;
}

// Deepest stack of each function in a disassembly (arm-none-eabi-objdump -d): its pushes,
// stmdb sp!, vpush and sub sp, plus the deepest function it branches to with bl or b.w.
std::map<std::string, int64_t> disassembly_depths(const std::string& dis) {
  struct Fn {
    int64_t frame = 0;
    std::set<std::string> calls;
  };
  std::map<std::string, Fn> fns;
  static const std::regex header(R"re(^[0-9a-f]+ <([^>]+)>:$)re");
  static const std::regex push(R"re(\t(push|stmdb\tsp!,|vpush)\s*\{([^}]*)\})re");
  static const std::regex sub(R"re(\tsub(\.w)?\tsp, (sp, )?#([0-9]+))re");
  static const std::regex call(R"re(\t(bl|b\.w)\t[0-9a-f]+ <([^>+]+)>)re");
  std::istringstream in(dis);
  std::string line, current;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, header)) {
      current = m[1].str();
      fns[current];
    } else if (current.empty()) {
      continue;
    } else if (std::regex_search(line, m, push)) {
      const std::string regs = m[2].str();
      int64_t n = 1 + std::count(regs.begin(), regs.end(), ',');
      if (regs.find('-') != std::string::npos) n += 8;  // a range: counted generously
      fns[current].frame +=
          n * (regs.find('d') == 0 || regs.find(" d") != std::string::npos ? 8 : 4);
    } else if (std::regex_search(line, m, sub)) {
      fns[current].frame += std::stoll(m[3].str());
    } else if (std::regex_search(line, m, call) && m[2].str() != current) {
      fns[current].calls.insert(m[2].str());
    }
  }
  std::map<std::string, int64_t> depth;
  std::set<std::string> visiting;
  std::function<int64_t(const std::string&)> walk = [&](const std::string& f) -> int64_t {
    if (depth.contains(f)) return depth[f];
    if (!visiting.insert(f).second) return 0;
    int64_t d = fns[f].frame;
    for (const auto& c : fns[f].calls) d = std::max(d, fns[f].frame + walk(c));
    visiting.erase(f);
    return depth[f] = d;
  };
  for (const auto& [name, _] : fns) walk(name);
  return depth;
}

}  // namespace

TEST(StackBound, SumsTheDeepestPathAndPutsAnExceptionOnTop) {
  const auto g = graph_of(
      node("Reset_Handler", 8) + edge("Reset_Handler", "main") + node("main", 16) +
      edge("main", "f") + edge("main", "g") + node("f", 100) + node("g", 40) + edge("g", "memset") +
      declared("memset") + node("Default_Handler", 0) + node("SysTick_Handler", 24));
  targets::StackBoundOptions o;
  o.entries = {"Reset_Handler"};
  o.library_frame_bytes = 128;
  const auto b = targets::stack_bound(g, o);
  EXPECT_EQ(b.bytes, 8 + 16 + 40 + 128);  // through g and memset, not f
  EXPECT_EQ(b.path, (std::vector<std::string>{"Reset_Handler", "main", "g", "memset"}));
  EXPECT_EQ(b.library, (std::set<std::string>{"memset"}));
  o.handlers = {"Default_Handler"};
  o.handler_suffix = "_Handler";
  o.exception_frame_bytes = 108;
  EXPECT_EQ(targets::stack_bound(g, o).bytes, (192 + 108 + 24 + 7) / 8 * 8);
}

TEST(StackBound, RefusesWhatItCannotBound) {
  targets::StackBoundOptions o;
  o.entries = {"main"};
  const auto refused = [&](const std::string& text, const std::string& words) {
    try {
      targets::stack_bound(graph_of(text), o);
      ADD_FAILURE() << "no error for " << words;
    } catch (const targets::StackBoundError& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  refused(node("main", 8) + edge("main", "f") + node("f", 8) + edge("f", "main"),
          "recursion through");
  refused(node("main", 8) + edge("main", "f") + node("f", 8, "dynamic"),
          "f has a frame of dynamic");
  refused(node("main", 8) + edge("main", "__indirect_call") + declared("__indirect_call"),
          "main calls through a function pointer");
  refused(node("other", 8), "entry point main");
  o.allow_indirect = {"main"};
  EXPECT_EQ(targets::stack_bound(graph_of(node("main", 12) + edge("main", "__indirect_call") +
                                          declared("__indirect_call")),
                                 o)
                .bytes,
            16);
  // "dynamic,bounded": GCC's bound is the frame.
  EXPECT_EQ(targets::stack_bound(graph_of(node("main", 40, "dynamic,bounded")), o).bytes, 40);
}

// Every board's model runner reserves what its call graph needs — no more than the board's
// default, at least what the run measured — and each library helper it calls stays within
// the 128 B the analysis gives it, measured on the runner's own disassembly.
TEST(StackBound, ModelRunnersReserveTheirCallGraphsBound) {
  if (run("arm-none-eabi-objdump --version").empty())
    GTEST_SKIP() << "arm-none-eabi-objdump not found";
  const auto firmware_dir = test::firmware("stm32f412", "model_runner").parent_path().parent_path();
  int boards = 0;
  for (const auto& entry : std::filesystem::directory_iterator(firmware_dir / "CMakeFiles")) {
    const std::string dir = entry.path().filename().string();
    const std::string suffix = "_model_runner.dir";
    if (!dir.ends_with(suffix)) continue;
    const std::string board = dir.substr(0, dir.size() - suffix.size());
    SCOPED_TRACE(board);
    const auto elf = test::firmware(board, "model_runner");
    if (!std::filesystem::exists(elf)) continue;
    targets::CallGraph g;
    for (const auto& d :
         {entry.path(), firmware_dir / "CMakeFiles" / (board + "_mcuprof_kernels.dir")})
      for (const auto& f : std::filesystem::recursive_directory_iterator(d))
        if (f.path().extension() == ".ci") {
          std::ifstream in(f.path());
          std::ostringstream text;
          text << in.rdbuf();
          targets::add_callgraph_text(g, text.str());
        }
    targets::StackBoundOptions o;
    o.entries = {"Reset_Handler"};
    o.handlers = {"Default_Handler"};
    o.handler_suffix = "_Handler";
    o.allow_indirect = {"Reset_Handler"};
    o.exception_frame_bytes = 40;
    const auto lower = targets::stack_bound(g, o);
    o.exception_frame_bytes = 112;
    const auto upper = targets::stack_bound(g, o);
    // The ELF's reserve: __StackTop - __StackLimit.
    const std::string syms = run("arm-none-eabi-nm " + elf.string());
    const auto symbol = [&](const std::string& name) {
      std::smatch m;
      const std::regex re("([0-9a-f]+) [A-Za-z] " + name + "\n");
      return std::regex_search(syms, m, re) ? std::stoll(m[1].str(), nullptr, 16) : -1;
    };
    const int64_t reserve = symbol("__StackTop") - symbol("__StackLimit");
    EXPECT_TRUE(reserve == lower.bytes || reserve == upper.bytes) << reserve;
    EXPECT_LT(reserve, 4096);
    const auto depths = disassembly_depths(run("arm-none-eabi-objdump -d " + elf.string()));
    // (A helper called only from code the link dropped is not in the ELF: it cannot run.)
    int checked = 0;
    for (const auto& f : lower.library) {
      const auto it = depths.find(f);
      if (it == depths.end()) continue;
      EXPECT_LE(it->second, 128) << f;
      ++checked;
    }
    EXPECT_GT(checked, 0) << "no library helper found in the disassembly";
    ++boards;
  }
  EXPECT_GE(boards, 6);
}
