// The conversation a Responses request continues, from the response store: the stored
// input and output items of `previous_response_id`, then the request's own input items with
// each `item_reference` replaced by the stored item it names.
#pragma once

#include <nlohmann/json.hpp>

#include "api/responses/response_store.h"

namespace tandem::api {

// The request's input as a list of items, with the earlier context resolved (a string input
// becomes one user message). Shapes the conversion rejects anyway (no input, an empty list,
// a number) come back as they are. Throws http::ApiError 400: code
// previous_response_not_found (param previous_response_id), or a reference to no stored item
// (param input[i].id).
nlohmann::ordered_json resolve_input(const nlohmann::ordered_json& body, ResponseStore& store);

}  // namespace tandem::api
