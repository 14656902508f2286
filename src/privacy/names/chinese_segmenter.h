// Max-probability segmentation of Chinese text over a word lattice (jieba's method, with its
// dictionary's statistics: chinese_lexicon.h), in which a person name is one more kind of
// word: a listed surname + 1-2 given-name characters, costed by how often those characters
// make names and by the context around it. A name is found where that path is cheaper than
// every reading as words, so 柏知远发条微信 gives 柏知远 (no word covers 知远) while 马路对面
// gives 马路 and 黄山 stays a mountain.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "privacy/detector_rules.h"

namespace tandem::privacy {

struct Segment {
  size_t begin = 0, end = 0;  // byte offsets into the text, [begin, end)
  bool name = false;          // the lattice's person-name word
};

// The cheapest path through each run of Han characters, in order; other bytes are not
// segmented (they end a run). Linear in the text: at most 4-character words and names.
std::vector<Segment> segment_chinese(std::string_view text);

// The name segments of segment_chinese().
std::vector<Span> find_chinese_names_by_lattice(std::string_view text);

}  // namespace tandem::privacy
