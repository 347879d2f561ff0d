// mcuprof-plot-demo: renders the synthetic layer-wise vs patch-based pair to a PNG or SVG
// (to look at the chart without a trace database), and with --bench measures how long the
// renderer takes for a run with millions of samples.
//   mcuprof-plot-demo OUT.png|OUT.svg [--x cycles|ms|progress] [--overlaid] [--size WxH]
//                     [--dpr N] [--zoom LO,HI] [--bench SAMPLES]
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
  auto t0 = clock::now();
  std::vector<ChartRun> runs = {demo::layerwise_run(samples / 2),
                                demo::patch_based_run(samples / 2)};
  auto t1 = clock::now();
  ChartRenderer r;
  r.set_runs(std::move(runs));
  auto t2 = clock::now();
  QImage image(1600, 900, QImage::Format_ARGB32_Premultiplied);
  double best = 1e30, total = 0;
  const int reps = 5;
  for (int k = 0; k < reps; ++k) {
    const auto a = clock::now();
    QPainter p(&image);
    r.render(p, QRectF(0, 0, 1600, 900));
    p.end();
    const double d = ms(clock::now() - a);
    best = std::min(best, d);
    total += d;
  }
  // Where the time goes: the same frame without the band, and as plain lines.
  const auto time_frame = [&] {
    const auto a = clock::now();
    QPainter p(&image);
    r.render(p, QRectF(0, 0, 1600, 900));
    p.end();
    return ms(clock::now() - a);
  };
  r.options().show_band = false;
  const double no_band = time_frame();
  r.options().show_band = true;
  r.options().mode = ChartMode::Overlaid;
  r.options().show_components = false;
  const double lines_only = time_frame();
  r.options().mode = ChartMode::Stacked;
  std::printf("render 1600x900 without band: %.1f ms; overlaid totals only: %.1f ms\n", no_band,
              lines_only);
  // Zoomed to 1 % in the middle: the decimator seeks by binary search.
  r.view().set_visible(r.view().full_hi() * 0.495, r.view().full_hi() * 0.505);
  const auto z = clock::now();
  {
    QPainter p(&image);
    r.render(p, QRectF(0, 0, 1600, 900));
  }
  const double zoomed = ms(clock::now() - z);
  size_t points = 0;
  for (const auto& run : r.runs())
    points += run.static_bytes.size() + run.arena.size() + run.stack.size();
  std::printf("samples (static+arena+stack, both runs): %zu\n", points);
  std::printf("generate: %.1f ms, set_runs (sums, peaks): %.1f ms\n", ms(t1 - t0), ms(t2 - t1));
  std::printf("render 1600x900 full view: best %.1f ms, mean %.1f ms over %d\n", best, total / reps,
              reps);
  std::printf("render 1600x900 zoomed to 1%%: %.1f ms\n", zoomed);
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
