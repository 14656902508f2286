#include "cache/feature_cache.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "cache/kv_file.h"

namespace tandem::cache {
namespace {

bool has_any_tag(const FeatureEntryInfo& e, const std::vector<std::string>& tags) {
  for (const auto& t : tags)
    if (std::find(e.tags.begin(), e.tags.end(), t) != e.tags.end()) return true;
  return false;
}

}  // namespace

void FeatureCache::check_id(const std::string& id) {
  if (id.empty() || id.size() > 128)
    throw std::invalid_argument("a cache id must have 1 to 128 characters");
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f || c == '/')
      throw std::invalid_argument("a cache id must not contain '/' or control characters");
}

FeatureCache::FeatureCache(FeatureCacheOptions opts) : opts_(std::move(opts)) {
  if (opts_.dir.empty()) return;
  std::filesystem::create_directories(opts_.dir);
  std::lock_guard lock(mu_);
  for (const auto& f : std::filesystem::directory_iterator(opts_.dir)) {
    if (f.path().extension() != ".tkv") continue;
    auto reject = [&](const std::string& why) {
      spdlog::warn("feature cache: dropping {}: {}", f.path().string(), why);
      std::error_code ec;
      std::filesystem::remove(f.path(), ec);
    };
    try {
      // The header first: another model's, or an expired, file costs no read of its KV.
      const KvFileHeader h = read_kv_file(f.path(), /*header_only=*/true).header;
      // Another model's (or KV type's) entries are left for it: a directory may be shared.
      if (h.model_key != opts_.model_key || h.layout != opts_.layout) {
        spdlog::info("feature cache: ignoring {}: made for model {} ({}), this server's is {} ({})",
                     f.path().string(), h.model_key, h.layout, opts_.model_key, opts_.layout);
        continue;
      }
      if (h.expires_at < now()) {
        reject("expired");
        continue;
      }
      // Then the whole of one of ours, so a corrupt one is found at start, not on use.
      const uint64_t bytes = read_kv_file(f.path()).state->bytes();
      Entry e;
      e.info = {h.id,  h.tags, h.created_at, h.expires_at, 0, static_cast<int32_t>(h.n_tokens),
                bytes, false,  true};
      e.file = f.path();
      entries_[h.id] = std::move(e);
    } catch (const std::exception& e) {
      reject(e.what());
    }
  }
  if (!entries_.empty())
    spdlog::info("feature cache: {} entries from {}", entries_.size(), opts_.dir.string());
}

int64_t FeatureCache::now() const {
  if (opts_.now) return opts_.now();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::filesystem::path FeatureCache::file_for(const std::string& id) const {
  // Readable where the id is, unique by a hash of the whole id, model and layout.
  std::string stem;
  for (unsigned char c : id.substr(0, 40))
    stem += std::isalnum(c) || c == '-' || c == '_' ? static_cast<char>(c) : '_';
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : id + '\n' + opts_.model_key + '\n' + opts_.layout)
    h = (h ^ c) * 0x100000001b3ull;
  return opts_.dir / fmt::format("{}-{:016x}.tkv", stem, h);
}

void FeatureCache::drop(const std::string& id, const std::string& why) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (!why.empty()) spdlog::info("feature cache: dropping '{}': {}", id, why);
  if (!it->second.file.empty()) {
    std::error_code ec;
    std::filesystem::remove(it->second.file, ec);
  }
  entries_.erase(it);
}

void FeatureCache::expire() {
  const int64_t t = now();
  std::vector<std::string> old;
  for (const auto& [id, e] : entries_)
    // The clock counts whole seconds: `<` keeps every entry for at least its ttl (at most one
    // second more); `<=` dropped a 1 s entry stored late in a second within milliseconds.
    if (e.info.expires_at < t) old.push_back(id);
  for (const auto& id : old) drop(id, "expired");
}

std::shared_ptr<const KvState> FeatureCache::read_entry(const std::filesystem::path& file,
                                                        const std::string& id) const {
  KvFile k = read_kv_file(file);
  if (k.header.model_key != opts_.model_key || k.header.layout != opts_.layout || k.header.id != id)
    throw std::runtime_error("cache file " + file.string() +
                             ": its header no longer matches this server");
  return std::move(k.state);
}

std::shared_ptr<const KvState> FeatureCache::load(Entry& e) {
  if (e.state) return e.state;
  const std::string id = e.info.id;
  try {
    e.state = read_entry(e.file, id);
    e.info.in_memory = true;
    return e.state;
  } catch (const std::exception& ex) {
    spdlog::warn("feature cache: {}", ex.what());
    drop(id, "unreadable");
    return nullptr;
  }
}

void FeatureCache::warm(const CacheDirective& d) {
  if (d.empty()) return;
  std::vector<std::pair<std::string, std::filesystem::path>> todo;
  {
    std::lock_guard lock(mu_);
    expire();
    for (const auto& [id, e] : entries_)
      if (!e.state && !e.file.empty() &&
          (id == d.id || (d.id.empty() && has_any_tag(e.info, d.tags))))
        todo.emplace_back(id, e.file);
  }
  // Read without the lock: the scheduler's lookups go on meanwhile.
  for (const auto& [id, file] : todo) {
    std::shared_ptr<const KvState> state;
    std::string error;
    try {
      state = read_entry(file, id);
    } catch (const std::exception& ex) {
      error = ex.what();
    }
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.file != file || it->second.state) continue;
    if (state) {
      it->second.state = std::move(state);
      it->second.info.in_memory = true;
    } else {
      spdlog::warn("feature cache: {}", error);
      drop(id, "unreadable");
    }
  }
}

