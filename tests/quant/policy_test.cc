#include "quant/policy.h"

#include <gtest/gtest.h>

#include "support/paths.h"

namespace tandem::quant {
namespace {

using model::GgmlType;

TEST(Policy, ClassifiesTensorNames) {
  int64_t l = 0;
  EXPECT_EQ(classify("blk.3.attn_q.weight", &l), TensorClass::kAttnQ);
  EXPECT_EQ(l, 3);
  EXPECT_EQ(classify("output.weight", &l), TensorClass::kOutput);
  EXPECT_EQ(l, -1);
  EXPECT_EQ(classify("blk.0.attn_norm.weight", &l), TensorClass::kOther);
}

TEST(Policy, FirstMatchingRuleWinsWithLayerRanges) {
  const auto p = Policy::parse(R"(
name = "t"
default = "q4_1"
[[rules]]
tensors = ["ffn_down"]
layers = [-1, -1]
type = "q8_0"
[[rules]]
tensors = ["ffn_down", "attn_q"]
type = "base"
)",
                               "t.toml", GgmlType::Q4_0);
  EXPECT_EQ(p.name(), "t");
  EXPECT_EQ(p.wanted(TensorClass::kFfnDown, 4, 5), GgmlType::Q8_0);
  EXPECT_EQ(p.wanted(TensorClass::kFfnDown, 3, 5), GgmlType::Q4_0);
  EXPECT_EQ(p.wanted(TensorClass::kAttnK, 3, 5), GgmlType::Q4_1);
}

TEST(Policy, RejectsUnknownKeysClassesAndTypes) {
  EXPECT_THROW(Policy::parse("colour = 1\n", "p", GgmlType::Q4_0), PolicyError);
  EXPECT_THROW(Policy::parse("[[rules]]\ntensors=[\"x\"]\ntype=\"q4_0\"\n", "p", GgmlType::Q4_0),
               PolicyError);
  EXPECT_THROW(
      Policy::parse("[[rules]]\ntensors=[\"attn_q\"]\ntype=\"iq2_xs\"\n", "p", GgmlType::Q4_0),
      PolicyError);
  EXPECT_THROW(Policy::parse("[[rules]]\ntensors=[\"attn_q\"]\n", "p", GgmlType::Q4_0),
               PolicyError);
}

TEST(Policy, ShippedPoliciesParse) {
  for (const char* f : {"policies/edge-default.toml", "policies/pure-4bit.toml"})
    EXPECT_NO_THROW(Policy::from_file(test::source(f), GgmlType::Q4_0)) << f;
}

TEST(Policy, FallbackRule) {
  std::string why;
  EXPECT_EQ(fitting_type(GgmlType::Q4_0, 172, &why), GgmlType::F16);
  EXPECT_NE(why.find("Q4_0 -> F16"), std::string::npos);
  EXPECT_EQ(fitting_type(GgmlType::Q4_K, 64, &why), GgmlType::Q4_1);
  EXPECT_EQ(fitting_type(GgmlType::Q6_K, 96, &why), GgmlType::Q8_0);
  // llama.cpp's fallback for the low-bit types, then F16 where IQ4_NL does not fit either.
  EXPECT_EQ(fitting_type(GgmlType::Q2_K, 64, &why), GgmlType::IQ4_NL);
  EXPECT_EQ(fitting_type(GgmlType::Q3_K, 96, &why), GgmlType::IQ4_NL);
  EXPECT_EQ(fitting_type(GgmlType::IQ4_XS, 172, &why), GgmlType::F16);
  EXPECT_EQ(fitting_type(GgmlType::Q4_0, 64, &why), GgmlType::Q4_0);
  EXPECT_TRUE(why.empty());
}

}  // namespace
}  // namespace tandem::quant
