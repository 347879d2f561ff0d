// `mcuprof generate FAMILY [--width W] [--resolution R] [--seed S] [--classes N] -o FILE`:
// writes a synthetic int8 .tflite (MobileNetV2, MCUNet-style, ResNet-style) with seeded
// random weights, checked by importing it back before it is written.
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler {
namespace {

namespace cc = mcuprof::compiler;

struct GenerateArgs {
  cc::GeneratorOptions options;
  std::string output;
};

int generate(const GenerateArgs& a) {
  std::vector<uint8_t> bytes;
  cc::Graph g;
  try {
    bytes = cc::generate_model(a.options);
    g = cc::import_tflite(bytes);
  } catch (const cc::ModelError& e) {
    throw CommandError(exit_code::kUsage, e.what());
  }
  write_output_file(a.output, bytes, "model");
  fmt::print("wrote {} ({} bytes): {} ops, {:.2f} M MACs\n", a.output, bytes.size(), g.ops.size(),
             static_cast<double>(cc::total_macs(g)) / 1e6);
  return exit_code::kOk;
}

}  // namespace

void add_generate_command(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<GenerateArgs>();
  auto* cmd = app.add_subcommand("generate",
                                 "Write a synthetic int8 .tflite model with seeded random weights");
  cmd->add_option("family", args->options.family, "mobilenetv2 | mcunet | resnet")
      ->required()
      ->check(CLI::IsMember(cc::generator_families()));
  cmd->add_option("--width", args->options.width, "Channel width multiplier (default 1.0)");
  cmd->add_option("--resolution", args->options.resolution,
                  "Input height and width (default: mobilenetv2 224, mcunet 144, resnet 32)");
  cmd->add_option("--seed", args->options.seed,
                  "Random seed for weights and quantization (default 1)");
  cmd->add_option("--classes", args->options.classes, "Classifier outputs (default: 1000, 2, 10)");
  cmd->add_option("-o,--output", args->output, "Output .tflite file")->required();
  commands.push_back({cmd, [args] { return generate(*args); }});
}

}  // namespace mcuprof::profiler
