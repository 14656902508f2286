#include "tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "model/gguf_file.h"
#include "tokenizer/pretokenizer.h"

namespace tandem::tokenizer {
namespace {

const std::string kVocabDir = std::string(TANDEM_SHARED_DIR) + "/tokenizers/";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Vector {
  std::string text;
  std::vector<TokenId> ids;
};

// The splitting rule of llama.cpp's tests/test-tokenizer-0.cpp.
std::vector<Vector> read_vectors(const std::string& vocab_path) {
  const std::string raw = read_all(vocab_path + ".inp");
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> inputs;
  for (size_t pos = 0; pos < raw.size();) {
    const size_t next = raw.find(sep, pos);
    if (next == std::string::npos) {
      inputs.push_back(raw.substr(pos));
      break;
    }
    inputs.push_back(raw.substr(pos, next - pos));
    pos = next + sep.size();
  }
  std::istringstream out(read_all(vocab_path + ".out"));
  std::vector<Vector> vectors;
  std::string line;
  for (size_t i = 0; std::getline(out, line); ++i) {
    if (i >= inputs.size()) throw std::runtime_error("more outputs than inputs");
    Vector v{inputs[i], {}};
    std::istringstream ids(line);
    for (TokenId id; ids >> id;) v.ids.push_back(id);
    vectors.push_back(std::move(v));
  }
  if (vectors.size() != inputs.size()) throw std::runtime_error("input/output count mismatch");
  return vectors;
}

std::unique_ptr<Tokenizer> load(const std::string& name) {
  const auto file = model::GgufFile::open(kVocabDir + name + ".gguf");
  return Tokenizer::create(vocab_from_gguf(file));
}

std::string ids_str(const std::vector<TokenId>& ids) {
  std::string s;
  for (TokenId id : ids) s += std::to_string(id) + " ";
  return s;
}

class TokenizerVectors : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizerVectors, EncodesEveryVector) {
  const auto tok = load(GetParam());
  const auto vectors = read_vectors(kVocabDir + GetParam() + ".gguf");
  ASSERT_EQ(vectors.size(), 46u);
  size_t passed = 0;
  for (const auto& v : vectors) {
    const auto got = tok->encode(v.text, /*add_special=*/false, /*parse_special=*/false);
    EXPECT_EQ(ids_str(got), ids_str(v.ids)) << "text: '" << v.text << "'";
    passed += got == v.ids;
  }
  std::cout << GetParam() << ": " << passed << "/" << vectors.size() << " vectors pass\n";
}

// Every vector survives decode(encode(text)): the test inputs are valid UTF-8 and all six
// vocabs cover every byte, so nothing is lost.
TEST_P(TokenizerVectors, DecodeRoundTrips) {
  const auto tok = load(GetParam());
  for (const auto& v : read_vectors(kVocabDir + GetParam() + ".gguf")) {
    EXPECT_EQ(tok->decode(tok->encode(v.text, false, false)), v.text);
    EXPECT_EQ(tok->decode(v.ids), v.text);
  }
}

INSTANTIATE_TEST_SUITE_P(AllVocabs, TokenizerVectors,
                         ::testing::Values("ggml-vocab-llama-spm", "ggml-vocab-phi-3",
                                           "ggml-vocab-gpt-2", "ggml-vocab-starcoder",
                                           "ggml-vocab-deepseek-coder", "ggml-vocab-falcon"),
                         [](const auto& info) {
                           std::string s = info.param.substr(std::string("ggml-vocab-").size());
                           for (char& c : s)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return s;
                         });

TEST(TokenizerSpecial, SpmParsesControlTokensOnlyWhenAsked) {
  const auto tok = load("ggml-vocab-llama-spm");
  const auto plain = tok->encode("Hello", false, false);
  auto expected = plain;
  expected.insert(expected.begin(), 1);  // "<s>", then SentencePiece's prefix space again
  EXPECT_EQ(tok->encode("<s>Hello", false, true), expected);
  const auto literal = tok->encode("<s>Hello", false, false);
  EXPECT_EQ(std::count(literal.begin(), literal.end(), 1), 0);
  EXPECT_EQ(tok->decode(literal), "<s>Hello");
}

TEST(TokenizerSpecial, GptParsesLongestSpecialFirst) {
  const auto tok = load("ggml-vocab-gpt-2");
  const auto ids = tok->encode("a<|endoftext|>b", false, true);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[1], 50256);
  EXPECT_EQ(tok->decode(ids), "ab");
  EXPECT_EQ(tok->decode(ids, /*render_special=*/true), "a<|endoftext|>b");
  const auto literal = tok->encode("a<|endoftext|>b", false, false);
  EXPECT_EQ(std::count(literal.begin(), literal.end(), 50256), 0);
  EXPECT_EQ(tok->decode(literal), "a<|endoftext|>b");
}

