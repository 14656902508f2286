#include "dispatcher/media_policy.h"

#include "dispatcher/offload.h"

namespace tandem::dispatcher {

std::string_view media_policy_name(MediaPolicy p) {
  return p == MediaPolicy::kEdgeOnly ? "edge-only" : "allow-cloud";
}

std::optional<MediaPolicy> parse_media_policy(std::string_view name) {
  if (name == "edge-only") return MediaPolicy::kEdgeOnly;
  if (name == "allow-cloud") return MediaPolicy::kAllowCloud;
  return std::nullopt;
}

namespace {

std::optional<media::Modality> modality_of(std::string_view type) {
  if (type == "image_url") return media::Modality::kImage;
  if (type == "input_audio") return media::Modality::kAudio;
  return std::nullopt;
}

}  // namespace

std::string unreadable_modality(const nlohmann::ordered_json& body,
                                const media::MediaEncoder* encoder) {
  if (!encoder) return non_text_modality(body);
  const auto m = body.find("messages");
  if (m == body.end() || !m->is_array()) return "";
  for (const auto& msg : *m) {
    if (!msg.is_object()) continue;
    const auto c = msg.find("content");
    if (c == msg.end() || !c->is_array()) continue;
    for (const auto& part : *c) {
      if (!part.is_object()) continue;
      const auto t = part.find("type");
      if (t == part.end() || !t->is_string() || *t == "text") continue;
      const std::string type = t->get<std::string>();
      const auto kind = modality_of(type);
      if (!kind || !encoder->supports(*kind)) return type;
    }
  }
  return "";
}

}  // namespace tandem::dispatcher
