// Models that reach the user with problems beyond the op set: names that are not valid
// UTF-8 (escaped at import, so JSON outputs never fail), a graph the executor cannot run
// (refused alike by inspect, plan and run with one line), per-op errors kept to one
// readable line, and `generate`'s numeric options checked against their ranges. Every
// crafted model is made here from a generated one.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "files.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/names.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

test::ProcessResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), test::mcuprof_binary().string());
  return test::run_process(args);
}

std::size_t lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

// Overwrites the bytes of the flatbuffer string `name` (length prefix, bytes, NUL) in
// place with `replacement` of the same length. The file stays a valid flatbuffer.
void replace_string(std::vector<uint8_t>& bytes, const std::string& name,
                    const std::string& replacement) {
  ASSERT_EQ(name.size(), replacement.size());
  std::string pattern(4, '\0');
  const auto n = static_cast<uint32_t>(name.size());
  for (int k = 0; k < 4; ++k) pattern[static_cast<size_t>(k)] = static_cast<char>(n >> (8 * k));
  pattern += name;
  pattern += '\0';
  const auto it = std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end());
  ASSERT_NE(it, bytes.end()) << "no string '" << name << "' in the model";
  std::copy(replacement.begin(), replacement.end(), it + 4);
}

TEST(ModelNames, EscapeKeepsValidUtf8AndEscapesTheRest) {
  using compiler::escape_name;
  EXPECT_EQ(escape_name("conv_1/BiasAdd;relu"), "conv_1/BiasAdd;relu");
  EXPECT_EQ(escape_name("caf\xC3\xA9 \xE6\xA8\xA1\xE5\x9E\x8B \xF0\x9F\x99\x82"),
            "caf\xC3\xA9 \xE6\xA8\xA1\xE5\x9E\x8B \xF0\x9F\x99\x82");
  EXPECT_EQ(escape_name("a\xFF"
                        "b"),
            "a\\xFFb");
  EXPECT_EQ(escape_name("\xC3\x28"), "\\xC3(");               // lead byte without continuation
  EXPECT_EQ(escape_name("\xC0\x80"), "\\xC0\\x80");           // overlong NUL
  EXPECT_EQ(escape_name("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a UTF-16 surrogate
  EXPECT_EQ(escape_name("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(escape_name("x\xE6\xA8"), "x\\xE6\\xA8");                  // truncated at the end
  EXPECT_EQ(escape_name("two\nlines\t"), "two\\x0Alines\\x09");
  // Whatever the bytes, the result is valid UTF-8 to nlohmann::json.
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_NO_THROW((void)nlohmann::json(escape_name(all)).dump());
  EXPECT_THROW((void)nlohmann::json(all).dump(), nlohmann::json::type_error);
}

TEST(ModelNames, ShortNameElidesTheMiddle) {
  const std::string longname(300, 'a');
  const auto s = compiler::short_name(longname + "_end");
  EXPECT_LE(s.size(), 48u);
  EXPECT_NE(s.find("..."), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 4), "_end");
  EXPECT_EQ(compiler::short_name("conv_1"), "conv_1");
}

// A generated model whose input name and first activation name carry invalid bytes.
struct BadNames {
  std::vector<uint8_t> bytes;
  std::string input_escaped, layer_escaped;
};
BadNames bad_name_model() {
  BadNames m;
  m.bytes = compiler::generate_model({"resnet", 0.25, 32, 2, 4});
  const auto g = compiler::import_tflite(m.bytes);
  const std::string in = g.tensor(g.inputs[0]).name;
  const std::string layer = g.out(g.ops[0]).name;
  EXPECT_GE(in.size(), 3u);
  EXPECT_GE(layer.size(), 3u);
  std::string in_bad = in, layer_bad = layer;
  in_bad[1] = '\xFF';
  layer_bad[0] = '\xC3', layer_bad[1] = '(';
  replace_string(m.bytes, in, in_bad);
  replace_string(m.bytes, layer, layer_bad);
  m.input_escaped = in.substr(0, 1) + "\\xFF" + in.substr(2);
  m.layer_escaped = "\\xC3(" + layer.substr(2);
  return m;
}

TEST(ModelNames, InvalidUtf8NamesAreEscapedAtImport) {
  const auto m = bad_name_model();
  const auto g = compiler::import_tflite(m.bytes);
  EXPECT_EQ(g.tensor(g.inputs[0]).name, m.input_escaped);
  EXPECT_EQ(g.out(g.ops[0]).name, m.layer_escaped);
  for (const auto& t : g.tensors) EXPECT_NO_THROW((void)nlohmann::json(t.name).dump()) << t.name;
}

TEST(ModelNames, InspectJsonAndRunSummaryCarryTheEscapedNames) {
  test::ScratchDir dir;
  const auto model = dir / "names.tflite";
  test::write_bytes(model, bad_name_model().bytes);
  const auto expected = bad_name_model();
  const auto inspect = cli({"inspect", model.string(), "--json"});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  const auto doc = nlohmann::json::parse(inspect.out);
  EXPECT_EQ(doc["layers"][0]["name"], expected.layer_escaped);
  EXPECT_EQ(doc["inputs"][0]["name"], expected.input_escaped);

  const auto summary = dir / "s.json";
  const auto run = cli({"run", model.string(), "--target", "stm32f412", "--summary",
                        summary.string(), "--dump-tensors", (dir / "dump").string()});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err.find("internal error"), std::string::npos) << run.err;
  const auto s = test::read_json(summary);
  EXPECT_EQ(s["layers"][0]["name"], expected.layer_escaped);
  const auto index = test::read_json(dir / "dump" / "index.json");
  bool found = false;
  for (const auto& t : index) found |= t["name"] == expected.input_escaped;
  EXPECT_TRUE(found);
}

// A model output that is a constant: the executor cannot return it, so inspect, plan
// and run all refuse the model, before anything runs, with the same one line.
TEST(ModelRunnable, ConstantGraphOutputIsRefusedAlikeByInspectPlanAndRun) {
  const auto bytes = compiler::generate_defective_model(compiler::ModelDefect::kConstantOutput);
  try {
    (void)compiler::import_tflite(bytes);
    FAIL() << "a constant model output was accepted";
  } catch (const compiler::ModelError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("model output 1 is tensor 1 'weights', a constant"), std::string::npos) << m;
  }
  test::ScratchDir dir;
  const auto model = dir / "const_out.tflite";
  test::write_bytes(model, bytes);
  std::string first;
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"inspect", model.string()},
                                             {"inspect", model.string(), "--json"},
                                             {"plan", model.string(), "--target", "stm32f412"},
                                             {"run", model.string(), "--target", "stm32f412",
                                              "--summary", (dir / "s.json").string()}}) {
    const auto r = cli(args);
    SCOPED_TRACE(args[0]);
    EXPECT_EQ(r.status, exit_code::kDataError) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("'weights', a constant"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("image offset out of bounds"), std::string::npos) << r.err;
    if (first.empty()) first = r.err.substr(r.err.find("model output"));
    EXPECT_EQ(r.err.substr(r.err.find("model output")), first);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "s.json"));
}

