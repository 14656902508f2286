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
};

class LocalVerifier : public Verifier {
 public:
  LocalVerifier(const engine::Model& target, int n_threads, engine::SamplerParams params,
                int32_t n_ctx, model::GgmlType kv_type = model::GgmlType::F16)
      : tf_(target, n_threads), session_(target, params, n_ctx, kv_type) {}
  VerifyOutcome verify(std::span<const TokenId> append, std::span<const TokenId> draft,
                       std::span<const Dist> draft_dists) override {
    return session_.verify(tf_, append, draft, draft_dists);
  }

 private:
  engine::Transformer tf_;
  TargetSession session_;
};

}  // namespace tandem::spec
