// Tokenizers (SentencePiece of stories260K, byte-level BPE of GPT-2): any text encodes to ids
// inside the vocabulary, with and without special-token parsing, and decodes without error.
#include <cstdint>
#include <memory>
#include <string_view>

#include "model/gguf_file.h"
#include "tokenizer/tokenizer.h"

namespace {

std::unique_ptr<tandem::tokenizer::Tokenizer> load(const char* path) {
  const auto f = tandem::model::GgufFile::open(path);
  return tandem::tokenizer::Tokenizer::create(tandem::tokenizer::vocab_from_gguf(f));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto spm = load(TANDEM_SHARED_DIR "/models/stories260K/stories260K-f32.gguf");
  static const auto bpe = load(TANDEM_SHARED_DIR "/tokenizers/ggml-vocab-gpt-2.gguf");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto* tok : {spm.get(), bpe.get()}) {
    for (bool special : {false, true}) {
      const auto ids = tok->encode(text, true, special);
      for (auto id : ids)
        if (id < 0 || id >= tok->n_vocab()) __builtin_trap();
      (void)tok->decode(ids, special);
    }
  }
  return 0;
}
