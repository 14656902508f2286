// The acceptance of the shipped family policy (data/router/pair.toml, calibrated by
// `calibrate-router --target-pgr 0.9` on the even pairs of pairs_dev.jsonl): a real Dispatcher
// (edge stories260K) in front of a real Commander (stories-code1M) routes the odd pairs, which
// calibration never saw, as /v1/completions requests; the route each one took (x-tandem-route)
// and each node's measured quality (eval-router's teacher-forced log-likelihood of the true
// continuation) give the PGR of the Dispatcher's own routing.
#include <gtest/gtest.h>

#include <sstream>

#include "support/dispatcher_support.h"
#include "support/process.h"

namespace tandem::test {
namespace {

std::string cloud_model() {
  return shared("models/stories-code1M/stories-code1M-f32.gguf");
}

struct Quality {
  double q_edge, q_cloud;
};

// eval-router's per-pair CSV: index,domain,ppl,...,q_edge,q_cloud,a_edge,a_cloud.
std::vector<Quality> read_quality(const std::string& csv) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  std::vector<Quality> out;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (cells.size() != 16) throw std::runtime_error("bad CSV row: " + line);
    out.push_back({std::stod(cells[12]), std::stod(cells[13])});
  }
  return out;
}

TEST(PairRouting, TheShippedPolicyRecoversNinetyPercentOfTheGapOnUnseenPairs) {
  const std::string pairs = shared("eval/tinystories/pairs_dev.jsonl");
  TempFile csv("pair-quality.csv");
  const auto eval = run_tandem({"eval-router", "-m", edge_model(), "--cloud", cloud_model(),
                                "--pairs", pairs, "--split", "odd", "--raw", "--intent-model",
                                "none", "--csv", csv.path, "-t", "1"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto quality = read_quality(csv.read());

  std::vector<json> prompts;
  {
    std::istringstream in(read_file(pairs));
    size_t i = 0;
    for (std::string line; std::getline(in, line); ++i)
      if (i % 2 == 1) prompts.push_back(json::parse(line));
  }
  ASSERT_EQ(prompts.size(), quality.size());

  ServerProcess commander({"commander", "-m", cloud_model(), "-t", "1", "-c", "256"});
  ServerProcess dispatcher({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                            commander.url(), "--intent-model", intent_model(), "--policy",
                            source("data/router/pair.toml")});
  double q_edge = 0, q_cloud = 0, q_routed = 0;
  int cloud = 0;
  for (size_t i = 0; i < prompts.size(); ++i) {
    const json body = {{"prompt", prompts[i]["prompt"]}, {"max_tokens", 1}, {"temperature", 0}};
    const auto r = post(dispatcher.url(), "/v1/completions", body);
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string route = header(r, "x-tandem-route");
    const std::string reason = header(r, "x-tandem-reason");
    ASSERT_TRUE(route == "edge" || route == "cloud") << route;
    // Only the perplexity rule may decide (no privacy, intent or context rule fired).
    EXPECT_TRUE(reason.rfind("ppl:", 0) == 0 || reason.rfind("default", 0) == 0) << reason;
    const bool to_cloud = route == "cloud";
    cloud += to_cloud;
    q_edge += quality[i].q_edge;
    q_cloud += quality[i].q_cloud;
    q_routed += to_cloud ? quality[i].q_cloud : quality[i].q_edge;
  }
  const double share = static_cast<double>(cloud) / static_cast<double>(prompts.size());
  const double pgr = (q_routed - q_edge) / (q_cloud - q_edge);
  std::printf("held-out pairs %zu: cloud share %.3f, PGR %.3f\n", prompts.size(), share, pgr);
  EXPECT_GE(pgr, 0.90);
  EXPECT_LE(share, 0.45);
}

}  // namespace
}  // namespace tandem::test
