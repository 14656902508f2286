// Every positive case of the labelled privacy corpora goes through a real Dispatcher (cloud
// route) to a recording upstream, in a two-turn conversation (the client's first answer sent
// back as the assistant turn), streamed and not. What the upstream received is searched for
// each labelled value: digits compared as dialled (widths folded, separators dropped),
// other values with widths folded. The client must get its own text back, unmasked.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "privacy/evaluation.h"
#include "privacy/text_forms.h"
#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

// The texts of a chat body's messages, placeholders removed (their digits are not data).
std::vector<std::string> message_texts(const std::string& body) {
  std::vector<std::string> out;
  const json b = json::parse(body);
  for (const auto& m : b["messages"]) {
    if (!m.contains("content") || !m["content"].is_string()) continue;
    std::string s = m["content"].get<std::string>(), kept;
    for (size_t i = 0; i < s.size();) {
      const size_t close = s[i] == '<' ? s.find('>', i) : std::string::npos;
      if (close != std::string::npos && close - i < 24 &&
          s.find('_', i) < close) {  // <PHONE_1>, <NAME_12>, ...
        i = close + 1;
        continue;
      }
      kept += s[i++];
    }
    out.push_back(kept);
  }
  return out;
}

bool leaks(const std::vector<std::string>& texts, const privacy::LabelledEntity& e) {
  using privacy::PiiType;
  const bool digits =
      e.type == PiiType::kPhone || e.type == PiiType::kId || e.type == PiiType::kCard;
  const std::string want = digits ? privacy::digits_key(e.value) : privacy::fold_width(e.value);
  for (const auto& t : texts)
    if ((digits ? privacy::digits_key(t) : privacy::fold_width(t)).find(want) != std::string::npos)
      return true;
  return false;
}

TEST(PrivacyBoundary, NoLabelledValueReachesTheCommander) {
  std::vector<privacy::LabelledCase> cases;
  // heldout2/3.jsonl were written without sight of the detector (heldout3's names are still
  // unseen by anyone tuning it): their names are counted apart.
  std::vector<std::string> fresh;
  for (const char* f : {"corpus.jsonl", "heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl"})
    for (auto& c : privacy::load_corpus(source(std::string("testdata/privacy/") + f)))
      if (!c.entities.empty()) {
        cases.push_back(std::move(c));
        const std::string name = f;
        fresh.push_back(name.starts_with("heldout") && name != "heldout.jsonl"
                            ? name.substr(0, name.find('.'))
                            : "");
      }
  ASSERT_GE(cases.size(), 500u);

  httplib::Server upstream;
  std::mutex mu;
  std::vector<std::string> bodies;
  serve_echo(upstream, 5, std::chrono::milliseconds(0), [&](const std::string& b) {
    std::lock_guard lock(mu);
    bodies.push_back(b);
  });
  const int port = upstream.bind_to_any_port("127.0.0.1");
  std::thread t([&] { upstream.listen_after_bind(); });
  TempFile policy("policy", "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n");
  std::map<std::string, std::pair<int, int>> per_type;  // values, leaked
  std::vector<std::string> leaked_names;
  {
    ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                        "http://127.0.0.1:" + std::to_string(port), "--intent-model", "none",
                        "--policy", policy.path});
    for (size_t i = 0; i < cases.size(); ++i) {
      const auto& c = cases[i];
      const bool stream = i % 2 == 1;
      json body = chat(c.text, 64, stream);
      body["user"] = "case-" + std::to_string(i);  // one conversation per case
      auto r1 = post(disp.url(), "/v1/chat/completions", body);
      ASSERT_EQ(r1.status, 200) << r1.body;
      ASSERT_EQ(header(r1, "x-tandem-route"), "cloud") << c.text;
      const std::string first = answer_text(r1, stream);
      EXPECT_EQ(first, c.text) << "the client's text did not come back unmasked";
      // The second turn carries the first answer (an assistant turn) and the text again.
      body["messages"].push_back({{"role", "assistant"}, {"content", first}});
      body["messages"].push_back({{"role", "user"}, {"content", "Again: " + c.text}});
      body["stream"] = !stream;
      auto r2 = post(disp.url(), "/v1/chat/completions", body);
      ASSERT_EQ(r2.status, 200) << r2.body;
      EXPECT_EQ(answer_text(r2, !stream), "Again: " + c.text);

      std::vector<std::string> sent;
      {
        std::lock_guard lock(mu);
        ASSERT_EQ(bodies.size(), 2 * (i + 1));
        for (size_t k = bodies.size() - 2; k < bodies.size(); ++k)
          for (auto& s : message_texts(bodies[k])) sent.push_back(std::move(s));
      }
      for (const auto& e : c.entities) {
        std::string key(privacy::pii_key(e.type));
        if (e.type == privacy::PiiType::kName && !fresh[i].empty()) key = "name (" + fresh[i] + ")";
        auto& [n, leaked] = per_type[key];
        ++n;
        if (!leaks(sent, e)) continue;
        ++leaked;
        if (e.type == privacy::PiiType::kName) {
          if (fresh[i].empty()) leaked_names.push_back(e.value);
        } else
          ADD_FAILURE() << privacy::pii_key(e.type) << " '" << e.value
                        << "' reached the Commander in: " << c.text;
      }
    }
  }
  upstream.stop();
  t.join();
  for (const auto& [type, nl] : per_type)
    std::printf("%-8s %4d values, %3d reached the Commander\n", type.c_str(), nl.first, nl.second);
  // Names are found by lexicon and context, not by a checksum: the detector's misses (its
  // recall, docs/PRIVACY.md) are what leaks — with the word lattice, public figures and the
  // Hundred Family Surnames 7 of heldout2's 181 names and 7 of heldout3's 172, bounded
  // loosely below (a tenth) as regression guards (docs/PRIVACY.md, "Known limits").
  // Everything else: nothing.
  const auto& [names, names_leaked] = per_type["name"];
  ASSERT_GT(names, 100);
  std::string list;
  for (const auto& n : leaked_names) list += n + " ";
  EXPECT_LE(names_leaked, names / 10) << "names that reached the Commander: " << list;
  std::printf("names that reached the Commander: %s\n", list.c_str());
  const auto& [fresh_names, fresh_leaked] = per_type["name (heldout2)"];
  ASSERT_GT(fresh_names, 100);
  EXPECT_LE(fresh_leaked, fresh_names / 10);
  const auto& [blind_names, blind_leaked] = per_type["name (heldout3)"];
  ASSERT_GT(blind_names, 100);
  EXPECT_LE(blind_leaked, blind_names / 10);
}

}  // namespace
}  // namespace tandem::test
