// Shared pieces of the Dispatcher end-to-end tests: paths, policies, chat bodies, and a
// scripted OpenAI upstream (in a thread, or in a child process the test can SIGKILL).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {

inline std::string edge_model() {
  return stories("stories260K-f32.gguf");
}
inline std::string intent_model() {
  return source("data/intent/intent_model.bin");
}

// A policy file in the temp dir; removed with the object.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name, const std::string& text = "") {
    path = (std::filesystem::temp_directory_path() /
            (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(free_loopback_port())))
               .string();
    if (!text.empty()) std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  std::string read() const { return read_file(path); }
};

inline json chat(const std::string& user, int max_tokens = 24, bool stream = false) {
  return {{"messages", json::array({{{"role", "user"}, {"content", user}}})},
          {"max_tokens", max_tokens},
          {"temperature", 0},
          {"stream", stream}};
}

inline std::string header(const HttpReply& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

// The content of a chat answer, streamed or not; fails the test on any error event.
inline std::string answer_text(const HttpReply& r, bool stream, bool* saw_done = nullptr) {
  if (!stream) return r.j()["choices"][0]["message"]["content"].get<std::string>();
  std::string text;
  for (const auto& d : sse_data(r.body)) {
    if (d == "[DONE]") {
      if (saw_done) *saw_done = true;
      continue;
    }
    const json j = json::parse(d);
    EXPECT_FALSE(j.contains("error")) << d;
    if (!j["choices"].empty() && j["choices"][0]["delta"].contains("content"))
      text += j["choices"][0]["delta"]["content"].get<std::string>();
  }
  return text;
}

// An OpenAI chat upstream whose answer is the last user message as it arrived (so with the
// placeholders the Dispatcher put there), streamed `piece` bytes at a time with `delay`
// between chunks. Runs until stop().
inline void serve_echo(httplib::Server& svr, size_t piece, std::chrono::milliseconds delay,
                       std::function<void(const std::string&)> on_body = {}) {
  svr.Post("/v1/chat/completions", [=](const httplib::Request& req, httplib::Response& res) {
    if (on_body) on_body(req.body);
    const json b = json::parse(req.body);
    const std::string text = b["messages"].back()["content"].get<std::string>();
    if (!b.value("stream", false)) {
      json j = {{"id", "up-1"},
                {"object", "chat.completion"},
                {"created", 1},
                {"model", "echo"},
                {"choices", json::array({{{"index", 0},
                                          {"message", {{"role", "assistant"}, {"content", text}}},
                                          {"finish_reason", "stop"}}})}};
      res.set_content(j.dump(), "application/json");
      return;
    }
    auto chunk = [](const json& delta, const json& finish) {
      json j = {
          {"id", "up-1"},
          {"object", "chat.completion.chunk"},
          {"created", 1},
          {"model", "echo"},
          {"choices", json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
      return "data: " + j.dump() + "\n\n";
    };
    res.set_chunked_content_provider("text/event-stream", [=](size_t, httplib::DataSink& sink) {
      std::string head = chunk({{"role", "assistant"}, {"content", ""}}, nullptr);
      sink.write(head.data(), head.size());
      for (size_t i = 0, n; i < text.size(); i += n) {
        n = std::min(piece, text.size() - i);  // whole UTF-8 characters, as a real server sends
        while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
        const std::string ev = chunk({{"content", text.substr(i, n)}}, nullptr);
        if (!sink.write(ev.data(), ev.size())) return false;
        std::this_thread::sleep_for(delay);
      }
      const std::string end = chunk(json::object(), "stop") + "data: [DONE]\n\n";
      sink.write(end.data(), end.size());
      sink.done();
      return true;
    });
  });
}

// The echo upstream in a child process (so the test can SIGKILL it mid-answer, or stop and
// resume it).
class EchoProcess {
 public:
  EchoProcess(size_t piece, std::chrono::milliseconds delay) : port_(free_loopback_port()) {
    pid_ = ::fork();
    if (pid_ == 0) {
      httplib::Server svr;
      serve_echo(svr, piece, delay);
      svr.listen("127.0.0.1", port_);
      ::_exit(0);
    }
    httplib::Client cli("127.0.0.1", port_);
    for (int i = 0; i < 200; ++i) {
      if (auto r = cli.Get("/health")) return;  // 404 is an answer: it listens
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~EchoProcess() { kill(); }
  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  void stop() { ::kill(pid_, SIGSTOP); }
  void resume() { ::kill(pid_, SIGCONT); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  pid_t pid_ = -1;
};

}  // namespace tandem::test
