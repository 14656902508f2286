#include "mmproj/encoder_stack.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "mmproj/mmproj_test_util.h"
#include "model/gguf_writer.h"

namespace tandem::mmproj {
namespace {

using Mat = std::vector<double>;

// The encoder written out plainly in double (one layer at a time), from the same tensors.
struct Reference {
  const MmprojFile& f;
  int64_t n, ff, heads;
  double eps;

  std::vector<double> vec(const std::string& name, int64_t len) const {
    auto v = f.floats(name, {len});
    return {v.begin(), v.end()};
  }
  // y[t][o] = sum_i W[o][i] x[t][i] + b[o]
  Mat linear(const std::string& w, const std::string& b, const Mat& x, int64_t n_in,
             int64_t n_out) const {
    const auto W = f.floats(w, {n_in, n_out});
    const auto B = vec(b, n_out);
    const int64_t T = static_cast<int64_t>(x.size()) / n_in;
    Mat y(static_cast<size_t>(T * n_out));
    for (int64_t t = 0; t < T; ++t)
      for (int64_t o = 0; o < n_out; ++o) {
        double s = B[o];
        for (int64_t i = 0; i < n_in; ++i) s += W[o * n_in + i] * x[t * n_in + i];
        y[t * n_out + o] = s;
      }
    return y;
  }
  Mat norm(const std::string& p, Mat x) const {
    const auto w = vec(p + ".weight", n), b = vec(p + ".bias", n);
    for (size_t t = 0; t < x.size() / n; ++t) {
      double m = 0, var = 0;
      for (int64_t i = 0; i < n; ++i) m += x[t * n + i];
      m /= n;
      for (int64_t i = 0; i < n; ++i) var += (x[t * n + i] - m) * (x[t * n + i] - m);
      var /= n;
      for (int64_t i = 0; i < n; ++i)
        x[t * n + i] = (x[t * n + i] - m) / std::sqrt(var + eps) * w[i] + b[i];
    }
    return x;
  }
  Mat layer(int il, Mat x) const {
    const std::string p = "v.blk." + std::to_string(il) + ".";
    const int64_t T = static_cast<int64_t>(x.size()) / n, d = n / heads;
    const Mat h = norm(p + "ln1", x);
    const Mat q = linear(p + "attn_q.weight", p + "attn_q.bias", h, n, n);
    const Mat k = linear(p + "attn_k.weight", p + "attn_k.bias", h, n, n);
    const Mat v = linear(p + "attn_v.weight", p + "attn_v.bias", h, n, n);
    Mat att(x.size(), 0.0);
    for (int64_t hd = 0; hd < heads; ++hd)
      for (int64_t i = 0; i < T; ++i) {
        std::vector<double> s(static_cast<size_t>(T));
        double mx = -1e300, sum = 0;
        for (int64_t j = 0; j < T; ++j) {
          double dot = 0;
          for (int64_t c = 0; c < d; ++c) dot += q[i * n + hd * d + c] * k[j * n + hd * d + c];
          s[j] = dot / std::sqrt(static_cast<double>(d));
          mx = std::max(mx, s[j]);
        }
        for (auto& e : s) sum += (e = std::exp(e - mx));
        for (int64_t j = 0; j < T; ++j)
          for (int64_t c = 0; c < d; ++c)
            att[i * n + hd * d + c] += s[j] / sum * v[j * n + hd * d + c];
      }
    const Mat o = linear(p + "attn_out.weight", p + "attn_out.bias", att, n, n);
    for (size_t i = 0; i < x.size(); ++i) x[i] += o[i];
    Mat up = linear(p + "ffn_up.weight", p + "ffn_up.bias", norm(p + "ln2", x), n, ff);
    for (auto& u : up) u = u / (1 + std::exp(-1.702 * u));  // quick GELU (CLIP tower)
    const Mat down = linear(p + "ffn_down.weight", p + "ffn_down.bias", up, ff, n);
    for (size_t i = 0; i < x.size(); ++i) x[i] += down[i];
    return x;
  }
};

TEST(EncoderStack, MatchesAPlainDoubleReference) {
  const auto f = MmprojFile::open(testing::tiny_mmproj("mlp", "F32"));
  const auto& hp = f.vision().encoder;
  EncoderStack stack(f, "v", hp);
  EXPECT_EQ(stack.n_layer(), 3);
  EXPECT_TRUE(stack.has_pre_norm());
  EXPECT_FALSE(stack.has_post_norm());
  const int64_t T = 37, n = hp.n_embd;  // not a multiple of the attention query block
  std::mt19937 rng(3);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(T * n));
  for (auto& v : x) v = nd(rng);

