#include "cli/progress_bar.h"

#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>

namespace tandem::cli {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), start_(std::chrono::steady_clock::now()), tty_(isatty(2) != 0) {}

void ProgressBar::update(size_t done, size_t total, const std::string& detail) {
  if (!tty_ || total == 0) return;
  const double frac = static_cast<double>(done) / static_cast<double>(total);
  const int percent = static_cast<int>(frac * 100);
  if (percent == last_percent_ && done < total) return;
  last_percent_ = percent;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = frac > 0 ? elapsed / frac - elapsed : 0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(frac * kWidth);
  fmt::print(stderr, "\r{} [{}{}] {:3d}% ETA {:4.0f}s {:<40.40}", label_, std::string(filled, '#'),
             std::string(kWidth - filled, ' '), percent, eta, detail);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (tty_) fmt::print(stderr, "\r{}\r", std::string(100, ' '));
  fmt::print(stderr, "{} done in {:.1f} s\n", label_, elapsed);
}

}  // namespace tandem::cli
