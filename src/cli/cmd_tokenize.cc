// tandem tokenize: token ids of a text, like llama.cpp's llama-tokenize.
#include <fmt/format.h>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/model_options.h"
#include "cli/text_file.h"
#include "model/gguf_file.h"
#include "model/llama2c.h"
#include "tokenizer/tokenizer.h"

namespace tandem::cli {
namespace {

struct TokenizeOptions {
  ModelOptions model;
  std::string prompt;
  std::string file;
  bool ids_only = false;
  bool no_bos = false;
  bool parse_special = false;
};

int run_tokenize(const TokenizeOptions& o) {
  std::string text = o.prompt;
  if (!o.file.empty()) {
    text = read_text_file(o.file);
  }
  // A GGUF file needs only its tokenizer.ggml.* keys: vocab-only files (llama.cpp's
  // ggml-vocab-*.gguf) and architectures the engine cannot run tokenize too.
  std::unique_ptr<engine::Model> m;
  std::unique_ptr<tokenizer::Tokenizer> vocab_only;
  if (!model::looks_like_llama2c(o.model.model_path)) {
    vocab_only = tokenizer::Tokenizer::create(
        tokenizer::vocab_from_gguf(model::GgufFile::open(o.model.model_path)));
  } else {
    m = o.model.load(/*verbose=*/false);
  }
  const auto& tok = vocab_only ? *vocab_only : m->tokenizer();
  const auto ids = tok.encode(text, !o.no_bos, o.parse_special);
  if (o.ids_only) {
    std::string out = "[";
    for (size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
    fmt::print("{}]\n", out);
  } else {
    for (auto id : ids) fmt::print("{:>6} -> '{}'\n", id, tok.token_to_piece(id, true));
  }
  return 0;
}

}  // namespace

CommandAction register_tokenize(CLI::App& app) {
  auto o = std::make_shared<TokenizeOptions>();
  auto* cmd = app.add_subcommand("tokenize", "Print the tokens of a text");
  o->model.add_to(cmd, /*with_threads=*/false);
  auto* p = cmd->add_option("-p,--prompt", o->prompt, "Text to tokenize");
  auto* f =
      cmd->add_option("-f,--file", o->file, "Read the text from a file")->check(CLI::ExistingFile);
  p->excludes(f);
  cmd->add_flag("--ids", o->ids_only, "Print only the ids, as a Python-style list");
  cmd->add_flag("--no-bos", o->no_bos, "Do not add BOS/EOS tokens");
  cmd->add_flag("--parse-special", o->parse_special, "Turn special-token text into its token");
  return [o]() { return run_tokenize(*o); };
}

}  // namespace tandem::cli
