#include "api/media_parts.h"

#include "http/api_error.h"
#include "media/base64.h"

namespace tandem::api {
namespace {

using nlohmann::json;

std::vector<uint8_t> decode(std::string_view b64, const std::string& param, const char* what) {
  auto bytes = media::base64_decode(b64);
  if (!bytes) throw http::bad_field(param, std::string(what) + " is not valid base64");
  if (bytes->empty()) throw http::bad_field(param, std::string(what) + " is empty");
  return std::move(*bytes);
}

media::MediaInput image_from_url(std::string_view url, const std::string& param) {
  if (url.starts_with("http://") || url.starts_with("https://"))
    throw http::ApiError(400,
                         "remote image URLs are not fetched (nothing leaves this server to get "
                         "them); send the image inline as a data: URL "
                         "(data:image/png;base64,...)",
                         "invalid_request_error", param, "unsupported_media_url");
  if (!url.starts_with("data:"))
    throw http::ApiError(400, "image_url must be a data: URL (data:image/png;base64,...)",
                         "invalid_request_error", param, "unsupported_media_url");
  const size_t comma = url.find(',');
  if (comma == std::string_view::npos)
    throw http::bad_field(param, "the data: URL has no ',' before its data");
  const std::string_view head = url.substr(5, comma - 5);  // "image/png;base64"
  if (!head.ends_with(";base64"))
    throw http::bad_field(param, "only base64 data: URLs are accepted (…;base64,...)");
  const std::string_view mime = head.substr(0, head.size() - 7);
  if (!mime.empty() && !mime.starts_with("image/"))
    throw http::bad_field(
        param, "an image_url data: URL must hold an image/* type, not '" + std::string(mime) + "'");
  media::MediaInput in;
  in.kind = media::Modality::kImage;
  in.format = mime.empty() ? "" : std::string(mime.substr(6));
  in.bytes = decode(url.substr(comma + 1), param, "the image data");
  return in;
}

}  // namespace

void check_text_part(std::string_view text, const std::string& param) {
  if (text.find(kMediaMarker) != std::string_view::npos)
    throw http::bad_field(param, "text may not contain " + std::string(kMediaMarker) +
                                     ", which marks where media goes");
}

std::string parse_media_part(const json& part, const std::string& param,
                             std::vector<MediaPart>& out) {
  const std::string type = part.value("type", "");
  MediaPart p;
  p.param = param;
  if (type == "image_url") {
    const json* iu = part.contains("image_url") ? &part["image_url"] : nullptr;
    const json* url = !iu ? nullptr : iu->is_object() && iu->contains("url") ? &(*iu)["url"] : iu;
    if (!url || !url->is_string())
      throw http::bad_field(param + ".image_url", "'image_url' must be {\"url\": \"data:...\"}");
    p.input = image_from_url(url->get_ref<const std::string&>(), param + ".image_url");
  } else if (type == "input_audio") {
    const json* ia = part.contains("input_audio") ? &part["input_audio"] : nullptr;
    if (!ia || !ia->is_object() || !ia->contains("data") || !(*ia)["data"].is_string())
      throw http::bad_field(
          param + ".input_audio",
          "'input_audio' must be {\"data\": base64, \"format\": \"wav\"|\"mp3\"}");
    const std::string format = ia->value("format", "");
    if (format != "wav" && format != "mp3" && format != "flac" && format != "ogg")
      throw http::bad_field(param + ".input_audio.format",
                            "audio format must be wav, mp3, flac or ogg, not '" + format + "'");
    p.input.kind = media::Modality::kAudio;
    p.input.format = format;
    p.input.bytes = decode((*ia)["data"].get_ref<const std::string&>(), param + ".input_audio.data",
                           "the audio data");
  } else {
    throw http::bad_field(
        param, "content parts must be text, image_url or input_audio, not '" + type + "'");
  }
  out.push_back(std::move(p));
  return std::string(kMediaMarker);
}

}  // namespace tandem::api
