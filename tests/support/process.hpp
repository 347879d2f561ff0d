// Runs a program (the mcuprof CLI) the way a user would and captures what it says.
#pragma once

#include <string>
#include <vector>

namespace mcuprof::test {

struct ProcessResult {
  int status = -1;  // exit status, or 128+signal if it was killed
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv);

}  // namespace mcuprof::test
