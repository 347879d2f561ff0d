// `mcuprof inspect MODEL.tflite [--json]`: what the runtime would run — per layer op,
// shapes, MACs, parameters and activation bytes live during it; totals; the arena from
// our planner beside TFLite Micro's greedy figure and the lower bound.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/compiler/planner.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/figures.hpp"
#include "mcuprof/profiler/model_fit.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof/profiler/run.hpp"

namespace mcuprof::profiler {
namespace {

namespace cc = mcuprof::compiler;

struct InspectArgs {
  std::string model;
  std::string target;  // optional: the layer-wise figures on this board
  bool json = false;
  bool no_fuse = false;
  bool no_in_place = false;
  std::string io = "float";
};

std::string shape_str(const cc::Tensor& t) {
  return fmt::format("[{}]", fmt::join(t.shape, ","));
}

nlohmann::json tensor_json(const cc::Graph& g, int32_t i) {
  const auto& t = g.tensor(i);
  nlohmann::json j{{"index", i},
                   {"name", t.name},
                   {"dtype", std::string(cc::to_string(t.dtype))},
                   {"shape", t.shape}};
  if (t.quant.present() && !t.quant.per_channel())
    j["quantization"] = {{"scale", t.scale()}, {"zero_point", t.zero_point()}};
  return j;
}

int inspect(const InspectArgs& a) {
  require_regular_file(a.model, "model");
  cc::Graph g;
  cc::MemoryReport mem;
  std::size_t image_bytes = 0;
  mcuprof_image_header header{};
  cc::ImageParamsParts params_parts;
  std::optional<Figures> figures;  // with --target: layer-wise, as `run` reports them
  try {
    g = cc::import_tflite_file(a.model, {.fuse_pad = !a.no_fuse, .int8_io = a.io == "int8"});
    mem = cc::plan_memory(g, {.allow_in_place = !a.no_in_place});
    const auto image = cc::write_model_image(g, mem.plan);
    image_bytes = image.size();
    const auto parsed = cc::read_model_image(image);
    header = parsed.header;
    params_parts = parsed.params_parts();
    if (!a.target.empty()) {
      const ModelBoard board = model_board(resolve_target(a.target));
      figures = image_figures(board, image, input_sizes(g));
    }
  } catch (const cc::ModelError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  }

  int64_t total_macs = 0, total_params = 0, total_param_bytes = 0;
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto& op = g.ops[i];
    const int64_t m = cc::macs(g, op), p = cc::params(g, op), pb = cc::param_bytes(g, op);
    total_macs += m, total_params += p, total_param_bytes += pb;
    nlohmann::json ins = nlohmann::json::array(), outs = nlohmann::json::array();
    for (const auto t : op.inputs)
      if (t >= 0 && !g.tensor(t).constant) ins.push_back(tensor_json(g, t));
    for (const auto t : op.outputs) outs.push_back(tensor_json(g, t));
    nlohmann::json l{
        {"index", i},
        {"node", op.source_index},
        {"op", std::string(cc::to_string(op.type))},
        {"name", g.out(op).name},
        {"inputs", ins},
        {"outputs", outs},
        {"macs", m},
        {"params", p},
        {"param_bytes", pb},
        {"live_activation_bytes", mem.live_bytes[i]},
        {"in_place", std::find(mem.plan.in_place_ops.begin(), mem.plan.in_place_ops.end(),
                               static_cast<int32_t>(i)) != mem.plan.in_place_ops.end()}};
    if (op.fused_pad_node) l["fused_pad_node"] = *op.fused_pad_node;
    layers.push_back(l);
  }
  int64_t weights_bytes = 0;
  for (const auto& t : g.tensors)
    if (t.constant) weights_bytes += t.bytes();
  // The image beyond the constants' own bytes: its two tables, the params (tensor dims,
  // op io lists, op options, the precomputed requantization), the names; `other` is the
  // header, the 16-byte alignment of sections and blobs, less constants no op reads (not
  // stored).
  const int64_t total_overhead = static_cast<int64_t>(image_bytes) - weights_bytes;
  const int64_t tables = int64_t{header.num_tensors} * int64_t{sizeof(mcuprof_tensor)} +
                         int64_t{header.num_ops} * int64_t{sizeof(mcuprof_op)};
  const nlohmann::json overhead{
      {"bytes", total_overhead},
      {"tensor_table_bytes", header.num_tensors * sizeof(mcuprof_tensor)},
      {"op_table_bytes", header.num_ops * sizeof(mcuprof_op)},
      {"params_bytes", header.params_size},
      {"shapes_bytes", params_parts.shapes_bytes},
      {"io_lists_bytes", params_parts.io_lists_bytes},
      {"options_bytes", params_parts.options_bytes},
      {"requantization_bytes", params_parts.requantization_bytes},
      {"strings_bytes", header.strings_size},
      {"other_bytes", total_overhead - tables - header.params_size - header.strings_size}};

