#include "serving/text_stream.h"

#include <algorithm>

namespace tandem::serving {
namespace {

// Length of the longest suffix of `s` that is a proper prefix of `word`.
size_t partial_suffix(std::string_view s, std::string_view word) {
  for (size_t n = std::min(s.size(), word.size() - 1); n > 0; --n)
    if (s.substr(s.size() - n) == word.substr(0, n)) return n;
  return 0;
}

constexpr std::string_view kOpen = "<think>", kClose = "</think>";

}  // namespace

TextStream::TextStream(Options o)
    : o_(std::move(o)),
      in_think_(o_.split_reasoning && o_.start_in_reasoning),
      trimming_(o_.trim_leading) {}

TextDelta TextStream::push(std::string_view text) {
  if (stopped_) return {};
  held_ += text;
  size_t cut = std::string::npos;
  for (const auto& s : o_.stop) cut = std::min(cut, held_.find(s));
  if (cut != std::string::npos) {
    stopped_ = true;
    std::string out = held_.substr(0, cut);
    held_.clear();
    return route(out, true);
  }
  size_t keep = 0;
  for (const auto& s : o_.stop) keep = std::max(keep, partial_suffix(held_, s));
  std::string out = held_.substr(0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return route(out, false);
}

TextDelta TextStream::flush() {
  std::string out;
  if (!stopped_) out.swap(held_);
  held_.clear();
  return route(out, true);
}

void TextStream::emit_content(std::string_view text, TextDelta& out) {
  if (trimming_) {
    const size_t i = text.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos) return;
    text.remove_prefix(i);
    trimming_ = false;
  }
  out.content += text;
}

TextDelta TextStream::route(std::string_view text, bool final) {
  TextDelta out;
  if (!o_.split_reasoning) {
    emit_content(text, out);
    return out;
  }
  tag_buf_ += text;
  for (;;) {
    const std::string_view tag = in_think_ ? kClose : kOpen;
    const size_t at = tag_buf_.find(tag);
    if (at == std::string::npos) break;
    const std::string before = tag_buf_.substr(0, at);
    if (in_think_) {
      out.reasoning += before;
      trimming_ = true;  // the answer usually follows "</think>\n\n"
    } else {
      emit_content(before, out);
    }
    in_think_ = !in_think_;
    tag_buf_.erase(0, at + tag.size());
  }
  const size_t keep = final ? 0 : partial_suffix(tag_buf_, in_think_ ? kClose : kOpen);
  const std::string ready = tag_buf_.substr(0, tag_buf_.size() - keep);
  tag_buf_.erase(0, tag_buf_.size() - keep);
  if (in_think_) {
    out.reasoning += ready;
  } else {
    emit_content(ready, out);
  }
  return out;
}

}  // namespace tandem::serving
