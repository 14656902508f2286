// The Responses API (OpenAI's /v1/responses) for any role: an adapter over the role's own
// chat-completions handler, so routing, privacy, structured output and tool calls behave
// exactly as they do for chat. The request's conversation is resolved from the response
// store (responses_context.h) and becomes a chat body (responses_request.h); the answer,
// whole or streamed, becomes a response object or Responses events, kept in the store
// unless the request says `store: false`.
#pragma once

#include <httplib.h>

#include "api/responses/response_store.h"
#include "http/http_server.h"

namespace tandem::api {

// POST /v1/responses. Errors the chat handler answers (4xx/5xx, thrown or written) reach the
// client unchanged, and nothing is stored then. A streamed answer is stored once it ends.
void serve_responses(http::Service& chat, const httplib::Request& req, httplib::Response& res,
                     ResponseStore& store = ResponseStore::process());

// GET /v1/responses/{id} (req.matches[1]): the stored response object, else 404.
void retrieve_response(const httplib::Request& req, httplib::Response& res,
                       ResponseStore& store = ResponseStore::process());

// DELETE /v1/responses/{id}: {"id","object":"response.deleted","deleted":true}, else 404.
void delete_response(const httplib::Request& req, httplib::Response& res,
                     ResponseStore& store = ResponseStore::process());

}  // namespace tandem::api
