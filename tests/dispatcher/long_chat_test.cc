// Chats longer than the edge context (issue 24): a real `tandem dispatcher` (stories260K, an
// edge context of 512, no reachable Commander: offline) answers a 200-turn chat whose client
// resends the whole conversation every turn, by dropping its oldest turns; memory stays flat
// and the system prompt stays at the front of what the edge model reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

const char* kSystem = "You are a kind storyteller. Every story is about Lily and her red ball.";

// Short, varied user turns.
std::string user_turn(int turn) {
  static const char* kAsks[] = {
      "Tell me what Lily did next.", "What did the dog say?",    "Where did they go?",
      "Was the ball big or small?",  "Who came to the park?",    "How did Tim feel?",
      "What happened at night?",     "Did the sun come out?",    "What did mom bake?",
      "Why was the cat sad?",        "Where is the red ball?",   "Who found the key?",
      "What was in the box?",        "Did they share the toys?", "What did the bird see?",
      "How did the story end?",      "Tell me about the tree.",  "What did Lily want?"};
  return std::string(kAsks[turn % (sizeof kAsks / sizeof *kAsks)]) + " (" + std::to_string(turn) +
         ")";
}

// The pid of the server listening on `port` (its command line ends in --port PORT).
std::string pid_of(int port) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream f(e.path() / "cmdline");
    std::string arg, prev;
    while (std::getline(f, arg, '\0')) {
      if (prev == "--port" && arg == std::to_string(port)) return e.path().filename().string();
      prev = arg;
    }
  }
  return "";
}

// VmRSS of a process, in KiB (0 when unreadable).
int64_t rss_kib(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  return 0;
}

json body_of(const json& messages, bool stream = false) {
  return {{"messages", messages},
          {"max_tokens", 12},
          {"temperature", 0},
          {"seed", 1},
          {"stream", stream}};
}

int64_t trimmed_of(const HttpReply& r) {
  const std::string h = header(r, "x-tandem-context-trimmed");
  return h.empty() ? 0 : std::stoll(h);
}

std::vector<std::string> offline_dispatcher(const std::string& overflow) {
  return {"dispatcher",
          "-m",
          edge_model(),
          "-t",
          "1",
          "-c",
          "512",
          "--intent-model",
          "none",
          "--commander",
          "http://127.0.0.1:" + std::to_string(free_loopback_port()),
          "--min-free-mib",
          "0",
          "--parallel",
          "2",
          "--cache-ram",
          "1",
          "--context-overflow",
          overflow};
}

// A conversation of `turns` earlier turns (fixed answers) after the system prompt, then a
// new user message: far more than 512 tokens once turns is large.
json long_conversation(int turns, const std::string& system = kSystem) {
  json m = json::array({{{"role", "system"}, {"content", system}}});
  for (int t = 1; t <= turns; ++t) {
    m.push_back({{"role", "user"}, {"content", user_turn(t)}});
    m.push_back({{"role", "assistant"}, {"content", "Lily smiled and played with her ball."}});
  }
  m.push_back({{"role", "user"}, {"content", user_turn(turns + 1)}});
  return m;
}

