// A trained Chinese person-name model: logistic regression over hashed features of each
// candidate (a surname + 1-2 given characters), trained on synthetic sentences by
// data/privacy/train_name_model.py. Its features are those of data/privacy/
// name_model_features.py, computed here byte for byte the same way, so the scores equal the
// script's (tests/privacy/name_model_test.cc). The detector combines it with the rules
// (docs/PRIVACY.md, "Name model").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/detector_rules.h"

namespace tandem::privacy {

// Weight units per logit: a score of kNameModelScale means odds of e to 1 for a name.
inline constexpr int kNameModelScale = 64;

// The detector's use of the model, chosen on the dev files (docs/PRIVACY.md): a bare rule name
// that the model scores below kNameModelVeto is dropped, a model candidate at or above
// kNameModelAdd that overlaps nothing found is added. Every veto between -2 and -8 logits cost
// rule names on the dev files and removed no false alarm, so only near-certain ones veto.
inline constexpr int kNameModelVeto = -12 * kNameModelScale;
inline constexpr int kNameModelAdd = 2 * kNameModelScale;

// A bare rule name whose exact span scores at least kNameModelShift below an overlapping
// candidate (not one holding the whole name) that itself scores kNameModelShiftFloor or
// more takes that candidate's span: the
// rules read a one-character verb or the start of a title as a given character (党蓉|开,
// 贾雪|阿姨) or a word's last character as a surname (改|成荣倩), where the model, trained on
// names followed and preceded by such words, tells the edge.
inline constexpr int kNameModelShift = 4 * kNameModelScale;
inline constexpr int kNameModelShiftFloor = 1 * kNameModelScale;

struct NameCandidate {
  size_t begin = 0, end = 0;  // byte offsets, [begin, end)
  int score = 0;              // log-odds × kNameModelScale, exact (integer weights)
};

// Every candidate of the text with its score, ordered by begin then end. Linear in the text:
// at most two candidates per character, a fixed number of features each.
std::vector<NameCandidate> score_name_candidates(std::string_view text);

// Drops from `names` (bare rule names) those whose exact span the model scores below
// kNameModelVeto, unless they are listed public figures.
void veto_weak_names(std::string_view text, std::vector<Span>& names,
                     const std::vector<NameCandidate>& scored);

// Moves each bare rule name of `names` (sorted, disjoint) to a much better overlapping
// candidate (kNameModelShift), unless it is a listed public figure or the move would overlap
// another name.
void shift_name_bounds(std::string_view text, std::vector<Span>& names,
                       const std::vector<NameCandidate>& scored);

// The model's candidates at or above kNameModelAdd, best first, that overlap neither a span in
// `taken` (what the detector found, disjoint) nor a better candidate.
std::vector<Span> confident_model_names(std::string_view text,
                                        const std::vector<NameCandidate>& scored,
                                        const std::vector<Span>& taken);

// The feature strings of one candidate: the surname of `surname_bytes` at text[begin] and
// `given_chars` (1 or 2) Han characters after it (for tests and debugging).
std::vector<std::string> name_candidate_features(std::string_view text, size_t begin,
                                                 size_t surname_bytes, int given_chars);

}  // namespace tandem::privacy
