// The pieces the architecture forward tests share (glm4, gemma, phi3): a model's tensors as
// plain floats, the double-precision reference ops written from the definitions, Tandem's
// logits for a prompt, and the comparison. Each test keeps only its architecture's own graph.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "model/gguf_file.h"
#include "support/paths.h"

namespace tandem::engine::reference {

using Floats = std::vector<float>;

// A model's tensors, row-major [rows][cols] as GGUF stores them (dims = {cols, rows}).
struct TensorSet {
  std::map<std::string, Floats> t;
  std::map<std::string, std::vector<int64_t>> dims;

  // Uniform values in offset ± scale.
  void add(const std::string& name, std::vector<int64_t> d, float scale, float offset,
           std::mt19937& rng) {
    int64_t n = 1;
    for (auto x : d) n *= x;
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Floats v(static_cast<size_t>(n));
    for (auto& x : v) x = offset + scale * u(rng);
    t[name] = std::move(v);
    dims[name] = std::move(d);
  }
  void erase(const std::string& name) {
    t.erase(name);
    dims.erase(name);
  }
};

// RMS norm of x[off, off + n) (n 0: all of x) times w.
inline Floats rmsnorm(const Floats& x, const Floats& w, float eps, size_t off = 0, size_t n = 0) {
  if (n == 0) n = x.size();
  double ss = 0;
  for (size_t i = 0; i < n; ++i) ss += double(x[off + i]) * x[off + i];
  const double r = 1.0 / std::sqrt(ss / double(n) + eps);
  Floats y(n);
  for (size_t i = 0; i < n; ++i) y[i] = float(x[off + i] * r) * w[i];
  return y;
}

// Rows [first, first + n) of a row-major matrix with `cols` columns, times x.
inline Floats matvec(const Floats& m, int64_t cols, const Floats& x, int64_t first, int64_t n) {
  Floats y(static_cast<size_t>(n));
  for (int64_t r = 0; r < n; ++r) {
    double acc = 0;
    for (int64_t c = 0; c < cols; ++c)
      acc += double(m[size_t((first + r) * cols + c)]) * x[size_t(c)];
    y[size_t(r)] = float(acc);
  }
  return y;
}

// Causal grouped-query attention of one query row over every cached position (keys and
// values one row per position, kv_heads * head_dim wide), scores scaled by 1/sqrt(head_dim).
inline Floats causal_attention(const Floats& q, const std::vector<Floats>& keys,
                               const std::vector<Floats>& values, int64_t heads, int64_t kv_heads,
                               int64_t head_dim) {
  Floats out(static_cast<size_t>(heads * head_dim), 0.0f);
  const size_t n = keys.size();
  for (int64_t hd = 0; hd < heads; ++hd) {
    const int64_t g = hd / (heads / kv_heads);
    std::vector<double> score(n);
    double mx = -1e300;
    for (size_t j = 0; j < n; ++j) {
      double d = 0;
      for (int64_t i = 0; i < head_dim; ++i)
        d += double(q[size_t(hd * head_dim + i)]) * keys[j][size_t(g * head_dim + i)];
      score[j] = d / std::sqrt(double(head_dim));
      mx = std::max(mx, score[j]);
    }
    double sum = 0;
    for (auto& s : score) sum += (s = std::exp(s - mx));
    for (int64_t i = 0; i < head_dim; ++i) {
      double acc = 0;
      for (size_t j = 0; j < n; ++j) acc += score[j] / sum * values[j][size_t(g * head_dim + i)];
      out[size_t(hd * head_dim + i)] = float(acc);
    }
  }
  return out;
}

// Every position's logits from Tandem, the prompt in one batch.
inline std::vector<Floats> tandem_logits(const std::string& path,
                                         const std::vector<int32_t>& tokens, int32_t n_ctx = 64) {
  const auto m = Model::load(path);
  Transformer tf(*m, 2);
  auto cache = tf.make_cache(n_ctx, 1, model::GgmlType::F32);
  const auto all = tf.forward(Batch::sequence(tokens, 0, 0, true), cache);
  const size_t n_vocab = static_cast<size_t>(m->config().n_vocab);
  std::vector<Floats> rows;
  for (size_t t = 0; t < tokens.size(); ++t)
    rows.emplace_back(all.begin() + t * n_vocab, all.begin() + (t + 1) * n_vocab);
  return rows;
}

// A prompt of stories260K token ids, and that vocabulary's size (the test models use its
// tokenizer).
inline const std::vector<int32_t> kTokens = {1,   403, 407, 261, 378, 429,
                                             290, 394, 284, 58,  300, 17};
inline int64_t stories_vocab() {
  return model::GgufFile::open(test::stories("stories260K-f32.gguf"))
      .tensor("token_embd.weight")
      .dims[1];
}

inline void expect_close(const std::vector<Floats>& got, const std::vector<Floats>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t t = 0; t < got.size(); ++t)
    for (size_t i = 0; i < got[t].size(); ++i)
      ASSERT_NEAR(got[t][i], want[t][i], 2e-3f + 1e-3f * std::abs(want[t][i]))
          << "position " << t << " logit " << i;
}

// Largest logit difference over every position: for checks that a change is visible at all.
inline float max_diff(const std::vector<Floats>& a, const std::vector<Floats>& b) {
  float d = 0;
  for (size_t t = 0; t < a.size(); ++t)
    for (size_t i = 0; i < a[t].size(); ++i) d = std::max(d, std::abs(a[t][i] - b[t][i]));
  return d;
}

// Loading `path` fails with one line that names the problem (`words`).
inline void expect_load_refused(const std::string& path, const std::string& words) {
  try {
    Model::load(path);
    ADD_FAILURE() << "loaded";
  } catch (const model::ModelFileError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(words), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

}  // namespace tandem::engine::reference
