// `tandem calibrate-router` scores prompts as the Dispatcher does (a user turn in the edge chat
// template), so the threshold it prints keeps the promised share on the edge: calibrated on
// one half of a sample, a real Dispatcher routes the other half (held out) by /v1/route.
// Calibrating on the bare text, as before, would keep none of them local (6.2 vs 13.7).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "support/dispatcher_support.h"
#include "support/process.h"

namespace tandem::test {
namespace {

// The first 60 story paragraphs of the unseen TinyStories text, cut to about 160 bytes at
// a space: prompts of one kind, so only the threshold decides the split.
std::vector<std::string> story_prompts() {
  std::istringstream in(read_file(shared("eval/tinystories/stories_dev.txt")));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line) && out.size() < 120;) {
    if (line.size() < 40) continue;
    if (line.size() > 160) line = line.substr(0, line.rfind(' ', 160));
    out.push_back(line);
  }
  return out;
}

double threshold_from(const std::string& stdout_text) {
  std::smatch m;
  const std::regex re(R"(ppl_threshold = ([0-9.]+))");
  if (!std::regex_search(stdout_text, m, re)) throw std::runtime_error("no threshold printed");
  return std::stod(m[1]);
}

TEST(RouterCalibration, TheCalibratedShareHoldsOnAHeldOutSplit) {
  const auto prompts = story_prompts();
  ASSERT_EQ(prompts.size(), 120u);
  TempFile calib("calibration-prompts");
  {
    std::ofstream f(calib.path);
    for (size_t i = 0; i < prompts.size(); i += 2) f << prompts[i] << "\n";
  }
  constexpr double kShare = 0.6;
  const auto r = run_tandem({"calibrate-router", "-m", edge_model(), "--prompts", calib.path,
                             "--local-share", "0.6", "-t", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double threshold = threshold_from(r.out);
  const auto raw = run_tandem({"calibrate-router", "-m", edge_model(), "--prompts", calib.path,
                               "--local-share", "0.6", "-t", "1", "--raw"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_NE(threshold_from(raw.out), threshold);  // the two scorings do differ

  TempFile policy("calibrated-policy", "[routing]\nppl_threshold = " + std::to_string(threshold) +
                                           "\ncloud_intents = []\n");
  ServerProcess commander({"commander", "-m", edge_model(), "-t", "1", "-c", "512"});
  ServerProcess dispatcher({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                            commander.url(), "--intent-model", "none", "--policy", policy.path});
  int local = 0, n = 0;
  for (size_t i = 1; i < prompts.size(); i += 2, ++n) {
    const auto route = post(dispatcher.url(), "/v1/route", chat(prompts[i]));
    ASSERT_EQ(route.status, 200) << route.body;
    const json j = route.j();
    ASSERT_TRUE(j["signals"]["commander_reachable"].get<bool>()) << route.body;
    local += j["route"] == "edge";
  }
  const double share = static_cast<double>(local) / n;
  EXPECT_NEAR(share, kShare, 0.1) << local << " of " << n << " held-out prompts stayed local";
}

}  // namespace
}  // namespace tandem::test
