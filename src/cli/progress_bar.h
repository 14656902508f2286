// A one-line progress bar with ETA on stderr (silent when stderr is not a terminal,
// except for a final summary line).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace tandem::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  void update(size_t done, size_t total, const std::string& detail = "");
  void finish();
  // Whether stderr is a terminal (the bar is drawn).
  bool interactive() const { return tty_; }

 private:
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  bool tty_;
  bool finished_ = false;
  int last_percent_ = -1;
};

}  // namespace tandem::cli
