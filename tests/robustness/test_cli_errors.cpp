// Command-line mistakes: one line each, naming the problem and what is accepted, status
// 64 (65 for a file that is not what it should be); never an empty success.
#include "mcuprof/profiler/exit_codes.hpp"
#include "robustness.hpp"

#include <sys/stat.h>

using namespace mcuprof::test;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

void expect_one_line(const ProcessResult& r, int status, const std::string& says) {
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("mcuprof: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
}

}  // namespace

TEST(CliErrors, BadCycleCountsNameTheAcceptedValues) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  for (const char* bad : {"abc", "0", "-5", "1.5", "10X", "1e99"}) {
    const auto r = mcuprof_cli(
        {"run", built_firmware("itm_exit").string(), "--target", kBoard, "--max-cycles", bad});
    expect_one_line(r, exit_code::kUsage, "--max-cycles");
    EXPECT_NE(r.err.find("1e6"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("10M"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("179769"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << bad << ": the firmware ran";
  }
  const auto t = mcuprof_cli(
      {"run", built_firmware("itm_exit").string(), "--target", kBoard, "--max-time", "soon"});
  expect_one_line(t, exit_code::kUsage, "--max-time");
  EXPECT_NE(t.err.find("500ms"), std::string::npos) << t.err;
}

TEST(CliErrors, AnUnknownCommandListsTheCommands) {
  const auto r = mcuprof_cli({"frobnicate"});
  expect_one_line(r, exit_code::kUsage, "unknown command 'frobnicate'");
  for (const char* command : {"run", "inspect", "export", "report", "compare", "targets"})
    EXPECT_NE(r.err.find(command), std::string::npos) << r.err;
  expect_one_line(mcuprof_cli({}), exit_code::kUsage, "no command given (commands: ");
}

TEST(CliErrors, ParseErrorsTakeOneLine) {
  expect_one_line(mcuprof_cli({"run"}), exit_code::kUsage, "firmware");
  expect_one_line(mcuprof_cli({"export", "x.db"}), exit_code::kUsage, "--run");
  expect_one_line(mcuprof_cli({"run", "x.elf", "--target", kBoard, "--no-such-option"}),
                  exit_code::kUsage, "--no-such-option");
  expect_one_line(mcuprof_cli({"run", "x.elf", "--target", kBoard, "--function-cycles", "0"}),
                  exit_code::kUsage, "--function-cycles");
  const auto help = mcuprof_cli({"run", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--max-time"), std::string::npos);
}

TEST(CliErrors, ExportOfAnUnknownTrackListsTheTracks) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto db = database_with_a_run(dir.path());
  const auto folded = dir / "out.folded";
  const auto r = mcuprof_cli(
      {"export", db.string(), "--run", "1", "--folded", folded.string(), "--track", "nosuch"});
  expect_one_line(r, exit_code::kUsage, "no span track 'nosuch'");
  EXPECT_NE(r.err.find("its tracks: "), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(folded));
}

TEST(CliErrors, ARunnerThatIsNotAModelRunnerIsRefusedBeforeRunning) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto model = small_model(dir.path());
  const auto db = dir / "t.db";
  const auto r = mcuprof_cli({"run", model.string(), "--target", kBoard, "--runner",
                              built_firmware("itm_exit").string(), "--db", db.string()});
  expect_one_line(r, exit_code::kDataError, "not a model runner firmware");
  EXPECT_EQ(r.out, "") << "the ELF ran";
  EXPECT_FALSE(std::filesystem::exists(db)) << "a run was stored";
}

TEST(CliErrors, AModelErrorNamesTheModelOnce) {
  ScratchDir dir;
  const auto bad = dir / "bad.tflite";
  write_bytes(bad, std::vector<uint8_t>(64, 'x'));
  const auto r = mcuprof_cli({"run", bad.string(), "--target", kBoard});
  expect_one_line(r, exit_code::kDataError, "bad.tflite");
  const auto first = r.err.find("bad.tflite");
  EXPECT_EQ(r.err.find("bad.tflite", first + 1), std::string::npos) << r.err;
}

// A directory, FIFO or device where a model or an input file should be: its own line and
// status 66, never "internal error" (inspect used to fail in the file stream).
TEST(CliErrors, ADirectoryOrFifoIsNotAModel) {
  ScratchDir dir;
  const auto folder = dir / "model.tflite";
  std::filesystem::create_directory(folder);
  const auto fifo = dir / "fifo.tflite";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::vector<std::string>& command : {std::vector<std::string>{"inspect"},
                                                  {"plan", "--target", kBoard},
                                                  {"run", "--target", kBoard}}) {
    for (const auto& [path, says] : {std::pair{folder, std::string("is a directory")},
                                     std::pair{fifo, std::string("not a regular file")},
                                     std::pair{dir / "none.tflite", std::string("no such file")}}) {
      std::vector<std::string> args{command[0], path.string()};
      args.insert(args.end(), command.begin() + 1, command.end());
      const auto r = mcuprof_cli(args);
      SCOPED_TRACE(command[0] + " " + path.string());
      expect_one_line(r, exit_code::kNoInput, says);
    }
  }
  // An --input that is a directory, likewise.
  const auto model = small_model(dir.path());
  const auto r =
      mcuprof_cli({"run", model.string(), "--target", kBoard, "--input", folder.string()});
  expect_one_line(r, exit_code::kNoInput, "is a directory");
}
