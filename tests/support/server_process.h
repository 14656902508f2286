// Starts a real `tandem` server (commander, dispatcher) in the background on a free
// loopback port, waits until /health answers 200, and stops it when destroyed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace tandem::test {

int free_loopback_port();

class ServerProcess {
 public:
  // args follow `tandem`, e.g. {"commander", "-m", path}; --host/--port are appended.
  // Throws std::runtime_error (with the server's log) if it exits or is not healthy in time.
  explicit ServerProcess(std::vector<std::string> args, int ready_timeout_s = 60);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }  // for signals (SIGHUP)
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;  // stdout + stderr so far
  bool running();           // false once the process has exited
  // SIGTERM, then SIGKILL after a grace period; returns the exit status (128+signal).
  int stop();
  // SIGKILL at once (a crash: nothing runs at exit); returns 128 + SIGKILL.
  int kill_now();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
  int exit_code_ = -1;
};

}  // namespace tandem::test
