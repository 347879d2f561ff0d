// Flash reads per layer of a model run: every weight of a convolution or fully
// connected layer is read from flash at least once (its flash data bytes are at least
// its parameter bytes, as `mcuprof inspect` counts them) and not absurdly more (about
// one weight byte per MAC at most); layers add up within the run; the summary gives
// fetch bytes too, and the stored run's report shows both.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "mcuprof/compiler/generator.hpp"
#include "paths.hpp"
#include "process.hpp"

namespace mcuprof::test {
namespace {

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

TEST(ModelRunFlash, LayersReadEveryWeightFromFlash) {
  ScratchDir dir;
  const auto model = dir / "m.tflite";
  {
    const auto bytes = compiler::generate_model({"resnet", 0.25, 32, 2, 4});
    std::ofstream(model, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  const auto inspect =
      run_process({mcuprof_binary().string(), "inspect", model.string(), "--json"});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  const auto plan = nlohmann::json::parse(inspect.out);
  std::map<uint64_t, uint64_t> param_bytes;  // by layer index
  for (const auto& l : plan["layers"])
    param_bytes[l["index"].get<uint64_t>()] = l["param_bytes"].get<uint64_t>();

  const auto summary = dir / "s.json";
  const auto db = dir / "t.db";
  const auto r = run_process({mcuprof_binary().string(), "run", model.string(), "--target",
                              "stm32f412", "--summary", summary.string(), "--db", db.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto s = read_json(summary);
  uint64_t layer_data = 0, layer_fetch = 0, weighted = 0;
  for (const auto& l : s["layers"]) {
    const auto index = l["index"].get<uint64_t>();
    const auto data = l["flash_data_bytes"].get<uint64_t>();
    const auto fetch = l["flash_ifetch_bytes"].get<uint64_t>();
    layer_data += data;
    layer_fetch += fetch;
    EXPECT_GT(fetch, 0u) << "layer " << index;
    const std::string op = l["op"];
    if (op != "CONV_2D" && op != "FULLY_CONNECTED" && op != "DEPTHWISE_CONV_2D") continue;
    ASSERT_TRUE(param_bytes.count(index)) << index;
    const uint64_t params = param_bytes[index];
    const uint64_t macs = l["macs"].get<uint64_t>();
    ++weighted;
    EXPECT_GE(data, params) << op << " " << index;
    EXPECT_LE(data, 2 * macs + params + 4096) << op << " " << index;
  }
  EXPECT_GT(weighted, 2u);
  // Layers are disjoint spans inside the run.
  EXPECT_LE(layer_data, s["flash_data_bytes"].get<uint64_t>());
  EXPECT_LE(layer_fetch, s["flash_ifetch_bytes"].get<uint64_t>());

  // The stored report shows both columns with the same figures.
  const auto report =
      run_process({mcuprof_binary().string(), "report", db.string(), "--format", "json"});
  ASSERT_EQ(report.status, 0) << report.err;
  const auto j = nlohmann::json::parse(report.out);
  ASSERT_EQ(j["layers"].size(), s["layers"].size());
  for (size_t i = 0; i < j["layers"].size(); ++i) {
    EXPECT_EQ(j["layers"][i]["flash_data_bytes"], s["layers"][i]["flash_data_bytes"]);
    EXPECT_EQ(j["layers"][i]["flash_ifetch_bytes"], s["layers"][i]["flash_ifetch_bytes"]);
  }
  EXPECT_EQ(j["run"]["flash_data_bytes"], s["flash_data_bytes"]);
}

}  // namespace
}  // namespace mcuprof::test
