// The Dispatcher serves what the Commander serves: structured output, logprobs and
// /v1/completions answered by the edge are the Commander's own answers for the same model
// (greedy, and seeded sampling); the cloud route keeps a JSON Schema's key order and masks a
// completion's prompt; unknown models are 404s; the latency histograms fill on both routes.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/model.h"
#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

using nlohmann::ordered_json;

const std::string kAlias = "stories260K-f32";

class Parity : public ::testing::Test {
 protected:
  // stories260K's own context (128 tokens) is too short for a prompt and a JSON answer.
  static void SetUpTestSuite() {
    log_ = std::make_unique<TempFile>("parity-commander-log");
    cloud_policy_ = std::make_unique<TempFile>(
        "parity-cloud-policy", "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n");
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", edge_model(), "-t", "1", "-c", "512", "--log-requests", log_->path});
    // No intent model and no PPL rule: everything is answered on the edge.
    edge_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"dispatcher", "-m", edge_model(), "-t", "1", "-c", "512",
                                 "--commander", commander_->url(), "--intent-model", "none"});
    cloud_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", edge_model(), "-t", "1", "-c", "512", "--commander", commander_->url(),
        "--intent-model", "none", "--policy", cloud_policy_->path});
  }
  static void TearDownTestSuite() {
    cloud_.reset();
    edge_.reset();
    commander_.reset();
    cloud_policy_.reset();
    log_.reset();
  }
  static std::unique_ptr<TempFile> log_, cloud_policy_;
  static std::unique_ptr<ServerProcess> commander_, edge_, cloud_;
};
std::unique_ptr<TempFile> Parity::log_, Parity::cloud_policy_;
std::unique_ptr<ServerProcess> Parity::commander_, Parity::edge_, Parity::cloud_;

// Properties deliberately not in alphabetical order: a sorted copy would generate "age" first.
const ordered_json kSchema = ordered_json::parse(R"({
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 12},
    "age": {"type": "integer", "minimum": 0, "maximum": 120},
    "mood": {"enum": ["happy", "sad", "sleepy"]}
  },
  "required": ["name", "age", "mood"]
})");

ordered_json schema_chat(bool stream = false) {
  return {{"messages", {{{"role", "user"}, {"content", "Describe a character as JSON."}}}},
          {"temperature", 0},
          {"max_tokens", 200},
          {"stream", stream},
          {"response_format",
           {{"type", "json_schema"}, {"json_schema", {{"name", "c"}, {"schema", kSchema}}}}}};
}

// name, age, mood appear in that order in `text`, which is a JSON object.
::testing::AssertionResult in_schema_order(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object() || j.size() != 3) return ::testing::AssertionFailure() << "not it: " << text;
  const auto name = text.find("\"name\""), age = text.find("\"age\""), mood = text.find("\"mood\"");
  if (!(name < age && age < mood)) return ::testing::AssertionFailure() << "order: " << text;
  return ::testing::AssertionSuccess();
}

struct Answer {
  std::string text, finish;
  json logprobs = json::array();  // chat: content entries; completions: the logprobs object
  json usage;
  int finishes = 0;
  int text_events = 0;  // streamed: events that carried text
  bool done = false;
};

// A chat or completion answer, streamed or not, gathered into one shape.
Answer gather(const HttpReply& r, bool stream, bool completion = false) {
  Answer a;
  EXPECT_EQ(r.status, 200) << r.body;
  if (!stream) {
    const json j = r.j();
    const json& c = j["choices"][0];
    a.text = completion ? c["text"].get<std::string>() : c["message"]["content"].get<std::string>();
    a.finish = c["finish_reason"];
    a.logprobs = completion ? c["logprobs"]
                            : (c["logprobs"].is_null() ? json::array() : c["logprobs"]["content"]);
    a.usage = j["usage"];
    a.finishes = 1;
    return a;
  }
  for (const auto& d : sse_data(r.body)) {
    if (d == "[DONE]") {
      a.done = true;
      continue;
    }
    const json j = json::parse(d);
    EXPECT_FALSE(j.contains("error")) << d;
    if (j.contains("usage") && !j["usage"].is_null()) a.usage = j["usage"];
    if (j["choices"].empty()) continue;
    const json& c = j["choices"][0];
    const std::string piece = completion ? c["text"].get<std::string>()
                              : c["delta"].contains("content") && c["delta"]["content"].is_string()
                                  ? c["delta"]["content"].get<std::string>()
                                  : "";
    a.text += piece;
    a.text_events += !piece.empty();
    if (!completion && !c["logprobs"].is_null())
      for (const auto& t : c["logprobs"]["content"]) a.logprobs.push_back(t);
    if (!c["finish_reason"].is_null()) {
      a.finish = c["finish_reason"];
      ++a.finishes;
    }
  }
  return a;
}

