#include "privacy/stream_unmasker.h"

namespace tandem::privacy {

std::string StreamUnmasker::push(std::string_view chunk) {
  pending_.append(chunk);
  const std::string_view buf = pending_;
  std::string out;
  size_t pos = 0;
  while (pos < buf.size()) {
    const size_t lt = buf.find('<', pos);
    if (lt == std::string_view::npos) break;
    out.append(buf.substr(pos, lt - pos));
    pos = lt;
    const size_t gt = buf.find('>', lt + 1);
    const size_t limit = lt + Masker::kMaxPlaceholderSize;
    if (gt != std::string_view::npos && gt < limit) {
      if (auto v = masker_->value_of(buf.substr(lt, gt - lt + 1))) {
        out.append(*v);
        pos = gt + 1;
        continue;
      }
    }
    // Only a tail that is a proper prefix of a known placeholder can still turn into one.
    if (masker_->is_placeholder_prefix(buf.substr(lt))) {
      pending_.erase(0, lt);
      return out;
    }
    out.push_back('<');
    pos = lt + 1;
  }
  out.append(buf.substr(pos));
  pending_.clear();
  return out;
}

std::string StreamUnmasker::flush() {
  std::string rest = std::move(pending_);
  pending_.clear();
  return rest;
}

}  // namespace tandem::privacy
