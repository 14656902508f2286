// Where a request's images and audio may be read (--media). Media is private by default: a
// photo or a voice note says more about its owner than most text, and the masker cannot
// mask pixels, so it stays on the device unless the user allows otherwise.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "media/media_encoder.h"

namespace tandem::dispatcher {

enum class MediaPolicy {
  kEdgeOnly,    // answered on the edge (its --mmproj encoder), or a 400 that says why
  kAllowCloud,  // routed like text; sent to the Commander as the OpenAI content part when
                // the route is cloud or the edge has no encoder for it
};
std::string_view media_policy_name(MediaPolicy p);  // "edge-only" | "allow-cloud"
std::optional<MediaPolicy> parse_media_policy(std::string_view name);

// The type of the first non-text content part the edge encoder cannot read ("image_url",
// "input_audio", an unknown type …); empty when it reads them all. Without an encoder
// (null) that is the first non-text part.
std::string unreadable_modality(const nlohmann::ordered_json& body,
                                const media::MediaEncoder* encoder);

}  // namespace tandem::dispatcher
