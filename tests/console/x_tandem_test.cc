// The x_tandem object on a real Dispatcher's answers (docs/API.md): route, reasons, timings,
// and on the cloud route the masked messages the Commander received; --no-trace drops it.
#include <gtest/gtest.h>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

const std::string kPhone = "415-555-0172";

// The x_tandem of an answer: the body's (non-streamed), or the stream's chunk that carries it,
// which must come after every content chunk and right before [DONE].
json trace_of(const HttpReply& r, bool stream) {
  if (!stream) return r.j().value("x_tandem", json());
  const auto events = sse_data(r.body);
  json trace;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i] == "[DONE]") continue;
    const json j = json::parse(events[i]);
    if (!j.contains("x_tandem")) continue;
    EXPECT_TRUE(j["choices"].empty());
    EXPECT_EQ(i + 2, events.size()) << "x_tandem is not the last chunk before [DONE]";
    trace = j["x_tandem"];
  }
  return trace;
}

// A chat POST asking for x_tandem.sent_to_cloud, as the console does.
HttpReply post_traced(const std::string& url, const json& body) {
  httplib::Client cli(url);
  cli.set_read_timeout(120, 0);
  auto r = cli.Post("/v1/chat/completions", {{"X-Tandem-Trace", "sent_to_cloud"}}, body.dump(),
                    "application/json");
  if (!r) return {-1, httplib::to_string(r.error()), {}};
  return {r->status, r->body, r->headers};
}

struct Pair {
  ServerProcess commander{{"commander", "-m", edge_model(), "-t", "1", "-c", "512"}};
  TempFile policy;
  ServerProcess dispatcher;
  Pair(const std::string& routing, std::vector<std::string> extra = {})
      : policy("console-policy", "[routing]\n" + routing), dispatcher([&] {
          std::vector<std::string> args = {"dispatcher",
                                           "-m",
                                           edge_model(),
                                           "-t",
                                           "1",
                                           "-c",
                                           "512",
                                           "--commander",
                                           commander.url(),
                                           "--intent-model",
                                           "none",
                                           "--policy",
                                           policy.path};
          args.insert(args.end(), extra.begin(), extra.end());
          return args;
        }()) {}
};

TEST(XTandem, CloudAnswersCarryTheRouteTimingsAndTheMaskedMessages) {
  Pair pair("ppl_threshold = 1.0\ncloud_intents = []\n");
  for (bool stream : {false, true}) {
    const auto r =
        post_traced(pair.dispatcher.url(), chat("Write code that calls " + kPhone, 8, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    const json t = trace_of(r, stream);
    ASSERT_TRUE(t.is_object()) << r.body;
    EXPECT_EQ(t["route"], "cloud");
    EXPECT_EQ(t["reason"], "ppl");
    EXPECT_EQ(t["failover"], false);
    EXPECT_GT(t["signals"]["ppl"].get<double>(), 1.0);
    EXPECT_EQ(t["signals"]["pii"], json::array({"phone"}));
    EXPECT_TRUE(t["ttft_ms"].is_number());
    EXPECT_GT(t["completion_tokens"].get<int>(), 0);
    ASSERT_TRUE(t["sent_to_cloud"].is_array());
    const std::string sent = t["sent_to_cloud"][0]["content"].get<std::string>();
    EXPECT_NE(sent.find("<PHONE_1>"), std::string::npos) << sent;
    EXPECT_EQ(sent.find(kPhone), std::string::npos) << sent;
    EXPECT_EQ(r.body.find(kPhone), std::string::npos) << "the answer echoes only the masked text";
    // Not asked for: the trace without the conversation, and no placeholder in the answer.
    const auto plain = post(pair.dispatcher.url(), "/v1/chat/completions",
                            chat("Write code that calls " + kPhone, 8, stream));
    ASSERT_EQ(plain.status, 200) << plain.body;
    EXPECT_EQ(trace_of(plain, stream)["route"], "cloud");
    EXPECT_FALSE(trace_of(plain, stream).contains("sent_to_cloud"));
    EXPECT_EQ(plain.body.find("<PHONE_1>"), std::string::npos) << plain.body;
  }
}

TEST(XTandem, EdgeAnswersSayEdgeAndSendNothing) {
  Pair pair("cloud_intents = []\n");
  for (bool stream : {false, true}) {
    const auto r =
        post(pair.dispatcher.url(), "/v1/chat/completions", chat("Once upon a time", 8, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    const json t = trace_of(r, stream);
    ASSERT_TRUE(t.is_object()) << r.body;
    EXPECT_EQ(t["route"], "edge");
    EXPECT_EQ(t["reason"], "default");
    EXPECT_FALSE(t.contains("sent_to_cloud"));
    EXPECT_TRUE(t["tokens_per_s"].is_number() || t["completion_tokens"].get<int>() <= 1);
  }
}

TEST(XTandem, NoTraceFlagLeavesTheAnswersAsBefore) {
  Pair pair("ppl_threshold = 1.0\ncloud_intents = []\n", {"--no-trace"});
  for (bool stream : {false, true}) {
    const auto r =
        post_traced(pair.dispatcher.url(), chat("Write code that calls " + kPhone, 8, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find("x_tandem"), std::string::npos) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  }
  EXPECT_EQ(get(pair.dispatcher.url(), "/console/config.json").j()["trace"], false);
}

TEST(XTandem, RoutePlaygroundReportsPiiSpans) {
  Pair pair("ppl_threshold = 50.0\ncloud_intents = []\n");
  const std::string text = "Call me at " + kPhone + " tomorrow";
  const auto r = post(pair.dispatcher.url(), "/v1/route",
                      json{{"messages", {{{"role", "user"}, {"content", text}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json spans = r.j()["pii_spans"];
  ASSERT_EQ(spans.size(), 1u) << r.body;
  EXPECT_EQ(spans[0]["type"], "phone");
  EXPECT_EQ(text.substr(spans[0]["begin"].get<size_t>(),
                        spans[0]["end"].get<size_t>() - spans[0]["begin"].get<size_t>()),
            kPhone);
  EXPECT_EQ(r.j()["signals"]["ppl_threshold"], 50.0);
}

}  // namespace
}  // namespace tandem::test
