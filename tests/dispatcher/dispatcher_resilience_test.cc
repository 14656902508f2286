// A failing Commander, for real: an echo Commander in a child process SIGSTOPped mid-stream
// (the edge finishes the answer after the stall timeout, with exact usage; /health and
// /v1/route say so; the circuit opens; SIGCONT brings the traffic back to the cloud), a
// Commander answering 401 (edge answers, the circuit opens and recovers through a trial),
// and one that accepts connections but never answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>

#include "dispatcher/edge/edge_engine.h"
#include "engine/model.h"
#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string kAlwaysCloud = "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n";

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Polls pred every 50 ms until it holds or `limit` has passed since `from`.
bool eventually(Clock::time_point from, std::chrono::milliseconds limit,
                const std::function<bool()>& pred) {
  while (true) {
    if (pred()) return true;
    if (Clock::now() - from > limit) return false;
    std::this_thread::sleep_for(50ms);
  }
}

json health(const ServerProcess& disp) {
  return json::parse(get(disp.url(), "/health").body, nullptr, false);
}

double metric(const ServerProcess& disp, const std::string& name) {
  const std::string m = get(disp.url(), "/metrics").body;
  const auto p = m.find("\n" + name + " ");
  return p == std::string::npos ? -1.0 : std::stod(m.substr(p + name.size() + 2));
}

// The usage object of a streamed answer (its usage chunk), or null.
json stream_usage(const std::string& body) {
  for (const auto& d : sse_data(body)) {
    if (d == "[DONE]") continue;
    const json j = json::parse(d, nullptr, false);
    if (j.contains("usage") && !j["usage"].is_null()) return j["usage"];
  }
  return nullptr;
}

struct Continuation {
  std::string text;
  int64_t n_tokens = 0;
};

// The edge's greedy continuation after `prompt_text` (the seam reference).
Continuation edge_continuation(dispatcher::EdgeEngine& edge, const std::string& prompt_text) {
  dispatcher::EdgeSession s(edge);
  s.prefill(edge.encode(prompt_text));
  dispatcher::EdgeSession::Options o;
  o.sampling.temperature = 0;
  s.start(std::move(o));
  Continuation c;
  for (auto step = s.next();; step = s.next()) {
    c.text += step.delta.content;
    if (step.done) break;
  }
  c.n_tokens = s.n_generated();
  return c;
}

