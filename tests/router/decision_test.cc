// Routing policy loading and the decision order: privacy local -> intent -> PPL -> default.
#include "router/decision.h"

#include <gtest/gtest.h>

#include "support/paths.h"

namespace tandem::router {
namespace {

using privacy::PiiType;

IntentResult intent(const std::string& label, double p) {
  IntentResult r;
  r.label = label;
  for (const char* c : {"chat", "coding", "math", "other", "summarization"})
    r.scores.push_back({c, c == label ? p : (1 - p) / 4});
  return r;
}

RoutingPolicy policy() {
  return RoutingPolicy::parse(
      "[routing]\nppl_threshold = 30\ncloud_intents = [\"coding\", \"math\"]\n"
      "[privacy]\nphone = \"local\"\n",
      "test.toml");
}

TEST(Decision, PrivacyLocalRuleComesFirst) {
  RoutingSignals s{{PiiType::kEmail, PiiType::kPhone}, intent("coding", 0.99), 500.0, true};
  const auto d = decide(s, policy());
  EXPECT_EQ(d.route, Route::kEdge);
  EXPECT_EQ(d.reason, Reason::kPrivacyLocal);
  EXPECT_EQ(d.explain(), "privacy_local: phone");
  // Masked types do not force the edge.
  s.pii = {PiiType::kEmail, PiiType::kName};
  EXPECT_EQ(decide(s, policy()).reason, Reason::kIntent);
}

TEST(Decision, IntentBeforePerplexity) {
  const auto d = decide({{}, intent("math", 0.8), 2.0, true}, policy());
  EXPECT_EQ(d.route, Route::kCloud);
  EXPECT_EQ(d.reason, Reason::kIntent);
  EXPECT_EQ(d.explain(), "intent: math (p=0.80)");
  // An intent that stays local falls through to the PPL rule.
  const auto p = decide({{}, intent("chat", 0.9), 45.5, true}, policy());
  EXPECT_EQ(p.route, Route::kCloud);
  EXPECT_EQ(p.reason, Reason::kPpl);
  EXPECT_EQ(p.detail, "45.500 > 30.000");
}

TEST(Decision, DefaultIsEdge) {
  const auto d = decide({{}, intent("chat", 0.9), 12.0, true}, policy());
  EXPECT_EQ(d.route, Route::kEdge);
  EXPECT_EQ(d.reason, Reason::kDefault);
  EXPECT_EQ(d.detail, "intent chat, ppl 12.000 <= 30.000");
  EXPECT_EQ(decide({}, RoutingPolicy{}).route, Route::kEdge);
  // No threshold configured: the PPL rule never fires.
  EXPECT_EQ(decide({{}, std::nullopt, 1e9, true}, RoutingPolicy{}).reason, Reason::kDefault);
  // PPL exactly at the threshold stays local.
  EXPECT_EQ(decide({{}, std::nullopt, 30.0, true}, policy()).route, Route::kEdge);
}

TEST(Decision, UnreachableCommanderKeepsCloudRequestsOnTheEdge) {
  const auto d = decide({{}, intent("coding", 0.9), 2.0, false}, policy());
  EXPECT_EQ(d.route, Route::kEdge);
  EXPECT_EQ(d.reason, Reason::kOffline);
  EXPECT_NE(d.detail.find("intent: coding"), std::string::npos);
  EXPECT_EQ(decide({{}, intent("chat", 0.9), 2.0, false}, policy()).reason, Reason::kDefault);
}

TEST(Decision, PromptsTheEdgeCannotHoldAreOffloadedUnlessPrivate) {
  RoutingSignals s{{}, intent("chat", 0.9), std::nullopt, true, 600, 512};
  auto d = decide(s, policy());
  EXPECT_EQ(d.route, Route::kCloud);
  EXPECT_EQ(d.reason, Reason::kContext);
  EXPECT_EQ(d.explain(), "offload:context: 600 prompt tokens >= edge context 512");
  s.prompt_tokens = 511;
  EXPECT_EQ(decide(s, policy()).route, Route::kEdge);
  s.prompt_tokens = 512;
  s.commander_reachable = false;  // nowhere to offload: the edge says why it cannot
  EXPECT_EQ(decide(s, policy()).reason, Reason::kOffline);
  s.commander_reachable = true;
  s.pii = {PiiType::kEmail, PiiType::kPhone};  // kept local even when too long
  EXPECT_EQ(decide(s, policy()).reason, Reason::kPrivacyLocal);
}

// A chat's answer needs room beside its prompt (--context-overflow offload|trim): a prompt
// that leaves less than the reserve is offloaded by the same rule, with the figures.
TEST(Decision, PromptsThatLeaveNoRoomForTheAnswerAreOffloaded) {
  RoutingSignals s{{}, intent("chat", 0.9), std::nullopt, true, 500, 512};
  EXPECT_EQ(decide(s, policy()).route, Route::kEdge);  // no reserve: as before
  s.answer_reserve = 16;
  auto d = decide(s, policy());
  EXPECT_EQ(d.reason, Reason::kContext);
  EXPECT_EQ(d.explain(),
            "offload:context: 500 prompt tokens + 16 for the answer > edge context 512");
  s.prompt_tokens = 496;
  EXPECT_EQ(decide(s, policy()).route, Route::kEdge);  // exactly fits
  s.prompt_tokens = 500;
  s.commander_reachable = false;
  EXPECT_EQ(decide(s, policy()).reason, Reason::kOffline);
}

TEST(Decision, OffloadReasonsAreNamedOffload) {
  EXPECT_EQ(reason_name(Reason::kContext), "offload:context");
  EXPECT_EQ(reason_name(Reason::kModality), "offload:modality");
  EXPECT_EQ(reason_name(Reason::kMaxTokens), "offload:max_tokens");
  EXPECT_EQ(reason_name(Reason::kMemory), "offload:memory");
  EXPECT_TRUE(is_offload(Reason::kMaxTokens));
  EXPECT_FALSE(is_offload(Reason::kPpl));
}

TEST(Decision, MaxTokensBeyondTheEdgeBudgetAreOffloadedUnlessPrivate) {
  RoutingSignals s{{}, intent("chat", 0.9), std::nullopt, true};
  s.edge_max_tokens = 64;
  s.max_tokens = 64;
  EXPECT_EQ(decide(s, policy()).route, Route::kEdge);
  s.max_tokens = 65;
  const auto d = decide(s, policy());
  EXPECT_EQ(d.reason, Reason::kMaxTokens);
  EXPECT_EQ(d.explain(), "offload:max_tokens: max_tokens 65 > edge budget 64");
  s.edge_max_tokens = 0;  // no budget
  EXPECT_EQ(decide(s, policy()).route, Route::kEdge);
  s.edge_max_tokens = 64;
  s.pii = {PiiType::kPhone};
  EXPECT_EQ(decide(s, policy()).reason, Reason::kPrivacyLocal);
}

TEST(Decision, ProjectedKvUnderTheFloorIsAMemoryOffload) {
  RoutingSignals s{{}, intent("chat", 0.9), std::nullopt, true};
  s.memory_floor = 500u << 20;
  s.memory_available = (500u << 20) + (1u << 20);
  s.kv_bytes = 1u << 20;
  EXPECT_EQ(decide(s, policy()).route, Route::kEdge);
  s.kv_bytes += 1;
  auto d = decide(s, policy());
  EXPECT_EQ(d.reason, Reason::kMemory);
  EXPECT_NE(d.detail.find("projected KV"), std::string::npos) << d.detail;
  s.memory_available = 0;  // no reading: nothing to project against
  EXPECT_EQ(decide(s, policy()).route, Route::kEdge);
  s.edge_memory_low = true;  // under the floor already: the same rule
  EXPECT_EQ(decide(s, policy()).reason, Reason::kMemory);
}

TEST(Decision, ModalityWithoutAnEdgeEncoderIsOffloaded) {
  RoutingSignals s{{}, intent("chat", 0.9), std::nullopt, true};
  s.modality = "image_url";
  auto d = decide(s, policy());
  EXPECT_EQ(d.route, Route::kCloud);
  EXPECT_EQ(d.reason, Reason::kModality);
  s.commander_reachable = false;
  EXPECT_EQ(decide(s, policy()).reason, Reason::kOffline);
}

// --media edge-only: media keeps the request on the edge before intent, offload or ppl rules,
// like a privacy-local PII type (which, when present too, is the one named).
TEST(Decision, PrivateMediaStaysOnTheEdge) {
  RoutingSignals s{{}, intent("coding", 0.99), 1000.0, true};
  s.media_private = true;
  auto d = decide(s, RoutingPolicy::parse("[routing]\nppl_threshold = 2\n"));
  EXPECT_EQ(d.route, Route::kEdge);
  EXPECT_EQ(d.explain(), "privacy_local: media");
  s.modality = "input_audio";  // and no encoder for it: still decided here (then refused)
  EXPECT_EQ(decide(s, policy()).explain(), "privacy_local: media");
  s.pii = {PiiType::kId};
  EXPECT_EQ(decide(s, RoutingPolicy::parse("[privacy]\nid = \"local\"\n")).explain(),
            "privacy_local: id");
}

TEST(Decision, IntentConfidenceFloor) {
  auto p = RoutingPolicy::parse("[routing]\nintent_min_confidence = 0.7\n");
  EXPECT_EQ(decide({{}, intent("coding", 0.6), std::nullopt, true}, p).route, Route::kEdge);
  EXPECT_EQ(decide({{}, intent("coding", 0.75), std::nullopt, true}, p).route, Route::kCloud);
}

TEST(RoutingPolicy, DefaultsAndParsing) {
  const RoutingPolicy d;
  EXPECT_FALSE(d.ppl_threshold);
  EXPECT_TRUE(d.routes_to_cloud("coding"));
  EXPECT_TRUE(d.routes_to_cloud("math"));
  EXPECT_FALSE(d.routes_to_cloud("chat"));
  const auto p = RoutingPolicy::parse(
      "[routing]\ncloud_intents = [\"summarization\"]\n"
      "ppl_threshold = 12.5\n[privacy]\nid = \"local\"\n");
  EXPECT_EQ(p.ppl_threshold, 12.5);
  EXPECT_TRUE(p.routes_to_cloud("summarization"));
  EXPECT_FALSE(p.routes_to_cloud("coding"));
  EXPECT_EQ(p.privacy.action_for(PiiType::kId), privacy::PolicyAction::kLocal);
  EXPECT_EQ(p.privacy.action_for(PiiType::kPhone), privacy::PolicyAction::kMask);
}

std::string error_of(const std::string& toml) {
  try {
    RoutingPolicy::parse(toml, "routing.toml");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(RoutingPolicy, ClearErrors) {
  EXPECT_NE(error_of("[routing]\nthreshold = 3\n").find("unknown key 'threshold'"),
            std::string::npos);
  EXPECT_NE(error_of("[routing]\nthreshold = 3\n").find("routing.toml"), std::string::npos);
  EXPECT_NE(error_of("[routes]\n").find("unknown table or key 'routes'"), std::string::npos);
  EXPECT_NE(error_of("[routing]\nppl_threshold = \"high\"\n").find("must be a number"),
            std::string::npos);
  EXPECT_NE(error_of("[routing]\nppl_threshold = -1\n").find("must be positive"),
            std::string::npos);
  EXPECT_NE(error_of("[routing]\ncloud_intents = \"coding\"\n").find("array of strings"),
            std::string::npos);
  EXPECT_NE(error_of("[routing]\nintent_min_confidence = 2\n").find("[0, 1]"), std::string::npos);
  EXPECT_NE(error_of("[privacy]\nssn = \"local\"\n").find("unknown key 'ssn'"), std::string::npos);
  EXPECT_NE(error_of("[routing\n").find("routing.toml"), std::string::npos);
  EXPECT_THROW(RoutingPolicy::load("/nonexistent/routing.toml"), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::router
