#include "api/tools/tool_call_stream.h"

#include <nlohmann/json.hpp>
#include <random>

namespace tandem::api {
namespace {

constexpr std::string_view kHermesOpen = "<tool_call>";
constexpr std::string_view kHermesClose = "</tool_call>";
constexpr std::string_view kMistralTag = "[TOOL_CALLS]";
constexpr std::string_view kPythonTag = "<|python_tag|>";

bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Length of the longest suffix of `s` that is a proper prefix of `marker`.
size_t partial_suffix(std::string_view s, std::string_view marker) {
  for (size_t n = std::min(s.size(), marker.size() - 1); n > 0; --n)
    if (s.substr(s.size() - n) == marker.substr(0, n)) return n;
  return 0;
}

std::string unescape(const std::string& raw) {
  auto j = nlohmann::json::parse("\"" + raw + "\"", nullptr, false);
  return j.is_string() ? j.get<std::string>() : raw;
}

}  // namespace

std::string new_tool_call_id() {
  static constexpr char kAlnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id = "call_";
  for (int i = 0; i < 24; ++i) id += kAlnum[rng() % (sizeof(kAlnum) - 1)];
  return id;
}

ToolCallStream::ToolCallStream(ToolFormat f) : format_(f) {
  if (f == ToolFormat::kHermes) mode_ = Mode::kContent;
}

ToolEvents ToolCallStream::push(std::string_view text) {
  ToolEvents ev;
  for (char c : text) feed(c, ev);
  // Hermes content: everything but a possible start of the opening tag goes out now.
  if (mode_ == Mode::kContent && !pending_.empty()) {
    const size_t keep = format_ == ToolFormat::kHermes ? partial_suffix(pending_, kHermesOpen) : 0;
    emit_content(pending_.substr(0, pending_.size() - keep), ev);
    pending_.erase(0, pending_.size() - keep);
  }
  return ev;
}

ToolEvents ToolCallStream::finish() {
  ToolEvents ev;
  if (mode_ == Mode::kJson) {
    if (call_depth_ >= 0 && header_sent_) end_call(false);  // cut off: keep what was streamed
    if (!saw_call_in_root_) emit_content(std::move(held_), ev);
    held_.clear();
  }
  emit_content(std::move(pending_), ev);
  pending_.clear();
  if (calls_.empty() && !ws_held_.empty()) ev.content += ws_held_;
  ws_held_.clear();
  mode_ = Mode::kContent;
  return ev;
}

void ToolCallStream::emit_content(std::string text, ToolEvents& ev) {
  // Trailing whitespace waits: if only calls follow it is dropped, so the content is the
  // same however the text was split into pieces.
  size_t end = text.size();
  while (end > 0 && is_ws(text[end - 1])) --end;
  if (end == 0) {
    ws_held_ += text;
    return;
  }
  ev.content += ws_held_ + text.substr(0, end);
  ws_held_ = text.substr(end);
}

void ToolCallStream::feed(char c, ToolEvents& ev) {
  switch (mode_) {
    case Mode::kStart: {
      // Bare-JSON families: the answer is a call only if it opens like one.
      if (pending_.empty() && is_ws(c)) {
        emit_content(std::string(1, c), ev);
        return;
      }
      pending_ += c;
      const std::string_view tag = format_ == ToolFormat::kMistral  ? kMistralTag
                                   : format_ == ToolFormat::kLlama3 ? kPythonTag
                                                                    : std::string_view();
      if (!tag_consumed_ && !tag.empty() && tag.starts_with(pending_)) {
        if (pending_.size() == tag.size()) {  // the tag itself is framing, not content
          pending_.clear();
          tag_consumed_ = true;
        }
        return;
      }
      std::string text = std::move(pending_);
      pending_.clear();
      // Mistral: also a single call without the list.
      const bool opens = text[0] == (format_ == ToolFormat::kMistral ? '[' : '{') ||
                         (format_ == ToolFormat::kMistral && text[0] == '{');
      if (opens)
        start_json(ev);
      else
        mode_ = Mode::kContent;
      for (char ch : text) feed(ch, ev);
      return;
    }
    case Mode::kContent:
      feed_content(c, ev);
      return;
    case Mode::kJson:
      held_ += c;
      if (in_args_)
        feed_args(c, ev);
      else
        feed_json(c, ev);
      return;
    case Mode::kAfterJson:
      if (is_ws(c) || c == ';') return;
      if (c == '{' && format_ != ToolFormat::kMistral) {
        start_json(ev);
        held_ += c;
        feed_json(c, ev);
      } else {
        mode_ = Mode::kContent;
        feed_content(c, ev);
      }
      return;
    case Mode::kCloseTag:
      if (close_matched_ == 0 && is_ws(c)) return;
      if (c == kHermesClose[close_matched_]) {
        if (++close_matched_ == kHermesClose.size()) mode_ = Mode::kContent;
        return;
      }
      pending_ += std::string(kHermesClose.substr(0, close_matched_));
      mode_ = Mode::kContent;
      feed_content(c, ev);
      return;
  }
}

void ToolCallStream::feed_content(char c, ToolEvents& ev) {
  pending_ += c;
  if (format_ != ToolFormat::kHermes || !pending_.ends_with(kHermesOpen)) return;
  emit_content(pending_.substr(0, pending_.size() - kHermesOpen.size()), ev);
  pending_.clear();
  start_json(ev);
  held_ = kHermesOpen;
}

void ToolCallStream::start_json(ToolEvents&) {
  mode_ = Mode::kJson;
  stack_.clear();
  in_string_ = escape_ = false;
  held_.clear();
  saw_call_in_root_ = false;
  call_depth_ = -1;
}

bool ToolCallStream::at_call_path() const {
  switch (format_) {
    case ToolFormat::kHermes:
    case ToolFormat::kLlama3:
      return stack_.empty();
    case ToolFormat::kMistral:
      return stack_.empty() || (stack_.size() == 1 && !stack_[0].object);
    case ToolFormat::kGeneric:
      return (stack_.size() == 2 && stack_[0].object && stack_[0].key == "tool_calls" &&
              !stack_[1].object) ||
             (stack_.size() == 1 && stack_[0].object && stack_[0].key == "tool_call");
  }
  return false;
}

bool ToolCallStream::is_args_key(const std::string& k) const {
  return k == "arguments" || (format_ == ToolFormat::kLlama3 && k == "parameters");
}

void ToolCallStream::begin_call() {
  call_depth_ = static_cast<int>(stack_.size()) + 1;
  header_sent_ = false;
  call_name_.clear();
  call_args_.clear();
  args_unsent_.clear();
  call_id_ = new_tool_call_id();
}

void ToolCallStream::end_call(bool complete) {
  // A complete call without arguments takes none ("{}"); a cut one keeps what was generated.
  if (header_sent_)
    calls_.push_back({call_id_, call_name_, complete && call_args_.empty() ? "{}" : call_args_});
  call_depth_ = -1;
  header_sent_ = false;
  in_args_ = false;
}

void ToolCallStream::emit_args(std::string piece, ToolEvents& ev) {
  call_args_ += piece;
  if (!header_sent_) {
    args_unsent_ += piece;
    return;
  }
  if (!ev.calls.empty() && ev.calls.back().index == static_cast<int>(calls_.size()))
    ev.calls.back().arguments += piece;
  else
    ev.calls.push_back({static_cast<int>(calls_.size()), false, "", "", std::move(piece)});
}

void ToolCallStream::feed_args(char c, ToolEvents& ev) {
  if (args_primitive_) {
    if (is_ws(c) || c == ',' || c == '}' || c == ']') {
      in_args_ = false;
      feed_json(c, ev);
      return;
    }
    emit_args(std::string(1, c), ev);
    return;
  }
  emit_args(std::string(1, c), ev);
  if (args_in_string_) {
    if (args_escape_) {
      args_escape_ = false;
    } else if (c == '\\') {
      args_escape_ = true;
    } else if (c == '"') {
      args_in_string_ = false;
      if (args_depth_ == 0) in_args_ = false;
    }
    return;
  }
  if (c == '"') {
    args_in_string_ = true;
  } else if (c == '{' || c == '[') {
    ++args_depth_;
  } else if (c == '}' || c == ']') {
    if (--args_depth_ == 0) in_args_ = false;
  }
}

void ToolCallStream::feed_json(char c, ToolEvents& ev) {
  if (in_string_) {
    if (escape_) {
      escape_ = false;
      str_ += c;
    } else if (c == '\\') {
      escape_ = true;
      str_ += c;
    } else if (c == '"') {
      in_string_ = false;
      if (!stack_.empty() && stack_.back().object && stack_.back().expect_key) {
        stack_.back().key = unescape(str_);
        stack_.back().expect_key = false;
      } else if (static_cast<int>(stack_.size()) == call_depth_ && stack_.back().key == "name" &&
                 !header_sent_) {
        call_name_ = unescape(str_);
        header_sent_ = true;
        saw_call_in_root_ = true;
        held_.clear();
        ev.calls.push_back(
            {static_cast<int>(calls_.size()), true, call_id_, call_name_, args_unsent_});
        args_unsent_.clear();
      }
    } else {
      str_ += c;
    }
    return;
  }
  if (is_ws(c)) return;
  Frame* top = stack_.empty() ? nullptr : &stack_.back();
  if (top && top->object && top->after_colon) {
    top->after_colon = false;
    if (static_cast<int>(stack_.size()) == call_depth_ && is_args_key(top->key)) {
      in_args_ = true;
      args_depth_ = 0;
      args_in_string_ = args_escape_ = false;
      args_primitive_ = !(c == '{' || c == '[' || c == '"');
      feed_args(c, ev);
      return;
    }
  }
  switch (c) {
    case '"':
      in_string_ = true;
      str_.clear();
      break;
    case '{':
      if (call_depth_ < 0 && at_call_path()) begin_call();
      stack_.push_back({true, true, false, ""});
      break;
    case '[':
      stack_.push_back({false, false, false, ""});
      break;
    case '}':
    case ']':
      if (stack_.empty()) break;
      if (static_cast<int>(stack_.size()) == call_depth_) end_call(true);
      stack_.pop_back();
      if (stack_.empty()) end_root(ev);
      break;
    case ':':
      if (top && top->object) top->after_colon = true;
      break;
    case ',':
      if (top && top->object) top->expect_key = true;
      break;
    default:
      break;  // numbers, literals: no structure
  }
}

void ToolCallStream::end_root(ToolEvents& ev) {
  if (!saw_call_in_root_) {
    // Plain JSON, not a call: it is the answer's content, and no call framing follows.
    emit_content(std::move(held_), ev);
    held_.clear();
    mode_ = Mode::kContent;
    return;
  }
  held_.clear();
  if (format_ == ToolFormat::kHermes) {
    mode_ = Mode::kCloseTag;
    close_matched_ = 0;
  } else {
    mode_ = Mode::kAfterJson;
  }
}

}  // namespace tandem::api
