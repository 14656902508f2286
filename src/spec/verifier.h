// Who checks the drafts: the target in-process (LocalVerifier) or over the network
// (server/verify_client.h). Both speak the verify protocol of TargetSession.
#pragma once

#include <span>

#include "spec/target_session.h"

namespace tandem::spec {

class Verifier {
 public:
  virtual ~Verifier() = default;
  // See TargetSession::verify: append = tokens committed since the last call.
  virtual VerifyOutcome verify(std::span<const TokenId> append, std::span<const TokenId> draft,
                               std::span<const Dist> draft_dists) = 0;
  // Positions the target's session holds (committed tokens may reach n_ctx + 1), or 0 while
  // unknown (a remote target tells it in its first answer; an OpenAI upstream never does).
  virtual int32_t n_ctx() const { return 0; }
};

class LocalVerifier : public Verifier {
 public:
  LocalVerifier(const engine::Model& target, int n_threads, engine::SamplerParams params,
                int32_t n_ctx, model::GgmlType kv_type = model::GgmlType::F16)
      : tf_(target, n_threads), session_(target, params, n_ctx, kv_type), n_ctx_(n_ctx) {}
  VerifyOutcome verify(std::span<const TokenId> append, std::span<const TokenId> draft,
                       std::span<const Dist> draft_dists) override {
    return session_.verify(tf_, append, draft, draft_dists);
  }
  int32_t n_ctx() const override { return n_ctx_; }

 private:
  engine::Transformer tf_;
  TargetSession session_;
  int32_t n_ctx_;
};

}  // namespace tandem::spec
