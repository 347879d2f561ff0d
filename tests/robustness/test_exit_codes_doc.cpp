// docs/cli.md's "Exit statuses" table and profiler/include/mcuprof/profiler/exit_codes.hpp
// say the same: every constant has its row, every row is a constant, and the firmware's
// range does not overlap mcuprof's own statuses.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

#include "files.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "paths.hpp"

namespace exit_code = mcuprof::profiler::exit_code;

namespace {

// The table's first column: single statuses, and "A–B" ranges.
struct DocTable {
  std::set<int> statuses;
  std::vector<std::pair<int, int>> ranges;
};

DocTable read_doc_table() {
  const std::string doc =
      mcuprof::test::read_text(std::filesystem::path(MCUPROF_SOURCE_DIR) / "docs" / "cli.md");
  const auto start = doc.find("## Exit statuses");
  EXPECT_NE(start, std::string::npos) << "docs/cli.md has no Exit statuses section";
  DocTable table;
  if (start == std::string::npos) return table;
  const auto end = doc.find("\n## ", start + 1);
  const std::string section = doc.substr(start, end == std::string::npos ? end : end - start);
  static const std::regex kRow(R"(\n\| *([0-9]+)(?: *(?:–|-) *([0-9]+))? *\|)");
  for (std::sregex_iterator it(section.begin(), section.end(), kRow), last; it != last; ++it) {
    const int a = std::stoi((*it)[1]);
    if ((*it)[2].matched)
      table.ranges.emplace_back(a, std::stoi((*it)[2]));
    else
      EXPECT_TRUE(table.statuses.insert(a).second) << "status " << a << " listed twice";
  }
  return table;
}

}  // namespace

TEST(ExitCodesDoc, TheTableInCliMdMatchesTheConstants) {
  const std::map<int, std::string> constants = {
      {exit_code::kUsage, "kUsage"},
      {exit_code::kDataError, "kDataError"},
      {exit_code::kNoInput, "kNoInput"},
      {exit_code::kSoftware, "kSoftware"},
      {exit_code::kCantCreate, "kCantCreate"},
      {exit_code::kIoError, "kIoError"},
      {exit_code::kFirmwareStatusOutOfRange, "kFirmwareStatusOutOfRange"},
      {exit_code::kFaultUnmappedAccess, "kFaultUnmappedAccess"},
      {exit_code::kFaultFlashWrite, "kFaultFlashWrite"},
      {exit_code::kFaultUsageFault, "kFaultUsageFault"},
      {exit_code::kFaultHardFault, "kFaultHardFault"},
      {exit_code::kFaultEmulator, "kFaultEmulator"},
      {exit_code::kFaultBusFault, "kFaultBusFault"},
      {exit_code::kFaultMemManage, "kFaultMemManage"},
      {exit_code::kFaultStackOverflow, "kFaultStackOverflow"},
      {exit_code::kFaultLockup, "kFaultLockup"},
      {exit_code::kCycleBudget, "kCycleBudget"},
      {exit_code::kGateFailed, "kGateFailed"},
      {exit_code::kModelRunnerRefused, "kModelRunnerRefused"},
      {exit_code::kInterrupted, "kInterrupted"},
      {exit_code::kTerminated, "kTerminated"},
  };
  EXPECT_EQ(constants.size(), 21u) << "two constants share a value";
  const DocTable doc = read_doc_table();
  for (const auto& [value, name] : constants)
    EXPECT_TRUE(doc.statuses.count(value))
        << name << " = " << value << " has no row in docs/cli.md";
  for (const int status : doc.statuses)
    EXPECT_TRUE(constants.count(status))
        << "docs/cli.md lists " << status << ", no constant has it";
  ASSERT_EQ(doc.ranges.size(), 1u) << "one range: the firmware's statuses";
  EXPECT_EQ(doc.ranges[0].first, exit_code::kOk);
  EXPECT_EQ(doc.ranges[0].second, exit_code::kFirmwareStatusMax);
  // No mcuprof status inside the firmware's range.
  for (const auto& [value, name] : constants)
    EXPECT_GT(value, exit_code::kFirmwareStatusMax) << name << " overlaps firmware statuses";
}
