#include "kernels/attention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "hwy/targets.h"
#include "kernels/quant/quant_formats.h"
#include "model/ggml_types.h"

namespace tandem::kernels {
namespace {

using model::GgmlType;

struct Cache {
  std::vector<uint8_t> k, v;
  KvHeadView view;
};

// n positions of one head (head_dim wide), stored as `type` with rows padded to `extra`
// more elements (so the stride differs from the row, as in a multi-head cache).
Cache make_cache(GgmlType type, int n, int64_t head_dim, int64_t extra, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  const int64_t row = head_dim + extra;
  const size_t rb = model::row_bytes(type, row);
  Cache c;
  c.k.resize(rb * static_cast<size_t>(n));
  c.v.resize(rb * static_cast<size_t>(n));
  std::vector<float> tmp(static_cast<size_t>(row));
  for (int j = 0; j < n; ++j) {
    for (auto& x : tmp) x = dist(rng);
    quantize(type, tmp.data(), c.k.data() + rb * static_cast<size_t>(j), row);
    for (auto& x : tmp) x = dist(rng);
    quantize(type, tmp.data(), c.v.data() + rb * static_cast<size_t>(j), row);
  }
  c.view = {type, c.k.data(), c.v.data(), rb};
  return c;
}

class AttentionTest : public testing::TestWithParam<GgmlType> {};

// nq queries with differing causal limits (one of them sees no keys at all when nq > 2)
// against the scalar reference. Query counts cover one lane, a partial vector, the 8-lane
// decode group, whole and partial 16-lane groups, and an 8-token verification (64).
void check_block(GgmlType type, std::mt19937& rng) {
  for (int64_t head_dim : {20, 32, 36, 64, 128}) {
    if (type == GgmlType::Q8_0 && head_dim % 32 != 0) continue;  // Q8_0 needs whole blocks
    for (int n : {1, 5, 31, 32, 33, 100}) {
      const auto cache = make_cache(type, n, head_dim, 32, rng);
      for (int nq : {1, 3, 8, 9, 17, 64}) {
        std::vector<std::vector<float>> q(nq, std::vector<float>(static_cast<size_t>(head_dim)));
        std::vector<std::vector<float>> out(nq, std::vector<float>(static_cast<size_t>(head_dim)));
        std::normal_distribution<float> dist(0.0f, 1.0f);
        std::vector<const float*> qp;
        std::vector<float*> op;
        std::vector<int32_t> lens;
        for (int i = 0; i < nq; ++i) {
          for (auto& x : q[static_cast<size_t>(i)]) x = dist(rng);
          qp.push_back(q[static_cast<size_t>(i)].data());
          op.push_back(out[static_cast<size_t>(i)].data());
          lens.push_back(i == 2 ? 0 : std::max(1, n - (i * 3) % (n + 1)));
        }
        const float scale = 0.125f;
        attend_block(qp, op, lens, cache.view, head_dim, scale);
        std::vector<float> want(static_cast<size_t>(head_dim));
        for (int i = 0; i < nq; ++i) {
          attend_reference(qp[static_cast<size_t>(i)], want.data(), lens[static_cast<size_t>(i)],
                           cache.view, head_dim, scale);
          for (int64_t d = 0; d < head_dim; ++d)
            ASSERT_NEAR(out[static_cast<size_t>(i)][static_cast<size_t>(d)],
                        want[static_cast<size_t>(d)], 2e-4)
                << "head_dim " << head_dim << " n " << n << " queries " << nq << " query " << i;
        }
      }
    }
  }
}

TEST_P(AttentionTest, BlockMatchesReferenceWithPerQueryCausalLimits) {
  std::mt19937 rng(7);
  check_block(GetParam(), rng);
}

// The narrower targets (AVX2, SSE4, scalar: what ARM-class vector widths look like) too.
TEST_P(AttentionTest, EveryHighwayTarget) {
  std::mt19937 rng(11);
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    check_block(GetParam(), rng);
  }
  hwy::SetSupportedTargetsForTest(0);
}

INSTANTIATE_TEST_SUITE_P(KvTypes, AttentionTest,
                         testing::Values(GgmlType::F32, GgmlType::F16, GgmlType::Q8_0),
                         [](const auto& info) {
                           return std::string(model::type_name(info.param));
                         });

TEST(Attention, SmallHeadsWorkForFloatCaches) {
  std::mt19937 rng(3);
  const auto cache = make_cache(GgmlType::F16, 9, 8, 24, rng);  // stories260K: head size 8
  std::vector<float> q(8, 0.5f), out(8), want(8);
  const float* qp[] = {q.data()};
  float* op[] = {out.data()};
  const int32_t lens[] = {9};
  attend_block(qp, op, lens, cache.view, 8, 0.35f);
  attend_reference(q.data(), want.data(), 9, cache.view, 8, 0.35f);
  for (int d = 0; d < 8; ++d)
    EXPECT_NEAR(out[static_cast<size_t>(d)], want[static_cast<size_t>(d)], 1e-5);
}

// The weights KV budget policies rank entries by: a softmax over the keys, and the weighted
// sum of the values with them is what attend_block returns.
TEST(Attention, WeightsAreTheSoftmaxAttendBlockUses) {
  std::mt19937 rng(5);
  for (GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::Q8_0}) {
    const auto cache = make_cache(type, 40, 64, 32, rng);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> q(64), w(40), out(64), v(64);
    for (auto& x : q) x = dist(rng);
    attention_weights(q.data(), 37, cache.view, 64, 0.125f, w.data());
    double sum = 0;
    std::vector<double> mixed(64, 0.0);
    for (int j = 0; j < 37; ++j) {
      EXPECT_GE(w[static_cast<size_t>(j)], 0.0f);
      sum += w[static_cast<size_t>(j)];
      dequantize(type, cache.view.v + static_cast<size_t>(j) * cache.view.stride, v.data(), 64);
      for (int d = 0; d < 64; ++d)
        mixed[static_cast<size_t>(d)] += w[static_cast<size_t>(j)] * v[static_cast<size_t>(d)];
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
    attend_reference(q.data(), out.data(), 37, cache.view, 64, 0.125f);
    for (int d = 0; d < 64; ++d)
      EXPECT_NEAR(mixed[static_cast<size_t>(d)], out[static_cast<size_t>(d)], 1e-4)
          << model::type_name(type);
  }
}

// Sliding windows (a first key per query, some past a tile boundary, one seeing nothing) and
// soft-capped scores (Gemma 2), on every Highway target, against the scalar reference; and
// attention_weights with the same window gives zero weight before it.
TEST(Attention, WindowsAndSoftCapMatchTheReference) {
  std::mt19937 rng(13);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    for (GgmlType type : {GgmlType::F32, GgmlType::F16}) {
      const int n = 100;
      const int64_t head_dim = 32;
      const auto cache = make_cache(type, n, head_dim, 0, rng);
      const int nq = 19;
      std::vector<std::vector<float>> q(nq, std::vector<float>(head_dim)), out = q;
      std::vector<const float*> qp;
      std::vector<float*> op;
      std::vector<int32_t> lens, firsts;
      for (int i = 0; i < nq; ++i) {
        for (auto& x : q[static_cast<size_t>(i)]) x = 3.0f * dist(rng);
        qp.push_back(q[static_cast<size_t>(i)].data());
        op.push_back(out[static_cast<size_t>(i)].data());
        lens.push_back(n - 4 * i);
        firsts.push_back(i == 5 ? lens.back() : std::max(0, lens.back() - 1 - 7 * i));
      }
      for (float cap : {0.0f, 1.5f}) {
        AttendOptions opt;
        opt.first = firsts;
        opt.softcap = cap;
        attend_block(qp, op, lens, cache.view, head_dim, 0.2f, opt);
        std::vector<float> want(head_dim), w(n);
        for (int i = 0; i < nq; ++i) {
          const auto u = static_cast<size_t>(i);
          attend_reference(qp[u], want.data(), lens[u], cache.view, head_dim, 0.2f, firsts[u], cap);
          if (firsts[u] == lens[u]) std::fill(want.begin(), want.end(), 0.0f);  // no keys: zeros
          for (int64_t d = 0; d < head_dim; ++d)
            ASSERT_NEAR(out[u][static_cast<size_t>(d)], want[static_cast<size_t>(d)], 2e-4)
                << "query " << i << " cap " << cap;
          attention_weights(qp[u], lens[u], cache.view, head_dim, 0.2f, w.data(), firsts[u], cap);
          for (int j = 0; j < firsts[u]; ++j) ASSERT_EQ(w[static_cast<size_t>(j)], 0.0f);
        }
      }
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

TEST(Attention, RejectsMismatchedSpansAndBadTypes) {
  std::mt19937 rng(1);
  const auto cache = make_cache(GgmlType::F32, 4, 32, 0, rng);
  std::vector<float> q(32), out(32);
  const float* qp[] = {q.data()};
  float* op[] = {out.data()};
  const int32_t lens[] = {4, 4};
  EXPECT_THROW(attend_block(qp, op, lens, cache.view, 32, 1.0f), std::invalid_argument);
  KvHeadView bad = cache.view;
  bad.type = GgmlType::Q4_0;
  EXPECT_THROW(attend_block(qp, op, std::span(lens, 1), bad, 32, 1.0f), std::invalid_argument);
  bad.type = GgmlType::Q8_0;
  EXPECT_THROW(attend_block(qp, op, std::span(lens, 1), bad, 8, 1.0f), std::invalid_argument);
  const int32_t negative[] = {-1};
  EXPECT_THROW(attend_block(qp, op, negative, cache.view, 32, 1.0f), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::kernels
