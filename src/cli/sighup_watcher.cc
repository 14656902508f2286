#include "cli/sighup_watcher.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <ctime>
#include <exception>

namespace tandem::cli {

void block_sighup() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SighupWatcher::SighupWatcher(std::function<void()> on_hup) : on_hup_(std::move(on_hup)) {
  thread_ = std::thread([this] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    const timespec poll{0, 200'000'000};  // how soon the destructor is noticed
    while (!stop_) {
      if (sigtimedwait(&set, nullptr, &poll) != SIGHUP) continue;  // EAGAIN / EINTR
      spdlog::info("SIGHUP: reloading");
      try {
        on_hup_();
      } catch (const std::exception& e) {
        spdlog::error("SIGHUP: reload failed: {}", e.what());
      }
    }
  });
}

SighupWatcher::~SighupWatcher() {
  stop_ = true;
  thread_.join();
}

}  // namespace tandem::cli
