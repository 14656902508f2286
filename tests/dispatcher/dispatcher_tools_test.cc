// Tool calls through the privacy boundary, against a scripted Commander: the arguments of
// the tool calls it answers with carry placeholders (split across SSE events when streamed),
// which the client must get back as the real values, while everything the Commander
// received — the user's message, earlier tool calls' arguments, tool results — holds only
// placeholders; the tool definitions arrive untouched.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

const std::string kAlwaysCloud = "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n";
const char* kPhone = "13800000000";

const json kTools = json::parse(R"([{"type": "function", "function": {
  "name": "call_phone", "description": "Dial a phone number for the user",
  "parameters": {"type": "object", "properties": {
    "number": {"type": "string"}, "note": {"type": "string"}}, "required": ["number"]}}}])");

// A Commander that always answers with one call of call_phone whose arguments name the
// placeholders the Dispatcher assigned (<PHONE_1>, <NAME_1>); streamed, the arguments come in
// pieces that split both placeholders.
class ToolCommander {
 public:
  ToolCommander() {
    svr_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mu_);
        bodies_.push_back(req.body);
        request_ids_.push_back(req.get_header_value("X-Request-Id"));
      }
      const json b = json::parse(req.body);
      const std::vector<std::string> pieces = {R"({"number": "<PH)", R"(ONE_1>", "no)",
                                               R"(te": "for <NA)", R"(ME_1)", R"(>"})"};
      if (!b.value("stream", false)) {
        std::string args;
        for (const auto& p : pieces) args += p;
        const json call = {{"id", "call_7"},
                           {"type", "function"},
                           {"function", {{"name", "call_phone"}, {"arguments", args}}}};
        const json j = {
            {"id", "up-1"},
            {"object", "chat.completion"},
            {"created", 1},
            {"model", "cloud"},
            {"choices",
             {{{"index", 0},
               {"message", {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}}},
               {"finish_reason", "tool_calls"}}}}};
        res.set_content(j.dump(), "application/json");
        return;
      }
      auto chunk = [](const json& delta, const json& finish) {
        const json j = {{"id", "up-1"},
                        {"object", "chat.completion.chunk"},
                        {"created", 1},
                        {"model", "cloud"},
                        {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
        return "data: " + j.dump() + "\n\n";
      };
      std::string out = chunk({{"role", "assistant"}, {"content", nullptr}}, nullptr);
      out += chunk({{"tool_calls",
                     {{{"index", 0},
                       {"id", "call_7"},
                       {"type", "function"},
                       {"function", {{"name", "call_phone"}, {"arguments", ""}}}}}}},
                   nullptr);
      for (const auto& p : pieces)
        out += chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", p}}}}}}}, nullptr);
      out += chunk(json::object(), "tool_calls") + "data: [DONE]\n\n";
      res.set_content(out, "text/event-stream");
    });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
  }
  ~ToolCommander() {
    svr_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<std::string> request_ids() {
    std::lock_guard lock(mu_);
    return request_ids_;
  }

 private:
  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
  std::vector<std::string> request_ids_;
};

// The tool calls of an answer, streamed or not: index -> {name, arguments}.
std::map<int64_t, std::pair<std::string, std::string>> tool_calls(const HttpReply& r, bool stream,
                                                                  std::string* finish) {
  std::map<int64_t, std::pair<std::string, std::string>> calls;
  if (!stream) {
    const json c = r.j()["choices"][0];
    *finish = c["finish_reason"];
    int64_t i = 0;
    for (const auto& t : c["message"]["tool_calls"])
      calls[i++] = {t["function"]["name"], t["function"]["arguments"]};
    return calls;
  }
  for (const auto& d : sse_data(r.body)) {
    if (d == "[DONE]") continue;
    const json j = json::parse(d);
    EXPECT_FALSE(j.contains("error")) << d;
    if (j["choices"].empty()) continue;
    const json& c = j["choices"][0];
    if (!c["finish_reason"].is_null()) *finish = c["finish_reason"];
    if (!c["delta"].contains("tool_calls")) continue;
    for (const auto& t : c["delta"]["tool_calls"]) {
      auto& call = calls[t["index"].get<int64_t>()];
      if (t["function"].contains("name")) call.first += t["function"]["name"].get<std::string>();
      if (t["function"].contains("arguments"))
        call.second += t["function"]["arguments"].get<std::string>();
    }
  }
  return calls;
}

