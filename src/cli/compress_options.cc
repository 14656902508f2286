#include "cli/compress_options.h"

#include <algorithm>

#include "compress/surprisal.h"

namespace tandem::cli {

const CLI::Validator& keep_share() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        try {
          size_t used = 0;
          const double x = std::stod(s, &used);
          if (used == s.size() && x > 0.0 && x <= 1.0) return {};
        } catch (const std::exception&) {
        }
        return "the share to keep must be a number in (0, 1], got '" + s + "'";
      },
      "(0,1]");
  return v;
}

LocalCompression compress_locally(const engine::Model& model, int threads,
                                  const std::string& prompt, const compress::CompressOptions& o) {
  const auto& tok = model.tokenizer();
  const auto ids = tok.encode(prompt, /*add_special=*/false, /*parse_special=*/false);
  LocalCompression out{prompt, static_cast<int64_t>(ids.size()), static_cast<int64_t>(ids.size())};
  if (ids.empty()) return out;
  engine::Transformer tf(model, threads);
  const auto ctx = static_cast<int32_t>(std::clamp<int64_t>(
      static_cast<int64_t>(ids.size()) + 1, 2, std::max<int64_t>(2, model.config().n_ctx_train)));
  auto cache = tf.make_cache(ctx, 1);
  const auto c =
      compress::compress(tok, ids, compress::token_surprisal(tf, cache, ids, tok.bos()), o);
  out.text = c.text;
  out.tokens_after = c.tokens_after;
  return out;
}

}  // namespace tandem::cli
