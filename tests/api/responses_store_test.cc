// The in-memory response store: responses and their output items by id, the context a
// previous_response_id continues, and its bounds (count with LRU order, bytes, idle time),
// also under concurrent use.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/responses/response_store.h"

namespace tandem::api {
namespace {

using ordered_json = nlohmann::ordered_json;
using namespace std::chrono_literals;

// A response `id` whose output is a message item msg_<id> and a call item fc_<id>; `pad`
// characters of text make it as large as a test needs.
ordered_json response(const std::string& id, size_t pad = 0) {
  return {{"id", id},
          {"object", "response"},
          {"output",
           {{{"id", "msg_" + id},
             {"type", "message"},
             {"role", "assistant"},
             {"content", {{{"type", "output_text"}, {"text", "answer " + std::string(pad, 'x')}}}}},
            {{"id", "fc_" + id},
             {"type", "function_call"},
             {"call_id", "call_" + id},
             {"name", "f"},
             {"arguments", "{}"}}}}};
}

ordered_json input(const std::string& text) {
  return ordered_json::array({{{"role", "user"}, {"content", text}}});
}

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  ResponseStore::Clock fn() {
    return [this] { return now; };
  }
};

TEST(ResponseStore, KeepsResponsesItemsAndContext) {
  ResponseStore store;
  ASSERT_TRUE(store.put(response("r1"), input("hello")));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_GT(store.bytes(), response("r1").dump().size());
  EXPECT_EQ(store.response("r1"), response("r1"));
  EXPECT_EQ(store.input("r1"), input("hello"));
  EXPECT_EQ(store.item("msg_r1"), response("r1")["output"][0]);
  EXPECT_EQ(store.item("fc_r1"), response("r1")["output"][1]);
  ordered_json context = input("hello");
  const ordered_json r1 = response("r1");
  for (const auto& item : r1["output"]) context.push_back(item);
  EXPECT_EQ(store.context("r1"), context);  // input items, then output items

  EXPECT_FALSE(store.response("r2"));
  EXPECT_FALSE(store.item("msg_r2"));
  EXPECT_FALSE(store.context("r2"));
  EXPECT_FALSE(store.put(ordered_json{{"object", "response"}}, input("x")));  // no id

  // The same id again replaces the entry; erasing removes its items too.
  ASSERT_TRUE(store.put(response("r1", 10), input("again")));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.input("r1"), input("again"));
  EXPECT_TRUE(store.erase("r1"));
  EXPECT_FALSE(store.erase("r1"));
  EXPECT_FALSE(store.item("msg_r1"));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
}

TEST(ResponseStore, CountBoundEvictsTheLeastRecentlyUsed) {
  ResponseStore store({.max_responses = 3});
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(store.put(response(id), input(id)));
  EXPECT_TRUE(store.response("a"));  // a used: b is now the least recently used
  ASSERT_TRUE(store.put(response("d"), input("d")));
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.response("b"));
  EXPECT_FALSE(store.item("msg_b"));  // its items went with it
  EXPECT_TRUE(store.response("a"));
  // Referencing an item counts as use of its response: c stays, d goes.
  EXPECT_TRUE(store.item("fc_c"));
  ASSERT_TRUE(store.put(response("e"), input("e")));
  EXPECT_FALSE(store.response("d"));
  EXPECT_TRUE(store.response("c"));
  EXPECT_TRUE(store.response("a"));
}

TEST(ResponseStore, ByteBudgetEvictsOldestAndRefusesWhatCannotFit) {
  ResponseStore probe;
  ASSERT_TRUE(probe.put(response("a", 1000), input("a")));
  const size_t one = probe.bytes();
  ResponseStore store({.max_bytes = one * 5 / 2});  // room for two
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(store.put(response(id, 1000), input(id)));
  EXPECT_EQ(store.size(), 2u);
  EXPECT_LE(store.bytes(), one * 5 / 2);
  EXPECT_FALSE(store.response("a"));
  EXPECT_TRUE(store.response("b"));
  EXPECT_TRUE(store.response("c"));
  // Alone over the budget: not kept, and nothing else is evicted for it.
  EXPECT_FALSE(store.put(response("huge", one * 3), input("huge")));
  EXPECT_FALSE(store.response("huge"));
  EXPECT_EQ(store.size(), 2u);
  // A large input counts as much as a large output.
  EXPECT_FALSE(store.put(response("d"), input(std::string(one * 3, 'y'))));
}

TEST(ResponseStore, IdleResponsesExpire) {
  FakeClock clock;
  ResponseStore store({.ttl = 10s}, clock.fn());
  ASSERT_TRUE(store.put(response("a"), input("a")));
  clock.now += 5s;
  ASSERT_TRUE(store.put(response("b"), input("b")));
  clock.now += 6s;  // a idle 11 s, b 6 s
  EXPECT_FALSE(store.response("a"));
  EXPECT_FALSE(store.item("msg_a"));
  EXPECT_TRUE(store.item("msg_b"));  // use restarts b's time
  clock.now += 9s;
  EXPECT_TRUE(store.context("b"));
  clock.now += 11s;
  EXPECT_FALSE(store.item("fc_b"));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
}

TEST(ResponseStore, ConcurrentUseKeepsTheBounds) {
  const ResponseStore::Limits limits{.max_responses = 32, .max_bytes = 64 << 10};
  ResponseStore store(limits);
  std::atomic<int> found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        const std::string id = "t" + std::to_string(t) + "_" + std::to_string(i);
        store.put(response(id, i % 7 * 100), input(id));
        const std::string back = "t" + std::to_string(t) + "_" + std::to_string(i / 2);
        if (auto r = store.response(back)) found += (*r)["id"] == back;
        if (auto it = store.item("msg_" + back)) found += (*it)["id"] == "msg_" + back;
        if (auto c = store.context(back)) found += c->size() == 3;
        if (i % 5 == 0) store.erase(back);
        EXPECT_LE(store.size(), limits.max_responses);
        EXPECT_LE(store.bytes(), limits.max_bytes);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_GT(found.load(), 0);
  EXPECT_LE(store.size(), limits.max_responses);
  // The byte count matches what is left: erasing everything brings it to zero.
  for (int t = 0; t < 8; ++t)
    for (int i = 0; i < 400; ++i) store.erase("t" + std::to_string(t) + "_" + std::to_string(i));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
}

}  // namespace
}  // namespace tandem::api