void expect_same_logprobs(const json& edge, const json& commander) {
  ASSERT_EQ(edge.size(), commander.size()) << edge.dump() << "\n" << commander.dump();
  for (size_t i = 0; i < edge.size(); ++i) {
    EXPECT_EQ(edge[i]["token"], commander[i]["token"]);
    EXPECT_EQ(edge[i]["bytes"], commander[i]["bytes"]);
    EXPECT_NEAR(edge[i]["logprob"].get<double>(), commander[i]["logprob"].get<double>(), 1e-3);
    ASSERT_EQ(edge[i]["top_logprobs"].size(), commander[i]["top_logprobs"].size());
    for (size_t k = 0; k < edge[i]["top_logprobs"].size(); ++k)
      EXPECT_EQ(edge[i]["top_logprobs"][k]["token"], commander[i]["top_logprobs"][k]["token"]);
  }
}

TEST_F(Parity, EdgeStructuredOutputIsTheCommandersAnswer) {
  const auto alone = post(commander_->url(), "/v1/chat/completions", schema_chat().dump());
  const Answer want = gather(alone, false);
  ASSERT_TRUE(in_schema_order(want.text));
  for (bool stream : {false, true}) {
    const auto r = post(edge_->url(), "/v1/chat/completions", schema_chat(stream).dump());
    EXPECT_EQ(header(r, "x-tandem-route"), "edge");
    const Answer got = gather(r, stream);
    EXPECT_EQ(got.text, want.text) << "stream " << stream;
    EXPECT_EQ(got.finish, "stop");
    EXPECT_TRUE(in_schema_order(got.text));
    if (!stream) {
      EXPECT_EQ(usage_counts(got.usage), usage_counts(want.usage));
    }
    EXPECT_EQ(got.done, stream);
  }
  // GBNF and json_object too.
  for (const json& constraint : {json{{"grammar", R"(root ::= ("yes" | "no") ".")"}},
                                 json{{"response_format", {{"type", "json_object"}}}}}) {
    json req = chat("Is the sky blue?", 120);
    req.update(constraint);
    const Answer c = gather(post(commander_->url(), "/v1/chat/completions", req), false);
    const Answer e = gather(post(edge_->url(), "/v1/chat/completions", req), false);
    EXPECT_EQ(e.text, c.text) << constraint.dump();
    EXPECT_EQ(e.finish, c.finish);
  }
  const Answer yes_no = gather(post(edge_->url(), "/v1/chat/completions",
                                    [] {
                                      json req = chat("Is the sky blue?", 8);
                                      req["grammar"] = R"(root ::= ("yes" | "no") ".")";
                                      return req;
                                    }()),
                               false);
  EXPECT_TRUE(yes_no.text == "yes." || yes_no.text == "no.") << yes_no.text;
  EXPECT_EQ(yes_no.finish, "stop");
}

TEST_F(Parity, EdgeLogprobsAreTheCommanders) {
  json req = chat("Once upon a time, there was a little girl named Lily.", 10);
  req["logprobs"] = true;
  req["top_logprobs"] = 3;
  const Answer want = gather(post(commander_->url(), "/v1/chat/completions", req), false);
  ASSERT_EQ(want.logprobs.size(), want.usage["completion_tokens"].get<size_t>());
  for (bool stream : {false, true}) {
    req["stream"] = stream;
    const auto r = post(edge_->url(), "/v1/chat/completions", req);
    EXPECT_EQ(header(r, "x-tandem-route"), "edge");
    const Answer got = gather(r, stream);
    EXPECT_EQ(got.text, want.text);
    expect_same_logprobs(got.logprobs, want.logprobs);
  }
}

