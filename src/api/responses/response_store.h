// The Responses API's stored responses, in memory: what `previous_response_id`,
// `item_reference` input items and GET /v1/responses/{id} read. One store per server process
// (process()), bounded by a count, a byte budget and an idle time; the least recently used
// response goes first. Everything is lost on restart, as a cache would be.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tandem::api {

struct ResponseStoreLimits {
  size_t max_responses = 1024;
  size_t max_bytes = size_t{64} << 20;  // of serialized JSON, response + input
  // A response unused (stored, read or referenced) for this long is dropped.
  std::chrono::seconds ttl = std::chrono::hours(24);
};

class ResponseStore {
 public:
  using Limits = ResponseStoreLimits;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit ResponseStore(Limits limits = {}, Clock clock = &std::chrono::steady_clock::now);

  // The store every role's /v1/responses uses in this process.
  static ResponseStore& process();

  // Keeps a finished response object (keyed by its "id"; each of its "output" items by the
  // item's "id") with the input items its answer read. A response of the same id is replaced.
  // False, keeping nothing, when the entry alone exceeds the byte budget.
  bool put(const nlohmann::ordered_json& response, const nlohmann::ordered_json& input);

  std::optional<nlohmann::ordered_json> response(const std::string& id);
  std::optional<nlohmann::ordered_json> input(const std::string& id);
  // Its input items then its output items: the conversation that previous_response_id
  // continues (a chained response's input already holds the responses before it).
  std::optional<nlohmann::ordered_json> context(const std::string& id);
  // An output item of a stored response, by the item's id.
  std::optional<nlohmann::ordered_json> item(const std::string& item_id);
  bool erase(const std::string& id);

  size_t size() const;
  size_t bytes() const;

 private:
  using Time = std::chrono::steady_clock::time_point;
  struct Entry {
    std::string id;
    std::string response, input;  // serialized: the budget counts what is really kept
    std::vector<std::string> item_ids;
    size_t bytes = 0;
    Time used;
  };
  using Lru = std::list<Entry>;  // front: most recently used

  // Under mu_: the live entry (touched), or nullptr (unknown or expired).
  Entry* find(const std::string& id);
  void drop(Lru::iterator it);
  void drop_expired(Time now);

  const Limits limits_;
  const Clock clock_;
  mutable std::mutex mu_;
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator> by_id_;
  std::unordered_map<std::string, std::pair<std::string, size_t>> items_;  // -> id, output index
  size_t bytes_ = 0;
};

}  // namespace tandem::api