// A per-op problem is one short line: node, op kind, the problem; not the tensor lists.
TEST(ModelRunnable, OpErrorsAreOneShortLine) {
  try {
    (void)compiler::import_tflite(
        compiler::generate_defective_model(compiler::ModelDefect::kShapeMismatch));
    FAIL() << "a shape mismatch was accepted";
  } catch (const compiler::ModelError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("node 0 FULLY_CONNECTED: ", 0), 0u) << m;
    EXPECT_EQ(m.find("inputs '"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_LT(m.size(), 120u) << m;
  }
}

TEST(GenerateOptions, OutOfRangeValuesAreRefusedNamingTheRange) {
  test::ScratchDir dir;
  const auto out = (dir / "g.tflite").string();
  struct Case {
    std::vector<std::string> args;
    std::string range;
  };
  const Case cases[] = {
      {{"resnet", "--classes", "0"}, "1..100000"},
      {{"resnet", "--classes", "100001"}, "1..100000"},
      {{"resnet", "--classes", "ten"}, "1..100000"},
      {{"mcunet", "--width", "0"}, "0.1..4"},
      {{"mcunet", "--width", "5"}, "0.1..4"},
      {{"mcunet", "--width", "nan"}, "0.1..4"},
      {{"mobilenetv2", "--resolution", "16"}, "32..1024"},
      {{"mobilenetv2", "--resolution", "96.5"}, "32..1024"},
      {{"resnet", "--seed", "-1"}, "0..4294967295"},
      {{"resnet", "--seed", "4294967296"}, "0..4294967295"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"generate"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"-o", out});
    const auto r = cli(args);
    SCOPED_TRACE(c.args[1] + " " + c.args[2]);
    EXPECT_EQ(r.status, exit_code::kUsage) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(c.args[1] + " '" + c.args[2] + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.range), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  // The ends of each range are accepted.
  const auto ok = cli({"generate", "resnet", "--classes", "1", "--width", "0.1", "--resolution",
                       "32", "--seed", "4294967295", "-o", out});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::exists(out));
}

}  // namespace
