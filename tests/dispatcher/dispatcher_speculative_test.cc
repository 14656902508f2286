// `tandem dispatcher --speculative` (a Q4_0 draft of stories260K at the edge) in front of a
// real `tandem commander` (the F32 target, logging what it receives): the cloud-speculative
// outcome gives the Commander's own greedy answer, streams it, and keeps PII on the device;
// a scripted verifier proves the client gets placeholders back as the real values; fallbacks.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <sstream>

#include "support/dispatcher_support.h"
#include "support/spec_models.h"

namespace tandem::test {
namespace {

const char* kStory = "Once upon a time, there was a little girl named Lily. She liked to play";
const char* kOther = "The little dog went to the park";  // no name: it would be masked
const std::string kSeed = "我叫张三,电话 13800000000。";
const std::string kSeedMasked = "我叫<NAME_1>,电话 <PHONE_1>。";
const char* kAlwaysCloud = "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n";

class SpecDispatcher : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = std::make_unique<TempFile>("spec-commander-log");
    policy_ = std::make_unique<TempFile>("spec-cloud-policy", kAlwaysCloud);
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", spec_target_path(), "-t", "1", "--log-requests", log_->path});
    dispatcher_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", spec_draft_path(model::GgmlType::Q4_0), "-t", "1", "--commander",
        commander_->url(), "--intent-model", intent_model(), "--policy", policy_->path,
        "--speculative", "--draft-max", "4"});
  }
  static void TearDownTestSuite() {
    dispatcher_.reset();
    commander_.reset();
    policy_.reset();
    log_.reset();
  }
  static std::unique_ptr<TempFile> log_, policy_;
  static std::unique_ptr<ServerProcess> commander_, dispatcher_;
};
std::unique_ptr<TempFile> SpecDispatcher::log_, SpecDispatcher::policy_;
std::unique_ptr<ServerProcess> SpecDispatcher::commander_, SpecDispatcher::dispatcher_;

// "passes=P drafted=D accepted=A" -> {P, D, A}
std::array<int64_t, 3> speculation(const HttpReply& r) {
  std::array<int64_t, 3> v{-1, -1, -1};
  std::sscanf(header(r, "x-tandem-speculation").c_str(), "passes=%ld drafted=%ld accepted=%ld",
              &v[0], &v[1], &v[2]);
  return v;
}

TEST_F(SpecDispatcher, GreedyAnswerIsTheCommandersOwn) {
  // 64 tokens, and 300, which runs into the 128-token context: the same end as the Commander.
  for (auto [prompt, n] : {std::pair{kStory, 64}, std::pair{kOther, 64}, std::pair{kOther, 300}}) {
    const auto alone = post(commander_->url(), "/v1/chat/completions", chat(prompt, n));
    ASSERT_EQ(alone.status, 200) << alone.body;
    const auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(prompt, n));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud-speculative");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("ppl: ")) << header(r, "x-tandem-reason");
    EXPECT_EQ(answer_text(r, false), answer_text(alone, false)) << prompt;
    EXPECT_EQ(r.j()["usage"]["completion_tokens"], alone.j()["usage"]["completion_tokens"]);
    EXPECT_EQ(r.j()["choices"][0]["finish_reason"], alone.j()["choices"][0]["finish_reason"]);
    const auto [passes, drafted, accepted] = speculation(r);
    // Speculation happened: fewer verify passes than tokens, most drafts accepted.
    EXPECT_GT(passes, 0);
    EXPECT_LT(passes, r.j()["usage"]["completion_tokens"].get<int64_t>())
        << header(r, "x-tandem-speculation");
    EXPECT_GT(accepted, drafted / 2) << header(r, "x-tandem-speculation");
  }
  const auto route = post(dispatcher_->url(), "/v1/route", chat(kStory));
  EXPECT_EQ(route.j()["route"], "cloud-speculative") << route.body;
  const std::string metrics = get(dispatcher_->url(), "/metrics").body;
  EXPECT_NE(
      metrics.find(R"(tandem_routing_decisions_total{route="cloud-speculative",reason="ppl"})"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tandem_spec_accepted_tokens_total"), std::string::npos);
}

// One answer drafts at a time: requests arriving while the drafter is busy take the plain
// cloud path at once (no waiting), and every answer is still the Commander's greedy one.
TEST_F(SpecDispatcher, ABusyDrafterSendsTheNextRequestsDownThePlainCloudPath) {
  const auto alone = post(commander_->url(), "/v1/chat/completions", chat(kOther, 120));
  ASSERT_EQ(alone.status, 200) << alone.body;
  const std::string want = answer_text(alone, false);
  std::vector<std::future<HttpReply>> replies;
  for (int i = 0; i < 6; ++i)
    replies.push_back(std::async(std::launch::async, [] {
      return post(dispatcher_->url(), "/v1/chat/completions", chat(kOther, 120));
    }));
  std::map<std::string, int> routes;
  for (auto& f : replies) {
    const auto r = f.get();
    ASSERT_EQ(r.status, 200) << r.body;
    ++routes[header(r, "x-tandem-route")];
    EXPECT_EQ(answer_text(r, false), want);
  }
  EXPECT_GE(routes["cloud-speculative"], 1);
  EXPECT_GE(routes["cloud"], 1) << "no request found the drafter busy";
  EXPECT_EQ(routes["cloud-speculative"] + routes["cloud"], 6);
}

TEST_F(SpecDispatcher, StreamingDeltasConcatenateToTheAnswer) {
  const auto whole = post(dispatcher_->url(), "/v1/chat/completions", chat(kStory, 48));
  ASSERT_EQ(whole.status, 200) << whole.body;
  const auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(kStory, 48, true));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud-speculative");
  bool done = false;
  EXPECT_EQ(answer_text(r, true, &done), answer_text(whole, false));
  EXPECT_TRUE(done);
  const auto data = sse_data(r.body);
  ASSERT_FALSE(data.empty());
  EXPECT_EQ(data.back(), "[DONE]");
  int finishes = 0;
  for (const auto& d : data)
    if (d != "[DONE]" && !json::parse(d)["choices"].empty() &&
        !json::parse(d)["choices"][0]["finish_reason"].is_null())
      ++finishes;
  EXPECT_EQ(finishes, 1);
}

