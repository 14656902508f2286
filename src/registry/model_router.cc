#include "registry/model_router.h"

#include "api/openai_schema.h"
#include "api/responses/responses.h"
#include "http/api_error.h"
#include "http/json_util.h"

namespace tandem::registry {
namespace {

using nlohmann::json;

std::optional<KeepAlive> keep_alive_of(const json& body) {
  auto it = body.find("keep_alive");
  if (it == body.end() || it->is_null()) return std::nullopt;
  try {
    return keep_alive_from_json(*it);
  } catch (const std::invalid_argument& e) {
    throw http::bad_field("keep_alive", e.what());
  }
}

std::string path_id(const httplib::Request& req) {
  return req.matches.size() > 1 ? req.matches[1].str() : "";
}

}  // namespace

ModelRouter::ModelRouter(std::shared_ptr<ModelRegistry> registry, std::string default_id,
                         std::shared_ptr<ModelSwapper> swapper)
    : registry_(std::move(registry)),
      default_id_(std::move(default_id)),
      swapper_(std::move(swapper)) {}

std::string ModelRouter::model_id(const json& body) const {
  // One model: the request goes to it whatever it names, and the service checks the name in
  // its own order (a request invalid otherwise stays a 400 naming that field).
  if (auto ids = registry_->ids(); ids.size() == 1) return ids.front();
  auto it = body.find("model");
  if (it != body.end() && !it->is_null()) {
    if (!it->is_string()) throw http::bad_field("model", "model must be a string");
    // "" is the default model, as a node with one model has always taken it.
    if (!it->get<std::string>().empty()) return it->get<std::string>();
  }
  if (!default_id_.empty()) return default_id_;
  std::string known;
  for (const auto& id : registry_->ids()) known += (known.empty() ? "'" : ", '") + id + "'";
  throw http::bad_field("model", "this server has several models: name one of " + known);
}

void ModelRouter::forward(const httplib::Request& req, httplib::Response& res, Handler h) {
  const json body = api::parse_body(req.body);
  const auto keep_alive =
      registry_->options().request_keep_alive ? keep_alive_of(body) : std::nullopt;
  forward_to(model_id(body), keep_alive, req, res, h);
}

void ModelRouter::forward_to(const std::string& id, std::optional<KeepAlive> keep_alive,
                             const httplib::Request& req, httplib::Response& res, Handler h) {
  std::shared_ptr<ModelLease> lease = registry_->acquire(id, keep_alive);
  (lease->service().*h)(req, res);
  // A stream is written after this returns: its provider holds the lease (and through it the
  // service) until the last chunk, so keep-alive starts when the answer ends.
  if (res.content_provider_)
    res.content_provider_ = [inner = std::move(res.content_provider_), lease](
                                size_t offset, size_t length, httplib::DataSink& sink) {
      return inner(offset, length, sink);
    };
}

void ModelRouter::chat_completions(const httplib::Request& req, httplib::Response& res) {
  forward(req, res, &ServedModel::chat_completions);
}

void ModelRouter::completions(const httplib::Request& req, httplib::Response& res) {
  forward(req, res, &ServedModel::completions);
}

void ModelRouter::embeddings(const httplib::Request& req, httplib::Response& res) {
  forward(req, res, &ServedModel::embeddings);
}

void ModelRouter::responses(const httplib::Request& req, httplib::Response& res) {
  forward(req, res, &ServedModel::responses);
}

// Stored responses live in one process-wide store, whichever model wrote them.
void ModelRouter::retrieve_response(const httplib::Request& req, httplib::Response& res) {
  api::retrieve_response(req, res);
}

void ModelRouter::delete_response(const httplib::Request& req, httplib::Response& res) {
  api::delete_response(req, res);
}

void ModelRouter::tandem_verify(const httplib::Request& req, httplib::Response& res) {
  forward(req, res, &ServedModel::tandem_verify);
}

void ModelRouter::route_decision(const httplib::Request& req, httplib::Response& res) {
  forward(req, res, &ServedModel::route_decision);
}

// The named prompt cache is per model; without ?model= in a GET/DELETE it is the default's.
std::string ModelRouter::cache_model_id(const httplib::Request& req) const {
  return req.has_param("model") ? req.get_param_value("model") : model_id(json{});
}

void ModelRouter::list_cache(const httplib::Request& req, httplib::Response& res) {
  forward_to(cache_model_id(req), std::nullopt, req, res, &ServedModel::list_cache);
}

void ModelRouter::delete_cache(const httplib::Request& req, httplib::Response& res) {
  forward_to(cache_model_id(req), std::nullopt, req, res, &ServedModel::delete_cache);
}

json ModelRouter::model_json(const ModelRegistry::Status& s) const {
  json m = {{"id", s.file.id},
            {"object", "model"},
            {"created", 0},
            {"owned_by", "tandem"},
            {"state", model_state_name(s.state)},
            {"size_bytes", s.file.size_bytes}};
  if (s.expires_in_s) m["expires_in_s"] = *s.expires_in_s;
  // A loaded model adds what its service knows (context_length, modalities).
  if (auto svc = s.state == ModelState::kLoaded ? registry_->peek(s.file.id) : nullptr) {
    const json card = svc->model_card();  // (items() of a temporary would dangle)
    for (const auto& [k, v] : card.items())
      if (!m.contains(k)) m[k] = v;
  }
  return m;
}

void ModelRouter::models(const httplib::Request&, httplib::Response& res) {
  json data = json::array();
  for (const auto& s : registry_->status()) data.push_back(model_json(s));
  res.set_content(http::dump({{"object", "list"}, {"data", std::move(data)}}), "application/json");
}

void ModelRouter::tandem_model_load(const httplib::Request& req, httplib::Response& res) {
  const std::string id = path_id(req);
  const json body = req.body.empty() ? json::object() : api::parse_body(req.body);
  // Loading is a lease that ends at once: the model then stays for its keep-alive.
  registry_->acquire(id, keep_alive_of(body)).reset();
  write_model(id, res);
}

void ModelRouter::tandem_model_unload(const httplib::Request& req, httplib::Response& res) {
  const std::string id = path_id(req);
  registry_->unload(id);
  write_model(id, res);
}

void ModelRouter::write_model(const std::string& id, httplib::Response& res) const {
  for (const auto& s : registry_->status())
    if (s.file.id == id) res.set_content(http::dump(model_json(s)), "application/json");
}

void ModelRouter::tandem_model_swap(const httplib::Request& req, httplib::Response& res) {
  if (!swapper_) return http::Service::tandem_model_swap(req, res);
  const std::string id = path_id(req);
  const SwapOutcome out = swapper_->swap(id, SwapRequest::from_json(api::parse_body(req.body)));
  res.status = out.status;
  res.set_content(http::dump(out.body), "application/json");
}

json ModelRouter::health() const {
  json h = {{"status", "ok"}};
  // The default model's own health (memory, cache, the Dispatcher's Commander link) is the
  // node's, as with one model; any loaded model that is not ok degrades the node.
  for (const auto& s : registry_->status())
    if (auto svc = s.state == ModelState::kLoaded ? registry_->peek(s.file.id) : nullptr) {
      json mh = svc->health();
      const std::string status = h["status"];
      if (s.file.id == default_id_) h.update(mh);
      if (status != "ok") h["status"] = status;
      if (mh.value("status", "ok") != "ok" && h["status"] == "ok") h["status"] = mh["status"];
    }
  h["models"] = registry_->status_json();
  return h;
}

}  // namespace tandem::registry
