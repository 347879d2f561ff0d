// An output that is one of the command's own inputs, its database or another output is
// refused before anything runs (status 64, one line naming both), whatever the name it
// is given by: the same path, a symlink, a hard link, a file a dump folder would write.
#include <unistd.h>

#include "mcuprof/profiler/exit_codes.hpp"
#include "robustness.hpp"

using namespace mcuprof::test;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

// The refusal: status 64, one line, both options named; nothing else happened.
void expect_refused(const ProcessResult& r, const std::string& first, const std::string& second) {
  EXPECT_EQ(r.status, exit_code::kUsage) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(first), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(second), std::string::npos) << r.err;
}

}  // namespace

TEST(SameFile, SummaryOnTheDatabaseIsRefusedAndTheDatabaseKept) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto db = database_with_a_run(dir.path());
  const auto before = read_bytes(db);
  const auto r = mcuprof_cli({"run", built_firmware("itm_exit").string(), "--target", kBoard,
                              "--db", db.string(), "--summary", db.string()});
  expect_refused(r, "--summary", "--db");
  EXPECT_EQ(read_bytes(db), before);
  EXPECT_EQ(stored_runs(db), 1);
}

TEST(SameFile, SymlinksAndHardLinksAreTheSameFile) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto db = database_with_a_run(dir.path());
  std::filesystem::create_symlink(db, dir / "link.json");
  ASSERT_EQ(link(db.c_str(), (dir / "hard.json").c_str()), 0);
  for (const char* name : {"link.json", "hard.json"}) {
    const auto r = mcuprof_cli({"run", built_firmware("itm_exit").string(), "--target", kBoard,
                                "--db", db.string(), "--summary", (dir / name).string()});
    expect_refused(r, name, "--db");
  }
  // A name that resolves to the firmware through "..".
  const auto firmware = built_firmware("itm_exit");
  const auto r = mcuprof_cli(
      {"run", firmware.string(), "--target", kBoard, "--summary",
       (firmware.parent_path() / ".." / firmware.parent_path().filename() / firmware.filename())
           .string()});
  expect_refused(r, "--summary", "itm_exit.elf");
  EXPECT_EQ(stored_runs(db), 1);
}

TEST(SameFile, TwoOutputsOnOneFileAreRefused) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto out = dir / "out.xml";
  const auto r = mcuprof_cli({"run", built_firmware("itm_exit").string(), "--target", kBoard,
                              "--summary", out.string(), "--junit", out.string()});
  expect_refused(r, "--junit", "--summary");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(SameFile, ModelOutputOnTheModelIsRefusedAndTheModelKept) {
  ScratchDir dir;
  const auto model = small_model(dir.path());
  const auto before = read_bytes(model);
  const auto r =
      mcuprof_cli({"run", model.string(), "--target", kBoard, "--output", model.string()});
  expect_refused(r, "--output", "small.tflite");
  EXPECT_EQ(read_bytes(model), before);
}

TEST(SameFile, DumpFolderThatWouldOverwriteAnInputIsRefused) {
  ScratchDir dir;
  const auto model = small_model(dir.path());
  const auto dump = dir / "dump";
  std::filesystem::create_directories(dump);
  // The first input tensor lands in dump/<its index>.bin, index.json beside it.
  const auto index_json = dump / "index.json";
  write_bytes(index_json, std::vector<uint8_t>{'{', '}'});
  const auto r = mcuprof_cli({"run", model.string(), "--target", kBoard, "--dump-tensors",
                              dump.string(), "--input", index_json.string()});
  expect_refused(r, "--dump-tensors", "index.json");
  EXPECT_EQ(read_bytes(index_json), (std::vector<uint8_t>{'{', '}'}));
  // The folder itself given as an input file's name.
  const auto r2 =
      mcuprof_cli({"run", model.string(), "--target", kBoard, "--dump-tensors", model.string()});
  expect_refused(r2, "--dump-tensors", "small.tflite");
}

TEST(SameFile, ExportOnTheDatabaseIsRefusedAndTheDatabaseKept) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto db = database_with_a_run(dir.path());
  const auto before = read_bytes(db);
  for (const char* option : {"--chrome-trace", "--folded"}) {
    const auto r = mcuprof_cli({"export", db.string(), "--run", "1", option, db.string()});
    expect_refused(r, option, "t.db");
    EXPECT_EQ(read_bytes(db), before);
  }
  const auto r = mcuprof_cli({"export", db.string(), "--run", "1", "--chrome-trace",
                              (dir / "x.json").string(), "--folded", (dir / "x.json").string()});
  expect_refused(r, "--folded", "--chrome-trace");
  EXPECT_EQ(stored_runs(db), 1);
}

TEST(SameFile, PlotOnTheDatabaseIsRefused) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto db = database_with_a_run(dir.path());
  std::filesystem::create_symlink(db, dir / "chart.png");
  const auto before = read_bytes(db);
  const auto r = mcuprof_cli({"plot", db.string(), "--out", (dir / "chart.png").string()});
  if (r.err.find("unknown command 'plot'") != std::string::npos)
    GTEST_SKIP() << "mcuprof was built without plot";
  expect_refused(r, "--out", "t.db");
  EXPECT_EQ(read_bytes(db), before);
}
