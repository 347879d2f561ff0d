// Per-function figures from the shadow call stack, end to end on a firmware of known
// call structure (tests/firmware/profiler/call_tree.c): main -> mid_a -> leaf_b,
// main -> leaf_b, recursion. Inclusive = exclusive + children, exclusive adds up to the
// run, leaf_b's work splits 2:3 between its two call paths, and the stored tree gives
// the report's function table and real call stacks in the folded export.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mcuprof/profiler/call_stacks.hpp"
#include "mcuprof/traces/store.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

struct Fixture {
  test::ScratchDir dir;
  nlohmann::json summary;
  std::filesystem::path db;
};

bool run_call_tree(Fixture& f) {
  const auto elf = test::test_firmware("stm32f412", "call_tree");
  if (!std::filesystem::exists(elf)) return false;
  f.db = f.dir / "t.db";
  const auto summary = f.dir / "run.json";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", "--target", "stm32f412",
                                    elf.string(), "--function-cycles", "100", "--summary",
                                    summary.string(), "--db", f.db.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  std::ifstream in(summary);
  f.summary = nlohmann::json::parse(in);
  return true;
}

}  // namespace

TEST(CallStacks, InclusiveIsExclusivePlusCalleesAndExclusiveAddsUpToTheRun) {
  Fixture f;
  if (!run_call_tree(f)) GTEST_SKIP() << "missing firmware call_tree";
  std::map<std::string, nlohmann::json> fn;
  uint64_t exclusive_sum = 0;
  for (const auto& row : f.summary["functions"]) {
    fn[row["name"].get<std::string>()] = row;
    exclusive_sum += row["exclusive_cycles"].get<uint64_t>();
  }
  ASSERT_TRUE(fn.count("main") && fn.count("mid_a") && fn.count("leaf_b") && fn.count("recurse"));
  EXPECT_EQ(exclusive_sum, f.summary["total_cycles"].get<uint64_t>());
  EXPECT_EQ(fn["mid_a"]["call_stack_calls"], 3);
  EXPECT_EQ(fn["leaf_b"]["call_stack_calls"], 6);
  EXPECT_EQ(fn["recurse"]["call_stack_calls"], 5);
  // Recursion: the outermost activation's inclusive figure holds all the nested ones.
  EXPECT_EQ(fn["recurse"]["inclusive_cycles"], fn["recurse"]["exclusive_cycles"]);

  // The stored tree: inclusive(node) = exclusive(node) + inclusive(children).
  const auto store = traces::TraceStore::open(f.db, traces::TraceStore::Mode::ReadOnly);
  const auto run = store.runs().back();
  const auto spans = store.spans(run.id, {traces::track::kFunctions, ""});
  ASSERT_FALSE(spans.empty());
  std::map<int64_t, uint64_t> children_cycles;
  for (const auto& s : spans)
    if (s.parent_id != 0) children_cycles[s.parent_id] += s.cycles;
  const traces::Span* a = nullptr;
  const traces::Span* b_via_a = nullptr;
  const traces::Span* b_via_main = nullptr;
  std::map<int64_t, const traces::Span*> by_id;
  for (const auto& s : spans) by_id[s.id] = &s;
  for (const auto& s : spans) {
    ASSERT_TRUE(s.self_cycles.has_value());
    EXPECT_EQ(s.cycles, *s.self_cycles + children_cycles[s.id]) << s.name;
    const auto* parent = s.parent_id ? by_id[s.parent_id] : nullptr;
    if (s.name == "mid_a") a = &s;
    if (s.name == "leaf_b" && parent && parent->name == "mid_a") b_via_a = &s;
    if (s.name == "leaf_b" && parent && parent->name == "main") b_via_main = &s;
  }
  ASSERT_TRUE(a && b_via_a && b_via_main);
  EXPECT_EQ(a->cycles, *a->self_cycles + b_via_a->cycles);
  EXPECT_EQ(fn["mid_a"]["inclusive_cycles"].get<uint64_t>(), a->cycles);
  EXPECT_EQ(fn["mid_a"]["exclusive_cycles"].get<uint64_t>(), *a->self_cycles);
  EXPECT_EQ(fn["leaf_b"]["inclusive_cycles"].get<uint64_t>(), b_via_a->cycles + b_via_main->cycles);
  // leaf_b(200) from mid_a, leaf_b(300) from main, three times each.
  const double ratio =
      static_cast<double>(b_via_main->cycles) / static_cast<double>(b_via_a->cycles);
  EXPECT_NEAR(ratio, 1.5, 0.05);
  // mid_a's own work (2 x 100) is about leaf_b's under it (200).
  EXPECT_NEAR(static_cast<double>(*a->self_cycles) / static_cast<double>(b_via_a->cycles), 1.0,
              0.15);
  // tail_c ends with `b.w leaf_t`: leaf_t gets a frame above tail_c's (a tail call counts
  // in the caller's inclusive figures) and both return to main together.
  const traces::Span* t_via_tail = nullptr;
  const traces::Span* tail = nullptr;
  for (const auto& s : spans) {
    const auto* parent = s.parent_id ? by_id[s.parent_id] : nullptr;
    EXPECT_FALSE(s.name == "leaf_t" && parent && parent->name == "main") << "tail call lost";
    if (s.name == "leaf_t" && parent && parent->name == "tail_c") t_via_tail = &s;
    if (s.name == "tail_c") tail = &s;
  }
  ASSERT_TRUE(t_via_tail && tail) << "no main -> tail_c -> leaf_t path";
  EXPECT_EQ(tail->cycles, *tail->self_cycles + t_via_tail->cycles);
  EXPECT_GT(fn["tail_c"]["inclusive_cycles"], fn["tail_c"]["exclusive_cycles"]);
  EXPECT_EQ(fn["tail_c"]["call_stack_calls"], 1);
  // leaf_t(100) against tail_c's own work(50): twice as much.
  EXPECT_NEAR(static_cast<double>(t_via_tail->cycles) / static_cast<double>(*tail->self_cycles),
              2.0, 0.3);
  EXPECT_EQ(fn["leaf_t"]["call_stack_calls"], 1);
  // The run's root holds everything.
  EXPECT_EQ(spans.front().parent_id, 0);
  EXPECT_EQ(spans.front().cycles, run.total_cycles);

  // The reader's function table agrees with the summary.
  const auto rows = store.function_table(run.id);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front().name, "leaf_b");  // most exclusive cycles
  for (const auto& r : rows) {
    EXPECT_EQ(r.self_cycles, fn[r.name]["exclusive_cycles"].get<uint64_t>()) << r.name;
    EXPECT_EQ(r.cycles, fn[r.name]["inclusive_cycles"].get<uint64_t>()) << r.name;
    EXPECT_EQ(r.calls, fn[r.name]["call_stack_calls"].get<uint64_t>()) << r.name;
  }
}

