// serve_responses with a response store, over a scripted chat handler: answers are stored
// (streamed ones once they end) unless `store` is false, previous_response_id and
// item_reference put the earlier turns in the chat body, and GET / DELETE read the store.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "api/responses/response_store.h"
#include "api/responses/responses.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::json;

// Answers every chat request with `text` (streamed if asked), recording the bodies.
class EchoChat : public http::Service {
 public:
  std::string text = "Hello.";
  std::vector<json> bodies;
  bool fail = false;
  void chat_completions(const httplib::Request& req, httplib::Response& res) override {
    bodies.push_back(json::parse(req.body));
    if (fail) throw http::ApiError(400, "bad", "invalid_request_error", "temperature");
    const json usage = {{"prompt_tokens", 4}, {"completion_tokens", 2}, {"total_tokens", 6}};
    if (!bodies.back().value("stream", false)) {
      res.set_content(json{{"object", "chat.completion"},
                           {"model", "alias"},
                           {"choices",
                            {{{"index", 0},
                              {"message", {{"role", "assistant"}, {"content", text}}},
                              {"finish_reason", "stop"}}}},
                           {"usage", usage}}
                          .dump(),
                      "application/json");
      return;
    }
    const json chunk = {
        {"object", "chat.completion.chunk"},
        {"model", "alias"},
        {"choices", {{{"index", 0}, {"delta", {{"content", text}}}, {"finish_reason", "stop"}}}},
        {"usage", usage}};
    const std::string sse = "data: " + chunk.dump() + "\n\ndata: [DONE]\n\n";
    res.set_chunked_content_provider("text/event-stream", [sse](size_t, httplib::DataSink& sink) {
      sink.write(sse.data(), sse.size());
      sink.done();
      return true;
    });
  }
  void completions(const httplib::Request&, httplib::Response&) override {}
  void models(const httplib::Request&, httplib::Response&) override {}
};

json post(EchoChat& chat, ResponseStore& store, const json& body) {
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/responses";
  req.body = body.dump();
  httplib::Response res;
  serve_responses(chat, req, res, store);
  return json::parse(res.body);
}

// GET or DELETE /v1/responses/{id}: the status and body, as the server answers them.
std::pair<int, json> by_id(const char* method, const std::string& id, ResponseStore& store) {
  auto req = std::make_unique<httplib::Request>();  // matches point into its path
  req->method = method;
  req->path = "/v1/responses/" + id;
  static const std::regex route(R"(/v1/responses/([^/]+))");
  EXPECT_TRUE(std::regex_match(req->path, req->matches, route));
  httplib::Response res;
  try {
    if (std::string(method) == "GET")
      retrieve_response(*req, res, store);
    else
      delete_response(*req, res, store);
  } catch (const http::ApiError& e) {
    return {e.status, e.to_json()};
  }
  return {200, json::parse(res.body)};
}

std::string drain(httplib::Response& res) {
  std::string out;
  bool done = false;
  httplib::DataSink sink;
  sink.write = [&](const char* d, size_t n) {
    out.append(d, n);
    return true;
  };
  sink.done = [&] { done = true; };
  sink.is_writable = [] { return true; };
  for (int i = 0; i < 100 && !done; ++i)
    if (!res.content_provider_(out.size(), 0, sink)) break;
  return out;
}

TEST(StoredResponses, AnswerIsStoredAndTheNextTurnContinuesIt) {
  EchoChat chat;
  ResponseStore store;
  const json first = post(chat, store, {{"input", "Hi"}, {"instructions", "Be brief."}});
  EXPECT_EQ(first["store"], true);  // OpenAI's default
  EXPECT_TRUE(first["previous_response_id"].is_null());
  const std::string id = first["id"];
  ASSERT_EQ(store.size(), 1u);
  EXPECT_EQ(by_id("GET", id, store), std::make_pair(200, first));

  chat.text = "Again.";
  const json second = post(chat, store, {{"input", "More"}, {"previous_response_id", id}});
  EXPECT_EQ(second["previous_response_id"], id);
  // The instructions are not carried over (as OpenAI does); the turns are.
  EXPECT_EQ(chat.bodies.back()["messages"], json::parse(R"([{"role":"user","content":"Hi"},
      {"role":"assistant","content":"Hello."},{"role":"user","content":"More"}])"));
  const json third = post(chat, store, {{"input", "End"}, {"previous_response_id", second["id"]}});
  EXPECT_EQ(chat.bodies.back()["messages"].size(), 5u);
  EXPECT_EQ(chat.bodies.back()["messages"][3]["content"], "Again.");
  EXPECT_EQ(store.size(), 3u);

  // The AI SDK's form: the earlier answer by reference.
  const std::string msg_id = first["output"][0]["id"];
  post(chat, store,
       {{"input",
         {{{"role", "user"}, {"content", "Hi"}},
          {{"type", "item_reference"}, {"id", msg_id}},
          {{"role", "user"}, {"content", "More"}}}}});
  EXPECT_EQ(chat.bodies.back()["messages"][1],
            json::parse(R"({"role":"assistant","content":"Hello."})"));

  // Deleted: gone for GET and for later turns.
  EXPECT_EQ(
      by_id("DELETE", id, store),
      std::make_pair(200, json{{"id", id}, {"object", "response.deleted"}, {"deleted", true}}));
  const auto [status, err] = by_id("GET", id, store);
  EXPECT_EQ(status, 404);
  EXPECT_EQ(err["error"]["code"], "response_not_found");
  EXPECT_EQ(by_id("DELETE", id, store).first, 404);
  const size_t asked = chat.bodies.size();
  EXPECT_THROW(post(chat, store, {{"input", "x"}, {"previous_response_id", id}}), http::ApiError);
  EXPECT_EQ(chat.bodies.size(), asked);  // refused before the chat side is asked
}

TEST(StoredResponses, StreamedAnswerIsStoredOnceItEnds) {
  EchoChat chat;
  ResponseStore store;
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/responses";
  req.body = R"({"input":"Hi","stream":true})";
  httplib::Response res;
  serve_responses(chat, req, res, store);
  EXPECT_EQ(store.size(), 0u);  // nothing has been answered yet
  const std::string sse = drain(res);
  ASSERT_EQ(store.size(), 1u);
  const size_t at = sse.rfind("data: ");
  const json completed = json::parse(sse.substr(at + 6));
  ASSERT_EQ(completed["type"], "response.completed");
  const json& r = completed["response"];
  EXPECT_EQ(r["store"], true);
  EXPECT_EQ(by_id("GET", r["id"].get<std::string>(), store), std::make_pair(200, r));
  const auto item = store.item(r["output"][0]["id"].get<std::string>());
  ASSERT_TRUE(item);
  EXPECT_EQ(json::parse(item->dump()), r["output"][0]);
}

TEST(StoredResponses, StoreFalseAndErrorsKeepNothing) {
  EchoChat chat;
  ResponseStore store;
  for (bool stream : {false, true}) {
    httplib::Request req;
    req.method = "POST";
    req.path = "/v1/responses";
    req.body = json{{"input", "Hi"}, {"store", false}, {"stream", stream}}.dump();
    httplib::Response res;
    serve_responses(chat, req, res, store);
    const std::string body = stream ? drain(res) : res.body;
    EXPECT_NE(body.find("\"store\":false"), std::string::npos) << body;
  }
  EXPECT_EQ(store.size(), 0u);
  chat.fail = true;
  EXPECT_THROW(post(chat, store, {{"input", "Hi"}}), http::ApiError);
  EXPECT_EQ(store.size(), 0u);
}

}  // namespace
}  // namespace tandem::api
