// The Dispatcher's cloud path against scripted upstreams: placeholders in the Commander's
// answer come back as the original values (also split across SSE chunks), and a Commander
// SIGKILLed mid-stream is continued seamlessly by the edge model.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "dispatcher/edge/edge_engine.h"
#include "engine/model.h"
#include "grammar/gbnf_parser.h"
#include "grammar/matcher.h"
#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

const std::string kAlwaysCloud = "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n";

TEST(DispatcherCloud, AnswerPlaceholdersAreUnmaskedStreamedOrNot) {
  httplib::Server upstream;
  std::mutex mu;
  std::vector<std::string> bodies;
  serve_echo(upstream, 3, std::chrono::milliseconds(0), [&](const std::string& b) {
    std::lock_guard lock(mu);
    bodies.push_back(b);
  });
  const int port = upstream.bind_to_any_port("127.0.0.1");
  std::thread t([&] { upstream.listen_after_bind(); });
  TempFile policy("policy", kAlwaysCloud);
  {
    ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                        "http://127.0.0.1:" + std::to_string(port), "--intent-model",
                        intent_model(), "--policy", policy.path});
    const std::string seed = "我叫张三,电话 13800000000。写信给 lily@example.com";
    for (bool stream : {false, true}) {
      auto r = post(disp.url(), "/v1/chat/completions", chat(seed, 64, stream));
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
      bool done = false;
      EXPECT_EQ(answer_text(r, stream, &done), seed) << r.body;  // values restored
      EXPECT_EQ(done, stream);
      EXPECT_EQ(r.body.find("<PHONE_1>"), std::string::npos);
      EXPECT_EQ(r.body.find("\"model\":\"echo\""),
                std::string::npos);  // the model id is the Dispatcher's
    }
    // Same conversation (same first user message): the same placeholders.
    std::lock_guard lock(mu);
    ASSERT_EQ(bodies.size(), 2u);
    for (const auto& b : bodies) {
      EXPECT_EQ(b.find("13800000000"), std::string::npos) << b;
      EXPECT_EQ(b.find("张三"), std::string::npos) << b;
      EXPECT_NE(b.find("我叫<NAME_1>,电话 <PHONE_1>。写信给 <EMAIL_1>"), std::string::npos) << b;
    }
  }
  upstream.stop();
  t.join();
}

// What the edge says after `prompt` (greedy, to the end): the seam reference. With a
// grammar, the constraint has already read `sent` (the cloud's part of the answer).
std::string edge_continuation(dispatcher::EdgeEngine& edge, const std::string& prompt_text,
                              std::shared_ptr<const grammar::Grammar> g = nullptr,
                              const std::string& sent = "") {
  dispatcher::EdgeSession s(edge);
  s.prefill(edge.encode(prompt_text + sent));
  dispatcher::EdgeSession::Options o;
  o.sampling.temperature = 0;
  if (g) o.processor = edge.grammar_processor(g, sent);
  s.start(std::move(o));
  std::string out;
  for (auto step = s.next();; step = s.next()) {
    out += step.delta.content;
    if (step.done) break;
  }
  return out;
}

// Streams `req` from the Dispatcher and SIGKILLs the Commander once two pieces of its
// answer reached the client. Returns the reply (body as received).
HttpReply stream_and_kill(const ServerProcess& disp, EchoProcess& commander, const json& req,
                          bool& killed) {
  std::string body;
  killed = false;
  httplib::Client cli(disp.url());
  cli.set_read_timeout(60, 0);
  httplib::Request hreq;
  hreq.method = "POST";
  hreq.path = "/v1/chat/completions";
  hreq.set_header("Content-Type", "application/json");
  hreq.body = req.dump();
  hreq.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    body.append(data, n);
    if (!killed) {
      int seen = 0;
      for (const auto& d : sse_data(body))
        if (d != "[DONE]" && d.find("\"content\":\"\"") == std::string::npos) ++seen;
      if (seen >= 2) {  // two pieces of the cloud answer arrived: kill the Commander
        commander.kill();
        killed = true;
      }
    }
    return true;
  };
  auto r = cli.send(hreq);
  if (!r) return {-1, httplib::to_string(r.error()), {}};
  return {r->status, body, r->headers};
}

