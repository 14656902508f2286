// The Commander's models when it serves a directory of them (--models-dir): each known by
// its id, loaded on demand within a byte budget, unloaded by least-recent use when another
// needs the room, and by a reaper once its keep-alive has run out (Ollama's semantics).
//
// Requests hold a ModelLease: a shared_ptr to the model's ServedModel, so an unload (or,
// later, a hot swap) only drops the registry's pointer and in-flight requests finish on the
// service they started with.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "registry/model_limits.h"
#include "registry/served_model.h"

namespace tandem::registry {

struct ModelFile {
  std::string id;  // what requests name in "model"
  std::filesystem::path path;
  uint64_t size_bytes = 0;  // the file's size (all shards of a split one): its cost in the budget
};

// The model at `path` named `id`, sized as all its shards when it is a split set's first.
ModelFile model_file(std::string id, const std::filesystem::path& path);

enum class ModelState { kUnloaded, kLoading, kLoaded };
const char* model_state_name(ModelState s);

// The outcome of the last hot swap of a model (model_swap.h), shown in /health.
struct SwapRecord {
  bool ok = false;
  std::string reason;  // "" when ok, else the failure's code and message
  std::string path;    // the file it tried
  std::string at;      // UTC, ISO 8601
};

struct ModelRegistryOptions {
  uint64_t max_bytes = 0;  // 0: no budget
  KeepAlive keep_alive = std::chrono::minutes(5);
  // false: a request's keep_alive is ignored (a node's only model, -m alone, stays loaded).
  bool request_keep_alive = true;
};

// Builds a model's service; throws with context on failure. Called without the registry's
// lock held, on the thread of the request that needs the model.
using ModelLoader = std::function<std::shared_ptr<ServedModel>(const ModelFile&)>;

class ModelRegistry;

// One request's use of a loaded model; ending it starts the model's keep-alive.
class ModelLease {
 public:
  ModelLease(std::shared_ptr<ModelRegistry> reg, std::string id, uint64_t generation,
             KeepAlive keep_alive, std::shared_ptr<ServedModel> svc);
  ~ModelLease();
  ModelLease(const ModelLease&) = delete;
  ModelLease& operator=(const ModelLease&) = delete;
  ServedModel& service() const { return *svc_; }

 private:
  std::shared_ptr<ModelRegistry> reg_;
  std::string id_;
  uint64_t generation_;
  KeepAlive keep_alive_;
  std::shared_ptr<ServedModel> svc_;
};

class ModelRegistry : public std::enable_shared_from_this<ModelRegistry> {
 public:
  // Throws std::invalid_argument for duplicate ids.
  ModelRegistry(std::vector<ModelFile> models, ModelRegistryOptions opts, ModelLoader loader);
  ~ModelRegistry();
  ModelRegistry(const ModelRegistry&) = delete;
  ModelRegistry& operator=(const ModelRegistry&) = delete;

  // Every *.gguf in `dir` (regular files or links to them), id = file stem, sorted by id.
  static std::vector<ModelFile> scan_dir(const std::filesystem::path& dir);

  bool contains(const std::string& id) const;
  std::vector<std::string> ids() const;
  const ModelRegistryOptions& options() const { return opts_; }

  // The model, loaded first if needed (concurrent callers share one load). keep_alive: the
  // request's (unset: the default), applied when the last lease on the model ends.
  // Throws http::ApiError: 404 unknown id, 503 the budget cannot make room, 500 load failed.
  std::unique_ptr<ModelLease> acquire(const std::string& id, std::optional<KeepAlive> keep_alive);
  // Operators: unload now (in-flight requests finish on their lease); 404 unknown id.
  void unload(const std::string& id);

  // The loaded service, without touching last use or keep-alive (null unless loaded).
  std::shared_ptr<ServedModel> peek(const std::string& id) const;

  // Hot swap: makes `svc` (built from `file`, already self-tested) the model `id`'s service
  // for new requests, loaded, under a new generation; requests holding the old service
  // finish on it, and it is destroyed with their last lease. 404 unknown id.
  void replace(const std::string& id, std::shared_ptr<ServedModel> svc, ModelFile file);
  void record_swap(const std::string& id, SwapRecord r);
  // A model found later (SIGHUP re-reading the models dir), unloaded; false if the id exists.
  bool add(ModelFile file);

  struct Status {
    ModelFile file;
    ModelState state = ModelState::kUnloaded;
    int active = 0;                      // requests in flight
    std::optional<double> expires_in_s;  // loaded, idle, finite keep-alive
    std::string last_error;              // the last failed load
    std::optional<SwapRecord> last_swap;
  };
  std::vector<Status> status() const;
  nlohmann::json status_json() const;  // for /health

 private:
  friend class ModelLease;
  using Clock = std::chrono::steady_clock;
  struct Entry {
    ModelFile file;
    ModelState state = ModelState::kUnloaded;
    std::shared_ptr<ServedModel> svc;
    uint64_t generation = 0;  // bumped per load: leases of an older load do not count
    uint64_t loads_finished = 0;
    int active = 0;
    Clock::time_point last_use{};
    Clock::time_point deadline = Clock::time_point::max();
    std::string last_error;
    KeepAlive keep_alive{0};  // of the last lease: a swapped-in service starts with it
    std::optional<SwapRecord> last_swap;
  };

  void release(const std::string& id, uint64_t generation, KeepAlive keep_alive);
  Entry& entry(const std::string& id);  // 404 ApiError if unknown
  // Unloads idle models, least recently used first, until `e` fits; throws 503 if it cannot.
  // Their services are moved to `dropped`, destroyed by the caller after unlocking.
  void make_room(const Entry& e, std::vector<std::shared_ptr<ServedModel>>& dropped);
  uint64_t bytes_held() const;  // loaded + loading
  void reap_loop();

  ModelRegistryOptions opts_;
  ModelLoader loader_;
  mutable std::mutex mu_;
  std::condition_variable loaded_cv_;  // a load finished
  std::condition_variable reaper_cv_;  // a deadline changed, or stop
  std::map<std::string, Entry> entries_;
  bool stopping_ = false;
  std::thread reaper_;  // last: it uses everything above
};

}  // namespace tandem::registry
