// Tokenizers between GGUF metadata and Hugging Face tokenizer.json / tokenizer_config.json.
//
// SentencePiece vocabularies (tokenizer.ggml.model "llama") are written as HF's Llama layout:
// a BPE model with byte_fallback, vocab and merges (derived from the pieces and scores, as
// HF's slow->fast converter does). Since we write no tokenizer.model protobuf, the exact
// scores and token types go into two extra arrays of the "model" section, indexed by id:
// "tandem_scores" and "tandem_token_types" (HF's tokenizers library ignores unknown keys).
// Byte-level BPE vocabularies ("gpt2") are written with a ByteLevel pre-tokenizer/decoder and
// the GGUF pre-tokenizer name as "tandem_pre".
#pragma once

#include <string>

#include "convert/hf_config.h"

namespace tandem::model {
class GgufFile;
class GgufWriter;
}  // namespace tandem::model

namespace tandem::convert {

// Writes DIR/tokenizer.json and DIR/tokenizer_config.json from the GGUF's tokenizer.* keys.
void write_hf_tokenizer(const model::GgufFile& gguf, const std::string& dir);

// Reads DIR/tokenizer.json (+ tokenizer_config.json when present) and sets the GGUF
// tokenizer.* keys: SPM ("llama") when the model is Unigram or BPE with byte_fallback,
// byte-level BPE ("gpt2", pre "qwen2" for Qwen2, else tandem_pre or "llama-bpe") otherwise.
// The vocabulary is padded to config.vocab_size with unused [PADn] tokens.
// Throws std::runtime_error("PATH: problem").
void add_hf_tokenizer(const std::string& dir, const HfConfig& config, model::GgufWriter& w);

}  // namespace tandem::convert
