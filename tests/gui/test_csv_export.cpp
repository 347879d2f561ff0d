// CSV export of a table model: RFC 4180 quoting, raw values (Qt::UserRole) preferred to the
// formatted text, header from headerData, and what a proxy shows (filtered, sorted).
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

#include "csv_export.hpp"
#include "layer_table_model.hpp"
#include "span_range_proxy.hpp"
#include "two_run_fixture.hpp"

using namespace mcuprof::gui;
namespace fx = gui_fixture;

class TestCsvExport : public QObject {
  Q_OBJECT

 private slots:
  void quotesFieldsThatNeedIt() {
    QCOMPARE(csv_field("plain"), QStringLiteral("plain"));
    QCOMPARE(csv_field("a,b"), QStringLiteral("\"a,b\""));
    QCOMPARE(csv_field("say \"hi\""), QStringLiteral("\"say \"\"hi\"\"\""));
    QCOMPARE(csv_field("two\nlines"), QStringLiteral("\"two\nlines\""));
    QCOMPARE(csv_field("cr\r"), QStringLiteral("\"cr\r\""));
    QCOMPARE(csv_field(""), QString());
    QCOMPARE(csv_field("  spaced "), QStringLiteral("  spaced "));
  }

  void writesHeaderAndRows() {
    QStandardItemModel model(2, 3);
    model.setHorizontalHeaderLabels({"name", "a,b", "n"});
    model.setItem(0, 0, new QStandardItem("x"));
    model.setItem(0, 1, new QStandardItem("he said \"no\""));
    auto* raw = new QStandardItem("1,234");  // display text with a thousands separator
    raw->setData(QVariant::fromValue<qulonglong>(1234), Qt::UserRole);  // the raw value wins
    model.setItem(0, 2, raw);
    model.setItem(1, 0, new QStandardItem("y"));
    auto* real = new QStandardItem("0.1 %");
    real->setData(0.001, Qt::UserRole);
    model.setItem(1, 2, real);
    QCOMPARE(table_to_csv(model), QStringLiteral("name,\"a,b\",n\r\n"
                                                 "x,\"he said \"\"no\"\"\",1234\r\n"
                                                 "y,,0.001\r\n"));
  }

  void exportsTheLayerTableAsShown() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("c.db").toStdString();
    const auto w = fx::write_two_runs(path);
    const auto store = fx::traces::TraceStore::open(path, fx::traces::TraceStore::Mode::ReadOnly);
    LayerTableModel layers;
    layers.set_layers(store.layer_table(w.a));
    SpanRangeProxy proxy;
    proxy.setSourceModel(&layers);
    proxy.sort(LayerTableModel::Cycles, Qt::AscendingOrder);
    const QStringList lines = table_to_csv(proxy).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + static_cast<int>(fx::layers_a().size()));
    QVERIFY(lines[0].startsWith(QStringLiteral("#,Layer,Op,Spans,Cycles,")));
    // Fewest cycles first: the head layer, whose name holds a comma and quotes.
    const auto fc = fx::layers_a().back();
    QCOMPARE(lines[1].left(lines[1].indexOf(QStringLiteral(",FULLY"))),
             QStringLiteral("%1,\"fc, \"\"head\"\"\"").arg(fc.index));
    QVERIFY(lines[1].contains(QStringLiteral(",FULLY_CONNECTED,1,%1,").arg(fc.cycles)));
  }
};

QTEST_MAIN(TestCsvExport)
#include "test_csv_export.moc"
