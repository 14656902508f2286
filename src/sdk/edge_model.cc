#include "sdk/edge_model.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "engine/model.h"
#include "sdk/c_error.h"

namespace tandem::sdk {
namespace {

void check_readable(const std::string& path, const char* what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw SdkError{TANDEM_ERR_IO,
                   std::string("cannot open ") + what + " '" + path + "': no such file"};
  if (!std::ifstream(path, std::ios::binary))
    throw SdkError{TANDEM_ERR_IO, std::string("cannot read ") + what + " '" + path + "'"};
}

}  // namespace

std::unique_ptr<dispatcher::EdgeEngine> load_edge(const char* path, const tandem_model_params& p) {
  if (!path || !*path) throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, "model path is empty"};
  check_readable(path, "model file");
  const std::string tokenizer = p.tokenizer_path ? p.tokenizer_path : "";
  if (!tokenizer.empty()) check_readable(tokenizer, "tokenizer file");
  if (p.n_ctx < 0 || p.n_threads < 0 || p.n_seq < 0)
    throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, "n_ctx, n_threads and n_seq must be >= 0"};
  std::unique_ptr<engine::Model> model;
  try {
    model = engine::Model::load(path, tokenizer);
  } catch (const std::exception& e) {
    throw SdkError{TANDEM_ERR_MODEL, std::string("cannot load model '") + path + "': " + e.what()};
  }
  // The servers' rule (cli::server_context): the model's context, at most 4096.
  const int64_t train = model->config().n_ctx_train > 0 ? model->config().n_ctx_train : 2048;
  const int32_t n_ctx =
      p.n_ctx > 0 ? p.n_ctx : static_cast<int32_t>(std::min<int64_t>(train, 4096));
  const int threads = p.n_threads > 0
                          ? p.n_threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::string chat_template = p.chat_template ? p.chat_template : "";
  try {
    return std::make_unique<dispatcher::EdgeEngine>(std::move(model), threads, n_ctx, chat_template,
                                                    std::max(1, p.n_seq), api::PromptCacheOptions{},
                                                    std::filesystem::path(path));
  } catch (const std::invalid_argument& e) {  // a chat template that is neither name nor file
    throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, e.what()};
  }
}

PieceFn c_callback(tandem_token_fn fn, void* user) {
  if (!fn) return [](const std::string&) { return true; };
  return [fn, user](const std::string& piece) { return fn(piece.c_str(), user) == 0; };
}

namespace {

// The step's text split into its tokens' texts when they make it up (after whitespace the
// answer trimmed off its start), else the whole text as one piece.
std::vector<std::string> pieces_of(const dispatcher::EdgeSession::Step& step,
                                   const tokenizer::Tokenizer& tok,
                                   tokenizer::Utf8StreamDecoder& utf8) {
  std::vector<std::string> pieces;
  std::string joined;
  for (const auto& t : step.tokens) {
    pieces.push_back(utf8.push(tok.token_to_piece(t.id)));
    joined += pieces.back();
  }
  if (step.done) {
    pieces.push_back(utf8.flush());
    joined += pieces.back();
  }
  const std::string& text = step.delta.content;
  size_t skip = joined.size() >= text.size() ? joined.size() - text.size() : 0;
  const bool split = joined.ends_with(text) &&
                     joined.find_first_not_of(" \t\n", 0) >= std::min(skip, joined.size());
  if (!split || pieces.size() < 2) return {text};
  std::vector<std::string> out;
  for (auto& p : pieces) {
    const size_t cut = std::min(skip, p.size());
    skip -= cut;
    if (p.size() > cut) out.push_back(p.substr(cut));
  }
  return out;
}

}  // namespace

EdgeReply drain(dispatcher::EdgeSession& s, const tokenizer::Tokenizer& tok,
                const PieceFn& on_piece) {
  EdgeReply r;
  tokenizer::Utf8StreamDecoder utf8;
  for (;;) {
    auto step = s.next();
    if (step.finish == serving::FinishReason::kError)
      throw SdkError{TANDEM_ERR_GENERATION,
                     "generation failed: " + (step.error.empty() ? "unknown error" : step.error)};
    if (!step.delta.content.empty()) {
      for (const std::string& piece : pieces_of(step, tok, utf8)) {
        r.text += piece;
        if (!on_piece(piece)) {
          r.stopped = true;
          return r;  // the session's destructor cancels the sequence
        }
      }
    } else {
      for (const auto& t : step.tokens) utf8.push(tok.token_to_piece(t.id));  // stays in step
    }
    if (step.done) return r;
  }
}

void check_fits(const dispatcher::EdgeEngine& e, const std::vector<tokenizer::TokenId>& tokens) {
  if (static_cast<int64_t>(tokens.size()) >= e.n_ctx())
    throw SdkError{TANDEM_ERR_CONTEXT_EXCEEDED, "the prompt has " + std::to_string(tokens.size()) +
                                                    " tokens; the edge context holds " +
                                                    std::to_string(e.n_ctx())};
}

engine::SamplerParams sampling(float temperature, float top_p, int32_t top_k, uint64_t seed) {
  engine::SamplerParams s;
  s.temperature = temperature;
  s.top_p = top_p;
  s.top_k = top_k;
  s.seed = seed;
  try {
    engine::validate(s);
  } catch (const std::invalid_argument& e) {
    throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, e.what()};
  }
  return s;
}

}  // namespace tandem::sdk
