// `tandem run --mmproj --audio`: stories260K with a random-weight qwen2a projector of its
// width, written by `tandem synth --audio tiny`. The clip's rows and markers join the prompt
// (its token count grows by 750 rows plus the marker text), generation runs, the same run
// gives the same text, and bad input fails with exit code 1 and a line naming the problem.
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

TEST(CliRunAudio, TheClipsRowsJoinThePrompt) {
  const std::string dir = unique_temp_dir();
  const std::string mm = dir + "/qwen2a.gguf";
  auto s = run_tandem({"synth", "--mmproj-out", mm, "--projector", "qwen2a", "--audio", "tiny",
                       "--n-embd-text", "64"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const std::string wav = source("tests/audio/fixtures/chirp_1s_16k.wav");
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
  for (const std::string& a : {std::string("--mmproj"), mm, std::string("--audio"), wav})
    with.push_back(a);
  auto a = run_tandem(with), b = run_tandem(with);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.err.find("audio"), std::string::npos) << a.err;  // "mmproj ...: audio rows of 64"
  // 750 rows, plus "<|audio_bos|>" / "<|audio_eos|>" as stories260K's tokenizer spells them.
  EXPECT_GT(prompt_tokens(a.err), prompt_tokens(text.err) + 750) << a.err;
  EXPECT_EQ(a.out, b.out);

  // Not audio: exit code 1 naming the file and the problem.
  const std::string junk = dir + "/junk.wav";
  std::ofstream(junk) << "this is no sound at all, just some text in a file";
  auto bad = base;
  for (const std::string& x : {std::string("--mmproj"), mm, std::string("--audio"), junk})
    bad.push_back(x);
  auto r = run_tandem(bad);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("junk.wav"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r.err;
  // --audio needs --mmproj.
  auto lone = base;
  lone.push_back("--audio");
  lone.push_back(wav);
  EXPECT_NE(run_tandem(lone).exit_code, 0);
  // An image-only projector refuses audio.
  const std::string vis = dir + "/gemma3.gguf";
  ASSERT_EQ(run_tandem({"synth", "--mmproj-out", vis, "--projector", "gemma3", "--vision", "tiny",
                        "--n-embd-text", "64"})
                .exit_code,
            0);
  auto refused = base;
  for (const std::string& x : {std::string("--mmproj"), vis, std::string("--audio"), wav})
    refused.push_back(x);
  auto rr = run_tandem(refused);
  EXPECT_EQ(rr.exit_code, 1) << rr.err;
  EXPECT_NE(rr.err.find("audio"), std::string::npos) << rr.err;
}

}  // namespace
}  // namespace tandem::test
