// FunctionsTab: the Functions tab of a run stored with `mcuprof run --function-cycles`:
// on the left its calling-context tree (or one row per function) with a filter field,
// sortable by any column; on the right the flame graph with a breadcrumb of the zoomed
// frame's callers. Selecting a row outlines its frames (and zooms to one the current zoom
// hides); clicking a frame zooms to it and selects its row. A run without a "functions"
// track shows a one-line hint instead.
#pragma once

#include <QWidget>
#include <memory>

#include "function_tree.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QToolButton;
class QTreeView;

namespace mcuprof::gui {

class FlameGraphWidget;
class FunctionFilterProxy;
class FunctionTreeModel;

class FunctionsTab final : public QWidget {
  Q_OBJECT

 public:
  explicit FunctionsTab(QWidget* parent = nullptr);

  void set_tree(std::shared_ptr<const FunctionTree> tree);
  bool showing_hint() const;
  QString hint() const;
  QTreeView* tree_view() const { return view_; }
  FlameGraphWidget* flame() const { return flame_; }
  FunctionTreeModel* model() const { return model_; }
  FunctionFilterProxy* proxy() const { return proxy_; }
  QLabel* breadcrumb() const { return breadcrumb_; }
  // Sets the filter field's text (as typing does).
  void set_filter_text(const QString& text);
  // 0: the call tree, 1: by function.
  void set_mode(int mode);

 private:
  void apply_filter(const QString& text);
  void apply_mode(int mode);
  void row_selected();
  void frame_clicked(int node);
  void update_breadcrumb(int zoom);
  void expand_default();
  void fit_columns();

  FunctionTreeModel* model_ = nullptr;
  FunctionFilterProxy* proxy_ = nullptr;
  QStackedWidget* pages_ = nullptr;
  QLabel* hint_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QComboBox* mode_ = nullptr;
  QTreeView* view_ = nullptr;
  QLabel* breadcrumb_ = nullptr;
  QToolButton* zoom_out_ = nullptr;
  FlameGraphWidget* flame_ = nullptr;
};

}  // namespace mcuprof::gui
