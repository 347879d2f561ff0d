// docs/cli.md's synopsis and the CLI say the same: every command `mcuprof --help` lists
// has a synopsis line, every synopsis line is a command, and every option a command's
// `--help` lists is in its synopsis (and no synopsis option is unknown to the command).
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "robustness.hpp"

using namespace mcuprof::test;

namespace {

// Commands that group subcommands (`mcuprof sweep run`): their synopsis lines are keyed
// "sweep run", and their options are those of the subcommand's --help.
const std::set<std::string> kGroups{"sweep", "database"};

// The first fenced block of docs/cli.md, by command: the text of its "mcuprof CMD" lines
// and their indented continuations.
std::map<std::string, std::string> doc_synopsis() {
  const std::string doc = read_text(std::filesystem::path(MCUPROF_SOURCE_DIR) / "docs" / "cli.md");
  const auto open = doc.find("```\n");
  const auto close = doc.find("```\n", open + 4);
  EXPECT_NE(open, std::string::npos) << "docs/cli.md has no synopsis block";
  std::map<std::string, std::string> by_command;
  if (open == std::string::npos || close == std::string::npos) return by_command;
  std::istringstream block(doc.substr(open + 4, close - open - 4));
  std::string line, current;
  while (std::getline(block, line)) {
    static const std::regex kCommand(R"(^mcuprof ([a-z]+)\b)");
    static const std::regex kSubcommand(R"(^mcuprof ([a-z]+) ([a-z]+)\b)");
    std::smatch m;
    if (std::regex_search(line, m, kSubcommand) && kGroups.count(m[1]))
      current = std::string(m[1]) + " " + std::string(m[2]);
    else if (std::regex_search(line, m, kCommand))
      current = m[1];
    else if (line.rfind("mcuprof ", 0) == 0)
      current = "";  // `mcuprof --help | --version`
    if (!current.empty()) by_command[current] += line + "\n";
  }
  return by_command;
}

std::set<std::string> options_in(const std::string& text, const std::regex& option) {
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), option), last; it != last; ++it)
    out.insert((*it)[1]);
  return out;
}

}  // namespace

TEST(CliSynopsis, EveryCommandAndOptionIsInDocsCliMd) {
  const auto synopsis = doc_synopsis();
  const auto top = mcuprof_cli({"--help"});
  ASSERT_EQ(top.status, 0) << top.err;
  const auto at = top.out.find("Subcommands:");
  ASSERT_NE(at, std::string::npos) << top.out;
  std::set<std::string> commands;
  for (const auto& command : options_in(top.out.substr(at), std::regex(R"(\n  ([a-z]+) )"))) {
    if (!kGroups.count(command)) {
      commands.insert(command);
      continue;
    }
    const auto help = mcuprof_cli({command, "--help"});
    const auto sub = help.out.find("Subcommands:");
    ASSERT_NE(sub, std::string::npos) << help.out;
    for (const auto& s : options_in(help.out.substr(sub), std::regex(R"(\n  ([a-z]+) )")))
      commands.insert(command + " " + s);
  }
  ASSERT_GE(commands.size(), 9u) << top.out;
  for (const auto& [command, text] : synopsis)
    EXPECT_TRUE(commands.count(command)) << "docs/cli.md names an unknown command " << command;

  for (const auto& command : commands) {
    SCOPED_TRACE(command);
    ASSERT_TRUE(synopsis.count(command)) << "no synopsis line for " << command;
    std::vector<std::string> args;
    for (size_t from = 0; from <= command.size();) {
      const size_t space = std::min(command.find(' ', from), command.size());
      args.push_back(command.substr(from, space - from));
      from = space + 1;
    }
    args.emplace_back("--help");
    const auto help = mcuprof_cli(args);
    ASSERT_EQ(help.status, 0) << help.err;
    // Options as --help lists them: "  -o,--output TEXT", "  --json".
    const auto listed = options_in(help.out, std::regex(R"(\n +(?:-[a-zA-Z],)?(--[a-z][a-z-]*))"));
    const auto documented = options_in(synopsis.at(command), std::regex(R"((--[a-z][a-z-]*))"));
    for (const auto& o : listed) {
      if (o == "--help") continue;
      EXPECT_TRUE(documented.count(o)) << command << " " << o << " undocumented";
    }
    for (const auto& o : documented)
      EXPECT_TRUE(listed.count(o)) << "docs/cli.md gives " << command << " an unknown " << o;
  }
}
