// Generated text on its way to the client: holds back anything that may still turn into a
// stop string (which ends the output there, stop string excluded), and optionally splits
// <think>…</think> reasoning from the answer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tandem::serving {

struct TextDelta {
  std::string content;
  std::string reasoning;
  bool empty() const { return content.empty() && reasoning.empty(); }
  void append(const TextDelta& d) {
    content += d.content;
    reasoning += d.reasoning;
  }
};

class TextStream {
 public:
  struct Options {
    std::vector<std::string> stop;
    bool split_reasoning = false;
    bool start_in_reasoning = false;  // the prompt already opened <think>
    bool trim_leading = false;        // drop whitespace before the answer starts
  };
  explicit TextStream(Options o);

  // `text` is valid UTF-8. Returns what is now safe to send.
  TextDelta push(std::string_view text);
  // End of generation: releases held-back text.
  TextDelta flush();
  bool stopped() const { return stopped_; }

 private:
  TextDelta route(std::string_view text, bool final);
  void emit_content(std::string_view text, TextDelta& out);

  Options o_;
  std::string held_;     // may still become a stop string
  std::string tag_buf_;  // may still become <think> or </think>
  bool in_think_;
  bool stopped_ = false;
  bool trimming_;
};

}  // namespace tandem::serving
