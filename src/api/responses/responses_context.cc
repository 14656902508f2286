#include "api/responses/responses_context.h"

#include <string>

#include "http/api_error.h"

namespace tandem::api {

using ojson = nlohmann::ordered_json;

ojson resolve_input(const ojson& body, ResponseStore& store) {
  const auto in = body.find("input");
  if (in == body.end() || !(in->is_string() || (in->is_array() && !in->empty())))
    return in == body.end() ? ojson(nullptr) : *in;

  ojson items = ojson::array();
  if (const auto prev = body.find("previous_response_id"); prev != body.end() && !prev->is_null()) {
    if (!prev->is_string())
      throw http::bad_field("previous_response_id", "'previous_response_id' must be a string");
    const std::string id = prev->get<std::string>();
    auto context = store.context(id);
    if (!context)
      throw http::ApiError(400,
                           "Previous response with id '" + id +
                               "' not found. Responses are kept in this server's memory only "
                               "when stored ('store' true, the default), and only until it "
                               "restarts or evicts them (count, size and idle-time limits).",
                           "invalid_request_error", "previous_response_id",
                           "previous_response_not_found");
    items = std::move(*context);
  }

  if (in->is_string()) {
    items.push_back({{"role", "user"}, {"content", *in}});
    return items;
  }
  for (size_t i = 0; i < in->size(); ++i) {
    const ojson& item = (*in)[i];
    const auto type = item.is_object() ? item.find("type") : item.end();
    if (type == item.end() || *type != "item_reference") {
      items.push_back(item);  // checked by the conversion
      continue;
    }
    const std::string param = "input[" + std::to_string(i) + "].id";
    const auto id = item.find("id");
    if (id == item.end() || !id->is_string()) throw http::bad_field(param, "'id' must be a string");
    auto stored = store.item(id->get<std::string>());
    if (!stored)
      throw http::bad_field(
          param, "Item with id '" + id->get<std::string>() +
                     "' not found. Items are kept in this server's memory only when their "
                     "response was stored ('store' true, the default), and only until it "
                     "restarts or evicts them; send the item itself instead (AI SDK: "
                     "providerOptions.openai.store = false).");
    items.push_back(std::move(*stored));
  }
  return items;
}

}  // namespace tandem::api