TEST(DispatcherCloud, CommanderKilledMidStreamIsContinuedOnTheEdge) {
  const std::string user = "Tell me about the little dog";
  const std::string cloud_text = user;  // the echo upstream answers with the prompt
  EchoProcess commander(4, std::chrono::milliseconds(150));
  TempFile policy("policy", kAlwaysCloud);
  ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "--commander", commander.url(),
                      "--intent-model", intent_model(), "--policy", policy.path});

  json req = chat(user, -1, true);
  req.erase("max_tokens");
  bool killed = false;
  const HttpReply reply = stream_and_kill(disp, commander, req, killed);
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(killed);
  EXPECT_EQ(header(reply, "x-tandem-route"), "cloud");
  bool done = false;
  const std::string content = answer_text(reply, true, &done);
  const std::string& body = reply.body;
  EXPECT_TRUE(done) << body;
  EXPECT_EQ(std::count(body.begin(), body.end(), '['), std::count(body.begin(), body.end(), ']'));
  size_t n_done = 0;
  for (const auto& d : sse_data(body)) n_done += d == "[DONE]";
  EXPECT_EQ(n_done, 1u);

  // The answer is the cloud's first k pieces (k >= 2, as many as got through before the
  // kill) followed by exactly what the edge says after prompt + those pieces.
  dispatcher::EdgeEngine edge(engine::Model::load(edge_model(), ""), 1, 128, "");
  const std::string prompt_text = edge.render({{"user", user}});
  bool matched = false;
  for (size_t k = 2; k * 4 < cloud_text.size() && !matched; ++k) {
    const std::string head = cloud_text.substr(0, k * 4);
    if (!content.starts_with(head)) break;
    matched = content == head + edge_continuation(edge, prompt_text + head);
  }
  EXPECT_TRUE(matched) << "answer: " << content;
  EXPECT_NE(get(disp.url(), "/metrics").body.find(R"(reason="failover")"), std::string::npos);
}

TEST(DispatcherCloud, FailoverContinuationKeepsTheGrammar) {
  // The echo Commander answers with the user's text, which the grammar admits; killed after
  // two pieces, the edge must finish the answer inside the same grammar.
  const std::string gbnf = R"(root ::= "{\"story\": \"" [a-z ]{0,40} "\"}")";
  const std::string user = R"({"story": "once upon a time there was a big dog"})";
  const auto g = grammar::parse_gbnf_shared(gbnf);
  ASSERT_TRUE(grammar::matches(g, user));
  EchoProcess commander(4, std::chrono::milliseconds(150));
  TempFile policy("policy", kAlwaysCloud);
  ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "-c", "512", "--commander",
                      commander.url(), "--intent-model", "none", "--policy", policy.path});
  json req = chat(user, 200, true);
  req["grammar"] = gbnf;
  bool killed = false;
  const HttpReply reply = stream_and_kill(disp, commander, req, killed);
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(killed);
  bool done = false;
  const std::string content = answer_text(reply, true, &done);
  EXPECT_TRUE(done);
  EXPECT_TRUE(grammar::matches(g, content)) << content;
  std::string finish;
  for (const auto& d : sse_data(reply.body))
    if (d != "[DONE]" && !json::parse(d)["choices"].empty() &&
        !json::parse(d)["choices"][0]["finish_reason"].is_null())
      finish = json::parse(d)["choices"][0]["finish_reason"];
  EXPECT_EQ(finish, "stop");

  // Cloud pieces, then the edge's grammar-constrained greedy continuation after them.
  dispatcher::EdgeEngine edge(engine::Model::load(edge_model(), ""), 1, 512, "");
  const std::string prompt_text = edge.render({{"user", user}});
  bool matched = false;
  for (size_t k = 2; k * 4 < user.size() && !matched; ++k) {
    const std::string head = user.substr(0, k * 4);
    if (!content.starts_with(head)) break;
    matched = content == head + edge_continuation(edge, prompt_text, g, head);
  }
  EXPECT_TRUE(matched) << "answer: " << content;
}

TEST(DispatcherCloud, StreamedCloudAnswersFillTheLatencyHistograms) {
  // A Commander pacing its answer (3 bytes every 30 ms): the Dispatcher times the first piece
  // and every later one, as the Commander's scheduler times its tokens.
  httplib::Server upstream;
  serve_echo(upstream, 3, std::chrono::milliseconds(30));
  const int port = upstream.bind_to_any_port("127.0.0.1");
  std::thread t([&] { upstream.listen_after_bind(); });
  TempFile policy("policy", kAlwaysCloud);
  {
    ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                        "http://127.0.0.1:" + std::to_string(port), "--intent-model", "none",
                        "--policy", policy.path});
    auto value = [&](const std::string& name) {
      const std::string m = get(disp.url(), "/metrics").body;
      const auto p = m.find("\n" + name + " ");
      return p == std::string::npos ? -1.0 : std::stod(m.substr(p + name.size() + 2));
    };
    const std::string text = "The little dog ran to the park";  // 10 pieces
    const auto r = post(disp.url(), "/v1/chat/completions", chat(text, 64, true));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(answer_text(r, true), text);
    EXPECT_EQ(value("tandem_time_to_first_token_seconds_count"), 1);
    EXPECT_EQ(value("tandem_token_latency_seconds_count"), 9);
    // Nine gaps of about 30 ms each (the histogram's sum), not zeros.
    EXPECT_GT(value("tandem_token_latency_seconds_sum"), 9 * 0.02);
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  }
  upstream.stop();
  t.join();
}

}  // namespace
}  // namespace tandem::test
