#include "registry/model_swap.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "http/api_error.h"
#include "registry/sha256.h"

namespace tandem::registry {
namespace {

using nlohmann::json;

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A failed step: its code ("checksum_mismatch", ...), status and, for the self-test, the check.
struct SwapFailure {
  int status;
  std::string code;
  std::string message;
  std::string check;
};

}  // namespace

SwapRequest SwapRequest::from_json(const json& body) {
  if (!body.is_object()) throw http::bad_field("", "the body must be a JSON object");
  SwapRequest r;
  auto it = body.find("path");
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty())
    throw http::bad_field("path", "path must be the new model file, a non-empty string");
  r.path = it->get<std::string>();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(r.path, ec))
    throw http::bad_field("path", "no such file: " + r.path.string());
  if ((it = body.find("sha256")) != body.end() && !it->is_null()) {
    if (it->is_string()) r.sha256 = sha256_hex(it->get<std::string>());
    if (!r.sha256) throw http::bad_field("sha256", "sha256 must be 64 hex digits");
  }
  if ((it = body.find("expect_greedy")) != body.end() && !it->is_null()) {
    if (!it->is_string()) throw http::bad_field("expect_greedy", "expect_greedy must be a string");
    r.expect.greedy = it->get<std::string>();
  }
  if ((it = body.find("max_ppl")) != body.end() && !it->is_null()) {
    if (!it->is_number() || !(it->get<double>() > 1))
      throw http::bad_field("max_ppl", "max_ppl must be a number above 1");
    r.expect.max_ppl = it->get<double>();
  }
  if ((it = body.find("timeout_s")) != body.end() && !it->is_null()) {
    if (!it->is_number() || !(it->get<double>() > 0) || it->get<double>() > 600)
      throw http::bad_field("timeout_s", "timeout_s must be in (0, 600]");
    r.expect.time_limit = std::chrono::milliseconds(static_cast<int64_t>(it->get<double>() * 1000));
  }
  if ((it = body.find("max_ppl_ratio")) != body.end() && !it->is_null()) {
    if (!it->is_number() || !(it->get<double>() >= 1))
      throw http::bad_field("max_ppl_ratio", "max_ppl_ratio must be a number, at least 1");
    r.expect.max_ppl_ratio = it->get<double>();
  }
  if ((it = body.find("allow_different_model")) != body.end() && !it->is_null()) {
    if (!it->is_boolean())
      throw http::bad_field("allow_different_model", "allow_different_model must be a boolean");
    r.allow_different_model = it->get<bool>();
  }
  return r;
}

ModelSwapper::ModelSwapper(std::shared_ptr<ModelRegistry> registry, SwapHooks hooks)
    : registry_(std::move(registry)), hooks_(std::move(hooks)) {}

SwapOutcome ModelSwapper::swap(const std::string& id, const SwapRequest& req) {
  std::optional<ModelFile> current;
  for (const auto& s : registry_->status())
    if (s.file.id == id) current = s.file;
  if (!current)
    throw http::ApiError(404, "the model '" + id + "' does not exist", "invalid_request_error",
                         "model", "model_not_found");
  std::unique_lock busy(busy_, std::try_to_lock);
  if (!busy.owns_lock())
    throw http::ApiError(409, "another swap is in progress; retry when it has finished",
                         "invalid_request_error", "", "swap_in_progress");

  const auto t0 = std::chrono::steady_clock::now();
  std::string digest;
  SelfTestReport rep;
  try {
    const ModelFile file = model_file(id, req.path);
    // 1. The checksum, before spending memory on the file.
    std::optional<std::string> want = req.sha256;
    if (!want) {
      try {
        want = sha256_sidecar(req.path);
      } catch (const std::exception& e) {
        throw SwapFailure{422, "checksum_mismatch", e.what(), ""};
      }
    }
    if (want) {
      digest = sha256_file(req.path);
      if (digest != *want)
        throw SwapFailure{
            422, "checksum_mismatch",
            fmt::format("{} has SHA-256 {}, expected {}", req.path.string(), digest, *want), ""};
    }
    // 2. Load beside the old model: a corrupt or unsupported file fails here.
    std::unique_ptr<engine::Model> m;
    try {
      m = hooks_.load_model(file);
    } catch (const std::exception& e) {
      throw SwapFailure{422, "model_load_failed",
                        "loading " + req.path.string() + " failed: " + e.what(), ""};
    }
    // 3. The same kind of model, unless the operator says otherwise: clients of this id
    // rely on its tokenizer and chat template.
    if (auto old = registry_->peek(id); old && !req.allow_different_model) {
      const auto& a = old->model().config();
      const auto& b = m->config();
      if (a.arch != b.arch || a.n_vocab != b.n_vocab)
        throw SwapFailure{422, "incompatible_model",
                          fmt::format("{} is a {} model with {} tokens, '{}' is a {} model with "
                                      "{} tokens (allow_different_model: true to swap anyway)",
                                      req.path.string(), b.arch, b.n_vocab, id, a.arch, a.n_vocab),
                          ""};
    }
    // 4. The self-test, then the serving side.
    try {
      SelfTestExpectations expect = req.expect;
      if (expect.max_ppl_ratio) {
        auto old = registry_->peek(id);
        if (!old)
          throw SwapFailure{409, "model_not_loaded",
                            "max_ppl_ratio compares with the current model, and '" + id +
                                "' is not loaded; load it first",
                            ""};
        expect.baseline_ppl = builtin_perplexity(old->model(), hooks_.threads, expect.time_limit);
      }
      rep = run_self_test(*m, hooks_.threads, expect);
    } catch (const SelfTestFailure& e) {
      throw SwapFailure{422, "self_test_failed", e.what(), e.check};
    }
    auto svc = hooks_.make_service(std::move(m), file);
    registry_->replace(id, std::move(svc), file);
  } catch (const SwapFailure& f) {
    registry_->record_swap(id, {false, f.code + ": " + f.message, req.path.string(), utc_now()});
    spdlog::warn("models: swap of '{}' to {} failed, '{}' keeps serving {}: {}: {}", id,
                 req.path.string(), id, current->path.string(), f.code, f.message);
    json body = http::ApiError(f.status, f.message, "invalid_request_error", "", f.code).to_json();
    if (!f.check.empty()) body["error"]["check"] = f.check;
    body["swap"] = {{"id", id}, {"ok", false}, {"serving", current->path.string()}};
    return {f.status, std::move(body)};
  } catch (const std::exception& e) {  // building the service, reading the file
    const std::string why = std::string("swap failed: ") + e.what();
    registry_->record_swap(id, {false, why, req.path.string(), utc_now()});
    spdlog::warn("models: swap of '{}' to {} failed, the old model keeps serving: {}", id,
                 req.path.string(), e.what());
    return {500, http::ApiError(500, why, "server_error", "", "swap_failed").to_json()};
  }
  registry_->record_swap(id, {true, "", req.path.string(), utc_now()});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info(
      "models: swapped '{}' from {} to {} in {:.0f} ms (self-test: ppl {:.3g}, greedy "
      "\"{}\")",
      id, current->path.string(), req.path.string(), secs * 1000, rep.ppl, rep.greedy);
  json body = {{"id", id},
               {"ok", true},
               {"path", req.path.string()},
               {"previous_path", current->path.string()},
               {"seconds", secs},
               {"self_test", {{"greedy", rep.greedy}, {"ppl", rep.ppl}, {"seconds", rep.seconds}}}};
  if (!digest.empty()) body["sha256"] = digest;
  return {200, body};
}

}  // namespace tandem::registry
