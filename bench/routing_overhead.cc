// Routing overhead of the Dispatcher per request: everything it adds except the shared edge
// prefill — privacy scan of every message, intent, decision, x-tandem-reason, masking the
// body for the Commander, and unmasking a streamed answer chunk by chunk.
// Run from the repository root (it loads data/intent/intent_model.bin):
//   ./build/tandem_microbench --benchmark_filter=Routing
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "dispatcher/dispatcher_service.h"
#include "dispatcher/routing_pipeline.h"
#include "privacy/stream_unmasker.h"

namespace {

using tandem::dispatcher::RoutingPipeline;

const RoutingPipeline& pipeline() {
  static const RoutingPipeline p = [] {
    const char* env = std::getenv("TANDEM_INTENT_MODEL");
    tandem::router::RoutingPolicy policy;
    policy.ppl_threshold = 40.0;
    return RoutingPipeline(std::move(policy), tandem::router::IntentClassifier::load(
                                                  env ? env : "data/intent/intent_model.bin"));
  }();
  return p;
}

nlohmann::json request(const std::string& user) {
  return {{"model", "edge"},
          {"messages",
           nlohmann::json::array({{{"role", "system"}, {"content", "You are a helpful assistant."}},
                                  {{"role", "user"}, {"content", user}}})},
          {"stream", true}};
}

void route_once(benchmark::State& state, const std::string& user) {
  const auto body = request(user);
  std::vector<tandem::templates::ChatMessage> msgs = {{"system", "You are a helpful assistant."},
                                                      {"user", user}};
  // A 200-chunk answer that quotes the placeholders back.
  std::vector<std::string> answer;
  for (int i = 0; i < 200; ++i)
    answer.push_back(i % 50 == 7 ? " <PHO" : i % 50 == 8 ? "NE_1>" : " word");
  for (auto _ : state) {
    auto s = pipeline().scan(msgs);
    s.ppl = 12.5;  // from the shared prefill
    const auto d = pipeline().decide(s);
    benchmark::DoNotOptimize(d.explain());
    tandem::privacy::Masker masker;
    const auto out = tandem::dispatcher::masked_chat_body(body, masker, "");
    benchmark::DoNotOptimize(out.dump());
    tandem::privacy::StreamUnmasker un(masker);
    size_t n = 0;
    for (const auto& c : answer) n += un.push(c).size();
    n += un.flush().size();
    benchmark::DoNotOptimize(n);
  }
}

void BM_RoutingOverheadStory(benchmark::State& state) {
  route_once(state,
             "Once upon a time, there was a little girl named Lily. She liked to play in the park "
             "with her dog and her friends. Tell me what happened next.");
}
void BM_RoutingOverheadPii(benchmark::State& state) {
  route_once(state,
             "我叫张三,电话 13800000000。 My email is lily@example.com and my card is 4111 1111 "
             "1111 1111. Please write a Python function that validates these fields.");
}
void BM_RoutingOverheadLong(benchmark::State& state) {
  std::string text;
  while (text.size() < 8000)
    text += "The quick brown fox jumps over the lazy dog, call me at 13800000000 tomorrow. ";
  route_once(state, text);
}

BENCHMARK(BM_RoutingOverheadStory)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RoutingOverheadPii)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RoutingOverheadLong)->Unit(benchmark::kMicrosecond);

}  // namespace
