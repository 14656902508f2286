// Image and audio content parts of chat messages (OpenAI's `image_url` and `input_audio`):
// decoded from base64 into media inputs, each leaving a marker in the message text where
// the model will see it. Remote URLs are refused: the edge fetches nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "media/media_encoder.h"

namespace tandem::api {

// Stands for one media part in rendered prompt text (llama.cpp's mtmd marker).
inline constexpr std::string_view kMediaMarker = "<__media__>";

struct MediaPart {
  media::MediaInput input;
  std::string param;  // "messages[2].content[1]": where it came from, for errors
};

// One non-text part of messages[i].content; appends it to `out` and returns the marker, or
// throws ApiError 400 naming `param`.
std::string parse_media_part(const nlohmann::json& part, const std::string& param,
                             std::vector<MediaPart>& out);

// A text part may not contain the marker itself (it would take a media part's place).
void check_text_part(std::string_view text, const std::string& param);

}  // namespace tandem::api
