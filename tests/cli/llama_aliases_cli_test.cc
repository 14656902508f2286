// The real `tandem` binary under llama.cpp's option spellings: every alias lands on the same
// option as Tandem's own name (compared through --dry-run, which prints the parsed options),
// -ngl/-np/-md survive CLI11 (main() maps them), -ngl warns, --help lists the aliases, and a
// llama-cli command line generates the same text as its long-flag spelling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Args = std::vector<std::string>;

Args concat(Args a, const Args& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// `tandem CMD BASE... NAME VALUE --dry-run`: the parsed options, one name=value per line.
std::string dry_run(const Args& cmd_and_base, const std::string& name, const std::string& value) {
  const auto r = run_tandem(concat(cmd_and_base, {name, value, "--dry-run"}));
  EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
  return r.out;
}

struct Alias {
  Args cmd_and_base;                     // the command and the options it requires
  std::string tandem_name;               // Tandem's own spelling
  std::vector<std::string> llama_names;  // llama.cpp's spellings of the same option
  std::string value;
  std::string expected_line;  // how --dry-run shows the value
};

std::vector<Alias> aliases() {
  const std::string f32 = stories("stories260K-f32.gguf");
  const std::string text = source("testdata/story_seed1-4.txt");
  const Args run{"run", "-m", f32};
  const Args ppl{"ppl", "-m", f32, "-f", text};
  const Args commander{"commander", "-m", f32};
  const Args dispatcher{"dispatcher", "-m", f32, "--commander", "http://127.0.0.1:9"};
  return {
      {{"run"}, "--model", {"-m"}, f32, "model=\"" + f32 + "\""},
      {run, "--prompt", {"-p"}, "Once upon a time", "prompt=\"Once upon a time\""},
      {run, "--file", {"-f"}, text, "file=\"" + text + "\""},
      {run, "--n-predict", {"-n", "--predict"}, "16", "n-predict=16"},
      {run, "--ctx", {"-c", "--ctx-size"}, "256", "ctx=256"},
      {run, "--seed", {"-s"}, "7", "seed=7"},
      {run, "--threads", {"-t"}, "2", "threads=2"},
      {run, "--temp", {"--temp"}, "0.5", "temp=0.5"},
      {run, "--top-k", {"--top-k"}, "5", "top-k=5"},
      {run, "--top-p", {"--top-p"}, "0.9", "top-p=0.9"},
      {run, "--min-p", {"--min-p"}, "0.05", "min-p=0.05"},
      {run, "--repeat-penalty", {"--repeat-penalty"}, "1.1", "repeat-penalty=1.1"},
      {run, "--n-gpu-layers", {"-ngl", "--gpu-layers"}, "99", "n-gpu-layers=99"},
      {run, "--draft", {"-md", "--model-draft"}, f32, "draft=\"" + f32 + "\""},
      {ppl, "--ctx", {"-c", "--ctx-size"}, "64", "ctx=64"},
      {ppl, "--threads", {"-t"}, "3", "threads=3"},
      {ppl, "--n-gpu-layers", {"-ngl"}, "12", "n-gpu-layers=12"},
      {{"tokenize", "-m", f32}, "--prompt", {"-p"}, "hello", "prompt=\"hello\""},
      {{"bench", "-m", f32}, "--n-prompt", {"-p"}, "64", "n-prompt=64"},
      {{"bench", "-m", f32}, "--n-gpu-layers", {"-ngl"}, "99", "n-gpu-layers=99"},
      {commander, "--parallel", {"-np"}, "3", "parallel=3"},
      {commander, "--ctx", {"-c", "--ctx-size"}, "512", "ctx=512"},
      {commander, "--batch", {"-b", "--batch-size"}, "64", "batch=64"},
      {commander, "--model-alias", {"-a", "--alias"}, "story", "model-alias=\"story\""},
      {commander, "--seed", {"-s"}, "3", "seed=3"},
      {commander, "--threads", {"-t"}, "2", "threads=2"},
      {commander, "--host", {"--host"}, "0.0.0.0", "host=\"0.0.0.0\""},
      {commander, "--port", {"--port"}, "8099", "port=8099"},
      {commander, "--api-key", {"--api-key"}, "k1", "api-key=\"k1\""},
      {commander, "--chat-template", {"--chat-template"}, "chatml", "chat-template=\"chatml\""},
      {commander, "--n-gpu-layers", {"-ngl"}, "99", "n-gpu-layers=99"},
      {dispatcher, "--seed", {"-s"}, "4", "seed=4"},
      {dispatcher, "--threads", {"-t"}, "2", "threads=2"},
      {dispatcher, "--port", {"--port"}, "8098", "port=8098"},
      {dispatcher, "--chat-template", {"--chat-template"}, "chatml", "chat-template=\"chatml\""},
      {dispatcher, "--ctx", {"-c", "--ctx-size"}, "512", "ctx=512"},
      {dispatcher, "--model-alias", {"-a", "--alias"}, "edge", "model-alias=\"edge\""},
      {dispatcher, "--n-gpu-layers", {"-ngl"}, "99", "n-gpu-layers=99"},
      {{"synth", "--vocab-from", f32, "-o", "/tmp/unused.gguf"}, "--seed", {"-s"}, "9", "seed=9"},
  };
}

TEST(CliLlamaAliases, EachAliasReachesTheSameOptionAsTheTandemName) {
  for (const auto& a : aliases()) {
    const std::string want = dry_run(a.cmd_and_base, a.tandem_name, a.value);
    EXPECT_THAT(want, HasSubstr(a.expected_line + "\n"))
        << a.cmd_and_base[0] << " " << a.tandem_name;
    for (const auto& name : a.llama_names)
      EXPECT_EQ(dry_run(a.cmd_and_base, name, a.value), want) << a.cmd_and_base[0] << " " << name;
  }
}

TEST(CliLlamaAliases, DryRunShowsADifferentValueDifferently) {
  // Guards the comparison above: the dump does depend on the value given.
  const Args run{"run", "-m", stories("stories260K-f32.gguf")};
  EXPECT_NE(dry_run(run, "-c", "256"), dry_run(run, "-c", "512"));
}

TEST(CliLlamaAliases, MappedWordsOnlyWhereTheyAreOptionNames) {
  const Args run{"run", "-m", stories("stories260K-f32.gguf")};
  // The joined form keeps a value that happens to be "-np".
  const auto r = run_tandem(concat(run, {"--prompt=-np", "--dry-run"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("prompt=\"-np\"\n"));
  // -ngl=N is mapped too.
  EXPECT_THAT(run_tandem(concat(run, {"-ngl=5", "--dry-run"})).out, HasSubstr("n-gpu-layers=5\n"));
  // run has no --parallel: -np is rejected there as an unknown option, exit code 1.
  const auto np = run_tandem(concat(run, {"-np", "2"}));
  EXPECT_EQ(np.exit_code, 1);
  EXPECT_THAT(np.err, HasSubstr("error: "));
  EXPECT_THAT(np.err, HasSubstr("--parallel"));
}

TEST(CliLlamaAliases, GpuLayersWarnsThatTheBuildIsCpuOnly) {
  const Args run{"run", "-m", stories("stories260K-f32.gguf"), "-n", "4", "--temp", "0"};
  const auto r = run_tandem(concat(run, {"-ngl", "99"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: -ngl/--n-gpu-layers 99 ignored"));
  EXPECT_THAT(r.err, HasSubstr("CPU-only"));
  for (const char* v : {"all", "auto", "-1"})
    EXPECT_THAT(run_tandem(concat(run, {"--n-gpu-layers", v, "--dry-run"})).err,
                HasSubstr("CPU-only"))
        << v;
  // -ngl 0 asks for the CPU: nothing to warn about.
  const auto zero = run_tandem(concat(run, {"-ngl", "0"}));
  ASSERT_EQ(zero.exit_code, 0) << zero.err;
  EXPECT_THAT(zero.err, Not(HasSubstr("CPU-only")));
  const auto bad = run_tandem(concat(run, {"-ngl", "many"}));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("many"));
}

TEST(CliLlamaAliases, LlamaCliCommandLineGivesTheSameTextAsLongFlags) {
  const std::string model = stories("stories260K-f32.gguf");
  const auto llama = run_tandem({"run", "-m", model, "-p", "Once upon a time", "-n", "16", "-s",
                                 "1", "-c", "256", "-ngl", "99", "--temp", "0"});
  const auto tandem =
      run_tandem({"run", "--model", model, "--prompt", "Once upon a time", "--n-predict", "16",
                  "--seed", "1", "--ctx", "256", "--temp", "0"});
  ASSERT_EQ(llama.exit_code, 0) << llama.err;
  ASSERT_EQ(tandem.exit_code, 0) << tandem.err;
  EXPECT_EQ(llama.out, tandem.out);
  EXPECT_EQ(llama.out.rfind("Once upon a time", 0), 0u);
  EXPECT_GT(llama.out.size(), std::string("Once upon a time\n").size());
  EXPECT_THAT(llama.err, HasSubstr("generate: 16 tokens"));
  EXPECT_THAT(llama.err, HasSubstr("CPU-only"));
  EXPECT_THAT(tandem.err, Not(HasSubstr("CPU-only")));
}

TEST(CliLlamaAliases, HelpListsTheLlamaSpellings) {
  const std::vector<std::pair<std::string, Args>> expected = {
      {"run",
       {"-m,", "-p,", "-f,", "-n,", "--n-predict", "-c,", "--ctx-size", "-s,", "-t,", "--temp",
        "--top-k", "--top-p", "--min-p", "--repeat-penalty", "-ngl", "--n-gpu-layers", "-md",
        "--model-draft"}},
      {"ppl", {"-m,", "-f,", "-c,", "--ctx-size", "-t,", "-ngl", "--n-gpu-layers"}},
      {"tokenize", {"-m,", "-p,", "-f,"}},
      {"bench", {"-m,", "-p,", "-n,", "-t,", "-ngl", "--n-gpu-layers"}},
      {"commander", {"-m,",          "-t,",           "-c,",     "--ctx-size", "-b,",
                     "--batch-size", "-a,",           "--alias", "-np",        "--parallel",
                     "-s,",          "--host",        "--port",  "--api-key",  "--chat-template",
                     "--temp",       "--top-k",       "--top-p", "--min-p",    "--repeat-penalty",
                     "-ngl",         "--n-gpu-layers"}},
      {"dispatcher",
       {"-m,", "-c,", "--ctx-size", "-a,", "--alias", "-ngl", "--n-gpu-layers", "--host", "--port",
        "--api-key", "--chat-template", "--log-level", "--max-connections"}},
      {"quantize", {"type", "Q4_K_M", "Q8_0", "F16", "nthreads"}},
      {"synth", {"-s,"}},
  };
  for (const auto& [cmd, names] : expected) {
    const auto r = run_tandem({cmd, "--help"});
    ASSERT_EQ(r.exit_code, 0) << cmd;
    for (const auto& n : names) EXPECT_THAT(r.out, HasSubstr(n)) << cmd << " --help lacks " << n;
  }
}

}  // namespace
}  // namespace tandem::test