TEST(LongChat, TwoHundredTurnsOfflineWithFlatMemoryAndTheSystemPromptKept) {
  ServerProcess d(offline_dispatcher("offload"));  // the default: offline, so the edge trims
  const std::string pid = pid_of(d.port());
  ASSERT_FALSE(pid.empty());
  // One keep-alive connection, as a chat client holds: a new connection per request costs the
  // server memory of its own (measured: ~90 KiB each, levelling off after ~250 connections),
  // which is not what this test measures.
  httplib::Client cli(d.url());
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);
  cli.set_read_timeout(120, 0);
  auto send = [&cli](const json& body) -> HttpReply {
    auto r = cli.Post("/v1/chat/completions", body.dump(), "application/json");
    if (!r) return {-1, httplib::to_string(r.error()), {}};
    return {r->status, r->body, r->headers};
  };
  json messages = json::array({{{"role", "system"}, {"content", kSystem}}});
  int first_trim = 0, trimmed_answers = 0;
  int64_t rss30 = 0, rss200 = 0, max_prompt = 0;
  json health30, last_body;
  HttpReply last;
  int64_t cached_sum = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int turn = 1; turn <= 200; ++turn) {
    messages.push_back({{"role", "user"}, {"content", user_turn(turn)}});
    const bool stream = turn % 5 == 0;
    last_body = body_of(messages, stream);
    last = send(last_body);
    ASSERT_EQ(last.status, 200) << "turn " << turn << ": " << last.body;
    EXPECT_EQ(header(last, "x-tandem-route"), "edge");
    const int64_t dropped = trimmed_of(last);
    if (dropped > 0) {
      ++trimmed_answers;
      if (!first_trim) first_trim = turn;
      EXPECT_EQ(dropped % 2, 0) << "whole turns (user + answer) go; turn " << turn;
      EXPECT_NE(header(last, "x-tandem-reason")
                    .find("context trimmed: " + std::to_string(dropped) + " of "),
                std::string::npos)
          << header(last, "x-tandem-reason");
      EXPECT_TRUE(header(last, "x-tandem-reason").starts_with("offline: ")) << turn;
    }
    const std::string answer = answer_text(last, stream);
    if (!stream) {
      const json u = last.j()["usage"];
      max_prompt = std::max<int64_t>(max_prompt, u["prompt_tokens"].get<int64_t>());
      EXPECT_LE(u["prompt_tokens"].get<int64_t>() + 12, 512) << turn;
      if (turn > 30) cached_sum += u["prompt_tokens_details"]["cached_tokens"].get<int64_t>();
    }
    messages.push_back({{"role", "assistant"}, {"content", answer}});
    if (turn == 30) {
      rss30 = rss_kib(pid);
      health30 = get(d.url(), "/health").j();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rss200 = rss_kib(pid);
  const json health200 = get(d.url(), "/health").j();
  ASSERT_GT(first_trim, 0);
  EXPECT_LT(first_trim, 30) << "the context first fills before the memory baseline";
  EXPECT_GT(trimmed_answers, 150);
  // Flat memory: after the context first filled, 170 more turns (the resent conversation
  // growing to 400 messages) add at most 2 MiB to the process, and the prompt cache stays
  // within its 1 MiB budget.
  ASSERT_GT(rss30, 0);
  EXPECT_LE(rss200 - rss30, 2048) << "RSS turn 30 " << rss30 << " KiB, turn 200 " << rss200;
  const auto& pc30 = health30["cache"]["prompt_cache"];
  const auto& pc200 = health200["cache"]["prompt_cache"];
  EXPECT_LE(pc200["bytes"].get<int64_t>(), 1 << 20) << pc200.dump();
  std::printf(
      "[ long chat ] 200 turns in %.1f s; first trimmed at turn %d, %d answers trimmed; "
      "largest prompt %lld tokens; RSS turn 30 %lld KiB, turn 200 %lld KiB (%+lld); "
      "prompt cache %s -> %s; cached prompt tokens after turn 30: %lld\n",
      seconds, first_trim, trimmed_answers, static_cast<long long>(max_prompt),
      static_cast<long long>(rss30), static_cast<long long>(rss200),
      static_cast<long long>(rss200 - rss30), pc30.dump().c_str(), pc200.dump().c_str(),
      static_cast<long long>(cached_sum));
  const std::string metrics = get(d.url(), "/metrics").body;
  EXPECT_NE(metrics.find("tandem_context_trimmed_total " + std::to_string(trimmed_answers)),
            std::string::npos);

  // The system prompt still at the front at the end: the answer to turn 200 is exactly the
  // answer to a fresh request holding the system message and the turns that were kept.
  const int64_t dropped = trimmed_of(last);
  ASSERT_GT(dropped, 0);
  const json& sent = last_body["messages"];  // system, u1, a1, ..., u200
  json kept = json::array({sent[0]});
  for (size_t i = 1 + static_cast<size_t>(dropped); i < sent.size(); ++i) kept.push_back(sent[i]);
  json fresh_body = last_body;
  fresh_body["messages"] = kept;
  const auto fresh = post(d.url(), "/v1/chat/completions", fresh_body);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(trimmed_of(fresh), 0) << "the kept conversation fits as it is";
  EXPECT_EQ(answer_text(fresh, fresh_body["stream"]), answer_text(last, last_body["stream"]));
  // Without the system message it is another prompt: the system prompt was in the answer's.
  json no_system = kept;
  no_system.erase(0);
  fresh_body["messages"] = no_system;
  fresh_body["stream"] = false;
  last_body["stream"] = false;
  const auto a = post(d.url(), "/v1/chat/completions", last_body);
  const auto b = post(d.url(), "/v1/chat/completions", fresh_body);
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(trimmed_of(a), dropped);
  EXPECT_GT(a.j()["usage"]["prompt_tokens"].get<int64_t>(),
            b.j()["usage"]["prompt_tokens"].get<int64_t>());

  // The Responses API shares the path: the same conversation as `input`, trimmed alike.
  json input = json::array();
  for (size_t i = 1; i < sent.size(); ++i) input.push_back(sent[i]);
  const auto resp = post(d.url(), "/v1/responses",
                         json{{"instructions", kSystem},
                              {"input", input},
                              {"max_output_tokens", 12},
                              {"temperature", 0},
                              {"store", false}});
  ASSERT_EQ(resp.status, 200) << resp.body;
  EXPECT_EQ(trimmed_of(resp), dropped);
}

TEST(LongChat, PolicyErrorKeepsThe400) {
  ServerProcess d(offline_dispatcher("error"));
  for (bool stream : {false, true}) {
    const auto r = post(d.url(), "/v1/chat/completions", body_of(long_conversation(60), stream));
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.j()["error"]["code"], "context_length_exceeded");
    EXPECT_EQ(r.j()["error"]["param"], "messages");
  }
  const auto ok = post(d.url(), "/v1/chat/completions", body_of(long_conversation(2)));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(trimmed_of(ok), 0);
}

