// The Functions tab's tree model and its sort-and-filter proxy (see function_tree_model.hpp).
// An index's internal id is its node's index + 1 in the call tree, 0 in the flat mode.
#include "function_tree_model.hpp"

#include <QLocale>

namespace mcuprof::gui {
namespace {

QString percent(double fraction) {
  return QString::number(100.0 * fraction, 'f', 1) + QStringLiteral(" %");
}

}  // namespace

FunctionTreeModel::FunctionTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void FunctionTreeModel::set_tree(std::shared_ptr<const FunctionTree> tree) {
  beginResetModel();
  tree_ = tree ? std::move(tree) : std::make_shared<FunctionTree>();
  endResetModel();
}

void FunctionTreeModel::set_mode(Mode mode) {
  if (mode == mode_) return;
  beginResetModel();
  mode_ = mode;
  endResetModel();
}

const FunctionNode* FunctionTreeModel::node_of(const QModelIndex& index) const {
  if (!index.isValid() || mode_ != CallTree || index.internalId() == 0) return nullptr;
  const size_t i = index.internalId() - 1;
  return i < tree_->nodes.size() ? &tree_->nodes[i] : nullptr;
}

const FunctionTotal* FunctionTreeModel::total_of(const QModelIndex& index) const {
  if (!index.isValid() || mode_ != ByFunction || index.row() < 0) return nullptr;
  const auto row = static_cast<size_t>(index.row());
  return row < tree_->functions.size() ? &tree_->functions[row] : nullptr;
}

QModelIndex FunctionTreeModel::index_of_node(int node, int column) const {
  if (mode_ != CallTree || node < 0 || static_cast<size_t>(node) >= tree_->nodes.size()) return {};
  return createIndex(tree_->nodes[static_cast<size_t>(node)].row, column,
                     static_cast<quintptr>(node) + 1);
}

QModelIndex FunctionTreeModel::index_of_function(const QString& name, int column) const {
  if (mode_ != ByFunction) return {};
  for (size_t i = 0; i < tree_->functions.size(); ++i)
    if (tree_->functions[i].name == name)
      return createIndex(static_cast<int>(i), column, quintptr{0});
  return {};
}

QModelIndex FunctionTreeModel::index(int row, int column, const QModelIndex& parent) const {
  if (row < 0 || column < 0 || column >= ColumnCount) return {};
  if (mode_ == ByFunction) {
    if (parent.isValid() || static_cast<size_t>(row) >= tree_->functions.size()) return {};
    return createIndex(row, column, quintptr{0});
  }
  const FunctionNode* p = node_of(parent);
  if (parent.isValid() && p == nullptr) return {};
  const std::vector<int>& level = p != nullptr ? p->children : tree_->roots;
  if (static_cast<size_t>(row) >= level.size()) return {};
  return createIndex(row, column, static_cast<quintptr>(level[static_cast<size_t>(row)]) + 1);
}

QModelIndex FunctionTreeModel::parent(const QModelIndex& child) const {
  const FunctionNode* n = node_of(child);
  return n != nullptr ? index_of_node(n->parent) : QModelIndex();
}

int FunctionTreeModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() && parent.column() != 0) return 0;
  if (mode_ == ByFunction) return parent.isValid() ? 0 : static_cast<int>(tree_->functions.size());
  if (!parent.isValid()) return static_cast<int>(tree_->roots.size());
  const FunctionNode* n = node_of(parent);
  return n != nullptr ? static_cast<int>(n->children.size()) : 0;
}

int FunctionTreeModel::columnCount(const QModelIndex&) const {
  return ColumnCount;
}

QVariant FunctionTreeModel::data(const QModelIndex& index, int role) const {
  const FunctionNode* node = node_of(index);
  const FunctionTotal* total = total_of(index);
  if (node == nullptr && total == nullptr) return {};
  const QString& name = node != nullptr ? node->name : total->name;
  const QString& short_name = node != nullptr ? node->short_name : total->short_name;
  const FunctionFigures& f = node != nullptr ? node->figures : total->figures;
  const int column = index.column();
  if (role == kNodeRole) return node != nullptr ? static_cast<int>(index.internalId() - 1) : -1;
  if (role == kNameRole) return name;
  if (role == Qt::ToolTipRole) return column == Name ? QVariant(name) : QVariant();
  if (role == Qt::TextAlignmentRole)
    return QVariant::fromValue(column == Name ? (Qt::AlignLeft | Qt::AlignVCenter)
                                              : (Qt::AlignRight | Qt::AlignVCenter));
  if (role != Qt::DisplayRole && role != kSortRole) return {};
  if (column == Name) return role == kSortRole ? name : short_name;
  if (column == Share || column == SelfShare) {
    const double share = tree_->share(column == Share ? f.cycles : f.self_cycles);
    return role == kSortRole ? QVariant(share) : QVariant(percent(share));
  }
  uint64_t value = 0;
  switch (column) {
    case Cycles:
      value = f.cycles;
      break;
    case SelfCycles:
      value = f.self_cycles;
      break;
    case Calls:
      value = f.calls;
      break;
    case Instructions:
      value = f.instructions;
      break;
    case SelfInstructions:
      value = f.self_instructions;
      break;
    case FlashIfetch:
      value = f.flash_ifetch_bytes;
      break;
    case SelfFlashIfetch:
      value = f.self_flash_ifetch_bytes;
      break;
    case FlashData:
      value = f.flash_data_bytes;
      break;
    case SelfFlashData:
      value = f.self_flash_data_bytes;
      break;
    default:
      return {};
  }
  if (role == kSortRole) return QVariant::fromValue<qulonglong>(value);
  const QLocale locale;
  const bool bytes = column >= FlashIfetch;
  return bytes ? locale.formattedDataSize(static_cast<qint64>(value))
               : locale.toString(static_cast<qulonglong>(value));
}

QVariant FunctionTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  struct Title {
    const char* text;
    const char* tip;
  };
  static constexpr Title titles[ColumnCount] = {
      {"Function", "The function (full name in the tooltip)"},
      {"Cycles", "Inclusive cycles: while the function was on the call stack"},
      {"%", "Inclusive cycles, % of the inference window"},
      {"Self", "Exclusive cycles: while the function itself ran (top of the stack)"},
      {"Self %", "Exclusive cycles, % of the inference window"},
      {"Calls", "Times the function was entered (on this call path)"},
      {"Instr.", "Inclusive instructions"},
      {"Self instr.", "Exclusive instructions"},
      {"Flash ifetch", "Inclusive bytes of instructions fetched from flash"},
      {"Self ifetch", "Exclusive bytes of instructions fetched from flash"},
      {"Flash data", "Inclusive bytes of data read from flash (weights, constants)"},
      {"Self data", "Exclusive bytes of data read from flash"},
  };
  if (section < 0 || section >= ColumnCount) return {};
  if (role == Qt::DisplayRole) return tr(titles[section].text);
  if (role == Qt::ToolTipRole) return tr(titles[section].tip);
  return {};
}

FunctionFilterProxy::FunctionFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(FunctionTreeModel::kSortRole);
  setFilterRole(FunctionTreeModel::kNameRole);
  setFilterKeyColumn(FunctionTreeModel::Name);
  setFilterCaseSensitivity(Qt::CaseInsensitive);
  setRecursiveFilteringEnabled(true);  // a match keeps its ancestors
}

void FunctionFilterProxy::set_filter_text(const QString& text) {
  setFilterFixedString(text);
}

}  // namespace mcuprof::gui
