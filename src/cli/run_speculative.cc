#include "cli/run_speculative.h"

#include <fmt/format.h>

#include <memory>

#include "verify/verify_client.h"
#include "verify/verify_upstream.h"

namespace tandem::cli {

void SpecRunOptions::add_to(CLI::App* cmd) {
  auto* draft = cmd->add_option("--draft,--model-draft", draft_path,
                                "(-md) Draft model for speculative decoding (-m is the target)");
  auto* remote = cmd->add_option("--remote-target", remote_target,
                                 "Commander URL that verifies the drafts of -m (distributed "
                                 "speculative decoding)");
  draft->excludes(remote);
  cmd->add_option("--remote-api-key", remote_api_key, "API key for --remote-target");
  cmd->add_flag("--remote-openai", remote_openai,
                "--remote-target has no verify endpoint: verify greedily through "
                "/v1/completions (echo + logprobs)")
      ->needs(remote);
  cmd->add_option("--draft-max", spec.draft_max, "Most tokens drafted per target pass")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--draft-min", spec.draft_min, "Tokens drafted before --draft-p-min applies")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  cmd->add_option("--draft-p-min", spec.draft_p_min,
                  "Stop drafting when the draft's top probability falls below this")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 1.0f));
  cmd->add_flag("!--no-draft-adaptive", spec.adaptive, "Always draft --draft-max tokens");
}

spec::SpecStats run_speculative(const engine::Model& model, const SpecRunOptions& o,
                                std::span<const tokenizer::TokenId> prompt, int64_t n_predict,
                                int32_t n_ctx, const engine::SamplerParams& sampling, int threads,
                                model::GgmlType kv_type,
                                const std::function<bool(tokenizer::TokenId)>& on_token) {
  std::unique_ptr<engine::Model> draft_model;
  const engine::Model* draft = &model;
  std::unique_ptr<spec::Verifier> verifier;
  if (!o.draft_path.empty()) {
    draft_model = engine::Model::load(o.draft_path);
    spec::check_same_vocab(model, *draft_model);
    draft = draft_model.get();
    verifier = std::make_unique<spec::LocalVerifier>(model, threads, sampling, n_ctx, kv_type);
  } else if (o.remote_openai) {
    if (sampling.temperature > 0 || sampling.repeat_penalty != 1.0f ||
        sampling.presence_penalty != 0.0f || sampling.frequency_penalty != 0.0f)
      throw std::invalid_argument(
          "--remote-openai verifies greedily from the upstream's raw top-1: use --temp 0 and no "
          "penalties");
    verify::UpstreamVerifierOptions uo;
    uo.url = o.remote_target;
    uo.api_key = o.remote_api_key;
    verifier = std::make_unique<verify::UpstreamVerifier>(uo, model.tokenizer());
  } else {
    verify::RemoteVerifierOptions ro;
    ro.url = o.remote_target;
    ro.api_key = o.remote_api_key;
    ro.sampling = sampling;
    ro.n_vocab = static_cast<int32_t>(model.config().n_vocab);
    verifier = std::make_unique<verify::RemoteVerifier>(ro);
  }
  spec::Drafter drafter(*draft, threads, sampling, n_ctx, kv_type);
  const auto st = spec::speculative_generate(drafter, *verifier, model.tokenizer(), prompt,
                                             n_predict, n_ctx, o.spec, on_token);
  fmt::print(stderr,
             "speculative: {} tokens in {:.1f} ms ({:.1f} tok/s){}\n"
             "  drafted {}, accepted {}, acceptance rate {:.3f}, mean accepted length {:.2f}, "
             "target passes {} ({:.3f} per token), draft passes {}\n",
             st.n_generated, st.seconds * 1e3, st.n_generated / std::max(st.seconds, 1e-9),
             st.hit_eog        ? ", stopped at end of text"
             : st.context_full ? ", stopped: context full"
                               : "",
             st.drafted, st.accepted, st.acceptance_rate(), st.mean_accepted_length(),
             st.target_passes, st.passes_per_token(), st.draft_passes);
  return st;
}

}  // namespace tandem::cli