  if (a.json) {
    nlohmann::json ins = nlohmann::json::array(), outs = nlohmann::json::array();
    for (const auto t : g.inputs) ins.push_back(tensor_json(g, t));
    for (const auto t : g.outputs) outs.push_back(tensor_json(g, t));
    nlohmann::json out{{"model", std::filesystem::path(a.model).filename().string()},
                       {"description", g.description},
                       {"io", a.io},
                       {"inputs", ins},
                       {"outputs", outs},
                       {"layers", layers},
                       {"totals",
                        {{"ops", g.ops.size()},
                         {"macs", total_macs},
                         {"params", total_params},
                         {"param_bytes", total_param_bytes},
                         {"weights_bytes", weights_bytes}}},
                       {"memory",
                        {{"arena_bytes", mem.plan.arena_bytes},
                         {"method", mem.plan.method},
                         {"in_place_ops", mem.plan.in_place_ops},
                         {"without_in_place_bytes", mem.without_in_place},
                         {"tflm_greedy_bytes", mem.tflm_greedy},
                         {"lower_bound_bytes", mem.lower_bound}}},
                       {"image_bytes", image_bytes},
                       {"image_overhead", overhead}};
    if (figures) {
      out["figures"] = {{"target", a.target}, {"schedule", "layer"}};
      add_figures(*figures, out["figures"]);
    }
    std::cout << out.dump(2) << '\n';
    return exit_code::kOk;
  }