TEST(DispatcherResilience, StoppedCommanderMidStreamFailsOverAndComesBack) {
  const std::string user = "Tell me about the little dog";
  EchoProcess commander(4, 150ms);
  TempFile policy("policy", kAlwaysCloud);
  // Default link flags: connect 2 s, first byte 15 s, stall 5 s, probe every 2 s, circuit
  // after 3 failures.
  ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "-c", "256", "--commander",
                      commander.url(), "--intent-model", "none", "--policy", policy.path});
  EXPECT_EQ(health(disp)["status"], "ok");

  json req = chat(user, -1, true);
  req.erase("max_tokens");
  req["stream_options"] = {{"include_usage", true}};
  std::string body;
  bool stopped = false;
  Clock::time_point stopped_at;
  httplib::Client cli(disp.url());
  cli.set_read_timeout(60, 0);
  httplib::Request hreq;
  hreq.method = "POST";
  hreq.path = "/v1/chat/completions";
  hreq.set_header("Content-Type", "application/json");
  hreq.body = req.dump();
  hreq.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    body.append(data, n);
    if (!stopped) {
      int seen = 0;
      for (const auto& d : sse_data(body))
        if (d != "[DONE]" && d.find("\"content\":\"") != std::string::npos &&
            d.find("\"content\":\"\"") == std::string::npos)
          ++seen;
      if (seen >= 2) {  // two pieces of the cloud answer arrived: stop the Commander
        commander.stop();
        stopped = true;
        stopped_at = Clock::now();
      }
    }
    return true;
  };
  auto r = cli.send(hreq);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  ASSERT_TRUE(stopped);
  const double failover_s = seconds_since(stopped_at);
  EXPECT_LT(failover_s, 10.0) << "the stream must finish on the edge within 10 s of the stop";
  std::cerr << "[ info ] stream finished " << failover_s << " s after SIGSTOP\n";
  HttpReply reply{r->status, body, r->headers};
  ASSERT_EQ(reply.status, 200);
  bool done = false;
  const std::string content = answer_text(reply, true, &done);
  EXPECT_TRUE(done) << body;

  // Cloud pieces, then exactly the edge's continuation; the usage counts what the client got:
  // the prompt's tokens, and the received text's tokens from both nodes.
  dispatcher::EdgeEngine edge(engine::Model::load(edge_model(), ""), 1, 256, "");
  const std::string prompt_text = edge.render({{"user", user}});
  const auto n_prompt = static_cast<int64_t>(edge.encode(prompt_text).size());
  bool matched = false;
  for (size_t k = 2; k * 4 < user.size() && !matched; ++k) {
    const std::string head = user.substr(0, k * 4);
    if (!content.starts_with(head)) break;
    const Continuation c = edge_continuation(edge, prompt_text + head);
    if (content != head + c.text) continue;
    matched = true;
    const json usage = stream_usage(body);
    ASSERT_TRUE(usage.is_object()) << body;
    const auto n_head = static_cast<int64_t>(edge.encode(prompt_text + head).size()) - n_prompt;
    EXPECT_EQ(usage["prompt_tokens"], n_prompt);
    EXPECT_EQ(usage["completion_tokens"], n_head + c.n_tokens);
    EXPECT_EQ(usage["total_tokens"], n_prompt + n_head + c.n_tokens);
  }
  EXPECT_TRUE(matched) << "answer: " << content;

  // Still stopped: /health and /v1/route say so within 5 s of the stop.
  EXPECT_TRUE(eventually(stopped_at, 5000ms, [&] { return health(disp)["status"] == "degraded"; }))
      << health(disp).dump();
  const json route = post(disp.url(), "/v1/route", chat("Once upon a time")).j();
  EXPECT_EQ(route["signals"]["commander_reachable"], false) << route.dump();
  EXPECT_EQ(route["route"], "edge");
  EXPECT_EQ(route["reason"], "offline");
  EXPECT_EQ(route["commander"]["reachable"], false);

  // New requests are answered on the edge at once, not after a timeout.
  for (bool stream : {false, true, false}) {
    const auto t0 = Clock::now();
    const auto e = post(disp.url(), "/v1/chat/completions", chat("Once upon a time", 16, stream));
    const double took = seconds_since(t0);
    ASSERT_EQ(e.status, 200) << e.body;
    EXPECT_EQ(header(e, "x-tandem-route"), "edge");
    EXPECT_TRUE(header(e, "x-tandem-reason").starts_with("offline"))
        << header(e, "x-tandem-reason");
    EXPECT_LT(took, 1.0) << "an edge answer while the Commander is stopped";
    std::cerr << "[ info ] edge answer while stopped: " << took << " s\n";
  }
  // The stall and the failing probes open the circuit.
  EXPECT_TRUE(eventually(stopped_at, 12000ms, [&] {
    return health(disp)["commander"]["circuit"] == "open";
  })) << health(disp).dump();
  EXPECT_EQ(metric(disp, "tandem_commander_circuit"), 2);
  EXPECT_EQ(metric(disp, R"(tandem_commander_failures_total{kind="stall"})"), 1);

  // Back: within 5 s /health is ok again and the next request goes to the cloud.
  commander.resume();
  const auto back_at = Clock::now();
  EXPECT_TRUE(eventually(back_at, 5000ms, [&] { return health(disp)["status"] == "ok"; }))
      << health(disp).dump();
  std::cerr << "[ info ] /health ok " << seconds_since(back_at) << " s after SIGCONT\n";
  const auto c = post(disp.url(), "/v1/chat/completions", chat("The cat sat", 16, false));
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(header(c, "x-tandem-route"), "cloud");
  EXPECT_EQ(answer_text(c, false), "The cat sat");
  EXPECT_EQ(health(disp)["commander"]["circuit"], "closed");
  EXPECT_EQ(metric(disp, "tandem_commander_circuit"), 0);
  EXPECT_EQ(post(disp.url(), "/v1/route", chat("x")).j()["signals"]["commander_reachable"], true);
}

