// POST /v1/embeddings and GET /v1/models/{id} on the real `tandem commander` over
// stories260K: shapes, normalization, determinism, batching, base64, token-id input, errors.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <future>
#include <memory>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/process.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

const std::string kModel = "stories260K-f32";
constexpr size_t kEmbd = 64;  // stories260K's width
constexpr int kCtx = 48;

class Embeddings : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", stories("stories260K-f32.gguf"), "-t", "2",
                                 "--parallel", "2", "--ctx", std::to_string(kCtx)});
  }
  static void TearDownTestSuite() { server_.reset(); }
  static std::string url() { return server_->url(); }
  static std::unique_ptr<ServerProcess> server_;

  static HttpReply embed(json body) {
    if (!body.contains("model")) body["model"] = kModel;
    return post(url(), "/v1/embeddings", body);
  }
  // The float vectors of a successful answer, in index order.
  static std::vector<std::vector<float>> vectors(const HttpReply& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::vector<float>> out;
    const json j = r.j();  // ranging over r.j()["data"] would outlive the temporary
    for (const auto& d : j["data"]) out.push_back(d["embedding"].get<std::vector<float>>());
    return out;
  }
  static void expect_error(const HttpReply& r, int status, const std::string& param) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_TRUE(is_openai_error(r.body)) << r.body;
    if (!param.empty()) {
      EXPECT_EQ(r.j()["error"]["param"], param) << r.body;
    }
  }
};
std::unique_ptr<ServerProcess> Embeddings::server_;

double l2(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

void expect_near(const std::vector<float>& a, const std::vector<float>& b, float tol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], tol) << "at " << i;
}

std::vector<float> decode_base64_floats(const std::string& s) {
  auto val = [](char c) -> uint32_t {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : 63;
  };
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 3 < s.size(); i += 4) {
    const uint32_t w = val(s[i]) << 18 | val(s[i + 1]) << 12 |
                       (s[i + 2] == '=' ? 0 : val(s[i + 2]) << 6) |
                       (s[i + 3] == '=' ? 0 : val(s[i + 3]));
    bytes.push_back(static_cast<uint8_t>(w >> 16));
    if (s[i + 2] != '=') bytes.push_back(static_cast<uint8_t>(w >> 8));
    if (s[i + 3] != '=') bytes.push_back(static_cast<uint8_t>(w));
  }
  std::vector<float> out(bytes.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t u = 0;
    for (int b = 0; b < 4; ++b) u |= static_cast<uint32_t>(bytes[i * 4 + b]) << (8 * b);
    out[i] = std::bit_cast<float>(u);
  }
  return out;
}

// `tandem tokenize --ids`: the ids the server's text input becomes (BOS included).
std::vector<int> token_ids(const std::string& text) {
  const auto r =
      run_tandem({"tokenize", "-m", stories("stories260K-f32.gguf"), "-p", text, "--ids"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out).get<std::vector<int>>();
}

TEST_F(Embeddings, ShapeUsageAndUnitNorm) {
  auto r = embed({{"input", "Once upon a time"}, {"user", "someone"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.j();
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["model"], kModel);
  ASSERT_EQ(j["data"].size(), 1u);
  EXPECT_EQ(j["data"][0]["object"], "embedding");
  EXPECT_EQ(j["data"][0]["index"], 0);
  const auto v = j["data"][0]["embedding"].get<std::vector<float>>();
  ASSERT_EQ(v.size(), kEmbd);
  EXPECT_NEAR(l2(v), 1.0, 1e-4);
  const auto n = token_ids("Once upon a time").size();
  EXPECT_EQ(j["usage"]["prompt_tokens"], n);
  EXPECT_EQ(j["usage"]["total_tokens"], n);
}

TEST_F(Embeddings, DeterministicAndDistinct) {
  const auto a = vectors(embed({{"input", "The cat sat on the mat"}}));
  const auto b = vectors(embed({{"input", "The cat sat on the mat"}}));
  const auto c = vectors(embed({{"input", "A dragon flew over the sea"}}));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0], b[0]);
  EXPECT_NE(a[0], c[0]);
}

TEST_F(Embeddings, BatchEqualsOneByOne) {
  const std::vector<std::string> texts = {"Lily had a red ball", "Tom",
                                          "The sun was hot and the birds sang all day long",
                                          "Once upon a time"};
  auto r = embed({{"input", texts}});
  const auto batch = vectors(r);
  ASSERT_EQ(batch.size(), texts.size());
  size_t total = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(r.j()["data"][i]["index"], i);
    const auto alone = vectors(embed({{"input", texts[i]}}));
    expect_near(batch[i], alone[0], 1e-5f);
    total += token_ids(texts[i]).size();
  }
  EXPECT_EQ(r.j()["usage"]["prompt_tokens"], total);
}

