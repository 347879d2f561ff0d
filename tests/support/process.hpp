// Runs a program (the mcuprof CLI) the way a user would and captures what it says; or
// starts it, lets the test signal it, then collects it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace mcuprof::test {

struct ProcessResult {
  int status = -1;  // exit status, or 128+signal if it was killed
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv);

// A running child with stdout and stderr captured.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // kills and reaps a child nobody waited for
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True once the child catches `signal` (its SigCgt in /proc), false if it ended or
  // `timeout_ms` passed first.
  bool wait_until_catching(int signal, int timeout_ms) const;
  void send(int signal) const;
  // Reads both pipes to the end and reaps the child.
  ProcessResult wait();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
};

}  // namespace mcuprof::test
