// SIGHUP for a server: a dedicated thread takes the signal with sigtimedwait (no work in a
// signal handler) and runs the reload callback on itself, one reload at a time.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace tandem::cli {

// Blocks SIGHUP in the calling thread and every thread it starts later: call before any
// thread exists, so the watcher is the only one that sees it.
void block_sighup();

class SighupWatcher {
 public:
  explicit SighupWatcher(std::function<void()> on_hup);
  ~SighupWatcher();  // stops within the poll interval (and after a reload in progress)
  SighupWatcher(const SighupWatcher&) = delete;
  SighupWatcher& operator=(const SighupWatcher&) = delete;

 private:
  std::function<void()> on_hup_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tandem::cli
