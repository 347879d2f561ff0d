// Every file mcuprof writes is written whole or not at all: a write that fails (/dev/full,
// a read-only folder) is status 74 or 73 naming the file, the previous file stays as it
// was, and no temporary file is left behind.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcuprof/profiler/exit_codes.hpp"
#include "robustness.hpp"

using namespace mcuprof::test;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

void expect_write_error(const ProcessResult& r, int status, const std::string& file) {
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_NE(r.err.find("mcuprof: error: " + file), std::string::npos) << r.err;
}

}  // namespace

TEST(AtomicOutputs, WritesToAFullDeviceAreErrorsNamingTheFile) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  ScratchDir dir;
  const auto elf = built_firmware("itm_exit").string();
  expect_write_error(mcuprof_cli({"run", elf, "--target", kBoard, "--summary", "/dev/full"}),
                     exit_code::kIoError, "/dev/full");
  expect_write_error(mcuprof_cli({"run", elf, "--target", kBoard, "--junit", "/dev/full"}),
                     exit_code::kIoError, "/dev/full");
  const auto db = database_with_a_run(dir.path());
  expect_write_error(
      mcuprof_cli({"export", db.string(), "--run", "1", "--chrome-trace", "/dev/full"}),
      exit_code::kIoError, "/dev/full");
  expect_write_error(mcuprof_cli({"generate", "resnet", "--resolution", "32", "--width", "0.25",
                                  "-o", "/dev/full"}),
                     exit_code::kIoError, "/dev/full");
  const auto model = small_model(dir.path());
  expect_write_error(
      mcuprof_cli({"run", model.string(), "--target", kBoard, "--output", "/dev/full"}),
      exit_code::kIoError, "/dev/full");
}

TEST(AtomicOutputs, AReadOnlyFolderFailsBeforeTheRun) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  if (geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
  ScratchDir dir;
  const auto db = database_with_a_run(dir.path());
  const auto ro = dir / "ro";
  std::filesystem::create_directories(ro);
  write_bytes(ro / "run.json", std::vector<uint8_t>{'o', 'l', 'd'});
  ASSERT_EQ(chmod(ro.c_str(), 0555), 0);
  const auto elf = built_firmware("itm_exit").string();
  for (const char* option : {"--summary", "--junit"}) {
    const auto r = mcuprof_cli(
        {"run", elf, "--target", kBoard, "--db", db.string(), option, (ro / "run.json").string()});
    expect_write_error(r, exit_code::kCantCreate, (ro / "run.json").string());
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_EQ(r.out, "") << "the firmware ran";
  }
  EXPECT_EQ(stored_runs(db), 1) << "a run was stored although its outputs could not be written";
  const auto r = mcuprof_cli(
      {"export", db.string(), "--run", "1", "--chrome-trace", (ro / "run.json").string()});
  expect_write_error(r, exit_code::kCantCreate, (ro / "run.json").string());
  EXPECT_EQ(read_text(ro / "run.json"), "old");
  EXPECT_EQ(folder_names(ro), std::vector<std::string>{"run.json"});
  chmod(ro.c_str(), 0755);
}

TEST(AtomicOutputs, AnOutputThatCannotBeCreatedFailsBeforeTheRun) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto db = database_with_a_run(dir.path());
  write_bytes(dir / "file", std::vector<uint8_t>{'x'});
  const auto inside_a_file = dir / "file" / "run.json";  // its "folder" is a file
  const auto elf = built_firmware("itm_exit").string();
  for (const char* option : {"--summary", "--junit"}) {
    const auto r = mcuprof_cli(
        {"run", elf, "--target", kBoard, "--db", db.string(), option, inside_a_file.string()});
    expect_write_error(r, exit_code::kCantCreate, inside_a_file.string());
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_EQ(r.out, "") << "the firmware ran";
  }
  EXPECT_EQ(stored_runs(db), 1) << "a run was stored although its outputs could not be written";
}

TEST(AtomicOutputs, AnExistingSummaryIsReplacedWholeAndNothingElseIsLeft) {
  MCUPROF_NEED_FIRMWARE("itm_exit");
  ScratchDir dir;
  const auto summary = dir / "run.json";
  write_bytes(summary, std::vector<uint8_t>(1152, 'x'));
  chmod(summary.c_str(), 0640);
  const auto r = mcuprof_cli({"run", built_firmware("itm_exit").string(), "--target", kBoard,
                              "--summary", summary.string()});
  ASSERT_EQ(r.status, 42) << r.err;
  EXPECT_EQ(read_json(summary)["exit_code"], 42);
  struct stat st {};
  ASSERT_EQ(stat(summary.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u) << "the replaced file keeps its permissions";
  EXPECT_EQ(folder_names(dir.path()), std::vector<std::string>{"run.json"});
}

TEST(AtomicOutputs, AnExistingSummarySurvivesAKilledRun) {
  MCUPROF_NEED_FIRMWARE("spin_forever");
  ScratchDir dir;
  const auto summary = dir / "run.json";
  const std::vector<uint8_t> old(1152, 'x');
  write_bytes(summary, old);
  ChildProcess child({mcuprof_binary().string(), "run", built_firmware("spin_forever").string(),
                      "--target", kBoard, "--summary", summary.string()});
  // Running (its interrupt handler is installed once the machine is about to run).
  ASSERT_TRUE(child.wait_until_catching(SIGINT, 20000));
  child.send(SIGKILL);
  const auto r = child.wait();
  EXPECT_EQ(r.status, 128 + SIGKILL);
  EXPECT_EQ(read_bytes(summary), old);
  EXPECT_EQ(folder_names(dir.path()), std::vector<std::string>{"run.json"});
}

TEST(AtomicOutputs, DumpTensorsIntoAnUnwritablePlaceIsOneErrorNotACrash) {
  ScratchDir dir;
  const auto model = small_model(dir.path());
  const auto summary = dir / "run.json";
  // A file where the dump folder should be.
  write_bytes(dir / "dump", std::vector<uint8_t>{'x'});
  const auto r = mcuprof_cli({"run", model.string(), "--target", kBoard, "--dump-tensors",
                              (dir / "dump").string(), "--summary", summary.string()});
  EXPECT_EQ(r.status, exit_code::kCantCreate) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
}

TEST(AtomicOutputs, ATensorFileThatCannotBeWrittenStopsTheRunCleanly) {
  ScratchDir dir;
  const auto model = small_model(dir.path());
  const auto summary = dir / "run.json";
  const auto dump = dir / "dump";
  // A folder in the place of every tensor file the dump could write.
  for (int i = 0; i < 400; ++i)
    std::filesystem::create_directories(dump / (std::to_string(i) + ".bin"));
  const auto r = mcuprof_cli({"run", model.string(), "--target", kBoard, "--dump-tensors",
                              dump.string(), "--summary", summary.string()});
  EXPECT_EQ(r.status, exit_code::kCantCreate) << r.err;
  EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mcuprof: error: " + dump.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("it is a folder"), std::string::npos) << r.err;
  // The run stopped at the failed write, and its summary says why.
  const auto s = read_json(summary);
  EXPECT_EQ(s["stop_reason"], "interrupted");
  EXPECT_NE(s["detail"].get<std::string>().find(".bin"), std::string::npos) << s["detail"];
}
