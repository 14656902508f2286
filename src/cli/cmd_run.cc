// tandem run: generate text from a prompt, streaming to stdout, speed to stderr.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "api/media_prompt.h"
#include "cli/commands.h"
#include "cli/compress_options.h"
#include "cli/gpu_layers_option.h"
#include "cli/kv_budget_option.h"
#include "cli/mmproj_option.h"
#include "cli/model_options.h"
#include "cli/progress_bar.h"
#include "cli/run_speculative.h"
#include "cli/sampling_options.h"
#include "cli/text_file.h"
#include "engine/generate.h"
#include "http/api_error.h"

namespace tandem::cli {
namespace {

// Prompts at least this long prefill in chunks under a progress bar (on a terminal).
constexpr int64_t kLongPrompt = 512;
constexpr int64_t kPrefillChunk = 128;

struct RunOptions {
  ModelOptions model;
  std::string prompt;
  std::string prompt_file;
  int64_t n_predict = 128;
  int32_t ctx = 0;
  engine::SamplerParams sampling;
  SpecRunOptions spec;         // --draft / --remote-target
  double compress_keep = 1.0;  // < 1: the prompt is compressed first
  KvBudgetOption kv_budget;
  MmprojOption mmproj;
  std::vector<std::string> images;  // --image, in order
  std::vector<std::string> audios;  // --audio, in order, after the images
  bool token_ids = false;           // --token-ids: the generated ids on stderr, for scripts
  bool has_media() const { return !images.empty() || !audios.empty(); }
};

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The prompt with the images' and clips' rows where `<__media__>` markers are (before the
// text when it has none; images first, then audio), as placeholder ids plus one row pointer
// per entry.
struct RunPrompt {
  std::vector<tokenizer::TokenId> ids;
  std::vector<const float*> rows;
  api::MediaPrompt media;
};
RunPrompt prompt_with_media(const RunOptions& o, const engine::Model& m,
                            const std::string& prompt) {
  if (o.spec.enabled())
    throw std::invalid_argument("--image / --audio do not combine with speculative decoding");
  auto enc = o.mmproj.load(m.config().n_embd, o.model.resolved_threads());
  fmt::print(stderr, "{}\n", describe(*enc, o.mmproj.path));
  std::vector<api::MediaPart> parts;
  for (const std::string& f : o.images) {
    api::MediaPart p;
    p.input.kind = media::Modality::kImage;
    p.input.bytes = read_bytes(f);
    p.param = "--image " + f;
    parts.push_back(std::move(p));
  }
  for (const std::string& f : o.audios) {
    api::MediaPart p;
    p.input.kind = media::Modality::kAudio;
    p.input.bytes = read_bytes(f);
    // The bytes decide the container (decode_audio); the extension is only a hint.
    const auto dot = f.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : f.substr(dot + 1);
    for (const char* known : {"wav", "mp3", "flac", "ogg", "opus"})
      if (ext == known) p.input.format = ext;
    p.param = "--audio " + f;
    parts.push_back(std::move(p));
  }
  std::string text = prompt;
  if (text.find(api::kMediaMarker) == std::string::npos) {
    std::string markers;
    for (size_t i = 0; i < parts.size(); ++i) markers += api::kMediaMarker;
    text = markers + text;
  }
  RunPrompt r;
  try {
    r.media = api::tokenize_with_media(m.tokenizer(), text, parts, *enc);
  } catch (const http::ApiError& e) {
    throw std::invalid_argument(e.param + ": " + e.what());
  }
  r.ids = r.media.tokens;
  for (size_t i = 0; i < r.ids.size(); ++i) r.rows.push_back(serving::media_row(r.media.media, i));
  return r;
}

int run(const RunOptions& o) {
  auto m = o.model.load();
  const auto& tok = m->tokenizer();
  std::string prompt = o.prompt;
  if (!o.prompt_file.empty()) {
    prompt = read_text_file(o.prompt_file);
  }
  if (o.compress_keep < 1.0 && !prompt.empty()) {
    compress::CompressOptions co;
    co.keep = o.compress_keep;
    const auto c = compress_locally(*m, o.model.resolved_threads(), prompt, co);
    fmt::print(stderr, "compressed: {}/{} prompt tokens kept\n", c.tokens_after, c.tokens_before);
    prompt = c.text;
  }
  RunPrompt with_media;
  if (o.has_media()) with_media = prompt_with_media(o, *m, prompt);
  auto ids = !o.has_media() ? tok.encode(prompt, /*add_special=*/true, /*parse_special=*/false)
                            : with_media.ids;
  if (ids.empty() && tok.bos() >= 0) ids.push_back(tok.bos());
  if (ids.empty()) throw std::runtime_error("the prompt is empty and the model has no BOS token");
  // Default: the training context (at most 4096), grown to fit prompt + generation, as
  // llama.cpp lets a model run past its training length.
  const int64_t needed = static_cast<int64_t>(ids.size()) + o.n_predict;
  const int32_t ctx =
      o.ctx > 0 ? o.ctx
                : static_cast<int32_t>(std::max(std::min<int64_t>(m->config().n_ctx_train, 4096),
                                                std::min<int64_t>(needed, 1 << 20)));

  auto print_prompt = [&] {
    std::fwrite(prompt.data(), 1, prompt.size(), stdout);
    std::fflush(stdout);
  };
  // A long prompt's prefill shows a bar (on a terminal only: elsewhere it runs as one batch);
  // the prompt is echoed after it, so the bar does not draw over it.
  ProgressBar bar("prefill");
  const bool show_bar =
      !o.spec.enabled() && bar.interactive() && static_cast<int64_t>(ids.size()) >= kLongPrompt;
  if (!show_bar) print_prompt();
  tokenizer::Utf8StreamDecoder utf8;
  // SentencePiece marks word starts with a space; with nothing printed yet, drop it.
  bool strip_space = prompt.empty() && tok.vocab().model == "llama";
  std::vector<tokenizer::TokenId> generated;
  auto on_token = [&](tokenizer::TokenId id) {
    if (o.token_ids) generated.push_back(id);
    std::string text = utf8.push(tok.token_to_piece(id));
    if (strip_space && !text.empty()) {
      if (text[0] == ' ') text.erase(0, 1);
      strip_space = false;
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return true;
  };
  if (o.spec.enabled()) {
    run_speculative(*m, o.spec, ids, o.n_predict, ctx, o.sampling, o.model.resolved_threads(),
                    o.model.resolved_kv_type(), on_token);
    const std::string tail = utf8.flush();
    std::fwrite(tail.data(), 1, tail.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    if (o.token_ids) fmt::print(stderr, "token ids: [{}]\n", fmt::join(generated, ", "));
    return 0;
  }
  engine::Transformer tf(*m, o.model.resolved_threads());
  auto cache = tf.make_cache(ctx, 1, o.model.resolved_kv_type(), o.kv_budget.resolve());
  engine::Sampler sampler(o.sampling, static_cast<int32_t>(m->config().n_vocab));
  const auto st = engine::generate(
      tf, cache, ids, sampler, o.n_predict, on_token, show_bar ? kPrefillChunk : 0,
      [&](int64_t done, int64_t total) {
        if (!show_bar) return;
        bar.update(static_cast<size_t>(done), static_cast<size_t>(total),
                   fmt::format("{}/{} prompt tokens", done, total));
        if (done < total) return;
        bar.finish();
        print_prompt();
      },
      with_media.rows);
  const std::string rest = utf8.flush();
  std::fwrite(rest.data(), 1, rest.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
  if (o.token_ids) fmt::print(stderr, "token ids: [{}]\n", fmt::join(generated, ", "));
  fmt::print(stderr, "prompt:   {} tokens in {:.1f} ms ({:.1f} tok/s)\n", st.n_prompt,
             st.prompt_seconds * 1e3, st.n_prompt / std::max(st.prompt_seconds, 1e-9));
  fmt::print(stderr, "generate: {} tokens in {:.1f} ms ({:.1f} tok/s){}\n", st.n_generated,
             st.generate_seconds * 1e3, st.n_generated / std::max(st.generate_seconds, 1e-9),
             st.hit_eog                     ? ", stopped at end of text"
             : st.n_generated < o.n_predict ? ", stopped: context full"
                                            : "");
  return 0;
}

}  // namespace

CommandAction register_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Generate text from a prompt");
  o->model.add_to(cmd);
  cmd->add_option("-p,--prompt", o->prompt, "Prompt text (default: empty, BOS only)");
  cmd->add_option("-f,--file", o->prompt_file, "Read the prompt from a file")
      ->check(CLI::ExistingFile);
  cmd->add_option("-n,--n-predict,--predict", o->n_predict, "Tokens to generate")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  o->kv_budget.add_to(cmd);
  cmd->add_option("-c,--ctx,--ctx-size", o->ctx,
                  "Context size (default: the model's, at most 4096)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--compress-keep", o->compress_keep,
                  "Compress the prompt first: keep this share of its tokens, dropping the words "
                  "the model finds least surprising (1: no compression)")
      ->capture_default_str()
      ->check(keep_share());
  add_sampling_options(cmd, o->sampling);
  o->spec.add_to(cmd);
  o->mmproj.add_to(cmd);
  cmd->add_option("--image", o->images,
                  "Image file (PNG, JPEG, BMP, GIF) the model sees where the prompt says "
                  "<__media__> (else before the prompt); needs --mmproj; repeatable")
      ->check(CLI::ExistingFile)
      ->needs("--mmproj");
  cmd->add_option("--audio", o->audios,
                  "Audio file (WAV, MP3, FLAC, OGG) the model hears where the prompt says "
                  "<__media__> (after any --image; else before the prompt); needs --mmproj "
                  "with an audio encoder; repeatable")
      ->check(CLI::ExistingFile)
      ->needs("--mmproj");
  cmd->add_flag("--token-ids", o->token_ids,
                "After the run, print the generated token ids on stderr (\"token ids: [..]\"), "
                "for scripts that compare engines token by token");
  add_gpu_layers_option(cmd);
  return [o]() { return run(*o); };
}

}  // namespace tandem::cli
