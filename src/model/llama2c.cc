#include "model/llama2c.h"

#include <fmt/format.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "model/gguf_writer.h"
#include "model/mapped_file.h"
#include "model/metadata_checks.h"

namespace tandem::model {
namespace {

struct Header {
  int32_t dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
};

// Sequential reader of float arrays from the checkpoint, bounds-checked.
class FloatStream {
 public:
  FloatStream(std::span<const uint8_t> bytes, size_t pos, const std::string& path)
      : bytes_(bytes), pos_(pos), path_(path) {}
  std::span<const uint8_t> take(int64_t n_floats, const std::string& what) {
    const size_t n = static_cast<size_t>(n_floats) * sizeof(float);
    if (n > bytes_.size() - pos_)
      throw ModelFileError(path_ + ": truncated llama2.c checkpoint while reading " + what);
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_;
  const std::string& path_;
};

// Spaces in llama2.c pieces become U+2581 as SentencePiece vocabularies store them.
std::string escape_whitespace(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ')
      out += "\xe2\x96\x81";
    else
      out += c;
  }
  return out;
}

bool is_byte_token(const std::string& s) {
  if (s.size() != 6 || s.compare(0, 3, "<0x") != 0 || s[5] != '>') return false;
  return std::isxdigit(static_cast<unsigned char>(s[3])) &&
         std::isxdigit(static_cast<unsigned char>(s[4]));
}

void add_tokenizer(GgufWriter& w, const std::string& path, int32_t vocab_size) {
  MappedFile file(path);
  const auto bytes = file.bytes();
  size_t pos = 0;
  auto read = [&](void* dst, size_t n, const char* what) {
    if (n > bytes.size() - pos)
      throw ModelFileError(path + ": truncated llama2.c tokenizer while reading " + what);
    std::memcpy(dst, bytes.data() + pos, n);
    pos += n;
  };
  int32_t max_len = 0;
  read(&max_len, 4, "max token length");
  if (max_len <= 0 || max_len > 1 << 16)
    throw ModelFileError(path + ": not a llama2.c tokenizer (max token length " +
                         std::to_string(max_len) + ")");
  std::vector<std::string> tokens;
  std::vector<float> scores;
  std::vector<int32_t> types;
  for (int32_t id = 0; id < vocab_size; ++id) {
    float score = 0;
    int32_t len = 0;
    read(&score, 4, "token score");
    read(&len, 4, "token length");
    if (len < 0 || len > max_len)
      throw ModelFileError(path + ": token " + std::to_string(id) + " has invalid length " +
                           std::to_string(len));
    std::string text(static_cast<size_t>(len), '\0');
    read(text.data(), static_cast<size_t>(len), "token text");
    // Same classification as llama.cpp's llama2.c converter.
    int32_t type = 1;  // normal
    if (id == 0) {
      text = "<unk>";
      type = 2;
    } else if (id == 1) {
      text = "<s>";
      type = 3;
    } else if (id == 2) {
      text = "</s>";
      type = 3;
    } else if (text.empty()) {
      type = 3;
    } else if (is_byte_token(text)) {
      type = 6;
    }
    tokens.push_back(escape_whitespace(text));
    scores.push_back(score);
    types.push_back(type);
  }
  w.set_string("tokenizer.ggml.model", "llama");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_f32_array("tokenizer.ggml.scores", scores);
  w.set_i32_array("tokenizer.ggml.token_type", types);
  w.set_u32("tokenizer.ggml.unknown_token_id", 0);
  w.set_u32("tokenizer.ggml.bos_token_id", 1);
  w.set_u32("tokenizer.ggml.eos_token_id", 2);
}

// The header has no magic number, so implausible fields are how a file that is not a
// checkpoint is told apart; each refusal names the field. The bounds are far above any
// llama2.c model; seq_len becomes llama.context_length and gets its limits.
void check_header(const Header& h, int32_t vocab, const std::string& path) {
  const auto field = [&](const char* name, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
      throw ModelFileError(fmt::format(
          "{}: not a llama2.c checkpoint (implausible header: {} = {}, expected {} to {})", path,
          name, v, lo, hi));
  };
  field("dim", h.dim, 1, 1 << 16);
  field("hidden_dim", h.hidden_dim, 1, 1 << 18);
  field("n_layers", h.n_layers, 1, 1024);
  field("n_heads", h.n_heads, 1, h.dim);
  field("n_kv_heads", h.n_kv_heads, 1, h.n_heads);
  field("vocab_size", vocab, 1, 1 << 20);
  field("seq_len", h.seq_len, limits::kMinContext, limits::kMaxContext);
  if (h.dim % h.n_heads != 0 || h.n_heads % h.n_kv_heads != 0)
    throw ModelFileError(fmt::format(
        "{}: not a llama2.c checkpoint (implausible header: dim = {}, n_heads = {}, n_kv_heads = "
        "{}; heads must divide dim and kv heads must divide heads)",
        path, h.dim, h.n_heads, h.n_kv_heads));
}

}  // namespace

bool looks_like_llama2c(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  uint32_t magic = 0;
  f.read(reinterpret_cast<char*>(&magic), 4);
  return f && magic != GgufFile::kMagic;
}

GgufFile load_llama2c(const std::string& checkpoint, const std::string& tokenizer) {
  if (tokenizer.empty())
    throw ModelFileError(checkpoint +
                         ": a llama2.c checkpoint needs its tokenizer file (-z tok512.bin)");
  MappedFile file(checkpoint);
  const auto bytes = file.bytes();
  Header h{};
  if (bytes.size() < sizeof(h))
    throw ModelFileError(checkpoint + ": truncated llama2.c checkpoint (no header)");
  std::memcpy(&h, bytes.data(), sizeof(h));
  const bool shared_classifier = h.vocab_size > 0;
  // INT32_MIN has no absolute value: map it to 0, which the check below rejects.
  const int32_t vocab = h.vocab_size == INT32_MIN ? 0 : std::abs(h.vocab_size);
  check_header(h, vocab, checkpoint);

  const int64_t dim = h.dim, hidden = h.hidden_dim, L = h.n_layers;
  const int64_t head = dim / h.n_heads, kv_dim = head * h.n_kv_heads;
  GgufWriter w;
  w.set_string("general.architecture", "llama");
  w.set_string("general.name", "llama");
  w.set_u32("llama.context_length", static_cast<uint32_t>(h.seq_len));
  w.set_u32("llama.embedding_length", static_cast<uint32_t>(dim));
  w.set_u32("llama.feed_forward_length", static_cast<uint32_t>(hidden));
  w.set_u32("llama.attention.head_count", static_cast<uint32_t>(h.n_heads));
  w.set_u32("llama.attention.head_count_kv", static_cast<uint32_t>(h.n_kv_heads));
  w.set_u32("llama.block_count", static_cast<uint32_t>(L));
  w.set_u32("llama.rope.dimension_count", static_cast<uint32_t>(head));
  w.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
  add_tokenizer(w, tokenizer, vocab);

  FloatStream s(bytes, sizeof(h), checkpoint);
  auto embd = s.take(vocab * dim, "token embedding");
  w.add_tensor("token_embd.weight", GgmlType::F32, {dim, vocab}, embd);
  // Per-layer weights are stored layer-major for each kind: slice them per layer.
  auto per_layer = [&](const char* suffix, int64_t n_in, int64_t n_out) {
    auto all = s.take(L * n_in * n_out, suffix);
    const size_t each = static_cast<size_t>(n_in * n_out) * sizeof(float);
    for (int64_t l = 0; l < L; ++l) {
      std::vector<int64_t> dims =
          n_out == 1 ? std::vector<int64_t>{n_in} : std::vector<int64_t>{n_in, n_out};
      w.add_tensor("blk." + std::to_string(l) + "." + suffix, GgmlType::F32, dims,
                   all.subspan(static_cast<size_t>(l) * each, each));
    }
  };
  per_layer("attn_norm.weight", dim, 1);
  per_layer("attn_q.weight", dim, dim);
  per_layer("attn_k.weight", dim, kv_dim);
  per_layer("attn_v.weight", dim, kv_dim);
  per_layer("attn_output.weight", dim, dim);
  per_layer("ffn_norm.weight", dim, 1);
  per_layer("ffn_gate.weight", dim, hidden);
  per_layer("ffn_down.weight", hidden, dim);
  per_layer("ffn_up.weight", dim, hidden);
  w.add_tensor("output_norm.weight", GgmlType::F32, {dim}, s.take(dim, "final norm"));
  s.take(static_cast<int64_t>(h.seq_len) * head, "rope tables");  // recomputed, not needed
  if (shared_classifier) {
    w.add_tensor("output.weight", GgmlType::F32, {dim, vocab}, embd);
  } else {
    w.add_tensor("output.weight", GgmlType::F32, {dim, vocab}, s.take(vocab * dim, "classifier"));
  }
  if (s.remaining() != 0)
    throw ModelFileError(checkpoint + ": " + std::to_string(s.remaining()) +
                         " unexpected bytes after the weights (header does not match the file)");
  return GgufFile::from_bytes(w.to_bytes(), checkpoint);
}

}  // namespace tandem::model
