// Prompt compression on the cloud route, through a real Dispatcher to a recording echo
// upstream: the Commander gets the masked user message compressed (placeholders whole, no
// "compress" field), the client gets its values back unmasked and x-tandem-compressed; the
// request's own "compress" field turns it on or off; bad values are 400s naming the field.
#include <gtest/gtest.h>

#include <mutex>

#include "support/dispatcher_support.h"
#include "support/process.h"

namespace tandem::test {
namespace {

const std::string kLong =
    "Once upon a time, there was a little girl named Lily. Her mom said she could call "
    "13800138000 if she got lost. One day, Lily went to the park with her red ball and saw a "
    "big dog near the old tree. The dog wanted to play, so Lily threw the ball very far.";

class DispatcherCompression : public ::testing::Test {
 protected:
  void SetUp() override {
    serve_echo(upstream_, 7, std::chrono::milliseconds(0), [this](const std::string& b) {
      std::lock_guard lock(mu_);
      bodies_.push_back(b);
    });
    port_ = upstream_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { upstream_.listen_after_bind(); });
  }
  void TearDown() override {
    disp_.reset();
    upstream_.stop();
    thread_.join();
  }
  void start(std::vector<std::string> extra) {
    std::vector<std::string> args = {"dispatcher",
                                     "-m",
                                     edge_model(),
                                     "-t",
                                     "1",
                                     "--commander",
                                     "http://127.0.0.1:" + std::to_string(port_),
                                     "--intent-model",
                                     "none",
                                     "--policy",
                                     policy_.path};
    args.insert(args.end(), extra.begin(), extra.end());
    disp_ = std::make_unique<ServerProcess>(args);
  }
  json last_body() {
    std::lock_guard lock(mu_);
    EXPECT_FALSE(bodies_.empty());
    return bodies_.empty() ? json() : json::parse(bodies_.back());
  }
  // "a/b" -> {a, b}
  static std::pair<int, int> counts(const std::string& h) {
    const auto slash = h.find('/');
    EXPECT_NE(slash, std::string::npos) << h;
    if (slash == std::string::npos) return {0, 0};
    return {std::stoi(h.substr(0, slash)), std::stoi(h.substr(slash + 1))};
  }

  httplib::Server upstream_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
  TempFile policy_{"policy", "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n"};
  std::unique_ptr<ServerProcess> disp_;
};

TEST_F(DispatcherCompression, LongPromptsAreCompressedAndPlaceholdersRoundTrip) {
  start({"--compress-over", "20", "--compress-keep", "0.5"});
  for (bool stream : {false, true}) {
    json body = chat(kLong, 64, stream);
    body["user"] = stream ? "s" : "w";
    const auto r = post(disp_->url(), "/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    const auto [kept, total] = counts(header(r, "x-tandem-compressed"));
    EXPECT_GT(total, 60);
    EXPECT_LE(kept, (total + 1) / 2);
    EXPECT_GE(kept, total / 2 - 8);
    const json sent = last_body();
    EXPECT_FALSE(sent.contains("compress"));
    const std::string text = sent["messages"].back()["content"].get<std::string>();
    EXPECT_NE(text.find("<PHONE_1>"), std::string::npos) << text;
    EXPECT_EQ(text.find("13800138000"), std::string::npos) << text;
    EXPECT_LT(text.size(), kLong.size() * 3 / 4) << text;
    // The echo of the compressed text comes back with the number in place of its placeholder.
    const std::string answer = answer_text(r, stream);
    EXPECT_NE(answer.find("13800138000"), std::string::npos) << answer;
    EXPECT_EQ(answer.find("<PHONE_1>"), std::string::npos) << answer;
  }
  // A short prompt is sent whole, no header.
  const auto r = post(disp_->url(), "/v1/chat/completions", chat("Lily saw a dog."));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-compressed"), "");
  EXPECT_EQ(last_body()["messages"].back()["content"], "Lily saw a dog.");
}

TEST_F(DispatcherCompression, TheRequestOptsInOrOut) {
  start({});  // no server policy: only requests that ask
  auto r = post(disp_->url(), "/v1/chat/completions", chat(kLong));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-compressed"), "");

  json body = chat(kLong);
  body["compress"] = {{"keep", 0.3}};
  r = post(disp_->url(), "/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto [kept, total] = counts(header(r, "x-tandem-compressed"));
  EXPECT_LE(kept, total * 3 / 10 + 1);
  EXPECT_GT(kept, 0);
  EXPECT_FALSE(last_body().contains("compress"));

  body = chat(kLong);
  body["extra_body"] = {{"compress", true}};  // the server's share (0.5)
  r = post(disp_->url(), "/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto [k2, t2] = counts(header(r, "x-tandem-compressed"));
  EXPECT_LE(k2, (t2 + 1) / 2);
  EXPECT_GT(k2, t2 * 3 / 10 + 1);
  EXPECT_FALSE(last_body()["extra_body"].contains("compress"));
}

TEST_F(DispatcherCompression, OptOutAndBadValues) {
  start({"--compress-over", "20"});
  json body = chat(kLong);
  body["compress"] = false;
  auto r = post(disp_->url(), "/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-compressed"), "");
  EXPECT_NE(last_body()["messages"].back()["content"].get<std::string>().find("park with her red"),
            std::string::npos);

  const std::vector<std::pair<json, std::string>> bad = {
      {{{"keep", 0}}, "compress.keep"},      {{{"keep", 1.5}}, "compress.keep"},
      {{{"keep", "half"}}, "compress.keep"}, {{{"ratio", 0.5}}, "compress.ratio"},
      {{{"code", 1}}, "compress.code"},      {"yes", "compress"},
  };
  for (const auto& [value, param] : bad) {
    body = chat(kLong);
    body["compress"] = value;
    r = post(disp_->url(), "/v1/chat/completions", body);
    EXPECT_EQ(r.status, 400) << value.dump() << " " << r.body;
    EXPECT_EQ(r.j()["error"]["param"], param) << r.body;
  }
}

TEST(DispatcherCompressionCli, BadSharesExitWithAnError) {
  for (const char* keep : {"0", "1.5", "half"}) {
    const auto r = run_tandem({"dispatcher", "-m", edge_model(), "--commander",
                               "http://127.0.0.1:9", "--compress-keep", keep, "--dry-run"});
    EXPECT_EQ(r.exit_code, 1) << keep << r.err;
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  }
  const auto help = run_tandem({"dispatcher", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--compress-over"), std::string::npos);
  EXPECT_NE(help.out.find("--compress-keep"), std::string::npos);
  const auto run = run_tandem({"run", "--help"});
  EXPECT_NE(run.out.find("--compress-keep"), std::string::npos);
}

}  // namespace
}  // namespace tandem::test
