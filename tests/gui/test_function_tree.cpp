// The Functions tab's data and model: the calling-context tree read back from a stored
// "functions" track (function_tree_fixture.hpp) against the fixture's definitions, the
// flat by-function totals against the store's own function_table, short names, and
// FunctionTreeModel / FunctionFilterProxy under QAbstractItemModelTester with filtering
// (matches keep their ancestors) and sorting (children sorted within their parent).
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

#include "function_tree_fixture.hpp"
#include "function_tree_model.hpp"
#include "trace_loading.hpp"

using mcuprof::gui::FunctionFilterProxy;
using mcuprof::gui::FunctionTree;
using mcuprof::gui::FunctionTreeModel;
namespace fx = fn_fixture;

namespace {

// The node of a fixture path, found by following names from a root (not by index).
int node_of_path(const FunctionTree& tree, int path) {
  const auto defs = fx::paths();
  std::vector<std::string> names;
  for (int p = path; p >= 0; p = defs[static_cast<size_t>(p)].parent)
    names.insert(names.begin(), defs[static_cast<size_t>(p)].name);
  const std::vector<int>* level = &tree.roots;
  int found = -1;
  for (const std::string& name : names) {
    found = -1;
    for (int n : *level)
      if (tree.nodes[static_cast<size_t>(n)].name.toStdString() == name) found = n;
    if (found < 0) return -1;
    level = &tree.nodes[static_cast<size_t>(found)].children;
  }
  return found;
}

std::vector<QString> names_of(const QAbstractItemModel& model, const QModelIndex& parent = {}) {
  std::vector<QString> out;
  for (int r = 0; r < model.rowCount(parent); ++r)
    out.push_back(model.index(r, 0, parent).data(FunctionTreeModel::kNameRole).toString());
  return out;
}

QModelIndex child_named(const QAbstractItemModel& model, const QModelIndex& parent,
                        const QString& name) {
  for (int r = 0; r < model.rowCount(parent); ++r)
    if (model.index(r, 0, parent).data(FunctionTreeModel::kNameRole).toString() == name)
      return model.index(r, 0, parent);
  return {};
}

}  // namespace