// The Commander's and the edge's /v1/completions answers for the same request.
void expect_same_completion(const json& req, const std::string& edge_url,
                            const std::string& commander_url) {
  SCOPED_TRACE(req.dump());
  const Answer want = gather(post(commander_url, "/v1/completions", req), false, true);
  json streamed = req;
  streamed["stream"] = true;
  streamed["stream_options"] = {{"include_usage", true}};
  for (const json& r : {req, streamed}) {
    const bool stream = r.value("stream", false);
    const auto reply = post(edge_url, "/v1/completions", r);
    EXPECT_EQ(header(reply, "x-tandem-route"), "edge");
    const Answer got = gather(reply, stream, true);
    EXPECT_EQ(got.text, want.text) << "stream " << stream;
    EXPECT_EQ(got.finish, want.finish);
    EXPECT_EQ(usage_counts(got.usage), usage_counts(want.usage));
    EXPECT_EQ(got.finishes, 1);
    EXPECT_EQ(got.done, stream);
    if (stream) continue;
    const json &e = got.logprobs, &c = want.logprobs;
    ASSERT_EQ(e.is_null(), c.is_null());
    if (c.is_null()) continue;
    EXPECT_EQ(e["tokens"], c["tokens"]);
    EXPECT_EQ(e["text_offset"], c["text_offset"]);
    ASSERT_EQ(e["token_logprobs"].size(), c["token_logprobs"].size());
    for (size_t i = 0; i < c["token_logprobs"].size(); ++i) {
      if (c["token_logprobs"][i].is_null()) {
        EXPECT_TRUE(e["token_logprobs"][i].is_null());
        continue;
      }
      EXPECT_NEAR(e["token_logprobs"][i].get<double>(), c["token_logprobs"][i].get<double>(), 1e-3);
      EXPECT_EQ(e["top_logprobs"][i].size(), c["top_logprobs"][i].size());
    }
  }
}

TEST_F(Parity, EdgeCompletionsAreTheCommanders) {
  const auto tokenizer_model = engine::Model::load(edge_model(), "");
  const auto ids = tokenizer_model->tokenizer().encode("Lily and Ben went", true, false);
  const std::vector<json> requests = {
      {{"prompt", "Once upon a time"}, {"max_tokens", 12}, {"temperature", 0}},
      {{"prompt", "Once upon a time"},
       {"max_tokens", 12},
       {"temperature", 0},
       {"echo", true},
       {"logprobs", 2}},
      {{"prompt", "Once upon a time"}, {"max_tokens", 0}, {"echo", true}, {"logprobs", 1}},
      {{"prompt", "Lily went to the"}, {"max_tokens", 60}, {"temperature", 0}, {"stop", {"."}}},
      {{"prompt", ids}, {"max_tokens", 10}, {"temperature", 0}, {"logprobs", 0}},
      {{"prompt", "The cat"}, {"max_tokens", 16}, {"temperature", 0.9}, {"seed", 11}},
      {{"prompt", "Answer:"},
       {"max_tokens", 8},
       {"temperature", 0},
       {"grammar", R"(root ::= ("yes" | "no") ".")"}},
      {{"prompt", ""}, {"max_tokens", 6}, {"temperature", 0}},
  };
  for (const auto& req : requests) expect_same_completion(req, edge_->url(), commander_->url());
}

TEST_F(Parity, CompletionsThroughTheCloudAreMaskedAndUnmasked) {
  const std::string secret = "我叫张三,电话 13800000000。";
  const std::string masked = "我叫<NAME_1>,电话 <PHONE_1>。";
  const std::string story = " Once upon a time";
  // The Commander's own answer to the masked prompt: what the Dispatcher must relay.
  const Answer cloud =
      gather(post(commander_->url(), "/v1/completions",
                  json{{"prompt", masked + story}, {"max_tokens", 10}, {"temperature", 0}}),
             false, true);
  for (bool stream : {false, true}) {
    const json req = {{"prompt", secret + story}, {"max_tokens", 10},
                      {"temperature", 0},         {"echo", true},
                      {"stream", stream},         {"user", "completion-user"}};
    const auto r = post(cloud_->url(), "/v1/completions", req);
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    const Answer got = gather(r, stream, true);
    EXPECT_EQ(got.text, secret + story + cloud.text) << "stream " << stream;  // echo unmasked
    EXPECT_EQ(got.finish, cloud.finish);
    EXPECT_EQ(r.body.find("<PHONE_1>"), std::string::npos) << r.body;
  }
  const std::string log = log_->read();
  for (const char* s : {"张三", "13800000000", "completion-user"})
    EXPECT_EQ(log.find(s), std::string::npos) << s << " leaked:\n" << log;
  EXPECT_NE(log.find("\"prompt\":\"" + masked + story + "\""), std::string::npos) << log;
}

