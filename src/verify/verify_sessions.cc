#include "verify/verify_sessions.h"

namespace tandem::verify {

size_t VerifySessionStore::bytes() const {
  size_t b = 0;
  for (const auto& [id, e] : map_) b += e.session->bytes();
  return b;
}

void VerifySessionStore::drop_expired(Clock::time_point now) {
  const auto ttl = std::chrono::duration<double>(limits_.idle_ttl_s);
  for (auto it = map_.begin(); it != map_.end();) {
    if (now - it->second.last_used > ttl) {
      lru_.erase(it->second.lru);
      it = map_.erase(it);
      ++evictions_;
    } else {
      ++it;
    }
  }
}

spec::TargetSession* VerifySessionStore::find(const std::string& id, Clock::time_point now) {
  drop_expired(now);
  auto it = map_.find(id);
  if (it == map_.end()) return nullptr;
  it->second.last_used = now;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.session.get();
}

spec::TargetSession& VerifySessionStore::create(const std::string& id,
                                                std::unique_ptr<spec::TargetSession> s,
                                                Clock::time_point now) {
  erase(id);
  lru_.push_front(id);
  auto& e = map_[id];
  e.session = std::move(s);
  e.last_used = now;
  e.lru = lru_.begin();
  enforce(id, now);
  return *e.session;
}

void VerifySessionStore::erase(const std::string& id) {
  auto it = map_.find(id);
  if (it == map_.end()) return;
  lru_.erase(it->second.lru);
  map_.erase(it);
}

void VerifySessionStore::enforce(const std::string& keep, Clock::time_point now) {
  drop_expired(now);
  auto over = [&] { return map_.size() > limits_.max_sessions || bytes() > limits_.max_bytes; };
  // The back of lru_ is the least recently used.
  for (auto it = lru_.end(); over() && it != lru_.begin();) {
    --it;
    if (*it == keep) continue;
    map_.erase(*it);
    it = lru_.erase(it);
    ++evictions_;
  }
}

size_t VerifySessionStore::clear() {
  const size_t b = bytes();
  evictions_ += static_cast<int64_t>(map_.size());
  map_.clear();
  lru_.clear();
  return b;
}

}  // namespace tandem::verify
