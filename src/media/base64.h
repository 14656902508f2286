// Base64 (RFC 4648, standard alphabet) for media in JSON bodies (data: URLs, input_audio)
// and base64 embeddings.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::media {

std::string base64_encode(std::span<const uint8_t> bytes);
// nullopt for anything but canonical base64 (padding optional; no whitespace inside).
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace tandem::media
