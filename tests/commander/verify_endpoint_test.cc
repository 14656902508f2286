// Distributed speculative decoding: POST /v1/tandem/verify on an in-process Commander and on
// the real binary; sessions (rollback, eviction, restart, concurrency).
#include <gtest/gtest.h>

#include <thread>

#include "commander/engine_service.h"
#include "http/api_error.h"
#include "spec/speculative.h"
#include "support/http_helpers.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/spec_models.h"
#include "verify/verify_client.h"
#include "verify/verify_upstream.h"

namespace tandem::spec {
namespace {

using nlohmann::json;
using test::greedy_params;
using test::spec_draft_path;
using test::spec_target;
using test::target_alone;

// A Commander (engine role, stories260K F32) in this process.
class Commander {
 public:
  explicit Commander(int port = 0) : api_(http_options(port), metrics_) {
    commander::EngineServiceOptions eo;
    eo.model_alias = "stories";
    eo.threads = 2;
    eo.scheduler.n_slots = 2;
    eo.scheduler.n_ctx = 512;
    api_.set_service(std::make_shared<commander::EngineService>(
        engine::Model::load(test::spec_target_path()), eo, metrics_));
    port_ = api_.start();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  static http::HttpOptions http_options(int port) {
    http::HttpOptions h;
    h.port = port;
    h.max_connections = 8;
    return h;
  }
  http::Metrics metrics_;
  http::ApiServer api_;
  int port_ = 0;
};

std::vector<TokenId> prompt_ids(const std::string& text) {
  return spec_target().tokenizer().encode(text, true, false);
}

std::vector<TokenId> run_remote(const std::string& url, const engine::Model& draft,
                                const std::vector<TokenId>& prompt, engine::SamplerParams sp,
                                int64_t n, Verifier* verifier = nullptr) {
  std::unique_ptr<verify::RemoteVerifier> remote;
  if (!verifier) {
    verify::RemoteVerifierOptions ro;
    ro.url = url;
    ro.sampling = sp;
    ro.n_vocab = static_cast<int32_t>(draft.config().n_vocab);
    remote = std::make_unique<verify::RemoteVerifier>(ro);
    verifier = remote.get();
  }
  Drafter drafter(draft, 2, sp, 512);
  SpecOptions o;
  o.draft_max = 4;
  std::vector<TokenId> out;
  speculative_generate(drafter, *verifier, draft.tokenizer(), prompt, n, 512, o, [&](TokenId t) {
    out.push_back(t);
    return true;
  });
  return out;
}

TEST(VerifyServer, DistributedGreedyEqualsTargetAlone) {
  Commander c;
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q4_0));
  const auto prompt = prompt_ids("Once upon a time");
  EXPECT_EQ(run_remote(c.url(), *draft, prompt, greedy_params(), 100),
            target_alone(spec_target(), prompt, greedy_params(), 100));
}

TEST(VerifyServer, DistributedSamplingMatchesLocalSpeculativeSampling) {
  // Same seeds on both sides and the full q sent: the remote run is the local run.
  Commander c;
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q4_0));
  engine::SamplerParams sp;
  sp.seed = 99;
  const auto prompt = prompt_ids("Once upon a time");
  LocalVerifier local(spec_target(), 2, sp, 512);
  const auto want = run_remote(c.url(), *draft, prompt, sp, 60, &local);
  EXPECT_EQ(run_remote(c.url(), *draft, prompt, sp, 60), want);
}

TEST(VerifyServer, RejectionMidDraftRollsBackAndTheNextVerifyIsConsistent) {
  Commander c;
  const auto prompt = prompt_ids("Once upon a time");
  const auto g = target_alone(spec_target(), prompt, greedy_params(), 12);
  ASSERT_EQ(g.size(), 12u);
  auto wrong_for = [](TokenId t) { return t == 5 ? 6 : 5; };
  const TokenId wrong = wrong_for(g[2]);
  json body = {{"session_id", "rollback"},
               {"reset", true},
               {"append", prompt},
               {"draft", {g[0], g[1], wrong, 7, 8}},
               {"temperature", 0}};
  auto r = test::post(c.url(), "/v1/tandem/verify", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["accepted"], 2);
  EXPECT_EQ(r.j()["token"], g[2]);
  EXPECT_EQ(r.j()["n_past"], prompt.size() + 2);
  // Continue: the correction plus a draft that is right, then wrong at its 4th token.
  body = {{"session_id", "rollback"},
          {"append", std::vector<TokenId>{g[2]}},
          {"draft", {g[3], g[4], g[5], wrong_for(g[6]), g[7]}}};
  r = test::post(c.url(), "/v1/tandem/verify", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["accepted"], 3);
  EXPECT_EQ(r.j()["token"], g[6]);
  // All accepted: the bonus token.
  body = {
      {"session_id", "rollback"}, {"append", std::vector<TokenId>{g[6]}}, {"draft", {g[7], g[8]}}};
  r = test::post(c.url(), "/v1/tandem/verify", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["accepted"], 2);
  EXPECT_EQ(r.j()["token"], g[9]);
}

