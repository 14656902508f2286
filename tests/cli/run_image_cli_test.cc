// `tandem run --mmproj --image`: stories260K with a random-weight gemma3-style projector of
// its width, written by `tandem synth`. The image's rows join the prompt (its token count
// grows by them), generation runs, the same run gives the same text, and bad input fails
// with exit code 1 and a line naming the problem.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

int prompt_tokens(const std::string& err) {
  std::smatch m;
  if (!std::regex_search(err, m, std::regex("prompt: +([0-9]+) tokens"))) return -1;
  return std::stoi(m[1]);
}

TEST(CliRunImage, TheImagesRowsJoinThePrompt) {
  const std::string dir = unique_temp_dir();
  const std::string mm = dir + "/mm.gguf";
  auto s = run_tandem({"synth", "--mmproj-out", mm, "--projector", "gemma3", "--vision", "tiny",
                       "--n-embd-text", "64"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const std::string png = source("tests/vision/fixtures/tiny_45x37.png");
  const std::vector<std::string> base = {"run",
                                         "-m",
                                         stories("stories260K-f32.gguf"),
                                         "-p",
                                         "Once upon a time",
                                         "-n",
                                         "12",
                                         "--temp",
                                         "0",
                                         "-t",
                                         "1"};
  auto text = run_tandem(base);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  auto with = base;
  for (const std::string& a : {std::string("--mmproj"), mm, std::string("--image"), png})
    with.push_back(a);
  auto a = run_tandem(with), b = run_tandem(with);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_GT(prompt_tokens(a.err), prompt_tokens(text.err) + 4) << a.err;
  EXPECT_EQ(a.out, b.out);

  // Not an image: exit code 1 naming the file.
  const std::string junk = dir + "/junk.png";
  std::ofstream(junk) << "this is no picture";
  auto bad = base;
  for (const std::string& x : {std::string("--mmproj"), mm, std::string("--image"), junk})
    bad.push_back(x);
  auto r = run_tandem(bad);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("junk.png"), std::string::npos) << r.err;
  // --image needs --mmproj.
  auto lone = base;
  lone.push_back("--image");
  lone.push_back(png);
  EXPECT_NE(run_tandem(lone).exit_code, 0);
}

}  // namespace
}  // namespace tandem::test
