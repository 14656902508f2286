// Tool calls recognised in generated text as it streams: the family's framing (Hermes
// <tool_call> tags, Mistral [TOOL_CALLS], bare Llama 3 / generic JSON) is followed byte by
// byte, and each call is reported as OpenAI stream deltas: a header (index, id, name) as
// soon as the name is complete, then the arguments in the pieces they were generated in.
// Text that turns out not to be a call is given back as content.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/tools/tool_format.h"
#include "template/chat_template.h"

namespace tandem::api {

struct ToolCallDelta {
  int index = 0;
  bool header = false;  // first delta of the call: id and name are set
  std::string id;
  std::string name;
  std::string arguments;  // a piece of the arguments' JSON text
};

struct ToolEvents {
  std::string content;
  std::vector<ToolCallDelta> calls;
  bool empty() const { return content.empty() && calls.empty(); }
};

class ToolCallStream {
 public:
  explicit ToolCallStream(ToolFormat f);

  ToolEvents push(std::string_view text);
  // End of generation: held-back text that never became a call is content.
  ToolEvents finish();
  // The calls completed so far (arguments whole).
  const std::vector<templates::ToolCall>& calls() const { return calls_; }

 private:
  enum class Mode { kStart, kContent, kJson, kAfterJson, kCloseTag };
  struct Frame {
    bool object = false;
    bool expect_key = false;
    bool after_colon = false;
    std::string key;
  };

  void feed(char c, ToolEvents& ev);
  void feed_content(char c, ToolEvents& ev);
  void feed_json(char c, ToolEvents& ev);
  void feed_args(char c, ToolEvents& ev);
  void start_json(ToolEvents& ev);
  void end_root(ToolEvents& ev);
  bool at_call_path() const;
  bool is_args_key(const std::string& k) const;
  void emit_content(std::string text, ToolEvents& ev);
  void emit_args(std::string piece, ToolEvents& ev);
  void begin_call();
  void end_call(bool complete);

  ToolFormat format_;
  Mode mode_ = Mode::kStart;
  std::string pending_;  // text whose role (content or call framing) is not known yet
  std::string ws_held_;  // whitespace-only content, dropped if only calls follow
  std::string held_;     // raw JSON text not yet known to be a call
  // The JSON scanner.
  std::vector<Frame> stack_;
  bool in_string_ = false, escape_ = false;
  std::string str_;
  int call_depth_ = -1;  // stack size inside the current call object; -1: not in a call
  bool header_sent_ = false;
  std::string call_name_, call_id_, call_args_, args_unsent_;
  bool in_args_ = false, args_in_string_ = false, args_escape_ = false, args_primitive_ = false;
  int args_depth_ = 0;
  bool saw_call_in_root_ = false;
  size_t close_matched_ = 0;
  bool tag_consumed_ = false;  // [TOOL_CALLS] / <|python_tag|> seen
  std::vector<templates::ToolCall> calls_;
};

// A fresh OpenAI-style call id ("call_" + 24 random alphanumerics).
std::string new_tool_call_id();

}  // namespace tandem::api