class DispatcherTools : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = std::make_unique<TempFile>("tools-policy", kAlwaysCloud);
    disp_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", edge_model(), "-t", "1", "--commander", commander_.url(),
        "--intent-model", "none", "--policy", policy_->path});
  }
  ToolCommander commander_;
  std::unique_ptr<TempFile> policy_;
  std::unique_ptr<ServerProcess> disp_;
};

void expect_real_values_back(const std::string& url, const json& base) {
  for (bool stream : {false, true}) {
    json req = base;
    req["stream"] = stream;
    const auto r = post(url, "/v1/chat/completions", req);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    std::string finish;
    const auto calls = tool_calls(r, stream, &finish);
    ASSERT_EQ(calls.size(), 1u) << r.body;
    EXPECT_EQ(calls.at(0).first, "call_phone");
    EXPECT_EQ(calls.at(0).second, R"({"number": "13800000000", "note": "for 张三"})")
        << "stream " << stream << ": " << r.body;
    EXPECT_EQ(finish, "tool_calls");
    EXPECT_EQ(r.body.find("<PHONE_1>"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("\"model\":\"cloud\""), std::string::npos);
  }
}

TEST_F(DispatcherTools, ToolCallArgumentsComeBackWithTheRealValues) {
  const json req = {
      {"messages", {{{"role", "user"}, {"content", "我叫张三,电话 13800000000。请打给我"}}}},
      {"tools", kTools},
      {"tool_choice", "auto"},
      {"temperature", 0}};
  expect_real_values_back(disp_->url(), req);
  const auto bodies = commander_.bodies();
  ASSERT_EQ(bodies.size(), 2u);
  for (const auto& b : bodies) {
    EXPECT_EQ(b.find(kPhone), std::string::npos) << b;
    EXPECT_EQ(b.find("张三"), std::string::npos) << b;
    EXPECT_NE(b.find("我叫<NAME_1>,电话 <PHONE_1>。"), std::string::npos) << b;
    EXPECT_EQ(json::parse(b)["tools"], kTools) << "tool definitions leave untouched";
  }
}

// The client's X-Request-Id reaches the Commander (one id in both nodes' logs) and comes back.
TEST_F(DispatcherTools, TheRequestIdGoesOnToTheCommander) {
  const json req = {
      {"messages", {{{"role", "user"}, {"content", "我叫张三,电话 13800000000。请打给我"}}}},
      {"tools", kTools},
      {"tool_choice", "auto"},
      {"temperature", 0}};
  const std::string url = disp_->url();
  httplib::Client c(
      url.substr(url.find("//") + 2).substr(0, url.substr(url.find("//") + 2).find(':')),
      std::stoi(url.substr(url.rfind(':') + 1)));
  c.set_read_timeout(60, 0);
  auto r =
      c.Post("/v1/chat/completions", {{"X-Request-Id", "trace-7"}}, req.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("X-Request-Id"), "trace-7");
  const auto ids = commander_.request_ids();
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0], "trace-7");
}

TEST_F(DispatcherTools, EarlierToolCallsAndToolResultsReachTheCommanderMasked) {
  const json req = {
      {"messages",
       {{{"role", "user"}, {"content", "我叫张三,电话 13800000000。请打给我"}},
        {{"role", "assistant"},
         {"content", nullptr},
         {"tool_calls",
          {{{"id", "call_1"},
            {"type", "function"},
            {"function",
             {{"name", "call_phone"},
              {"arguments", R"({"number": "13800000000", "note": "zhang.san@example.com"})"}}}}}}},
        {{"role", "tool"},
         {"tool_call_id", "call_1"},
         {"content", "busy; voicemail sent to zhang.san@example.com"}},
        {{"role", "user"}, {"content", "再试一次"}}}},
      {"tools", kTools}};
  expect_real_values_back(disp_->url(), req);
  for (const auto& b : commander_.bodies()) {
    for (const char* secret : {kPhone, "张三", "zhang.san@example.com"})
      EXPECT_EQ(b.find(secret), std::string::npos) << secret << " leaked: " << b;
    const json sent = json::parse(b);
    const json args = json::parse(
        sent["messages"][1]["tool_calls"][0]["function"]["arguments"].get<std::string>());
    EXPECT_EQ(args["number"], "<PHONE_1>") << b;
    EXPECT_EQ(args["note"], "<EMAIL_1>") << b;
    EXPECT_EQ(sent["messages"][2]["content"], "busy; voicemail sent to <EMAIL_1>") << b;
    EXPECT_EQ(sent["messages"][1]["tool_calls"][0]["function"]["name"], "call_phone");
  }
}

}  // namespace
}  // namespace tandem::test