class TestFunctionTree : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString path_;
  int64_t run_ = 0;
  std::shared_ptr<const FunctionTree> tree_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    path_ = dir_.filePath("f.db");
    run_ = fx::write_run(path_.toStdString());
    const auto selection = mcuprof::gui::load_selection(path_, {run_});
    QVERIFY2(selection.error.isEmpty(), qPrintable(selection.error));
    tree_ = selection.functions;
    QVERIFY(tree_->has_track);
  }

  void figuresAreTheStoredSlices() {
    const FunctionTree& tree = *tree_;
    QCOMPARE(tree.nodes.size(), size_t{fx::kPathCount});
    QCOMPARE(tree.window_cycles, fx::window_cycles());
    const auto defs = fx::paths();
    const auto stored = fx::spans();
    for (int p = 0; p < fx::kPathCount; ++p) {
      const int n = node_of_path(tree, p);
      QVERIFY2(n >= 0, defs[static_cast<size_t>(p)].name.c_str());
      const auto& f = tree.nodes[static_cast<size_t>(n)].figures;
      const auto& d = defs[static_cast<size_t>(p)];
      const auto all = fx::inclusive(p);
      QCOMPARE(f.cycles, all.cycles);
      QCOMPARE(f.self_cycles, d.self_cycles);
      QCOMPARE(f.instructions, all.instructions);
      QCOMPARE(f.self_instructions, d.self_instructions);
      QCOMPARE(f.flash_ifetch_bytes, all.ifetch);
      QCOMPARE(f.self_flash_ifetch_bytes, d.self_ifetch);
      QCOMPARE(f.flash_data_bytes, all.data);
      QCOMPARE(f.self_flash_data_bytes, d.self_data);
      QCOMPARE(f.calls, d.calls);
      // The flame-graph position the GUI computes is the one the profiler stored.
      QCOMPARE(tree.nodes[static_cast<size_t>(n)].position, stored[static_cast<size_t>(p)].ts);
    }
    // Inclusive = exclusive + callees' inclusive, everywhere; the roots make the window.
    uint64_t roots = 0;
    for (int r : tree.roots) roots += tree.nodes[static_cast<size_t>(r)].figures.cycles;
    QCOMPARE(roots, fx::window_cycles());
    QCOMPARE(tree.total_cycles, fx::window_cycles());
    double self_shares = 0;
    for (const auto& node : tree.nodes) {
      uint64_t children = 0;
      for (int c : node.children) {
        children += tree.nodes[static_cast<size_t>(c)].figures.cycles;
        QCOMPARE(tree.nodes[static_cast<size_t>(c)].depth, node.depth + 1);
      }
      QCOMPARE(node.figures.cycles, node.figures.self_cycles + children);
      self_shares += tree.share(node.figures.self_cycles);
    }
    QVERIFY(qAbs(self_shares - 1.0) < 1e-12);
    QCOMPARE(tree.max_depth, 4);  // Reset_Handler > main > recurse > recurse > recurse
  }

  void byFunctionIsTheStoresFunctionTable() {
    const auto store =
        fx::traces::TraceStore::open(path_.toStdString(), fx::traces::TraceStore::Mode::ReadOnly);
    const auto table = store.function_table(run_);
    QCOMPARE(tree_->functions.size(), table.size());
    for (size_t i = 0; i < table.size(); ++i) {
      const auto& mine = tree_->functions[i];
      QCOMPARE(mine.name.toStdString(), table[i].name);
      QCOMPARE(mine.figures.calls, table[i].calls);
      QCOMPARE(mine.figures.self_cycles, table[i].self_cycles);
      QCOMPARE(mine.figures.cycles, table[i].cycles);
      QCOMPARE(mine.figures.self_instructions, table[i].self_instructions);
      QCOMPARE(mine.figures.instructions, table[i].instructions);
      QCOMPARE(mine.figures.flash_ifetch_bytes, table[i].flash_ifetch_bytes);
      QCOMPARE(mine.figures.flash_data_bytes, table[i].flash_data_bytes);
    }
    // From the definitions: recursion counted once, leaf_b's two paths added up.
    const auto find = [&](const char* name) {
      for (const auto& f : tree_->functions)
        if (f.name == QLatin1String(name)) return f.figures;
      return mcuprof::gui::FunctionFigures{};
    };
    QCOMPARE(find("recurse").cycles, fx::inclusive(fx::kRecurse1).cycles);
    QCOMPARE(find("recurse").self_cycles, uint64_t{50 + 40 + 30});
    QCOMPARE(find("leaf_b").cycles, uint64_t{600 + 950});
    QCOMPARE(find("leaf_b").calls, uint64_t{6});
    QCOMPARE(find("leaf_b").self_flash_data_bytes, uint64_t{64 + 96});
  }

  void runWithoutTheTrackHasNoTree() {
    QTemporaryDir dir;
    const QString path = dir.filePath("n.db");
    const int64_t id = fx::write_run(path.toStdString(), false);
    const auto selection = mcuprof::gui::load_selection(path, {id});
    QVERIFY(selection.error.isEmpty());
    QVERIFY(!selection.functions->has_track);
    QVERIFY(selection.functions->empty());
  }

  void shortNames() {
    using mcuprof::gui::short_function_names;
    const auto shorts = short_function_names(
        {"tflite::MicroInterpreter::Invoke()", "tflite::Other::Invoke()", "f(int)", "f(float)",
         "std::vector<int, std::allocator<int> >::push_back(int const&)",
         "(anonymous namespace)::helper()", "Foo::operator<(Foo const&) const", "main",
         "tflite::MicroInterpreter::Invoke()",
         "TfLiteStatus tflite::(anonymous namespace)::EvalQuantized<signed char>(int)"});
    const std::vector<QString> expected{"MicroInterpreter::Invoke",
                                        "Other::Invoke",
                                        "f(int)",
                                        "f(float)",
                                        "push_back",
                                        "helper",
                                        "operator<",
                                        "main",
                                        "MicroInterpreter::Invoke",
                                        "EvalQuantized"};
    QCOMPARE(shorts, expected);
    // In the tree: the two `run`s keep their class, the rest is the bare name.
    const FunctionTree& tree = *tree_;
    QCOMPARE(tree.nodes[static_cast<size_t>(node_of_path(tree, fx::kClsRun))].short_name,
             QString("Cls::run"));
    QCOMPARE(tree.nodes[static_cast<size_t>(node_of_path(tree, fx::kOtherRun))].short_name,
             QString("other::run"));
  }

  void modelInBothModes() {
    FunctionTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_tree(tree_);
    QCOMPARE(model.rowCount(), 2);  // Reset_Handler, SysTick_Handler
    const QModelIndex reset = model.index(0, 0);
    QCOMPARE(reset.data().toString(), QString("Reset_Handler"));
    const QModelIndex main = model.index(0, 0, reset);
    QCOMPARE(main.data().toString(), QString("main"));
    QCOMPARE(model.rowCount(main), 4);
    QCOMPARE(main.parent(), reset);
    const QModelIndex cls = model.index_of_node(node_of_path(*tree_, fx::kClsRun));
    QCOMPARE(cls.data().toString(), QString("Cls::run"));
    QCOMPARE(cls.data(Qt::ToolTipRole).toString(), QString("ns::Cls::run(int)"));
    QCOMPARE(cls.parent(), main);
    const QModelIndex share = model.index(0, FunctionTreeModel::Share, reset);
    const double expected = static_cast<double>(fx::inclusive(fx::kMain).cycles) /
                            static_cast<double>(fx::window_cycles());
    QCOMPARE(share.data(FunctionTreeModel::kSortRole).toDouble(), expected);
    QCOMPARE(share.data().toString(), QString::number(100 * expected, 'f', 1) + " %");
    QCOMPARE(model.index(0, FunctionTreeModel::SelfFlashData, main)
                 .data(FunctionTreeModel::kSortRole)
                 .toULongLong(),
             qulonglong{96});  // leaf_b, the largest callee

    model.set_mode(FunctionTreeModel::ByFunction);
    QCOMPARE(model.rowCount(), static_cast<int>(tree_->functions.size()));
    const QModelIndex leaf = model.index_of_function("leaf_b", FunctionTreeModel::Cycles);
    QCOMPARE(leaf.data(FunctionTreeModel::kSortRole).toULongLong(), qulonglong{1550});
    QCOMPARE(model.rowCount(leaf.siblingAtColumn(0)), 0);
    QCOMPARE(leaf.data(FunctionTreeModel::kNodeRole).toInt(), -1);
    model.set_mode(FunctionTreeModel::CallTree);
    model.set_tree(nullptr);
    QCOMPARE(model.rowCount(), 0);
  }

  void filterKeepsAncestors() {
    FunctionTreeModel model;
    FunctionFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_tree(tree_);
    proxy.set_filter_text("LEAF");                                     // any case
    QCOMPARE(names_of(proxy), std::vector<QString>{"Reset_Handler"});  // not SysTick
    const QModelIndex reset = proxy.index(0, 0);
    QCOMPARE(names_of(proxy, reset), std::vector<QString>{"main"});  // not memset
    const QModelIndex main = proxy.index(0, 0, reset);
    auto under_main = names_of(proxy, main);
    std::sort(under_main.begin(), under_main.end());
    QCOMPARE(under_main, (std::vector<QString>{"leaf_b", "mid_a"}));
    // Matching on the full name: an argument type matches too.
    proxy.set_filter_text("(int)");
    QCOMPARE(names_of(proxy, proxy.index(0, 0, proxy.index(0, 0))),
             std::vector<QString>{"ns::Cls::run(int)"});
    proxy.set_filter_text("no such function");
    QCOMPARE(proxy.rowCount(), 0);
    proxy.set_filter_text({});
    QCOMPARE(proxy.rowCount(), 2);
  }

  void sortsChildrenWithinTheirParent() {
    FunctionTreeModel model;
    FunctionFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_tree(tree_);
    proxy.sort(FunctionTreeModel::SelfCycles, Qt::AscendingOrder);
    QCOMPARE(names_of(proxy), (std::vector<QString>{"Reset_Handler", "SysTick_Handler"}));
    QCOMPARE(names_of(proxy, proxy.index(0, 0)), (std::vector<QString>{"memset", "main"}));
    QModelIndex main = child_named(proxy, proxy.index(0, 0), "main");
    QCOMPARE(names_of(proxy, main),
             (std::vector<QString>{"recurse", "ns::Cls::run(int)", "mid_a", "leaf_b"}));
    proxy.sort(FunctionTreeModel::Cycles, Qt::DescendingOrder);
    QCOMPARE(names_of(proxy), (std::vector<QString>{"Reset_Handler", "SysTick_Handler"}));
    main = child_named(proxy, proxy.index(0, 0), "main");  // rows moved
    QCOMPARE(names_of(proxy, main),
             (std::vector<QString>{"leaf_b", "mid_a", "ns::Cls::run(int)", "recurse"}));
    // Every row is still under its own caller.
    for (int r = 0; r < proxy.rowCount(main); ++r) {
      const QModelIndex child = proxy.index(r, 0, main);
      const int node = child.data(FunctionTreeModel::kNodeRole).toInt();
      QCOMPARE(tree_->nodes[static_cast<size_t>(node)].parent,
               main.data(FunctionTreeModel::kNodeRole).toInt());
    }
    proxy.sort(FunctionTreeModel::Name, Qt::AscendingOrder);
    QCOMPARE(names_of(proxy, proxy.index(0, 0)), (std::vector<QString>{"main", "memset"}));
    model.set_mode(FunctionTreeModel::ByFunction);
    proxy.sort(FunctionTreeModel::Calls, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data(FunctionTreeModel::kNameRole).toString(), QString("leaf_b"));
  }
};

QTEST_MAIN(TestFunctionTree)
#include "test_function_tree.moc"
