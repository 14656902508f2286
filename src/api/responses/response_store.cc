#include "api/responses/response_store.h"

#include "api/responses/responses_object.h"

namespace tandem::api {

using ojson = nlohmann::ordered_json;

namespace {

// What an entry costs beyond its JSON: the index keys and the list node, roughly.
constexpr size_t kEntryOverhead = 256;
constexpr size_t kItemOverhead = 64;

ojson parse(const std::string& s) {
  return ojson::parse(s, nullptr, false);
}

}  // namespace

ResponseStore::ResponseStore(Limits limits, Clock clock)
    : limits_(limits), clock_(std::move(clock)) {}

ResponseStore& ResponseStore::process() {
  static ResponseStore store;
  return store;
}

bool ResponseStore::put(const ojson& response, const ojson& input) {
  if (!response.is_object() || !response.contains("id") || !response["id"].is_string())
    return false;
  Entry e;
  e.id = response["id"].get<std::string>();
  e.response = dump_ordered(response);
  e.input = dump_ordered(input);
  e.bytes = kEntryOverhead + 2 * e.id.size() + e.response.size() + e.input.size();
  if (response.contains("output") && response["output"].is_array())
    for (const auto& item : response["output"]) {
      const auto it = item.is_object() ? item.find("id") : item.end();
      e.item_ids.push_back(it != item.end() && it->is_string() ? it->get<std::string>() : "");
      e.bytes += kItemOverhead + e.item_ids.back().size();
    }
  if (e.bytes > limits_.max_bytes || limits_.max_responses == 0) return false;

  std::lock_guard lock(mu_);
  e.used = clock_();
  drop_expired(e.used);
  if (auto it = by_id_.find(e.id); it != by_id_.end()) drop(it->second);
  while (!lru_.empty() &&
         (lru_.size() >= limits_.max_responses || bytes_ + e.bytes > limits_.max_bytes))
    drop(std::prev(lru_.end()));
  bytes_ += e.bytes;
  lru_.push_front(std::move(e));
  const Entry& kept = lru_.front();
  by_id_[kept.id] = lru_.begin();
  for (size_t i = 0; i < kept.item_ids.size(); ++i)
    if (!kept.item_ids[i].empty()) items_[kept.item_ids[i]] = {kept.id, i};
  return true;
}

ResponseStore::Entry* ResponseStore::find(const std::string& id) {
  const Time now = clock_();
  drop_expired(now);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);  // iterators stay valid
  it->second->used = now;
  return &*it->second;
}

void ResponseStore::drop(Lru::iterator it) {
  for (const auto& item_id : it->item_ids) {
    auto i = items_.find(item_id);
    if (i != items_.end() && i->second.first == it->id) items_.erase(i);
  }
  bytes_ -= it->bytes;
  by_id_.erase(it->id);
  lru_.erase(it);
}

// The list is in order of last use, so the expired entries are at its end.
void ResponseStore::drop_expired(Time now) {
  while (!lru_.empty() && now - lru_.back().used > limits_.ttl) drop(std::prev(lru_.end()));
}

std::optional<ojson> ResponseStore::response(const std::string& id) {
  std::string text;
  {
    std::lock_guard lock(mu_);
    const Entry* e = find(id);
    if (!e) return std::nullopt;
    text = e->response;
  }
  return parse(text);  // outside the lock: requests run concurrently
}

std::optional<ojson> ResponseStore::input(const std::string& id) {
  std::string text;
  {
    std::lock_guard lock(mu_);
    const Entry* e = find(id);
    if (!e) return std::nullopt;
    text = e->input;
  }
  return parse(text);
}

std::optional<ojson> ResponseStore::context(const std::string& id) {
  std::string in, resp;
  {
    std::lock_guard lock(mu_);
    const Entry* e = find(id);
    if (!e) return std::nullopt;
    in = e->input;
    resp = e->response;
  }
  ojson items = parse(in);
  if (!items.is_array()) items = ojson::array();
  const ojson r = parse(resp);
  if (r.contains("output") && r["output"].is_array())
    for (const auto& item : r["output"]) items.push_back(item);
  return items;
}

std::optional<ojson> ResponseStore::item(const std::string& item_id) {
  std::string resp;
  size_t index = 0;
  {
    std::lock_guard lock(mu_);
    auto it = items_.find(item_id);
    if (it == items_.end()) return std::nullopt;
    index = it->second.second;
    const std::string id = it->second.first;
    const Entry* e = find(id);  // touched: a referenced response stays (or expires here)
    if (!e) return std::nullopt;
    resp = e->response;
  }
  const ojson r = parse(resp);
  if (!r.contains("output") || !r["output"].is_array() || index >= r["output"].size())
    return std::nullopt;
  return r["output"][index];
}

bool ResponseStore::erase(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  drop(it->second);
  return true;
}

size_t ResponseStore::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

size_t ResponseStore::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace tandem::api
