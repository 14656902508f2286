#include "registry/model_registry.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "http/api_error.h"
#include "model/gguf_split.h"

namespace tandem::registry {

const char* model_state_name(ModelState s) {
  switch (s) {
    case ModelState::kLoading:
      return "loading";
    case ModelState::kLoaded:
      return "loaded";
    case ModelState::kUnloaded:
      break;
  }
  return "unloaded";
}

ModelLease::ModelLease(std::shared_ptr<ModelRegistry> reg, std::string id, uint64_t generation,
                       KeepAlive keep_alive, std::shared_ptr<ServedModel> svc)
    : reg_(std::move(reg)),
      id_(std::move(id)),
      generation_(generation),
      keep_alive_(keep_alive),
      svc_(std::move(svc)) {}

ModelLease::~ModelLease() {
  reg_->release(id_, generation_, keep_alive_);
}

ModelRegistry::ModelRegistry(std::vector<ModelFile> models, ModelRegistryOptions opts,
                             ModelLoader loader)
    : opts_(opts), loader_(std::move(loader)) {
  for (auto& m : models) {
    const std::string id = m.id;
    Entry e;
    e.file = std::move(m);
    e.keep_alive = opts_.keep_alive;
    if (!entries_.emplace(id, std::move(e)).second)
      throw std::invalid_argument("two models have the id '" + id + "'");
  }
  reaper_ = std::thread([this] { reap_loop(); });
}

ModelRegistry::~ModelRegistry() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  reaper_cv_.notify_all();
  loaded_cv_.notify_all();
  reaper_.join();
}

ModelFile model_file(std::string id, const std::filesystem::path& path) {
  uint64_t bytes = std::filesystem::file_size(path);
  if (const auto shard = model::split::parse_shard_name(path.string()); shard && shard->no == 0)
    for (int k = 1; k < shard->count; ++k) {
      std::error_code ec;
      const auto part =
          std::filesystem::file_size(model::split::shard_path(shard->prefix, k, shard->count), ec);
      if (!ec) bytes += part;  // a missing shard: the load says which, with its name
    }
  return {std::move(id), path, bytes};
}

std::vector<ModelFile> ModelRegistry::scan_dir(const std::filesystem::path& dir) {
  std::vector<ModelFile> out;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) throw std::runtime_error("cannot list " + dir.string() + ": " + ec.message());
  for (const auto& f : it) {
    if (f.path().extension() != ".gguf" || !f.is_regular_file(ec)) continue;  // follows links
    // A split model is its first shard; the later shards are not models of their own.
    const auto shard = model::split::parse_shard_name(f.path().string());
    if (shard && shard->no != 0) continue;
    out.push_back(model_file(model::split::model_stem(f.path()), f.path()));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

bool ModelRegistry::contains(const std::string& id) const {
  std::lock_guard lock(mu_);
  return entries_.count(id) > 0;
}

std::vector<std::string> ModelRegistry::ids() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, e] : entries_) out.push_back(id);
  return out;
}

ModelRegistry::Entry& ModelRegistry::entry(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    std::string known;
    for (const auto& [k, e] : entries_) known += (known.empty() ? "'" : ", '") + k + "'";
    throw http::ApiError(404, "the model '" + id + "' does not exist; this server has " + known,
                         "invalid_request_error", "model", "model_not_found");
  }
  return it->second;
}

uint64_t ModelRegistry::bytes_held() const {
  uint64_t n = 0;
  for (const auto& [id, e] : entries_)
    if (e.state != ModelState::kUnloaded) n += e.file.size_bytes;
  return n;
}

