// FunctionTreeModel: the Functions tab's table — a run's calling-context tree (one row per
// call path, children under their caller) or, in the "by function" mode, one flat row per
// function (its paths added up, FunctionTotal) — with inclusive and exclusive cycles, % of
// the inference window, calls, instructions and flash bytes. Qt::DisplayRole gives the
// formatted text, kSortRole raw numbers (for sorting and tests), Qt::ToolTipRole the full
// demangled name. FunctionFilterProxy sorts on kSortRole (children within their parent)
// and filters by name, keeping the ancestors of every match.
#pragma once

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>
#include <memory>

#include "function_tree.hpp"

namespace mcuprof::gui {

class FunctionTreeModel final : public QAbstractItemModel {
  Q_OBJECT

 public:
  enum Column {
    Name,
    Cycles,
    Share,
    SelfCycles,
    SelfShare,
    Calls,
    Instructions,
    SelfInstructions,
    FlashIfetch,
    SelfFlashIfetch,
    FlashData,
    SelfFlashData,
    ColumnCount
  };
  enum Mode { CallTree, ByFunction };
  static constexpr int kSortRole = Qt::UserRole;
  static constexpr int kNodeRole = Qt::UserRole + 1;  // node index (call tree), else -1
  static constexpr int kNameRole = Qt::UserRole + 2;  // the full name

  explicit FunctionTreeModel(QObject* parent = nullptr);

  void set_tree(std::shared_ptr<const FunctionTree> tree);
  const std::shared_ptr<const FunctionTree>& tree() const { return tree_; }
  void set_mode(Mode mode);
  Mode mode() const { return mode_; }
  // The row of a node (call tree) or of the function named `name` (by function).
  QModelIndex index_of_node(int node, int column = 0) const;
  QModelIndex index_of_function(const QString& name, int column = 0) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  const FunctionNode* node_of(const QModelIndex& index) const;
  const FunctionTotal* total_of(const QModelIndex& index) const;

  std::shared_ptr<const FunctionTree> tree_ = std::make_shared<FunctionTree>();
  Mode mode_ = CallTree;
};

class FunctionFilterProxy final : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit FunctionFilterProxy(QObject* parent = nullptr);
  // Shows the rows whose full name contains `text` (any case) and their ancestors.
  void set_filter_text(const QString& text);
};

}  // namespace mcuprof::gui
