// Finds personal data in text: precompiled RE2 patterns (linear time on any input), then
// checksum/date/word-list validation, then deterministic overlap resolution.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/pii_type.h"

namespace tandem::privacy {

struct PiiMatch {
  PiiType type;
  size_t begin = 0;  // byte offsets into the scanned text, [begin, end)
  size_t end = 0;
  std::string value;
};

class PiiDetector {
 public:
  // Compiles every pattern; throws std::logic_error if one does not compile (a bug).
  PiiDetector();
  ~PiiDetector();
  PiiDetector(const PiiDetector&) = delete;
  PiiDetector& operator=(const PiiDetector&) = delete;

  // Non-overlapping matches sorted by begin. Where candidates overlap the longest wins; on a
  // tie the more specific type (id > phone > card > email > ip > name).
  std::vector<PiiMatch> detect(std::string_view text) const;

  // A process-wide detector (compiling the patterns costs a few milliseconds); thread-safe.
  static const PiiDetector& shared();

 private:
  struct Impl;  // keeps RE2 out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::privacy