TEST(DispatcherResilience, UnauthorizedCommanderIsAnsweredOnTheEdgeAndTrips) {
  httplib::Server upstream;
  std::atomic<int> calls{0};
  std::atomic<bool> deny{true};
  upstream.Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
    ++calls;
    if (deny) {
      res.status = 401;
      res.set_content(R"({"error":{"message":"invalid api key","type":"invalid_request_error",)"
                      R"("param":null,"code":"invalid_api_key"}})",
                      "application/json");
      return;
    }
    const json b = json::parse(req.body);
    json j = {
        {"id", "up-1"},
        {"object", "chat.completion"},
        {"created", 1},
        {"model", "echo"},
        {"choices",
         json::array(
             {{{"index", 0},
               {"message", {{"role", "assistant"}, {"content", b["messages"].back()["content"]}}},
               {"finish_reason", "stop"}}})}};
    res.set_content(j.dump(), "application/json");
  });
  const int port = upstream.bind_to_any_port("127.0.0.1");
  std::thread t([&] { upstream.listen_after_bind(); });
  TempFile policy("policy", kAlwaysCloud);
  {
    // No --commander-key: the Commander refuses us.
    ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                        "http://127.0.0.1:" + std::to_string(port), "--intent-model", "none",
                        "--policy", policy.path, "--circuit-failures", "2", "--circuit-backoff",
                        "1", "--circuit-max-backoff", "4", "--commander-probe-interval", "0.2"});
    auto ask = [&](const std::string& expect_route) {
      const auto r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time", 8));
      EXPECT_EQ(r.status, 200) << r.body;  // never the Commander's 401
      EXPECT_EQ(header(r, "x-tandem-route"), expect_route) << header(r, "x-tandem-reason");
      EXPECT_TRUE(r.j()["choices"][0]["message"]["content"].is_string()) << r.body;
      return r;
    };
    ask("edge");
    ask("edge");
    EXPECT_EQ(calls, 2);
    // Two refusals opened the circuit: the next request does not try the Commander.
    const json h = health(disp);
    EXPECT_EQ(h["status"], "degraded") << h.dump();
    EXPECT_NE(h.value("reason", "").find("circuit open"), std::string::npos) << h.dump();
    EXPECT_NE(h.value("reason", "").find("HTTP 401"), std::string::npos) << h.dump();
    EXPECT_EQ(h["commander"]["reachable"], true);  // it answers, it just refuses us
    const json route = post(disp.url(), "/v1/route", chat("Once upon a time")).j();
    EXPECT_EQ(route["signals"]["commander_reachable"], false);
    EXPECT_EQ(route["commander"]["circuit"], "open");
    ask("edge");
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(metric(disp, "tandem_commander_circuit"), 2);
    EXPECT_EQ(metric(disp, R"(tandem_commander_failures_total{kind="status"})"), 2);
    // After the back-off one trial goes through; refused again, the back-off doubles (2 s).
    std::this_thread::sleep_for(1100ms);
    ask("edge");
    EXPECT_EQ(calls, 3);
    std::this_thread::sleep_for(500ms);
    ask("edge");  // well within 2 s: still open, not tried
    EXPECT_EQ(calls, 3);
    // The key problem is fixed: the next trial succeeds and closes the circuit.
    deny = false;
    std::this_thread::sleep_for(1600ms);
    const auto ok = ask("cloud");
    EXPECT_EQ(ok.j()["choices"][0]["message"]["content"], "Once upon a time");
    EXPECT_EQ(calls, 4);
    EXPECT_EQ(health(disp)["status"], "ok");
    EXPECT_EQ(metric(disp, "tandem_commander_circuit"), 0);
    EXPECT_NE(disp.log().find("check --commander-key"), std::string::npos) << disp.log();
  }
  upstream.stop();
  t.join();
}

TEST(DispatcherResilience, CommanderThatNeverAnswersCostsOneFirstByteTimeout) {
  // A socket that listens (the kernel completes the handshakes) but is never read.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 128), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  TempFile policy("policy", kAlwaysCloud);
  {
    ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "--commander", url,
                        "--intent-model", "none", "--policy", policy.path,
                        "--commander-first-byte-timeout", "1", "--commander-probe-interval",
                        "10"});  // a slow probe: this request meets the first-byte deadline
    const auto t0 = Clock::now();
    const auto r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time", 8, true));
    const double took = seconds_since(t0);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "edge");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offline"));
    bool done = false;
    EXPECT_FALSE(answer_text(r, true, &done).empty());
    EXPECT_TRUE(done);
    EXPECT_LT(took, 4.0);  // one first-byte timeout (1 s), not minutes
    std::cerr << "[ info ] answered on the edge after " << took << " s\n";
    EXPECT_GE(metric(disp, R"(tandem_commander_failures_total{kind="first_byte"})"), 1);
  }
  ::close(fd);
}

}  // namespace
}  // namespace tandem::test
