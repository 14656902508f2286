// Unmasking of a streamed answer, where a placeholder can be split across chunks.
#pragma once

#include <string>
#include <string_view>

#include "privacy/masker.h"

namespace tandem::privacy {

class StreamUnmasker {
 public:
  // The Masker must outlive this object; placeholders it assigns later are honoured too.
  explicit StreamUnmasker(const Masker& masker) : masker_(&masker) {}

  // Appends a chunk and returns the text that is safe to emit now: complete placeholders
  // replaced by their values, and any suffix that could still become a placeholder held back.
  std::string push(std::string_view chunk);
  // End of stream: everything held back, as is.
  std::string flush();

  size_t held_back() const { return pending_.size(); }

 private:
  const Masker* masker_;
  std::string pending_;
};

}  // namespace tandem::privacy
