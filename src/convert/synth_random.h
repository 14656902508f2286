// Deterministic random values for synthesized weights: every tensor (and row) seeded from
// its name, so a file's contents do not depend on the order tensors are written in.
#pragma once

#include <cstdint>
#include <string>

namespace tandem::convert {

// splitmix64: a fast, well-mixed generator so each row can be seeded independently.
inline uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a of a tensor name, started from the file's seed.
inline uint64_t hash_name(const std::string& s, uint64_t seed) {
  uint64_t h = seed ^ 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace tandem::convert