TEST_F(Parity, TokenIdPromptsLeaveAsTheirMaskedText) {
  const auto model = engine::Model::load(edge_model(), "");
  const auto ids = model->tokenizer().encode("Lily called 13800000000 today", true, false);
  const auto r = post(cloud_->url(), "/v1/completions",
                      json{{"prompt", ids}, {"max_tokens", 4}, {"temperature", 0}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  const std::string log = log_->read();
  EXPECT_EQ(log.find("13800000000"), std::string::npos) << log;
  EXPECT_NE(log.find("called <PHONE_1> today\""), std::string::npos) << log;
}

TEST_F(Parity, JsonSchemaKeyOrderReachesTheCommander) {
  const auto r = post(cloud_->url(), "/v1/chat/completions", schema_chat().dump());
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  const Answer got = gather(r, false);
  EXPECT_TRUE(in_schema_order(got.text));
  const Answer alone =
      gather(post(commander_->url(), "/v1/chat/completions", schema_chat().dump()), false);
  EXPECT_EQ(got.text, alone.text);
  // The body the Commander received lists the properties as the client wrote them.
  const std::string log = log_->read();
  EXPECT_NE(
      log.find(R"("properties":{"name":{"type":"string","minLength":1,"maxLength":12},"age")"),
      std::string::npos)
      << log;
}

TEST_F(Parity, UnknownModelIsNotFound) {
  for (const char* path : {"/v1/chat/completions", "/v1/completions", "/v1/embeddings"}) {
    json req = std::string(path) == "/v1/completions"  ? json{{"prompt", "Hi"}, {"max_tokens", 2}}
               : std::string(path) == "/v1/embeddings" ? json{{"input", "Hi"}}
                                                       : chat("Hi", 2);
    req["model"] = "gpt-4o";
    const auto r = post(edge_->url(), path, req);
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    EXPECT_TRUE(is_openai_error(r.body)) << r.body;
    EXPECT_EQ(r.j()["error"]["code"], "model_not_found") << r.body;
    EXPECT_EQ(r.j()["error"]["param"], "model");
    req["model"] = kAlias;
    EXPECT_EQ(post(edge_->url(), path, req).status, 200) << path;
    req.erase("model");
    EXPECT_EQ(post(edge_->url(), path, req).status, 200) << path;
  }
}

// "name value" in the Prometheus text.
double metric(const std::string& text, const std::string& name) {
  const auto p = text.find("\n" + name + " ");
  if (p == std::string::npos) return -1;
  return std::stod(text.substr(p + name.size() + 2));
}

struct Latency {
  double ttft = 0, tokens = 0;
};
Latency latency(const std::string& url) {
  const std::string m = get(url, "/metrics").body;
  return {metric(m, "tandem_time_to_first_token_seconds_count"),
          metric(m, "tandem_token_latency_seconds_count")};
}

TEST_F(Parity, LatencyHistogramsFillOnBothRoutes) {
  const char* prompt = "Once upon a time, there was a little dog";
  for (const auto* server : {edge_.get(), cloud_.get()}) {
    for (bool stream : {false, true}) {
      const Latency before = latency(server->url());
      json req = chat(prompt, 24, stream);
      if (stream) req["stream_options"] = {{"include_usage", true}};
      const auto r = post(server->url(), "/v1/chat/completions", req);
      const Answer a = gather(r, stream);
      const int64_t n = a.usage["completion_tokens"].get<int64_t>();
      ASSERT_GT(n, 2) << r.body;
      const Latency after = latency(server->url());
      const bool edge = header(r, "x-tandem-route") == "edge";
      EXPECT_EQ(edge, server == edge_.get());
      SCOPED_TRACE(header(r, "x-tandem-route") + (stream ? " streamed" : ""));
      EXPECT_EQ(after.ttft, before.ttft + 1);
      if (edge) {  // every token after the first is timed
        EXPECT_EQ(after.tokens, before.tokens + static_cast<double>(n - 1));
      } else if (stream) {  // each relayed event (one or more tokens of the Commander's)
        EXPECT_EQ(after.tokens, before.tokens + a.text_events - 1);
      } else {  // a non-streamed cloud answer arrives whole: its time is the first token's
        EXPECT_EQ(after.tokens, before.tokens);
      }
    }
  }
  const Latency before = latency(edge_->url());
  ASSERT_EQ(post(edge_->url(), "/v1/completions",
                 json{{"prompt", "Once"}, {"max_tokens", 5}, {"temperature", 0}})
                .status,
            200);
  const Latency after = latency(edge_->url());
  EXPECT_EQ(after.ttft, before.ttft + 1);
  EXPECT_EQ(after.tokens, before.tokens + 4);
}

TEST_F(Parity, OfflineCompletionsAreAnsweredOnTheEdge) {
  ServerProcess lonely({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                        "http://127.0.0.1:" + std::to_string(free_loopback_port()),
                        "--intent-model", "none", "--policy", cloud_policy_->path});
  for (bool stream : {false, true}) {
    const auto r = post(lonely.url(), "/v1/completions",
                        json{{"prompt", "Once upon a time"},
                             {"max_tokens", 8},
                             {"temperature", 0},
                             {"stream", stream}});
    EXPECT_EQ(header(r, "x-tandem-route"), "edge");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offline"))
        << header(r, "x-tandem-reason");
    const Answer a = gather(r, stream, true);
    EXPECT_FALSE(a.text.empty());
    EXPECT_EQ(a.done, stream);
  }
}

// Tool calls answered on the edge are the Commander's (same model, template and seed): the
// forced-call grammar, the generic prompt and the call recognition are shared; streamed
// deltas carry the same call. Through the cloud route the Commander's call arrives as is.
TEST_F(Parity, EdgeToolCallsAreTheCommanders) {
  const json tools = json::parse(R"([{"type": "function", "function": {"name": "add",
    "parameters": {"type": "object", "properties": {"a": {"type": "integer", "minimum": 0,
    "maximum": 9}, "b": {"type": "integer", "minimum": 0, "maximum": 9}},
    "required": ["a", "b"]}}}])");
  auto request = [&](bool stream) {
    json r = chat("Add two and three.", 120, stream);
    r["tools"] = tools;
    r["tool_choice"] = "required";
    r["parallel_tool_calls"] = false;
    r["temperature"] = 0;
    return r;
  };
  auto call_of = [](const HttpReply& r, bool stream) {
    EXPECT_EQ(r.status, 200) << r.body;
    json fn = {{"name", ""}, {"arguments", ""}};
    std::string finish;
    if (!stream) {
      const json c = r.j()["choices"][0];
      finish = c["finish_reason"];
      EXPECT_EQ(c["message"]["tool_calls"].size(), 1u) << r.body;
      fn = c["message"]["tool_calls"][0]["function"];
    } else {
      for (const auto& d : sse_data(r.body)) {
        if (d == "[DONE]") continue;
        const json j = json::parse(d);
        if (j["choices"].empty()) continue;
        const json& c = j["choices"][0];
        if (!c["finish_reason"].is_null()) finish = c["finish_reason"];
        if (!c["delta"].contains("tool_calls")) continue;
        for (const json& t : c["delta"]["tool_calls"]) {
          EXPECT_EQ(t["index"], 0) << d;
          if (t["function"].contains("name")) fn["name"] = t["function"]["name"];
          fn["arguments"] =
              fn["arguments"].get<std::string>() + t["function"].value("arguments", std::string());
        }
      }
    }
    EXPECT_EQ(finish, "tool_calls") << r.body;
    return fn;
  };
  const json want = call_of(post(commander_->url(), "/v1/chat/completions", request(false)), false);
  EXPECT_EQ(want["name"], "add");
  const json args = json::parse(want["arguments"].get<std::string>(), nullptr, false);
  ASSERT_TRUE(args.is_object() && args["a"].is_number_integer() && args["b"].is_number_integer())
      << want.dump();
  for (bool stream : {false, true}) {
    const auto e = post(edge_->url(), "/v1/chat/completions", request(stream));
    EXPECT_EQ(header(e, "x-tandem-route"), "edge");
    EXPECT_EQ(call_of(e, stream), want) << "edge, stream " << stream;
    const auto c = post(cloud_->url(), "/v1/chat/completions", request(stream));
    EXPECT_EQ(header(c, "x-tandem-route"), "cloud");
    EXPECT_EQ(call_of(c, stream), want) << "cloud, stream " << stream;
  }
}

}  // namespace
}  // namespace tandem::test
