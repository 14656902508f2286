// The Commander's speculative-verify sessions: one TargetSession (tokens + KV cache +
// sampler) per client session, bounded by count and bytes, expired after an idle TTL,
// evicted least recently used first. Not thread-safe: VerifyService serializes access.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "spec/target_session.h"

namespace tandem::verify {

struct VerifySessionLimits {
  size_t max_sessions = 64;
  size_t max_bytes = size_t{1} << 30;  // KV bytes over all sessions
  double idle_ttl_s = 600;
};

class VerifySessionStore {
 public:
  using Clock = std::chrono::steady_clock;
  explicit VerifySessionStore(VerifySessionLimits limits) : limits_(limits) {}

  // The live session, or nullptr when unknown, expired or evicted. Marks it used.
  spec::TargetSession* find(const std::string& id, Clock::time_point now = Clock::now());
  // Replaces any session of that id; evicts others to make room.
  spec::TargetSession& create(const std::string& id, std::unique_ptr<spec::TargetSession> s,
                              Clock::time_point now = Clock::now());
  void erase(const std::string& id);
  // Evicts LRU sessions other than `keep` until the limits hold; drops expired ones.
  void enforce(const std::string& keep, Clock::time_point now = Clock::now());
  // Drops every session (memory pressure: clients re-send their context); returns the KV
  // bytes freed.
  size_t clear();

  size_t size() const { return map_.size(); }
  size_t bytes() const;
  int64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    std::unique_ptr<spec::TargetSession> session;
    Clock::time_point last_used;
    std::list<std::string>::iterator lru;  // position in lru_ (front: most recent)
  };
  void drop_expired(Clock::time_point now);

  VerifySessionLimits limits_;
  std::unordered_map<std::string, Entry> map_;
  std::list<std::string> lru_;
  int64_t evictions_ = 0;
};

}  // namespace tandem::verify
