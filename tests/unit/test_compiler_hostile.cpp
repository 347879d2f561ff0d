// Hostile .tflite input: truncated and corrupted real models, and valid flatbuffers with
// semantic defects. The importer must throw ModelError with a clear message, never crash.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "files.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/compiler/planner.hpp"
#include "paths.hpp"

using namespace mcuprof;
using namespace mcuprof::compiler;

namespace {

// Import, and if that succeeds, plan and write an image too: all must either work or
// throw ModelError. Returns true if the model was accepted.
bool survives(const std::vector<uint8_t>& bytes) {
  try {
    const Graph g = import_tflite(bytes);
    const auto mem = plan_memory(g);
    (void)write_model_image(g, mem.plan);
    return true;
  } catch (const ModelError& e) {
    EXPECT_GT(std::string(e.what()).size(), 10u);
    return false;
  }
}

}  // namespace

TEST(CompilerHostile, TruncatedModelsAreRefused) {
  for (const char* file : {"kws_ref_model.tflite", "vww_96_int8.tflite", "mcunet-vww1.tflite"}) {
    const auto path = test::shared_models_dir() / file;
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared model missing: " << path;
    const auto full = test::read_bytes(path);
    ASSERT_TRUE(survives(full)) << file;
    int refused = 0, tried = 0;
    for (std::size_t cut :
         {std::size_t{0}, std::size_t{3}, std::size_t{7}, std::size_t{8}, std::size_t{64}}) {
      ++tried;
      refused += !survives(
          std::vector<uint8_t>(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut)));
    }
    for (std::size_t k = 1; k < 200; ++k) {
      const std::size_t cut = full.size() * k / 200;
      ++tried;
      refused += !survives(
          std::vector<uint8_t>(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut)));
    }
    EXPECT_EQ(refused, tried) << file << ": every truncation must be refused";
  }
}

TEST(CompilerHostile, CorruptedModelsNeverCrash) {
  const auto path = test::shared_models_dir() / "kws_ref_model.tflite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared model missing: " << path;
  const auto full = test::read_bytes(path);
  std::mt19937 rng(5);
  int refused = 0;
  // Corrupt the structure-heavy tail and head (tables, vtables, offsets) and the middle.
  for (int trial = 0; trial < 600; ++trial) {
    auto bytes = full;
    const int flips = 1 + trial % 4;
    for (int f = 0; f < flips; ++f) {
      std::size_t at = rng() % bytes.size();
      if (trial % 3 == 0) at = rng() % std::min<std::size_t>(bytes.size(), 512);
      if (trial % 3 == 1) at = bytes.size() - 1 - rng() % std::min<std::size_t>(bytes.size(), 8192);
      bytes[at] = static_cast<uint8_t>(trial % 2 ? rng() : bytes[at] ^ (1u << (rng() % 8)));
    }
    refused += !survives(bytes);
  }
  EXPECT_GT(refused, 0);
}

TEST(CompilerHostile, SemanticDefectsGetClearErrors) {
  const std::vector<std::pair<ModelDefect, std::string>> cases = {
      {ModelDefect::kTensorIndexOutOfRange, "tensor index 99 out of range"},
      {ModelDefect::kBufferTooShort, "holds 20 bytes"},
      {ModelDefect::kBufferIndexOutOfRange, "refers to buffer 42"},
      {ModelDefect::kZeroDimension, "non-positive dimension 0"},
      {ModelDefect::kNegativeDimension, "non-positive dimension -8"},
      {ModelDefect::kAbsurdDimensions, "absurdly large"},
      {ModelDefect::kOpcodeIndexOutOfRange, "opcode index 7 out of range"},
      {ModelDefect::kShapeMismatch, "output size disagrees"},
      {ModelDefect::kUsedBeforeProduced, "used before any operator produces it"},
  };
  for (const auto& [defect, expected] : cases) {
    try {
      import_tflite(generate_defective_model(defect));
      ADD_FAILURE() << "defect accepted, expected: " << expected;
    } catch (const ModelError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

TEST(CompilerHostile, NotAFlatbufferAtAll) {
  EXPECT_THROW(import_tflite(std::vector<uint8_t>{}), ModelError);
  std::vector<uint8_t> junk(4096, 0xAB);
  EXPECT_THROW(import_tflite(junk), ModelError);
  junk[4] = 'T', junk[5] = 'F', junk[6] = 'L', junk[7] = '3';
  EXPECT_THROW(import_tflite(junk), ModelError);
  EXPECT_THROW(import_tflite_file("/nonexistent/model.tflite"), ModelError);
}

TEST(CompilerHostile, FuzzerFindingsStayFixed) {
  // Inputs libFuzzer once broke the importer with (tests/fuzz/regressions); under the
  // sanitizer build they are rerun by the fuzz target, here they must at least import
  // or be refused cleanly.
  const auto dir = std::filesystem::path(MCUPROF_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    ++n;
    SCOPED_TRACE(e.path().filename().string());
    (void)survives(test::read_bytes(e.path()));
  }
  EXPECT_GT(n, 0);
}
