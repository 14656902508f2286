#include "dispatcher/cloud/masked_body.h"

#include <functional>

namespace tandem::dispatcher {
namespace {

using ojson = nlohmann::ordered_json;

enum class Text { kText, kName, kArguments };

// A tool or function message's `name` is the function's, not a person's.
bool names_a_person(const ojson& m) {
  auto r = m.find("role");
  if (r == m.end() || !r->is_string()) return true;
  const auto& role = r->get_ref<const std::string&>();
  return role != "tool" && role != "function";
}

// f(node, kind) for every string node of the messages that is text leaving the device.
void for_each_text(ojson& messages, const std::function<void(ojson&, Text)>& f) {
  if (!messages.is_array()) return;
  auto arguments_of = [&](ojson& call) {
    if (!call.is_object()) return;
    ojson* fn = &call;  // tool_calls[i].function, or the legacy function_call itself
    if (auto it = call.find("function"); it != call.end() && it->is_object()) fn = &*it;
    if (auto a = fn->find("arguments"); a != fn->end() && a->is_string()) f(*a, Text::kArguments);
  };
  for (auto& m : messages) {
    if (!m.is_object()) continue;
    if (auto c = m.find("content"); c != m.end()) {
      if (c->is_string()) {
        f(*c, Text::kText);
      } else if (c->is_array()) {
        for (auto& part : *c)
          if (part.is_object())
            if (auto t = part.find("text"); t != part.end() && t->is_string()) f(*t, Text::kText);
      }
    }
    if (auto n = m.find("name"); n != m.end() && n->is_string() && names_a_person(m))
      f(*n, Text::kName);
    if (auto tc = m.find("tool_calls"); tc != m.end() && tc->is_array())
      for (auto& call : *tc) arguments_of(call);
    if (auto fc = m.find("function_call"); fc != m.end()) arguments_of(*fc);
  }
}

void set_model(ojson& out, const std::string& commander_model) {
  out.erase("user");  // an end-user id stays on the device
  if (commander_model.empty())
    out.erase("model");
  else
    out["model"] = commander_model;
}

}  // namespace

std::string dump_ordered(const ojson& j) {
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

std::string conversation_id(const ojson& body, const httplib::Request& req,
                            const std::vector<templates::ChatMessage>& messages) {
  if (auto it = body.find("user"); it != body.end() && it->is_string() && !it->empty())
    return "user:" + it->get<std::string>();
  if (auto h = req.get_header_value("x-tandem-conversation"); !h.empty()) return "header:" + h;
  for (const auto& m : messages)
    if (m.role == "user") return "first:" + std::to_string(std::hash<std::string>{}(m.content));
  return "none";
}

std::string mask_arguments(const std::string& arguments, privacy::Masker& masker, bool learn_only) {
  ojson j = ojson::parse(arguments, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {  // models do write broken JSON: mask it as text
    if (learn_only) {
      masker.learn(arguments);
      return arguments;
    }
    return masker.mask(arguments);
  }
  bool changed = false;
  // Value by value: a value escaped in the JSON text (\u5f20) is found as what it says.
  std::function<void(ojson&)> visit = [&](ojson& v) {
    if (v.is_string() || v.is_number_integer()) {
      const std::string s = v.is_string() ? v.get<std::string>() : v.dump();
      if (learn_only) {
        masker.learn(s);
        return;
      }
      std::string masked = masker.mask(s);
      if (masked != s) {
        v = std::move(masked);  // a number holding PII becomes the placeholder string
        changed = true;
      }
    } else if (v.is_structured()) {
      for (auto& x : v) visit(x);
    }
  };
  visit(j);
  return changed ? dump_ordered(j) : arguments;
}

ojson masked_chat_body(const ojson& body, privacy::Masker& masker,
                       const std::string& commander_model) {
  ojson out = body;
  set_model(out, commander_model);
  auto it = out.find("messages");
  if (it == out.end()) return out;
  // Learn every value of the conversation first, so a name found in a later message is
  // masked in the earlier ones too; a participant's `name` is a name in its own right.
  for_each_text(*it, [&](ojson& text, Text kind) {
    const std::string& s = text.get_ref<const std::string&>();
    switch (kind) {
      case Text::kText:
        masker.learn(s);
        break;
      case Text::kName:
        masker.learn_value(s, privacy::PiiType::kName);
        break;
      case Text::kArguments:
        mask_arguments(s, masker, /*learn_only=*/true);
        break;
    }
  });
  for_each_text(*it, [&](ojson& text, Text kind) {
    const std::string s = text.get<std::string>();
    text = kind == Text::kArguments ? mask_arguments(s, masker) : masker.mask(s);
  });
  return out;
}

ojson masked_completion_body(const ojson& body, const std::string& prompt_text,
                             privacy::Masker& masker, const std::string& commander_model) {
  ojson out = body;
  set_model(out, commander_model);
  out["prompt"] = masker.mask(prompt_text);
  return out;
}

}  // namespace tandem::dispatcher