TEST(CallStacks, ReportAndFoldedExportUseTheCallStacks) {
  Fixture f;
  if (!run_call_tree(f)) GTEST_SKIP() << "missing firmware call_tree";
  const auto report = test::run_process({test::mcuprof_binary().string(), "report", f.db.string()});
  ASSERT_EQ(report.status, 0) << report.err;
  EXPECT_NE(report.out.find("incl. cycles"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("mid_a"), std::string::npos) << report.out;

  const auto folded = f.dir / "stacks.folded";
  const auto r = test::run_process({test::mcuprof_binary().string(), "export", f.db.string(),
                                    "--run", "1", "--folded", folded.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(folded);
  std::map<std::string, uint64_t> stacks;
  std::string line;
  uint64_t total = 0;
  while (std::getline(in, line)) {
    const auto space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    const uint64_t cycles = std::stoull(line.substr(space + 1));
    stacks[line.substr(0, space)] = cycles;
    total += cycles;
  }
  EXPECT_EQ(total, f.summary["total_cycles"].get<uint64_t>());
  bool a_then_b = false, main_then_b = false;
  for (const auto& [stack, cycles] : stacks) {
    a_then_b = a_then_b || stack.ends_with(";main;mid_a;leaf_b");
    main_then_b = main_then_b || stack.ends_with(";main;leaf_b");
  }
  EXPECT_TRUE(a_then_b) << "no main;mid_a;leaf_b stack";
  EXPECT_TRUE(main_then_b) << "no main;leaf_b stack";
}

// Exceptions: handlers get frames on top of the interrupted code, their cycles count to
// them, and the figures still add up to the run.
TEST(CallStacks, ExceptionHandlersNestUnderTheInterruptedCode) {
  const auto elf = test::test_firmware("stm32f412", "exceptions");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto summary = dir / "run.json";
  const auto db = dir / "t.db";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", "--target", "stm32f412",
                                    elf.string(), "--function-cycles", "1000", "--summary",
                                    summary.string(), "--db", db.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(summary);
  const auto s = nlohmann::json::parse(in);
  uint64_t exclusive_sum = 0;
  std::map<std::string, nlohmann::json> fn;
  for (const auto& row : s["functions"]) {
    exclusive_sum += row["exclusive_cycles"].get<uint64_t>();
    fn[row["name"].get<std::string>()] = row;
  }
  EXPECT_EQ(exclusive_sum, s["total_cycles"].get<uint64_t>());
  ASSERT_TRUE(fn.count("SVC_Handler") && fn.count("main")) << s["functions"].dump(1);
  EXPECT_GT(fn["SVC_Handler"]["exclusive_cycles"].get<uint64_t>(), 0u);
  // Handlers run inside main's inclusive figure (main is interrupted or calls SVC).
  EXPECT_GE(fn["main"]["inclusive_cycles"].get<uint64_t>(),
            fn["main"]["exclusive_cycles"].get<uint64_t>() +
                fn["SVC_Handler"]["inclusive_cycles"].get<uint64_t>());
  const auto store = traces::TraceStore::open(db, traces::TraceStore::Mode::ReadOnly);
  const auto spans = store.spans(store.runs().back().id, {traces::track::kFunctions, ""});
  std::map<int64_t, const traces::Span*> by_id;
  for (const auto& sp : spans) by_id[sp.id] = &sp;
  for (const auto& sp : spans) {
    if (sp.name != "SVC_Handler") continue;
    bool under_main = false;
    for (int64_t p = sp.parent_id; p != 0; p = by_id[p]->parent_id)
      under_main = under_main || by_id[p]->name == "main";
    EXPECT_TRUE(under_main);
  }
}

// Per-function figures from a calling-context tree, without the emulator.
TEST(CallStacks, FunctionFiguresCountARecursiveActivationOnce) {
  profiler::CallTree tree;
  tree.functions = {{"(no symbol)", 0}, {"f", 0x100}, {"g", 0x200}};
  // f -> g -> f (recursion through g): inclusive(f) counts the outer activation once.
  tree.nodes.push_back({-1, 1, 1, {10, 5, 0, 0}});
  tree.nodes.push_back({0, 2, 1, {20, 10, 0, 0}});
  tree.nodes.push_back({1, 1, 1, {30, 15, 0, 0}});
  const auto incl = profiler::inclusive_per_node(tree);
  EXPECT_EQ(incl[0].cycles, 60u);
  EXPECT_EQ(incl[1].cycles, 50u);
  const auto rows = profiler::function_figures(tree);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "f");
  EXPECT_EQ(rows[0].exclusive.cycles, 40u);
  EXPECT_EQ(rows[0].inclusive.cycles, 60u);
  EXPECT_EQ(rows[0].calls, 2u);
  EXPECT_EQ(rows[1].inclusive.cycles, 50u);
}
