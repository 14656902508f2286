#include "privacy/masker.h"

namespace tandem::privacy {

std::string Masker::mask(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (auto& m : detector_->detect(text)) {
    out.append(text.substr(pos, m.begin - pos));
    auto it = by_value_.find(m.value);
    if (it == by_value_.end()) {
      const size_t n = ++counters_[static_cast<size_t>(m.type)];
      std::string ph = "<";
      ph.append(pii_tag(m.type)).append("_").append(std::to_string(n)).append(">");
      by_placeholder_.emplace(ph, m.value);
      it = by_value_.emplace(m.value, std::move(ph)).first;
    }
    out.append(it->second);
    pos = m.end;
    history_.push_back(std::move(m));
  }
  out.append(text.substr(pos));
  return out;
}

std::optional<std::string_view> Masker::value_of(std::string_view placeholder) const {
  auto it = by_placeholder_.find(placeholder);
  if (it == by_placeholder_.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool Masker::is_placeholder_prefix(std::string_view s) const {
  // The smallest placeholder not less than s starts with s if any does.
  auto it = by_placeholder_.lower_bound(s);
  return it != by_placeholder_.end() && it->first.size() > s.size() &&
         std::string_view(it->first).starts_with(s);
}

std::string Masker::unmask(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t lt = text.find('<', pos);
    if (lt == std::string_view::npos) break;
    const size_t gt = text.find_first_of("<>", lt + 1);
    if (gt != std::string_view::npos && text[gt] == '>') {
      if (auto v = value_of(text.substr(lt, gt - lt + 1))) {
        out.append(text.substr(pos, lt - pos)).append(*v);
        pos = gt + 1;
        continue;
      }
    }
    out.append(text.substr(pos, lt + 1 - pos));
    pos = lt + 1;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace tandem::privacy