TEST_F(SpecDispatcher, SeededSamplingIsServedAndRepeatable) {
  json body = chat(kStory, 48);
  body["temperature"] = 0.8;
  body["seed"] = 7;
  const auto a = post(dispatcher_->url(), "/v1/chat/completions", body);
  const auto b = post(dispatcher_->url(), "/v1/chat/completions", body);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(header(a, "x-tandem-route"), "cloud-speculative");
  EXPECT_FALSE(answer_text(a, false).empty());
  // Same seed: the Commander's sampler and the draft's RNG restart the same way.
  EXPECT_EQ(answer_text(a, false), answer_text(b, false));
}

// The token ids of every verify request the Commander logged, decoded to text.
std::string verified_text(const std::string& log) {
  const auto& tok = spec_target().tokenizer();
  std::string out;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("/v1/tandem/verify ")) continue;
    const json b = json::parse(line.substr(line.find(' ') + 1));
    for (const char* key : {"append", "draft"})
      for (const auto& t : b.value(key, json::array()))
        out += tok.token_to_piece(t.get<tokenizer::TokenId>());
    out += '\n';
  }
  return out;
}

TEST_F(SpecDispatcher, CommanderVerifiesTheMaskedPromptOnly) {
  for (bool stream : {false, true}) {
    const auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(kSeed, 24, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud-speculative");
    // The Commander alone, given the masked prompt, answers the same (no placeholder in it).
    const auto alone = post(commander_->url(), "/v1/chat/completions", chat(kSeedMasked, 24));
    EXPECT_EQ(answer_text(r, stream), answer_text(alone, false));
  }
  const std::string log = log_->read();
  const std::string seen = verified_text(log);
  ASSERT_FALSE(seen.empty()) << log;
  for (const char* secret : {"张三", "13800000000"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked";
    EXPECT_EQ(seen.find(secret), std::string::npos) << secret << " leaked:\n" << seen;
  }
  EXPECT_NE(seen.find(kSeedMasked), std::string::npos) << seen;
}

// A verify endpoint that accepts no draft and dictates the answer token by token.
class ScriptedVerifier {
 public:
  explicit ScriptedVerifier(const std::string& answer, int fail_after = -1)
      : script_(spec_target().tokenizer().encode(answer, false, false)), fail_after_(fail_after) {
    script_.push_back(spec_target().tokenizer().eos());
    svr_.Post("/v1/tandem/verify", [this](const httplib::Request& req, httplib::Response& res) {
      const json b = json::parse(req.body);
      std::lock_guard lock(mu_);
      if (b.value("reset", false)) {
        first_append_ = b["append"];
        calls_[b["session_id"]] = 0;
      }
      int& n = calls_[b["session_id"]];
      if (fail_after_ >= 0 && n >= fail_after_) {
        res.status = 500;
        return;
      }
      const auto t = script_[std::min<size_t>(static_cast<size_t>(n++), script_.size() - 1)];
      res.set_content(json{{"accepted", 0}, {"token", t}, {"n_vocab", 512}}.dump(),
                      "application/json");
    });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
  }
  ~ScriptedVerifier() {
    svr_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  json first_append() {
    std::lock_guard lock(mu_);
    return first_append_;
  }

 private:
  std::vector<tokenizer::TokenId> script_;
  int fail_after_;
  httplib::Server svr_;
  std::mutex mu_;
  std::map<std::string, int> calls_;
  json first_append_;
  int port_ = 0;
  std::thread thread_;
};

std::vector<std::string> spec_dispatcher_args(const std::string& commander,
                                              const std::string& policy) {
  return {"dispatcher",
          "-m",
          spec_draft_path(model::GgmlType::Q8_0),
          "-t",
          "1",
          "--commander",
          commander,
          "--intent-model",
          intent_model(),
          "--policy",
          policy,
          "--speculative"};
}

TEST(SpecDispatcherScripted, PlaceholdersInTheAnswerReachTheClientUnmasked) {
  ScriptedVerifier v("Call <NAME_1> at <PHONE_1> now.");
  TempFile policy("spec-cloud-policy", kAlwaysCloud);
  ServerProcess d(spec_dispatcher_args(v.url(), policy.path));
  for (bool stream : {false, true}) {
    const auto r = post(d.url(), "/v1/chat/completions", chat(kSeed, 64, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud-speculative");
    EXPECT_EQ(answer_text(r, stream), "Call 张三 at 13800000000 now.");
    std::string sent;
    for (const auto& t : v.first_append())
      sent += spec_target().tokenizer().token_to_piece(t.get<tokenizer::TokenId>());
    EXPECT_NE(sent.find(kSeedMasked), std::string::npos) << sent;
  }
}

TEST(SpecDispatcherScripted, CommanderFailingMidAnswerHandsOverToTheEdge) {
  ScriptedVerifier v("Lily went to the park", /*fail_after=*/5);
  TempFile policy("spec-cloud-policy", kAlwaysCloud);
  ServerProcess d(spec_dispatcher_args(v.url(), policy.path));
  for (bool stream : {false, true}) {
    const auto r = post(d.url(), "/v1/chat/completions", chat(kStory, 20, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    bool done = false;
    const std::string text = answer_text(r, stream, &done);
    EXPECT_TRUE(text.starts_with("Lily")) << text;  // the five verified tokens
    EXPECT_GT(text.size(), std::string("Lily went").size()) << text;
    EXPECT_EQ(done, stream);
  }
  EXPECT_NE(get(d.url(), "/metrics").body.find(R"(route="edge",reason="failover")"),
            std::string::npos);
}

TEST(SpecDispatcherFallback, NoVerifyEndpointUsesThePlainCloudPath) {
  httplib::Server echo;
  serve_echo(echo, 4, std::chrono::milliseconds(0));
  const int port = echo.bind_to_any_port("127.0.0.1");
  std::thread t([&] { echo.listen_after_bind(); });
  {
    TempFile policy("spec-cloud-policy", kAlwaysCloud);
    ServerProcess d(spec_dispatcher_args("http://127.0.0.1:" + std::to_string(port), policy.path));
    const auto r = post(d.url(), "/v1/chat/completions", chat(kSeed, 16));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    EXPECT_EQ(answer_text(r, false), kSeed);  // the echo of the masked text, unmasked
  }
  echo.stop();
  t.join();
}

TEST(SpecDispatcherFallback, UnreachableCommanderMeansOffline) {
  TempFile policy("spec-cloud-policy", kAlwaysCloud);
  ServerProcess d(spec_dispatcher_args("http://127.0.0.1:" + std::to_string(free_loopback_port()),
                                       policy.path));
  for (bool stream : {false, true}) {
    const auto r = post(d.url(), "/v1/chat/completions", chat(kStory, 12, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "edge");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offline"))
        << header(r, "x-tandem-reason");
    EXPECT_FALSE(answer_text(r, stream).empty());
  }
}

TEST_F(SpecDispatcher, GrammarToolsAndLogprobsTakeThePlainCloudRoute) {
  // The drafter and the verifier apply no grammar and see no tools, and only the Commander's
  // own generation reports logprobs: these requests are answered by the plain cloud route.
  json grammar = chat(kStory, 8);
  grammar["grammar"] = R"(root ::= ("yes" | "no") ".")";
  json object = chat(kStory, 8);
  object["response_format"] = {{"type", "json_object"}};
  json logprobs = chat(kStory, 8);
  logprobs["logprobs"] = true;
  json tools = chat(kStory, 8);
  tools["tools"] = {{{"type", "function"}, {"function", {{"name", "f"}}}}};
  for (const json& req : {grammar, object, logprobs, tools}) {
    const auto r = post(dispatcher_->url(), "/v1/chat/completions", req);
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud") << req.dump() << "\n" << r.body;
    EXPECT_EQ(header(r, "x-tandem-speculation"), "");
    const auto route = post(dispatcher_->url(), "/v1/route", req);
    EXPECT_EQ(route.j()["route"], "cloud") << req.dump();
  }
  const auto r = post(dispatcher_->url(), "/v1/chat/completions", grammar);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string text = answer_text(r, false);
  EXPECT_TRUE(text == "yes." || text == "no.") << text;  // the Commander applied it
  const auto lp = post(dispatcher_->url(), "/v1/chat/completions", logprobs);
  ASSERT_EQ(lp.status, 200) << lp.body;
  EXPECT_FALSE(lp.j()["choices"][0]["logprobs"]["content"].empty()) << lp.body;
}

}  // namespace
}  // namespace tandem::test