  Reference ref{f, n, hp.n_ff, hp.n_head, hp.eps};
  Mat r(x.begin(), x.end());
  r = ref.norm("v.pre_ln", r);
  r = ref.layer(0, r);
  r = ref.layer(1, r);

  for (int threads : {1, 3}) {
    kernels::ThreadPool pool(threads);
    std::vector<float> y = x;
    stack.forward(y, T, pool, {.n_layers = 2});  // LLaVA style: stop before the last layer
    double max_err = 0, max_ref = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      max_err = std::max(max_err, std::fabs(y[i] - r[i]));
      max_ref = std::max(max_ref, std::fabs(r[i]));
    }
    EXPECT_LT(max_err / max_ref, 1e-5) << threads << " threads";
  }
  // 2 FLOPs per multiply-add: Q, K, V, out (4 n^2), up and down (2 n ff), attention (2 T n).
  const double per_layer = 2.0 * T * (4 * n * n + 2 * n * hp.n_ff) + 4.0 * T * T * n;
  EXPECT_DOUBLE_EQ(stack.flops(T, 2), 2 * per_layer);
  kernels::ThreadPool pool(1);
  std::vector<float> bad(5);
  EXPECT_THROW(stack.forward(bad, T, pool, {}), std::invalid_argument);
  std::vector<float> y = x;
  EXPECT_THROW(stack.forward(y, T, pool, {.n_layers = 4}), std::invalid_argument);
}

// The file's tensors under new names / shapes (rename: old -> new name).
MmprojFile rewrite(const MmprojFile& src, const std::string& drop, const std::string& shrink,
                   const std::map<std::string, std::string>& rename = {}) {
  model::GgufWriter w;
  for (const auto& [k, v] : src.gguf().metadata()) w.set(k, v);
  for (const auto& t : src.gguf().tensors()) {
    if (t.name == drop) continue;
    auto dims = t.dims;
    size_t bytes = t.nbytes;
    if (t.name == shrink) {
      dims[0] /= 2;
      bytes /= 2;
    }
    const auto it = rename.find(t.name);
    w.add_tensor(it == rename.end() ? t.name : it->second, t.type, dims, {t.data, bytes});
  }
  return MmprojFile::from_gguf(model::GgufFile::from_bytes(w.to_bytes(), "edited.gguf"));
}

TEST(EncoderStack, SwappedUpDownNamesOfOldConvertersAreUndone) {
  const auto f = MmprojFile::open(testing::tiny_mmproj("gemma3", "F32"));
  std::map<std::string, std::string> swap;
  for (int il = 0; il < 3; ++il)
    for (const char* part : {".weight", ".bias"}) {
      const std::string p = "v.blk." + std::to_string(il) + ".";
      swap[p + "ffn_up" + part] = p + "ffn_down" + part;
      swap[p + "ffn_down" + part] = p + "ffn_up" + part;
    }
  const auto swapped = rewrite(f, "", "", swap);
  ASSERT_EQ(swapped.tensor("v.blk.0.ffn_down.weight").dims[0], 32);  // n_embd wide: swapped
  const EncoderStack a(f, "v", f.vision().encoder), b(swapped, "v", swapped.vision().encoder);
  kernels::ThreadPool pool(2);
  std::vector<float> x(static_cast<size_t>(10 * 32)), y;
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37f * static_cast<float>(i));
  y = x;
  a.forward(x, 10, pool, {});
  b.forward(y, 10, pool, {});
  EXPECT_EQ(x, y);
}

TEST(EncoderStack, MissingOrMisshapenTensorIsNamed) {
  // Copy the tiny file's tensors, dropping one and reshaping another.
  const auto src = MmprojFile::open(testing::tiny_mmproj("idefics3", "F32"));
  const auto missing = rewrite(src, "v.blk.1.attn_out.weight", "");
  EXPECT_THAT([&] { EncoderStack(missing, "v", missing.vision().encoder); },
              ::testing::ThrowsMessage<model::ModelFileError>(::testing::AllOf(
                  ::testing::HasSubstr("edited.gguf"),
                  ::testing::HasSubstr("missing tensor 'v.blk.1.attn_out.weight'"))));
  const auto wrong = rewrite(src, "", "v.blk.2.ln2.bias");
  EXPECT_THAT([&] { EncoderStack(wrong, "v", wrong.vision().encoder); },
              ::testing::ThrowsMessage<model::ModelFileError>(
                  ::testing::HasSubstr("'v.blk.2.ln2.bias' has shape [16], expected [32]")));
}

}  // namespace
}  // namespace tandem::mmproj