void ModelRegistry::make_room(const Entry& want,
                              std::vector<std::shared_ptr<ServedModel>>& dropped) {
  const uint64_t max = opts_.max_bytes;
  if (max == 0) return;
  if (want.file.size_bytes > max)
    throw http::ApiError(503,
                         fmt::format("the model '{}' needs {} bytes, more than the whole "
                                     "--models-max-bytes budget of {} bytes",
                                     want.file.id, want.file.size_bytes, max),
                         "server_error", "", "model_too_large");
  // Check first that unloading every idle model would be enough: a request that must fail
  // anyway should not cost the others their loaded models.
  uint64_t idle = 0;
  for (const auto& [id, e] : entries_)
    if (e.state == ModelState::kLoaded && e.active == 0) idle += e.file.size_bytes;
  const bool fits = bytes_held() - idle + want.file.size_bytes <= max;
  while (bytes_held() + want.file.size_bytes > max) {
    Entry* lru = nullptr;
    for (auto& [id, e] : entries_)
      if (e.state == ModelState::kLoaded && e.active == 0 && (!lru || e.last_use < lru->last_use))
        lru = &e;
    if (!lru || !fits) {
      std::string busy;
      for (const auto& [id, e] : entries_)
        if (e.state != ModelState::kUnloaded) busy += (busy.empty() ? "'" : ", '") + id + "'";
      http::ApiError err(503,
                         fmt::format("cannot load the model '{}' ({} bytes): {} of the {} bytes "
                                     "of --models-max-bytes are held by models in use ({}); "
                                     "retry when they are idle",
                                     want.file.id, want.file.size_bytes, bytes_held(), max, busy),
                         "server_error", "", "models_budget_exhausted");
      err.retry_after_s = 5;
      throw err;
    }
    spdlog::info("models: unloading '{}' (least recently used) to make room for '{}'", lru->file.id,
                 want.file.id);
    dropped.push_back(std::move(lru->svc));
    lru->state = ModelState::kUnloaded;
  }
}

std::unique_ptr<ModelLease> ModelRegistry::acquire(const std::string& id,
                                                   std::optional<KeepAlive> keep_alive) {
  const KeepAlive ka =
      opts_.request_keep_alive ? keep_alive.value_or(opts_.keep_alive) : opts_.keep_alive;
  std::unique_lock lock(mu_);
  Entry& e = entry(id);
  for (;;) {
    if (stopping_) throw http::ApiError(503, "the server is stopping", "server_error");
    if (e.state == ModelState::kLoaded) {
      ++e.active;
      e.last_use = Clock::now();
      e.deadline = Clock::time_point::max();  // busy: no expiry until the last lease ends
      e.keep_alive = ka;
      return std::make_unique<ModelLease>(shared_from_this(), id, e.generation, ka, e.svc);
    }
    if (e.state == ModelState::kLoading) {
      const uint64_t seen = e.loads_finished;
      loaded_cv_.wait(lock, [&] { return e.state != ModelState::kLoading || stopping_; });
      if (e.state == ModelState::kUnloaded && e.loads_finished != seen && !e.last_error.empty())
        throw http::ApiError(500, e.last_error, "server_error", "", "model_load_failed");
      continue;
    }
    // Unloaded: this request loads it; others wait for this load.
    std::vector<std::shared_ptr<ServedModel>> dropped;
    make_room(e, dropped);
    e.state = ModelState::kLoading;
    lock.unlock();
    dropped.clear();  // their schedulers stop here, outside the lock
    std::shared_ptr<ServedModel> svc;
    std::string error;
    const auto t0 = Clock::now();
    try {
      svc = loader_(e.file);
    } catch (const std::exception& ex) {
      error = "loading the model '" + id + "' failed: " + ex.what();
    }
    lock.lock();
    ++e.loads_finished;
    if (!svc) {
      e.state = ModelState::kUnloaded;
      e.last_error = error;
      loaded_cv_.notify_all();
      spdlog::error("models: {}", error);
      throw http::ApiError(500, error, "server_error", "", "model_load_failed");
    }
    e.svc = std::move(svc);
    e.state = ModelState::kLoaded;
    e.last_error.clear();
    ++e.generation;
    e.active = 0;
    e.last_use = Clock::now();
    loaded_cv_.notify_all();
    spdlog::info("models: loaded '{}' ({} bytes) in {:.0f} ms; {} of {} bytes held", id,
                 e.file.size_bytes,
                 std::chrono::duration<double, std::milli>(Clock::now() - t0).count(), bytes_held(),
                 opts_.max_bytes ? std::to_string(opts_.max_bytes) : "unlimited");
  }
}

void ModelRegistry::release(const std::string& id, uint64_t generation, KeepAlive keep_alive) {
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    Entry& e = it->second;
    if (e.generation != generation || e.state != ModelState::kLoaded) return;  // since unloaded
    e.last_use = Clock::now();
    if (--e.active > 0) return;
    e.deadline = keep_alive.count() < 0 ? Clock::time_point::max() : e.last_use + keep_alive;
  }
  reaper_cv_.notify_all();
}

