// The one error the audio front end throws: bad input of any kind (corrupt, truncated,
// unsupported, too long, empty). The API layer turns it into a 400 with what() as message.
#pragma once

#include <stdexcept>
#include <string>

namespace tandem::audio {

class AudioError : public std::runtime_error {
 public:
  explicit AudioError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace tandem::audio
