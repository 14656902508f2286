// tandem privacy-scan: the personal data the privacy sandbox finds in a text, and the text as
// the cloud would see it (debugging aid for detectors and policies).
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/text_file.h"
#include "privacy/masker.h"
#include "privacy/policy.h"

namespace tandem::cli {
namespace {

struct PrivacyScanOptions {
  std::string text;
  std::string file;
  std::string policy;
  bool mask = false;
};

int run_privacy_scan(const PrivacyScanOptions& o) {
  std::string text = o.text;
  if (!o.file.empty()) {
    text = read_text_file(o.file);
  }
  const auto policy =
      o.policy.empty() ? privacy::PrivacyPolicy{} : privacy::PrivacyPolicy::load(o.policy);
  const auto matches = privacy::PiiDetector::shared().detect(text);
  fmt::print("{} PII value(s) found\n", matches.size());
  for (const auto& m : matches)
    fmt::print("{:<6} [{}, {})  {}  ({})\n", privacy::pii_key(m.type), m.begin, m.end, m.value,
               privacy::action_name(policy.action_for(m.type)));
  fmt::print("route: {}\n", policy.requires_local(text) ? "local (policy)" : "any");
  if (o.mask) {
    privacy::Masker masker;
    fmt::print("masked: {}\n", masker.mask(text));
  }
  return 0;
}

}  // namespace

CommandAction register_privacy_scan(CLI::App& app) {
  auto o = std::make_shared<PrivacyScanOptions>();
  auto* cmd = app.add_subcommand("privacy-scan", "Find personal data in a text and mask it");
  auto* p = cmd->add_option("-p,--prompt", o->text, "Text to scan");
  auto* f =
      cmd->add_option("-f,--file", o->file, "Read the text from a file")->check(CLI::ExistingFile);
  p->excludes(f);
  cmd->add_option("--policy", o->policy, "TOML file with a [privacy] table (mask | local)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--mask", o->mask, "Also print the masked text");
  cmd->callback([p, f]() {
    if (p->count() == 0 && f->count() == 0) throw CLI::RequiredError("-p or -f");
  });
  return [o]() { return run_privacy_scan(*o); };
}

}  // namespace tandem::cli
