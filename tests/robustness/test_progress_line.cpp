// On a terminal a long run shows one progress line on stderr — simulated time, a bar
// against the budget, the budget and the speed — rewritten in place and cleared before
// the run's summary line; not on a pipe. The run gets a pseudo-terminal here (forkpty).
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "robustness.hpp"

using namespace mcuprof::test;

namespace {

// Runs mcuprof with stdout and stderr on a new pseudo-terminal; returns what it wrote.
std::string run_on_terminal(const std::vector<std::string>& args) {
  int master = -1;
  const pid_t child = forkpty(&master, nullptr, nullptr, nullptr);
  if (child == 0) {
    setenv("MCUPROF_PROGRESS_DELAY_MS", "0", 1);  // show the line from the first report
    std::vector<char*> argv;
    std::string program = mcuprof_binary().string();
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  EXPECT_GT(child, 0);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has closed the terminal
    out.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  waitpid(child, &status, 0);
  close(master);
  return out;
}

}  // namespace

TEST(ProgressLine, ATerminalSeesSimulatedTimeABarAndTheSpeed) {
  MCUPROF_NEED_FIRMWARE("spin_forever");
  const std::vector<std::string> args{
      "run", built_firmware("spin_forever").string(), "--target", kBoard, "--max-cycles", "200M"};
  const std::string tty = run_on_terminal(args);
  EXPECT_NE(tty.find(" s simulated ["), std::string::npos) << tty;
  EXPECT_NE(tty.find("% of 2 s budget"), std::string::npos) << tty;
  EXPECT_NE(tty.find(" MIPS"), std::string::npos) << tty;
  EXPECT_NE(tty.find("\r\033[K"), std::string::npos) << "the line is cleared: " << tty;
  // On a pipe: no progress line, only the run's own lines.
  const auto piped = mcuprof_cli(args);
  EXPECT_EQ(piped.err.find("s simulated ["), std::string::npos) << piped.err;
  EXPECT_NE(piped.err.find("budget"), std::string::npos) << piped.err;
}
