#include "api/prompt_caches.h"

#include <fmt/format.h>

#include "cache/model_fingerprint.h"
#include "http/api_error.h"
#include "http/json_util.h"

namespace tandem::api {

using nlohmann::json;

PromptCaches::PromptCaches(const PromptCacheOptions& opts, const std::filesystem::path& model_file,
                           const std::string& kv_layout) {
  if (opts.ram_bytes > 0) store_ = std::make_unique<cache::PromptStore>(opts.ram_bytes);
  cache::FeatureCacheOptions fo;
  if (model_file.empty() && !opts.dir.empty())
    throw std::invalid_argument("--cache-dir needs the model's file (to key its entries)");
  fo.dir = opts.dir;
  fo.model_key = model_file.empty() ? "" : cache::model_fingerprint(model_file);
  fo.layout = kv_layout;
  fo.default_ttl_s = opts.default_ttl_s;
  features_ = std::make_unique<cache::FeatureCache>(std::move(fo));
}

void PromptCaches::attach(serving::SchedulerOptions& so) {
  so.prompt_store = store_.get();
  so.feature_cache = features_.get();
}

void PromptCaches::add_evictors(cache::MemoryGuard& guard) {
  guard.add_evictor("feature cache RAM tier", [f = features_.get()] { return f->spill(); });
  if (store_) guard.add_evictor("prompt cache", [s = store_.get()] { return s->clear(); });
}

void PromptCaches::list(const httplib::Request& req, httplib::Response& res) {
  const std::string tag = req.has_param("tag") ? req.get_param_value("tag") : "";
  json data = json::array();
  for (const auto& e : features_->list(tag))
    data.push_back({{"id", e.id},
                    {"object", "cache_entry"},
                    {"tags", e.tags},
                    {"tokens", e.n_tokens},
                    {"bytes", e.bytes},
                    {"hits", e.hits},
                    {"created_at", e.created_at},
                    {"expires_at", e.expires_at},
                    {"in_memory", e.in_memory},
                    {"on_disk", e.on_disk}});
  json out = {{"object", "list"}, {"data", data}};
  out["prompt_cache"] = prompt_cache_json();
  res.set_content(http::dump(out), "application/json");
}

void PromptCaches::erase(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!features_->erase(id))
    throw http::ApiError(404, "no cache entry '" + id + "'", "invalid_request_error", "id",
                         "cache_entry_not_found");
  res.set_content(http::dump({{"id", id}, {"object", "cache_entry.deleted"}, {"deleted", true}}),
                  "application/json");
}

json PromptCaches::prompt_cache_json() const {
  json p = {{"enabled", store_ != nullptr}};
  if (store_) {
    const auto s = store_->stats();
    p.update({{"entries", s.entries},
              {"blocks", s.blocks},
              {"bytes", s.bytes},
              {"budget_bytes", s.budget},
              {"hits", s.hits},
              {"saves", s.saves},
              {"evictions", s.evictions}});
  }
  return p;
}

json PromptCaches::health_json() const {
  return {{"prompt_cache", prompt_cache_json()},
          {"feature_cache",
           {{"entries", features_->size()},
            {"ram_bytes", features_->ram_bytes()},
            {"hits", features_->hits()}}}};
}

std::string PromptCaches::metrics_text() const {
  std::string out;
  auto gauge = [&](const char* name, const char* help, const char* type, auto v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, v);
  };
  if (store_) {
    const auto s = store_->stats();
    gauge("tandem_prompt_cache_bytes", "KV bytes held by the RAM prompt cache", "gauge", s.bytes);
    gauge("tandem_prompt_cache_entries", "Prompt states in the RAM prompt cache", "gauge",
          s.entries);
    gauge("tandem_prompt_cache_blocks", "KV blocks in the RAM prompt cache (shared prefixes once)",
          "gauge", s.blocks);
    gauge("tandem_prompt_cache_hits_total", "Prompt states loaded into a slot", "counter", s.hits);
    gauge("tandem_prompt_cache_evictions_total", "Prompt states dropped (room, memory guard)",
          "counter", s.evictions);
  }
  gauge("tandem_feature_cache_entries", "Named cache entries (extra_body.cache)", "gauge",
        features_->size());
  gauge("tandem_feature_cache_ram_bytes", "Named cache entries' bytes held in RAM", "gauge",
        features_->ram_bytes());
  gauge("tandem_feature_cache_hits_total", "Named cache entries loaded into a slot", "counter",
        features_->hits());
  return out;
}

}  // namespace tandem::api