// A KV budget on the edge: a long answer runs past it, and the Dispatcher's /metrics shows the
// edge's KV bytes, evictions and budget.
TEST(LongChat, EdgeKvBudgetShowsOnMetrics) {
  auto args = offline_dispatcher("trim");
  for (const char* a : {"--kv-budget", "32", "--kv-policy", "h2o"}) args.push_back(a);
  ServerProcess d(args);
  const json body = {
      {"messages", json::array({{{"role", "user"}, {"content", "Tell me a story"}}})},
      {"max_tokens", 120},
      {"temperature", 0}};
  const auto r = post(d.url(), "/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string m = get(d.url(), "/metrics").body;
  EXPECT_NE(m.find("tandem_kv_budget_tokens 32"), std::string::npos) << m;
  EXPECT_NE(m.find("tandem_kv_bytes{slot=\"0\"}"), std::string::npos) << m;
  const auto usage = r.j()["usage"];
  const int64_t positions =
      usage["prompt_tokens"].get<int64_t>() + usage["completion_tokens"].get<int64_t>();
  if (positions > 40) {
    EXPECT_EQ(m.find("tandem_kv_evicted_total 0\n"), std::string::npos) << m;
  }
}

TEST(LongChat, TooLongEvenTrimmedIsA400) {
  ServerProcess d(offline_dispatcher("trim"));
  std::string system;
  while (system.size() < 4000) system += std::string(kSystem) + " ";
  const auto r = post(d.url(), "/v1/chat/completions", body_of(long_conversation(20, system)));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "context_length_exceeded");
  EXPECT_EQ(r.j()["error"]["param"], "messages");
  EXPECT_NE(r.j()["error"]["message"].get<std::string>().find("every earlier turn dropped"),
            std::string::npos)
      << r.body;
  // The same chat with a short system prompt is trimmed and answered, streamed too.
  for (bool stream : {false, true}) {
    const auto ok = post(d.url(), "/v1/chat/completions", body_of(long_conversation(60), stream));
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_GT(trimmed_of(ok), 0);
    EXPECT_EQ(trimmed_of(ok) % 2, 0);
  }
}

}  // namespace
}  // namespace tandem::test
