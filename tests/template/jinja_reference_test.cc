// Byte-for-byte comparison of Tandem's Jinja renderer with python3-jinja2 (configured as
// transformers configures it) on real chat templates. The expected renderings are committed
// under testdata/templates/expected/ by tests/template/jinja_reference.py; the last test re-runs
// that script so the committed files cannot silently drift from what jinja2 produces.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "template/jinja/template.h"
#include "template/jinja_test_paths.h"

namespace tandem::templates {
namespace {

namespace fs = std::filesystem;
using test::slurp;
using test::templates_dir;

// Same instant as PINNED_EPOCH in jinja_reference.py.
constexpr std::int64_t kPinnedEpoch = 1727352000;

struct Pair {
  std::string template_name;
  std::string case_name;
};

std::vector<Pair> all_pairs() {
  std::vector<std::string> templates, cases;
  for (const auto& e : fs::directory_iterator(templates_dir()))
    if (e.path().extension() == ".jinja") templates.push_back(e.path().stem().string());
  for (const auto& e : fs::directory_iterator(templates_dir() / "cases"))
    if (e.path().extension() == ".json") cases.push_back(e.path().stem().string());
  std::sort(templates.begin(), templates.end());
  std::sort(cases.begin(), cases.end());
  std::vector<Pair> pairs;
  for (const auto& t : templates)
    for (const auto& c : cases) pairs.push_back({t, c});
  return pairs;
}

class ReferenceTest : public testing::TestWithParam<Pair> {};

TEST_P(ReferenceTest, MatchesJinja2ByteForByte) {
  const Pair& p = GetParam();
  const fs::path dir = templates_dir();
  const auto context =
      nlohmann::ordered_json::parse(slurp(dir / "cases" / (p.case_name + ".json")))["context"];
  const fs::path stem = dir / "expected" / (p.template_name + "." + p.case_name);
  const fs::path txt = stem.string() + ".txt";
  const fs::path error = stem.string() + ".error";
  ASSERT_TRUE(fs::exists(txt) != fs::exists(error))
      << "need exactly one of " << txt << " or " << error << " (run jinja_reference.py write)";

  RenderOptions options;
  options.now_epoch_seconds = kPinnedEpoch;
  const Template tmpl = Template::parse(slurp(dir / (p.template_name + ".jinja")));
  if (fs::exists(txt)) {
    const std::string expected = slurp(txt);
    std::string actual;
    ASSERT_NO_THROW(actual = tmpl.render(context, options));
    EXPECT_EQ(actual, expected);
    return;
  }
  // jinja2 raised. A template-raised error must carry the same message; anything else only
  // has to fail (the Python exception text is not part of the contract).
  const std::string expected = slurp(error);
  const std::string raised_prefix = "TemplateError: ";
  try {
    const std::string out = tmpl.render(context, options);
    FAIL() << "jinja2 raised (" << expected << ") but we rendered:\n" << out;
  } catch (const RaisedError& e) {
    EXPECT_EQ(raised_prefix + e.what(), expected);
  } catch (const RenderError& e) {
    EXPECT_NE(expected.rfind(raised_prefix, 0), 0u)
        << "jinja2: " << expected << "\nours: " << e.what();
  }
}

std::string PairName(const testing::TestParamInfo<Pair>& info) {
  std::string name = info.param.template_name + "__" + info.param.case_name;
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(RealChatTemplates, ReferenceTest, testing::ValuesIn(all_pairs()),
                         PairName);

TEST(ReferenceCorpus, HasAtLeastTenTemplatesAndCases) {
  const auto pairs = all_pairs();
  std::set<std::string> templates;
  for (const auto& p : pairs) templates.insert(p.template_name);
  EXPECT_GE(templates.size(), 10u);
  EXPECT_GE(pairs.size(), 100u);
}

// Runs a shell command and returns its exit status and combined output.
std::pair<int, std::string> shell(const std::string& command) {
  std::string output;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  if (!pipe) return {-1, "popen failed"};
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe.get()))
    output.append(buf.data(), n);
  const int status = ::pclose(pipe.release());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(ReferenceCorpus, CommittedExpectationsMatchPythonJinja2) {
  if (shell("python3 -c 'import jinja2'").first != 0) {
    GTEST_SKIP() << "\n\n*** python3-jinja2 IS NOT INSTALLED: the committed expected renderings "
                    "were NOT re-checked against jinja2. Install it (apt-get install "
                    "python3-jinja2) to run this check. ***\n";
  }
  const fs::path script = test::source_root() / "tests" / "template" / "jinja_reference.py";
  const auto [status, output] =
      shell("python3 '" + script.string() + "' check '" + templates_dir().string() + "'");
  EXPECT_EQ(status, 0) << output;
}

}  // namespace
}  // namespace tandem::templates
