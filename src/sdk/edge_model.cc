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

EdgeReply drain(dispatcher::EdgeSession& s, const PieceFn& on_piece) {
  EdgeReply r;
  for (;;) {
    auto step = s.next();
    if (step.finish == serving::FinishReason::kError)
      throw SdkError{TANDEM_ERR_GENERATION,
                     "generation failed: " + (step.error.empty() ? "unknown error" : step.error)};
    if (!step.delta.content.empty()) {
      r.text += step.delta.content;
      if (!on_piece(step.delta.content)) {
        r.stopped = true;
        return r;  // the session's destructor cancels the sequence
      }
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
