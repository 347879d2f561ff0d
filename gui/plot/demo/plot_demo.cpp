// mcuprof-plot-demo: renders the synthetic layer-wise vs patch-based pair to a PNG or SVG
// (to look at the chart without a trace database), and with --bench measures how long the
// renderer takes for a run with millions of samples.
//   mcuprof-plot-demo OUT.png|OUT.svg [--x cycles|ms|progress] [--overlaid] [--size WxH]
//                     [--dpr N] [--zoom LO,HI] [--highlight] [--tooltip FRACTION]
//   mcuprof-plot-demo --bench SAMPLES
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "chart_renderer.hpp"
#include "offscreen.hpp"
#include "synthetic_runs.hpp"

using namespace mcuprof::plot;

namespace {

int bench(size_t samples) {
  using clock = std::chrono::steady_clock;
  const auto ms = [](clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  const auto t0 = clock::now();
  std::vector<ChartRun> runs = {demo::layerwise_run(samples / 2),
                                demo::patch_based_run(samples / 2)};
  const auto t1 = clock::now();
  ChartRenderer r;
  r.set_runs(std::move(runs));
  const auto t2 = clock::now();
  size_t points = 0;
  for (const auto& run : r.runs())
    points += run.static_bytes.size() + run.arena.size() + run.stack.size();

  // One 1600x900 frame: best of 5, wall and CPU time (CPU is steadier on a shared machine).
  QImage image(1600, 900, QImage::Format_ARGB32_Premultiplied);
  const auto frame = [&](const char* what) {
    double wall = 1e30, cpu = 1e30;
    for (int k = 0; k < 5; ++k) {
      const auto a = clock::now();
      const std::clock_t c = std::clock();
      QPainter p(&image);
      r.render(p, QRectF(0, 0, 1600, 900));
      p.end();
      cpu = std::min(cpu, 1000.0 * static_cast<double>(std::clock() - c) / CLOCKS_PER_SEC);
      wall = std::min(wall, ms(clock::now() - a));
    }
    std::printf("  %-34s %7.1f ms wall %7.1f ms CPU\n", what, wall, cpu);
  };
  std::printf("samples (static+arena+stack, both runs): %zu\n", points);
  std::printf("generate: %.1f ms, set_runs (sums, peaks): %.1f ms\n", ms(t1 - t0), ms(t2 - t1));
  std::printf("render 1600x900 (best of 5):\n");
  frame("stacked, full view");
  r.options().show_band = false;
  frame("stacked, full view, no band");
  r.options().show_band = true;
  r.options().mode = ChartMode::Overlaid;
  r.options().show_components = false;
  frame("overlaid totals, full view");
  r.options().mode = ChartMode::Stacked;
  // Zoomed to 1 % in the middle: the decimator seeks by binary search.
  r.view().set_visible(r.view().full_hi() * 0.495, r.view().full_hi() * 0.505);
  frame("stacked, zoomed to 1 %");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  OffscreenGui gui;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: mcuprof-plot-demo OUT.png|OUT.svg [--x cycles|ms|progress] [--overlaid] "
                 "[--size WxH] [--dpr N] [--zoom LO,HI] | --bench SAMPLES\n");
    return 2;
  }
  if (std::string(argv[1]) == "--bench")
    return bench(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 5'000'000);
  ChartRenderer r;
  r.options().title = "Memory over time";
  r.set_runs({demo::layerwise_run(), demo::patch_based_run()});
  int w = 1400, h = 700;
  double dpr = 1.0;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    const char* next = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--x") {
      const std::string u = next;
      r.set_x_unit(u == "ms"         ? XUnit::Milliseconds
                   : u == "progress" ? XUnit::Progress
                                     : XUnit::Cycles);
      ++i;
    } else if (a == "--overlaid") {
      r.options().mode = ChartMode::Overlaid;
    } else if (a == "--size") {
      std::sscanf(next, "%dx%d", &w, &h);
      ++i;
    } else if (a == "--dpr") {
      dpr = std::atof(next);
      ++i;
    } else if (a == "--zoom") {
      double lo = 0, hi = 1;
      std::sscanf(next, "%lf,%lf", &lo, &hi);
      r.view().set_visible(lo * r.view().full_hi(), hi * r.view().full_hi());
      ++i;
    } else if (a == "--tooltip") {
      // Prints the tooltip at a fraction of the plot's width, halfway up.
      const QRectF bounds(0, 0, w, h);
      const auto l = r.layout(bounds);
      const QPointF pos(l.plot.left() + l.plot.width() * std::atof(next), l.plot.center().y());
      std::printf("%s\n", r.tooltip_text(r.hit_test(bounds, pos)).toStdString().c_str());
      ++i;
    } else if (a == "--highlight") {
      const auto& l = r.runs()[0].layers.at(3);
      r.set_highlight(HighlightSpan{0, l.begin, l.end});
    } else {
      std::fprintf(stderr, "mcuprof-plot-demo: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  const QString out = QString::fromLocal8Bit(argv[1]);
  std::string error;
  const bool ok = out.endsWith(".png", Qt::CaseInsensitive)
                      ? r.render_png(out, QSize(w, h), dpr)
                      : r.render_to_file(out, QSize(w, h), &error);
  if (!ok) {
    std::fprintf(stderr, "mcuprof-plot-demo: %s\n",
                 error.empty() ? "cannot write the picture" : error.c_str());
    return 1;
  }
  return 0;
}
