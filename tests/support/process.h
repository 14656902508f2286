// Runs the real `tandem` binary as a child process and captures its output and exit code.
#pragma once

#include <string>
#include <vector>

namespace tandem::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// argv[0] is the program path; no shell is involved.
ProcessResult run_process(const std::vector<std::string>& argv);
inline ProcessResult run_tandem(std::vector<std::string> args) {
  args.insert(args.begin(), TANDEM_BINARY);
  return run_process(args);
}

}  // namespace tandem::test