StoreMatch FeatureCache::find(const CacheDirective& d, std::span<const int32_t> prompt,
                              const ReuseRank& usable) {
  auto rank = [&](const KvState& s, int32_t c) { return usable ? usable(s, c) : c; };
  std::lock_guard lock(mu_);
  expire();
  StoreMatch best;
  if (!d.id.empty()) {
    auto it = entries_.find(d.id);
    if (it == entries_.end()) return best;
    auto s = load(it->second);
    if (!s) return best;
    // KV of the shared start is valid whatever follows it (another question after the same
    // system prompt): the entry serves any prompt it starts like.
    const int32_t c = common_prefix(s->tokens, prompt);
    if (c > 0) best = {s, rank(*s, c), d.id};
    return best;
  }
  std::vector<std::string> tagged;
  for (const auto& [id, e] : entries_)
    if (has_any_tag(e.info, d.tags)) tagged.push_back(id);
  for (const auto& id : tagged) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    auto s = load(it->second);
    if (!s) continue;
    const int32_t c = common_prefix(s->tokens, prompt);
    if (c > best.common && rank(*s, c) > best.common) best = {s, rank(*s, c), id};
  }
  return best;
}

StoreMatch FeatureCache::match(std::span<const int32_t> prompt, const ReuseRank& usable) {
  std::lock_guard lock(mu_);
  expire();
  StoreMatch best;
  for (auto& [id, e] : entries_) {
    if (!e.state) continue;  // RAM tier only: reading every file per request would cost more
    const int32_t c = common_prefix(e.state->tokens, prompt);
    if (c <= best.common) continue;
    const int32_t r = usable ? usable(*e.state, c) : c;
    if (r > best.common) best = {e.state, r, id};
  }
  return best;
}

void FeatureCache::used(const std::string& id) {
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(id); it != entries_.end()) ++it->second.info.hits;
  ++hits_;
}

void FeatureCache::put(const CacheDirective& d, std::shared_ptr<const KvState> state) {
  check_id(d.id);
  std::lock_guard lock(mu_);
  expire();
  drop(d.id);
  Entry e;
  const int64_t t = now();
  const int64_t ttl = d.ttl_s >= 0 ? d.ttl_s : opts_.default_ttl_s;
  e.info = {d.id,           d.tags, t,    t + ttl, 0, static_cast<int32_t>(state->tokens.size()),
            state->bytes(), true,   false};
  if (!opts_.dir.empty()) {
    e.file = file_for(d.id);
    try {
      KvFileHeader h;
      h.id = d.id;
      h.tags = d.tags;
      h.created_at = e.info.created_at;
      h.expires_at = e.info.expires_at;
      h.model_key = opts_.model_key;
      write_kv_file(e.file, h, *state);
      e.info.on_disk = true;
    } catch (const std::exception& ex) {
      spdlog::warn("feature cache: '{}' kept in RAM only: {}", d.id, ex.what());
      e.file.clear();
    }
  }
  e.state = std::move(state);
  entries_[d.id] = std::move(e);
  trim();
}

void FeatureCache::trim() {
  auto total = [&] {
    uint64_t b = 0;
    for (const auto& [id, e] : entries_) b += e.info.bytes;
    return b;
  };
  while (entries_.size() > opts_.max_entries ||
         (entries_.size() > 1 && total() > opts_.max_bytes)) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(), [](auto& a, auto& b) {
      return a.second.info.created_at < b.second.info.created_at;
    });
    drop(oldest->first, "over the cache's limit");
  }
}

bool FeatureCache::erase(const std::string& id) {
  std::lock_guard lock(mu_);
  expire();
  const bool had = entries_.count(id) > 0;
  drop(id);
  return had;
}

std::vector<FeatureEntryInfo> FeatureCache::list(const std::string& tag) {
  std::lock_guard lock(mu_);
  expire();
  std::vector<FeatureEntryInfo> out;
  for (const auto& [id, e] : entries_)
    if (tag.empty() || has_any_tag(e.info, {tag})) out.push_back(e.info);
  return out;
}

uint64_t FeatureCache::spill() {
  std::lock_guard lock(mu_);
  uint64_t freed = 0;
  for (auto& [id, e] : entries_)
    if (e.state && e.info.on_disk) {
      freed += e.state->bytes();
      e.state.reset();
      e.info.in_memory = false;
    }
  return freed;
}

uint64_t FeatureCache::ram_bytes() const {
  std::lock_guard lock(mu_);
  uint64_t b = 0;
  for (const auto& [id, e] : entries_)
    if (e.state) b += e.state->bytes();
  return b;
}

size_t FeatureCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

int64_t FeatureCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

}  // namespace tandem::cache