TEST_F(Embeddings, Base64DecodesToTheFloats) {
  const auto floats = vectors(embed({{"input", "A big tree"}, {"encoding_format", "float"}}));
  auto r = embed({{"input", {"A big tree", "A small cat"}}, {"encoding_format", "base64"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = r.j();
  const auto& d = body["data"];
  ASSERT_EQ(d.size(), 2u);
  ASSERT_TRUE(d[0]["embedding"].is_string());
  EXPECT_EQ(decode_base64_floats(d[0]["embedding"].get<std::string>()), floats[0]);
  EXPECT_EQ(decode_base64_floats(d[1]["embedding"].get<std::string>()).size(), kEmbd);
}

TEST_F(Embeddings, TokenIdsEqualText) {
  const auto ids = token_ids("The little bird");
  const auto text = vectors(embed({{"input", "The little bird"}}));
  EXPECT_EQ(vectors(embed({{"input", ids}}))[0], text[0]);
  const auto other = token_ids("Mom smiled");
  auto r = embed({{"input", json::array({ids, other})}});
  const auto lists = vectors(r);
  ASSERT_EQ(lists.size(), 2u);
  expect_near(lists[0], text[0], 1e-5f);
  expect_near(lists[1], vectors(embed({{"input", "Mom smiled"}}))[0], 1e-5f);
  EXPECT_EQ(r.j()["usage"]["prompt_tokens"], ids.size() + other.size());
}

TEST_F(Embeddings, DimensionsEqualToTheWidthIsAccepted) {
  EXPECT_EQ(embed({{"input", "Hi"}, {"dimensions", kEmbd}}).status, 200);
  auto r = embed({{"input", "Hi"}, {"dimensions", 32}});
  expect_error(r, 400, "dimensions");
  EXPECT_NE(r.j()["error"]["message"].get<std::string>().find("64"), std::string::npos) << r.body;
}

TEST_F(Embeddings, BadInputsAre400NamingTheField) {
  expect_error(embed({{"input", ""}}), 400, "input");
  expect_error(embed({{"input", json::array()}}), 400, "input");
  expect_error(embed({{"input", {"ok", ""}}}), 400, "input");
  expect_error(embed({{"input", json::array({json::array()})}}), 400, "input");
  expect_error(embed({{"input", 5}}), 400, "input");
  expect_error(embed({{"input", {"text", 5}}}), 400, "input");
  expect_error(embed({{"input", {1, -2}}}), 400, "input");
  expect_error(embed({{"input", {1, 100000}}}), 400, "input");
  expect_error(embed({{"input", {1.5}}}), 400, "input");
  expect_error(embed(json::object()), 400, "input");
  expect_error(embed({{"input", "Hi"}, {"encoding_format", "hex"}}), 400, "encoding_format");
  expect_error(embed({{"input", "Hi"}, {"dimensions", "64"}}), 400, "dimensions");
  expect_error(embed({{"input", "Hi"}, {"model", 3}}), 400, "model");
  expect_error(embed({{"input", std::vector<std::string>(2049, "a")}}), 400, "input");
  expect_error(post(url(), "/v1/embeddings", std::string("{nope")), 400, "");
}

TEST_F(Embeddings, InputLongerThanTheContextIs400) {
  std::string words;
  for (int i = 0; i < kCtx; ++i) words += "story ";
  auto r = embed({{"input", {"short", words}}});
  expect_error(r, 400, "input");
  EXPECT_EQ(r.j()["error"]["code"], "context_length_exceeded");
  // Exactly the context fits (an embedding generates nothing).
  std::vector<int> ids(kCtx, 1);
  EXPECT_EQ(embed({{"input", ids}}).status, 200);
  ids.push_back(1);
  expect_error(embed({{"input", ids}}), 400, "input");
  // Far too long to fit: refused on its byte count, before it is tokenized.
  r = embed({{"input", {"short", std::string(4 << 20, 'a')}}});
  expect_error(r, 400, "input");
  EXPECT_EQ(r.j()["error"]["code"], "context_length_exceeded");
  EXPECT_NE(r.j()["error"]["message"].get<std::string>().find("'input[1]' is 4194304 bytes"),
            std::string::npos)
      << r.body;
}

TEST_F(Embeddings, UnknownModelIs404) {
  auto r = embed({{"input", "Hi"}, {"model", "text-embedding-3-small"}});
  expect_error(r, 404, "model");
  EXPECT_EQ(r.j()["error"]["code"], "model_not_found");
  EXPECT_EQ(post(url(), "/v1/embeddings", json{{"input", "Hi"}}).status, 200);  // model optional
}

// Embedding forwards take turns with generation on the scheduler thread: both finish, and
// the story generated meanwhile is the one generated alone.
TEST_F(Embeddings, InterleaveWithGeneration) {
  const json completion = {{"prompt", "Once upon a time"}, {"max_tokens", 40}, {"temperature", 0}};
  const auto alone = post(url(), "/v1/completions", completion);
  ASSERT_EQ(alone.status, 200) << alone.body;
  auto gen =
      std::async(std::launch::async, [&] { return post(url(), "/v1/completions", completion); });
  const auto want = vectors(embed({{"input", "The dog barked"}}));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(vectors(embed({{"input", "The dog barked"}}))[0], want[0]);
  const auto r = gen.get();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["choices"][0]["text"], alone.j()["choices"][0]["text"]);
}

TEST_F(Embeddings, ModelById) {
  auto r = get(url(), "/v1/models/" + kModel);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["id"], kModel);
  EXPECT_EQ(r.j()["object"], "model");
  EXPECT_EQ(r.j()["owned_by"], "tandem");
  EXPECT_EQ(r.j(), get(url(), "/v1/models").j()["data"][0]);
  auto missing = get(url(), "/v1/models/gpt-17");
  expect_error(missing, 404, "model");
  EXPECT_EQ(missing.j()["error"]["code"], "model_not_found");
  EXPECT_EQ(missing.j()["error"]["type"], "invalid_request_error");
}

}  // namespace
}  // namespace tandem::test