TEST(TokenizerSpecial, StarcoderControlTokens) {
  const auto tok = load("ggml-vocab-starcoder");
  EXPECT_EQ(tok->encode("<fim_prefix>x<fim_suffix>", false, true).front(), 1);
  EXPECT_EQ(tok->encode("<fim_prefix>x<fim_suffix>", false, true).back(), 3);
}

TEST(TokenizerSpecial, TokenToPieceHidesControlTokens) {
  const auto tok = load("ggml-vocab-llama-spm");
  EXPECT_EQ(tok->token_to_piece(1), "");
  EXPECT_EQ(tok->token_to_piece(1, true), "<s>");
  EXPECT_EQ(tok->token_to_piece(13), "\n");  // <0x0A> byte token
  const auto hello = tok->encode(" Hello", false, false);
  EXPECT_EQ(tok->token_to_piece(hello.back()), " Hello");
}

TEST(TokenizerSpecial, AddSpecialFollowsVocabFlags) {
  const auto spm = load("ggml-vocab-llama-spm");
  EXPECT_EQ(spm->encode("Hi", true, false).front(), 1);
  EXPECT_EQ(spm->decode(spm->encode("Hi", true, false)), "Hi");
  const auto gpt = load("ggml-vocab-gpt-2");
  EXPECT_FALSE(gpt->vocab().add_bos);
  EXPECT_EQ(gpt->encode("Hi", true, false), gpt->encode("Hi", false, false));
  const auto deepseek = load("ggml-vocab-deepseek-coder");
  EXPECT_EQ(deepseek->encode("Hi", true, false).front(), 32013);
}

TEST(TokenizerSpecial, EndOfGeneration) {
  const auto gpt = load("ggml-vocab-gpt-2");
  EXPECT_TRUE(gpt->is_eog(50256));
  EXPECT_FALSE(gpt->is_eog(0));
  const auto phi = load("ggml-vocab-phi-3");
  EXPECT_TRUE(phi->is_eog(32000));  // eos
  EXPECT_TRUE(phi->is_eog(32007));  // <|end|>
  EXPECT_FALSE(phi->is_eog(1));
}

TEST(TokenizerSpecial, UnknownPreTokenizerIsRejected) {
  TokenizerVocab v;
  v.model = "gpt2";
  v.pre = "no-such-pre";
  v.tokens = {"a"};
  EXPECT_THROW(Tokenizer::create(v), std::invalid_argument);
}

// A llama2.c-style vocab: no types, bytes as <0xXX>, built in memory.
TEST(TokenizerSpm, WorksWithoutGguf) {
  TokenizerVocab v;
  v.model = "llama";
  v.tokens = {"<unk>", "<s>", "</s>"};
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "<0x%02X>", b);
    v.tokens.push_back(buf);
  }
  const std::vector<std::pair<std::string, float>> pieces = {
      {"\xE2\x96\x81", -1}, {"h", -2}, {"i", -2}, {"hi", -0.5f}, {"\xE2\x96\x81hi", -0.1f}};
  v.scores.assign(v.tokens.size(), 0.0f);
  for (const auto& [text, score] : pieces) {
    v.tokens.push_back(text);
    v.scores.push_back(score);
  }
  v.bos = 1;
  v.eos = 2;
  v.unk = 0;
  const auto tok = Tokenizer::create(v);
  const TokenId space_hi = 259 + 4;
  EXPECT_EQ(tok->encode("hi", false, false), std::vector<TokenId>{space_hi});
  EXPECT_EQ(tok->encode("hi", true, false), (std::vector<TokenId>{1, space_hi}));
  // "é" has no piece: it falls back to its two UTF-8 bytes.
  const auto ids = tok->encode("hi\xC3\xA9", false, false);
  EXPECT_EQ(ids, (std::vector<TokenId>{space_hi, 3 + 0xC3, 3 + 0xA9}));
  EXPECT_EQ(tok->decode(ids), "hi\xC3\xA9");
  EXPECT_EQ(tok->token_to_piece(1), "");
  EXPECT_TRUE(tok->is_eog(2));
}

