// Privacy: detection and masking of any text never fail, and unmasking a stream in pieces
// gives exactly what unmasking it whole gives (wherever the chunk boundaries fall).
#include <cstdint>
#include <string>
#include <string_view>

#include "privacy/masker.h"
#include "privacy/stream_unmasker.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data) + 1, size - 1);
  // The first byte chooses where the text splits into "prompt" and "answer".
  const size_t cut = all.size() * data[0] / 256;
  tandem::privacy::Masker masker;
  (void)masker.mask(all.substr(0, cut));
  const std::string answer(all.substr(cut));
  const std::string whole = masker.unmask(answer);
  tandem::privacy::StreamUnmasker stream(masker);
  std::string pieces;
  const size_t step = 1 + data[0] % 7;
  for (size_t i = 0; i < answer.size(); i += step)
    pieces += stream.push(std::string_view(answer).substr(i, step));
  pieces += stream.flush();
  if (pieces != whole) __builtin_trap();
  return 0;
}
