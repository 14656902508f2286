#include "compress/evaluation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

#include "compress/conditioned.h"
#include "compress/surprisal.h"
#include "engine/batch.h"
#include "engine/perplexity.h"

namespace tandem::compress {

std::vector<std::string> method_names() {
  return {"full",         "surprisal",           "surprisal-cond", "surprisal-notail",
          "random-words", "random-words-notail", "random-tokens",  "keep-last"};
}

const MethodResult& DomainReport::method(const std::string& name) const {
  for (const auto& m : methods)
    if (m.method == name) return m;
  throw std::invalid_argument("no method " + name);
}

namespace {

constexpr int32_t kCtx = 512;

// Mean log-likelihood per token of `cont` after BOS + prompt, teacher-forced.
double continuation_ll(engine::Transformer& tf, engine::KvCache& cache, tokenizer::TokenId bos,
                       std::span<const tokenizer::TokenId> prompt,
                       std::span<const tokenizer::TokenId> cont) {
  std::vector<tokenizer::TokenId> ids{bos};
  ids.insert(ids.end(), prompt.begin(), prompt.end());
  const size_t first = ids.size();
  ids.insert(ids.end(), cont.begin(), cont.end());
  if (ids.size() > static_cast<size_t>(cache.n_ctx()))
    throw std::invalid_argument("evaluation: prompt + continuation of " +
                                std::to_string(ids.size()) + " tokens exceed " +
                                std::to_string(cache.n_ctx()));
  cache.clear(0);
  const auto logits = tf.forward(engine::Batch::sequence(ids, 0, 0, /*all_logits=*/true), cache);
  const auto v = static_cast<size_t>(tf.model().config().n_vocab);
  double ll = 0;
  for (size_t i = first; i < ids.size(); ++i)
    ll -= engine::token_nll(logits.subspan((i - 1) * v, v), ids[i]);
  cache.clear(0);
  return ll / static_cast<double>(std::max<size_t>(1, cont.size()));
}

// Uniform in [0, 1) from the top 53 bits: the same on every standard library.
double uniform(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

std::vector<uint8_t> random_tokens(size_t n, int64_t keep, std::mt19937_64& rng) {
  std::vector<size_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = i;
  for (size_t i = 0; i + 1 < n; ++i) {  // Fisher–Yates, portable
    const size_t j = i + static_cast<size_t>(uniform(rng) * static_cast<double>(n - i));
    std::swap(idx[i], idx[std::min(j, n - 1)]);
  }
  std::vector<uint8_t> kept(n, 0);
  for (int64_t k = 0; k < keep && static_cast<size_t>(k) < n; ++k) kept[idx[k]] = 1;
  return kept;
}

struct ItemScores {
  std::vector<std::vector<double>> ll;  // per method: one value, or one per seed
  std::vector<int64_t> kept;            // per method: kept tokens (first seed for random)
};

}  // namespace

std::vector<DomainReport> evaluate(const engine::Model& edge, const engine::Model& cloud,
                                   std::span<const EvalItem> items, const EvalOptions& o) {
  if (edge.config().n_vocab != cloud.config().n_vocab)
    throw std::invalid_argument("evaluation: the edge and cloud vocabularies differ");
  CompressOptions co;
  co.keep = o.keep;
  co.keep_last_words = o.keep_last_words;
  co.tail_share = o.tail_share;
  validate(co);
  const auto& tok = edge.tokenizer();
  const auto bos = tok.bos();
  engine::Transformer edge_tf(edge, o.threads), cloud_tf(cloud, o.threads);
  auto edge_cache =
      edge_tf.make_cache(std::min<int32_t>(kCtx, static_cast<int32_t>(edge.config().n_ctx_train)),
                         1, model::GgmlType::F32);
  auto cloud_cache = cloud_tf.make_cache(kCtx, 1, model::GgmlType::F32);
  const auto names = method_names();
  const size_t n_methods = names.size();
  std::vector<ItemScores> scores;
  for (const auto& it : items) {
    ItemScores s;
    s.ll.resize(n_methods);
    s.kept.resize(n_methods);
    const auto& p = it.prompt;
    auto score = [&](size_t m, const std::vector<tokenizer::TokenId>& kept_ids) {
      s.ll[m].push_back(continuation_ll(cloud_tf, cloud_cache, bos, kept_ids, it.continuation));
      if (s.ll[m].size() == 1) s.kept[m] = static_cast<int64_t>(kept_ids.size());
    };
    const auto surprisal = token_surprisal(edge_tf, edge_cache, p, bos);
    const int64_t target = budget(static_cast<int64_t>(p.size()), o.keep);
    score(0, p);
    score(1, compress(tok, p, surprisal, co).tokens);
    score(2, compress_conditioned(edge_tf, edge_cache, tok, p, co).tokens);
    CompressOptions notail = co;
    notail.keep_last_words = 0;
    notail.tail_share = 0;
    score(3, compress(tok, p, surprisal, notail).tokens);
    const auto units = word_units(tok, p, /*protect_code=*/true);
    for (int seed = 1; seed <= o.seeds; ++seed) {
      std::mt19937_64 rng(static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ULL + p.size());
      std::vector<double> pri(units.size());
      for (auto& x : pri) x = uniform(rng);
      score(4, keep_by_priority(tok, p, units, pri, co).tokens);
      score(5, keep_by_priority(tok, p, units, pri, notail).tokens);
      score(6, from_mask(tok, p, random_tokens(p.size(), target, rng)).tokens);
    }
    std::vector<uint8_t> last(p.size(), 0);
    for (size_t i = p.size() - static_cast<size_t>(std::min<int64_t>(target, p.size()));
         i < p.size(); ++i)
      last[i] = 1;
    score(7, from_mask(tok, p, std::move(last)).tokens);
    scores.push_back(std::move(s));
  }
  // Reports: all, then each domain.
  std::vector<std::string> domains = {"all"};
  for (const auto& it : items)
    if (std::find(domains.begin(), domains.end(), it.domain) == domains.end())
      domains.push_back(it.domain);
  std::vector<DomainReport> out;
  for (const auto& d : domains) {
    DomainReport r;
    r.domain = d;
    std::vector<size_t> sel;
    for (size_t i = 0; i < items.size(); ++i)
      if (d == "all" || items[i].domain == d) sel.push_back(i);
    r.n_items = sel.size();
    for (size_t m = 0; m < n_methods; ++m) {
      MethodResult mr;
      mr.method = names[m];
      int64_t kept = 0, total = 0;
      const size_t n_runs = sel.empty() ? 0 : scores[sel[0]].ll[m].size();
      std::vector<double> run_mean(n_runs, 0.0);
      for (const size_t i : sel) {
        const auto& v = scores[i].ll[m];
        double item_mean = 0;
        for (size_t k = 0; k < v.size(); ++k) {
          item_mean += v[k];
          run_mean[k] += v[k];
        }
        item_mean /= static_cast<double>(v.size());
        mr.per_item.push_back(item_mean);
        mr.mean_ll += item_mean;
        kept += scores[i].kept[m];
        total += static_cast<int64_t>(items[i].prompt.size());
      }
      if (!sel.empty()) mr.mean_ll /= static_cast<double>(sel.size());
      if (n_runs > 1) {
        double mean = 0, var = 0;
        for (auto& x : run_mean) {
          x /= static_cast<double>(sel.size());
          mean += x;
        }
        mean /= static_cast<double>(n_runs);
        for (const double x : run_mean) var += (x - mean) * (x - mean);
        mr.sd_seeds = std::sqrt(var / static_cast<double>(n_runs - 1));
      }
      mr.kept_ratio = total ? static_cast<double>(kept) / static_cast<double>(total) : 0;
      r.methods.push_back(std::move(mr));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tandem::compress