void ModelRegistry::unload(const std::string& id) {
  std::shared_ptr<ServedModel> dropped;
  {
    std::unique_lock lock(mu_);
    Entry& e = entry(id);
    loaded_cv_.wait(lock, [&] { return e.state != ModelState::kLoading || stopping_; });
    if (e.state != ModelState::kLoaded) return;
    dropped = std::move(e.svc);
    e.state = ModelState::kUnloaded;
    spdlog::info("models: unloaded '{}' (operator){}", id,
                 e.active ? fmt::format("; {} requests finish on it", e.active) : "");
  }
}

std::shared_ptr<ServedModel> ModelRegistry::peek(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.svc;
}

void ModelRegistry::replace(const std::string& id, std::shared_ptr<ServedModel> svc,
                            ModelFile file) {
  std::shared_ptr<ServedModel> old;  // destroyed after unlocking (its leases permitting)
  {
    std::unique_lock lock(mu_);
    Entry& e = entry(id);
    loaded_cv_.wait(lock, [&] { return e.state != ModelState::kLoading || stopping_; });
    old = std::move(e.svc);
    file.id = id;
    e.file = std::move(file);
    e.svc = std::move(svc);
    e.state = ModelState::kLoaded;
    e.last_error.clear();
    ++e.generation;  // the old service's leases no longer count
    e.active = 0;
    e.last_use = Clock::now();
    e.deadline = e.keep_alive.count() < 0 ? Clock::time_point::max() : e.last_use + e.keep_alive;
    loaded_cv_.notify_all();
  }
  reaper_cv_.notify_all();
}

void ModelRegistry::record_swap(const std::string& id, SwapRecord r) {
  std::lock_guard lock(mu_);
  entry(id).last_swap = std::move(r);
}

bool ModelRegistry::add(ModelFile file) {
  std::lock_guard lock(mu_);
  const std::string id = file.id;
  Entry e;
  e.file = std::move(file);
  e.keep_alive = opts_.keep_alive;
  return entries_.emplace(id, std::move(e)).second;
}

std::vector<ModelRegistry::Status> ModelRegistry::status() const {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  std::vector<Status> out;
  for (const auto& [id, e] : entries_) {
    Status s{e.file, e.state, e.active, std::nullopt, e.last_error, e.last_swap};
    if (e.state == ModelState::kLoaded && e.active == 0 && e.deadline != Clock::time_point::max())
      s.expires_in_s = std::max(0.0, std::chrono::duration<double>(e.deadline - now).count());
    out.push_back(std::move(s));
  }
  return out;
}

nlohmann::json ModelRegistry::status_json() const {
  nlohmann::json models = nlohmann::json::array();
  uint64_t held = 0;
  for (const auto& s : status()) {
    nlohmann::json m = {{"id", s.file.id},
                        {"state", model_state_name(s.state)},
                        {"size_bytes", s.file.size_bytes},
                        {"active_requests", s.active}};
    if (s.expires_in_s) m["expires_in_s"] = *s.expires_in_s;
    if (!s.last_error.empty()) m["last_error"] = s.last_error;
    if (s.last_swap)
      m["last_swap"] = {{"ok", s.last_swap->ok},
                        {"reason", s.last_swap->reason},
                        {"path", s.last_swap->path},
                        {"at", s.last_swap->at}};
    if (s.state != ModelState::kUnloaded) held += s.file.size_bytes;
    models.push_back(std::move(m));
  }
  return {{"models", std::move(models)},
          {"bytes_held", held},
          {"max_bytes", opts_.max_bytes},
          {"keep_alive", describe_keep_alive(opts_.keep_alive)}};
}

void ModelRegistry::reap_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto now = Clock::now();
    auto next = now + std::chrono::seconds(60);  // bounded wait even without deadlines
    std::vector<std::shared_ptr<ServedModel>> dropped;
    for (auto& [id, e] : entries_) {
      if (e.state != ModelState::kLoaded || e.active > 0) continue;
      if (e.deadline <= now) {
        spdlog::info("models: unloading '{}' (keep-alive expired)", id);
        dropped.push_back(std::move(e.svc));
        e.state = ModelState::kUnloaded;
      } else {
        next = std::min(next, e.deadline);
      }
    }
    if (!dropped.empty()) {
      lock.unlock();
      dropped.clear();  // the services stop outside the lock
      lock.lock();
      continue;
    }
    reaper_cv_.wait_until(lock, next);
  }
}

}  // namespace tandem::registry
