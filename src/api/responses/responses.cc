#include "api/responses/responses.h"

#include <memory>

#include "api/openai_schema.h"
#include "api/responses/responses_context.h"
#include "api/responses/responses_object.h"
#include "api/responses/responses_request.h"
#include "api/responses/responses_stream.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

// Wraps the chunked provider the chat handler installed: each call runs the chat provider
// into a private sink and passes what it wrote through the converter to the client.
struct StreamAdapter {
  httplib::ContentProvider chat;
  ResponsesStream conv;
  ResponseStore* store;  // null: store false
  nlohmann::ordered_json input;
  size_t chat_offset = 0;

  bool operator()(size_t, size_t, httplib::DataSink& sink) {
    std::string chat_bytes;
    bool chat_done = false;
    httplib::DataSink inner;
    inner.write = [&](const char* d, size_t n) {
      chat_bytes.append(d, n);
      return true;
    };
    inner.done = [&] { chat_done = true; };
    inner.is_writable = [&] { return !sink.is_writable || sink.is_writable(); };
    const bool ok = chat(chat_offset, 0, inner);
    chat_offset += chat_bytes.size();
    std::string out = conv.feed(chat_bytes);
    if (chat_done) {
      out += conv.finish();
      if (store) store->put(conv.final_response(), input);  // before the client hears the end
    }
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    if (chat_done) sink.done();
    return ok;  // false: the chat side gave up; the connection closes
  }
};

}  // namespace

void serve_responses(http::Service& chat, const httplib::Request& req, httplib::Response& res,
                     ResponseStore& store) {
  nlohmann::ordered_json body = parse_body_ordered(req.body);
  nlohmann::ordered_json input = resolve_input(body, store);
  if (!input.is_null()) body["input"] = input;
  const ResponsesRequest r = responses_to_chat(body);
  httplib::Request chat_req;
  chat_req.method = "POST";
  chat_req.path = "/v1/chat/completions";
  chat_req.headers = req.headers;  // auth, x-tandem-conversation, ...
  chat_req.headers.erase("Content-Length");
  chat_req.remote_addr = req.remote_addr;
  chat_req.remote_port = req.remote_port;
  chat_req.body = dump_ordered(r.chat);
  chat.chat_completions(chat_req, res);
  if (res.status != -1 && res.status != 200) return;  // the chat side's error, as it is

  ResponseShell shell = response_shell(r);
  if (res.is_chunked_content_provider_ && res.content_provider_) {
    // The headers (Content-Type: text/event-stream, the route headers) stay as chat set them.
    auto adapter = std::make_shared<StreamAdapter>(
        StreamAdapter{std::move(res.content_provider_), ResponsesStream(std::move(shell)),
                      r.store ? &store : nullptr, std::move(input)});
    res.content_provider_ = [adapter](size_t off, size_t len, httplib::DataSink& sink) {
      return (*adapter)(off, len, sink);
    };
    return;
  }
  const auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (!j.is_object() || !j.contains("choices")) return;  // not a chat answer: leave it be
  if (r.stream) {  // an upstream that answered a streamed request in one piece
    ResponsesStream conv(std::move(shell));
    res.set_content(conv.from_completion(j), "text/event-stream");
    if (r.store) store.put(conv.final_response(), input);
    return;
  }
  const nlohmann::ordered_json response = chat_to_response(j, shell);
  if (r.store) store.put(response, input);
  res.set_content(dump_ordered(response), "application/json");
}

namespace {

std::string response_id(const httplib::Request& req) {
  return req.matches.size() > 1 ? req.matches[1].str() : "";
}

http::ApiError response_not_found(const std::string& id) {
  return http::ApiError(404,
                        "Response with id '" + id +
                            "' not found (never stored, deleted, or evicted from this "
                            "server's in-memory store)",
                        "invalid_request_error", "response_id", "response_not_found");
}

}  // namespace

void retrieve_response(const httplib::Request& req, httplib::Response& res, ResponseStore& store) {
  const std::string id = response_id(req);
  auto r = store.response(id);
  if (!r) throw response_not_found(id);
  res.set_content(dump_ordered(*r), "application/json");
}

void delete_response(const httplib::Request& req, httplib::Response& res, ResponseStore& store) {
  const std::string id = response_id(req);
  if (!store.erase(id)) throw response_not_found(id);
  const nlohmann::ordered_json out = {
      {"id", id}, {"object", "response.deleted"}, {"deleted", true}};
  res.set_content(dump_ordered(out), "application/json");
}

}  // namespace tandem::api