  fmt::print("model: {}{}\n", a.model,
             g.description.empty() ? "" : fmt::format("  ({})", g.description));
  // The quantization an application needs to fill the input and read the output.
  const auto quant = [&](int32_t t) {
    const auto& x = g.tensor(t);
    return x.quant.present() && !x.quant.per_channel()
               ? fmt::format(", scale {:.9g}, zero point {}", x.scale(), x.zero_point())
               : std::string();
  };
  for (const auto t : g.inputs)
    fmt::print("input:  '{}' {} {}{}\n", g.tensor(t).name, cc::to_string(g.tensor(t).dtype),
               shape_str(g.tensor(t)), quant(t));
  for (const auto t : g.outputs)
    fmt::print("output: '{}' {} {}{}\n", g.tensor(t).name, cc::to_string(g.tensor(t).dtype),
               shape_str(g.tensor(t)), quant(t));
  if (g.int8_io) fmt::print("io: int8 (the float boundary QUANTIZE/DEQUANTIZE are not run)\n");
  fmt::print("\n{:>4} {:>4} {:<24} {:<30} {:<16} {:>12} {:>9} {:>10}  {}\n", "#", "node", "op",
             "input shapes", "output shape", "MACs", "params", "live B", "notes");
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto& op = g.ops[i];
    std::vector<std::string> in_shapes;
    for (const auto t : op.inputs)
      if (t >= 0 && !g.tensor(t).constant) in_shapes.push_back(shape_str(g.tensor(t)));
    std::string notes;
    if (op.fused_pad_node) notes += fmt::format("PAD node {} fused; ", *op.fused_pad_node);
    if (layers[i]["in_place"].get<bool>()) notes += "in place; ";
    fmt::print("{:>4} {:>4} {:<24} {:<30} {:<16} {:>12} {:>9} {:>10}  {}\n", i, op.source_index,
               cc::to_string(op.type), fmt::format("{}", fmt::join(in_shapes, " ")),
               shape_str(g.out(op)), cc::macs(g, op), cc::params(g, op), mem.live_bytes[i], notes);
  }
  fmt::print("\ntotals: {} ops, {} MACs ({:.2f} M), {} params, {} bytes of weights and constants\n",
             g.ops.size(), total_macs, static_cast<double>(total_macs) / 1e6, total_params,
             weights_bytes);
  fmt::print("{}: {} B planned ({}{}), TFLite Micro greedy {} B, lower bound {} B\n", kArenaLabel,
             mem.plan.arena_bytes, mem.plan.method,
             mem.plan.in_place_ops.empty()
                 ? ""
                 : fmt::format("; {} ops in place, {} B without", mem.plan.in_place_ops.size(),
                               mem.without_in_place),
             mem.tflm_greedy, mem.lower_bound);
  fmt::print(
      "model image: {} B = weights and constants {} B + overhead {} B ({:.1f} %: tensor table "
      "{} ({} B x {}), op table {} ({} B x {}), params {} (requantization {}, op options {}, io "
      "lists {}, shapes {}), names {}, other {})\n",
      image_bytes, weights_bytes, overhead["bytes"].get<int64_t>(),
      100.0 * overhead["bytes"].get<double>() /
          static_cast<double>(std::max<std::size_t>(image_bytes, 1)),
      overhead["tensor_table_bytes"].get<int64_t>(), sizeof(mcuprof_tensor), header.num_tensors,
      overhead["op_table_bytes"].get<int64_t>(), sizeof(mcuprof_op), header.num_ops,
      overhead["params_bytes"].get<int64_t>(), params_parts.requantization_bytes,
      params_parts.options_bytes, params_parts.io_lists_bytes, params_parts.shapes_bytes,
      overhead["strings_bytes"].get<int64_t>(), overhead["other_bytes"].get<int64_t>());
  if (figures)
    fmt::print(
        "on {} layer-wise: peak SRAM {} B ({:.1f} % of {} B: static {} + arena {} + kernel "
        "scratch {} + stack {}), flash {} B ({:.1f} % of {} B) — {}\n",
        a.target, figures->peak_sram_bytes(), figures->sram_pct(), figures->board.sram_bytes,
        figures->sram.static_bytes, figures->sram.arena_bytes, figures->sram.kernel_scratch_bytes,
        figures->sram.stack_bytes, figures->flash_bytes(), figures->flash_pct(),
        figures->board.flash_bytes, figures->fits() ? "fits" : "does NOT fit");
  return exit_code::kOk;
}

}  // namespace

void add_inspect_command(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand(
      "inspect", "Per-layer ops, shapes, MACs, parameters and arena plan of a .tflite model");
  cmd->add_option("model", args->model, "The .tflite model")->required();
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->add_option("--target", args->target,
                  "Also the layer-wise peak SRAM, flash and fit on this board (as `run`)");
  cmd->add_flag("--no-fuse", args->no_fuse,
                "Keep PAD as a separate op (no fusion into convolutions)");
  cmd->add_flag("--no-in-place", args->no_in_place,
                "Do not let elementwise ops and RESHAPE work in place");
  cmd->add_option("--io", args->io,
                  "float (the model's own inputs and outputs) or int8 (int8 model I/O: the "
                  "boundary QUANTIZE/DEQUANTIZE are not run)")
      ->capture_default_str()
      ->check(CLI::IsMember({"float", "int8"}));
  commands.push_back({cmd, [args] { return inspect(*args); }});
}

}  // namespace mcuprof::profiler