TEST(VerifyServer, UnknownSessionAndBadInputHaveSpecificErrors) {
  Commander c;
  auto r = test::post(c.url(), "/v1/tandem/verify",
                      json{{"session_id", "never-seen"},
                           {"append", std::vector<int>{1}},
                           {"draft", std::vector<int>{2}}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.j()["error"]["code"], "session_not_found") << r.body;
  r = test::post(c.url(), "/v1/tandem/verify", json{{"append", std::vector<int>{1}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.j()["error"]["param"], "session_id");
  r = test::post(c.url(), "/v1/tandem/verify",
                 json{{"session_id", "x"},
                      {"reset", true},
                      {"append", std::vector<int>{1}},
                      {"draft", std::vector<int>{100000}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("outside the vocabulary"), std::string::npos) << r.body;
  r = test::post(
      c.url(), "/v1/tandem/verify",
      json{{"session_id", "x"}, {"reset", true}, {"append", std::vector<int>{1}}, {"top_p", 2}});
  EXPECT_EQ(r.status, 400) << r.body;
}

// Forwards to a RemoteVerifier and runs a hook before chosen calls.
class HookedVerifier : public Verifier {
 public:
  HookedVerifier(verify::RemoteVerifier& inner, std::function<void(int)> hook)
      : inner_(inner), hook_(std::move(hook)) {}
  VerifyOutcome verify(std::span<const TokenId> append, std::span<const TokenId> draft,
                       std::span<const Dist> dists) override {
    hook_(calls_++);
    return inner_.verify(append, draft, dists);
  }

 private:
  verify::RemoteVerifier& inner_;
  std::function<void(int)> hook_;
  int calls_ = 0;
};

TEST(VerifyServer, CommanderRestartIsRecoveredTransparently) {
  auto c = std::make_unique<Commander>();
  const int port = c->port();
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q8_0));
  const auto prompt = prompt_ids("Lily and Ben");
  verify::RemoteVerifierOptions ro;
  ro.url = c->url();
  ro.sampling = greedy_params();
  verify::RemoteVerifier remote(ro);
  HookedVerifier hooked(remote, [&](int call) {
    if (call == 3) {  // restart on the same port: every session is gone
      c.reset();
      c = std::make_unique<Commander>(port);
    }
  });
  EXPECT_EQ(run_remote("", *draft, prompt, greedy_params(), 80, &hooked),
            target_alone(spec_target(), prompt, greedy_params(), 80));
  EXPECT_GE(remote.resets(), 1);
}

TEST(VerifyServer, EvictedSessionIsRecoveredTransparently) {
  Commander c;
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q8_0));
  const auto prompt = prompt_ids("The dog");
  verify::RemoteVerifierOptions ro;
  ro.url = c.url();
  ro.sampling = greedy_params();
  verify::RemoteVerifier remote(ro);
  // Before two of the calls the session is dropped on the server (an invalid request on it
  // drops it, as an eviction would).
  HookedVerifier hooked(remote, [&](int call) {
    if (call == 2 || call == 5) {
      auto r = test::post(
          c.url(), "/v1/tandem/verify",
          json{{"session_id", remote.session_id()}, {"append", std::vector<int>{100000}}});
      ASSERT_EQ(r.status, 400) << r.body;  // invalid input drops the session
    }
  });
  EXPECT_EQ(run_remote("", *draft, prompt, greedy_params(), 60, &hooked),
            target_alone(spec_target(), prompt, greedy_params(), 60));
  EXPECT_EQ(remote.resets(), 2);
}

TEST(VerifyServer, TwoConcurrentSessionsDoNotInterfere) {
  Commander c;
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q4_0));
  const std::vector<std::string> texts{"Once upon a time", "The little bird"};
  std::vector<std::vector<TokenId>> got(2);
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < 2; ++i)
      threads.emplace_back([&, i] {
        got[i] = run_remote(c.url(), *draft, prompt_ids(texts[i]), greedy_params(), 100);
      });
  }
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(got[i], target_alone(spec_target(), prompt_ids(texts[i]), greedy_params(), 100))
        << texts[i];
}

TEST(VerifyCli, RemoteTargetOutputEqualsTargetAlone) {
  test::ServerProcess commander({"commander", "-m", test::spec_target_path(), "-t", "2"});
  const std::vector<std::string> common{"-p", "Once upon a time", "-n", "80", "--temp", "0", "-t",
                                        "2"};
  std::vector<std::string> plain{"run", "-m", test::spec_target_path()};
  plain.insert(plain.end(), common.begin(), common.end());
  std::vector<std::string> remote{"run",
                                  "-m",
                                  spec_draft_path(model::GgmlType::Q4_0),
                                  "--remote-target",
                                  commander.url(),
                                  "--draft-max",
                                  "4"};
  remote.insert(remote.end(), common.begin(), common.end());
  const auto a = test::run_tandem(plain);
  const auto b = test::run_tandem(remote);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.out, a.out);
  EXPECT_NE(b.err.find("acceptance rate"), std::string::npos) << b.err;
}

}  // namespace
}  // namespace tandem::spec

namespace tandem::spec {
namespace {

TEST(VerifyUpstream, GreedyThroughCompletionsEchoLogprobsEqualsTargetAlone) {
  Commander c;  // its /v1/completions plays the plain upstream
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q4_0));
  const auto prompt = prompt_ids("Once upon a time");
  verify::UpstreamVerifierOptions uo;
  uo.url = c.url();
  verify::UpstreamVerifier upstream(uo, draft->tokenizer());
  EXPECT_EQ(run_remote("", *draft, prompt, greedy_params(), 80, &upstream),
            target_alone(spec_target(), prompt, greedy_params(), 80));
}

TEST(VerifyCli, RemoteOpenAiNeedsGreedy) {
  const auto r =
      test::run_tandem({"run", "-m", test::spec_target_path(), "--remote-target",
                        "http://127.0.0.1:9", "--remote-openai", "--temp", "0.8", "-n", "4"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--temp 0"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tandem::spec