TEST(Utf8StreamDecoder, HoldsBackSplitCharacter) {
  Utf8StreamDecoder d;
  EXPECT_EQ(d.push("a\xE4"), "a");
  EXPECT_EQ(d.push("\xBD"), "");
  EXPECT_EQ(d.push("\xA0!"), "\xE4\xBD\xA0!");
  EXPECT_EQ(d.flush(), "");
}

TEST(Utf8StreamDecoder, ReplacesInvalidAndTruncatedBytes) {
  Utf8StreamDecoder d;
  EXPECT_EQ(d.push("\xFFx"), "\xEF\xBF\xBDx");
  EXPECT_EQ(d.push("\xF0\x9F"), "");
  EXPECT_EQ(d.flush(), "\xEF\xBF\xBD");
  EXPECT_EQ(d.push("\xE4x"), "\xEF\xBF\xBDx");  // a lead byte cut off by a new character
}

TEST(Utf8StreamDecoder, StreamsByteFallbackTokens) {
  const auto tok = load("ggml-vocab-llama-spm");
  const std::string llama = "\xF0\x9F\xA6\x99";  // U+1F999, encoded as four byte tokens
  const auto ids = tok->encode(llama, false, false);
  Utf8StreamDecoder d;
  std::string text;
  std::vector<std::string> chunks;
  for (TokenId id : ids) {
    chunks.push_back(d.push(tok->token_to_piece(id)));
    text += chunks.back();
  }
  text += d.flush();
  ASSERT_GE(chunks.size(), 4u);
  EXPECT_EQ(chunks[chunks.size() - 2], "");  // mid-character: nothing yet
  EXPECT_EQ(text, " " + llama);              // the SentencePiece prefix space stays
}

}  // namespace
}  // namespace tandem::tokenizer

namespace tandem::tokenizer {
namespace {

using Words = std::vector<std::string>;

TEST(TokenizerPreSplit, Llama3) {
  const PreTokenizer pre("llama-bpe");
  EXPECT_EQ(pre.split("  Hello"), (Words{" ", " Hello"}));
  EXPECT_EQ(pre.split("333333333"), (Words{"333", "333", "333"}));
  EXPECT_EQ(pre.split("DON'T don't"), (Words{"DON", "'T", " don", "'t"}));
  EXPECT_EQ(pre.split("a\n\n  b"), (Words{"a", "\n\n", " ", " b"}));
  EXPECT_EQ(pre.split("x!!\n"), (Words{"x", "!!\n"}));
}

TEST(TokenizerPreSplit, Qwen2SplitsSingleDigits) {
  const PreTokenizer pre("qwen2");
  EXPECT_EQ(pre.split("a123"), (Words{"a", "1", "2", "3"}));
  EXPECT_EQ(pre.split(" \xE4\xBD\xA0\xE5\xA5\xBD"), (Words{" \xE4\xBD\xA0\xE5\xA5\xBD"}));
}

TEST(TokenizerPreSplit, FalconAndDefaultCascade) {
  EXPECT_EQ(PreTokenizer("falcon").split("3333333"), (Words{"333", "333", "3"}));
  EXPECT_EQ(PreTokenizer("default").split("a...b"), (Words{"a", "...", "b"}));
  EXPECT_EQ(PreTokenizer("gpt-2").split("a...b"), (Words{"a", "...", "b"}));
  EXPECT_EQ(PreTokenizer("gpt-2").split("a\tb  "), (Words{"a", "\t", "b", "  "}));
}

TEST(TokenizerPreSplit, DeepseekCoder) {
  const PreTokenizer pre("deepseek-coder");
  EXPECT_EQ(pre.split("ab\n12"), (Words{"ab", "\n", "1", "2"}));
}

TEST(TokenizerPreSplit, LongInputsAndInvalidUtf8) {
  const PreTokenizer pre("llama-bpe");
  const std::string spaces(200000, ' ');
  const std::string letters(200000, 'a');
  EXPECT_EQ(pre.split(spaces + "x").size(), 2u);
  EXPECT_EQ(pre.split(letters).size(), 1u);
  EXPECT_EQ(pre.split("a\xFF"), (Words{"a", "\xEF\xBF\xBD"}));  // U+FFFD is a symbol
  const auto gpt = load("ggml-vocab-gpt-2");
  EXPECT_FALSE(gpt->encode("\xFF\xC3", false, false).empty());
  const auto spm = load("ggml-vocab-llama-spm");
  EXPECT_EQ(spm->decode(spm->encode("\xFF\xC3", false, false)), "\xFF\xC3");
}

}  // namespace
}  // namespace tandem::tokenizer
