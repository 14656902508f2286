// GGUF reader: any byte string is either a valid file or one ModelFileError; a valid file's
// tensors and metadata are touched whole, so an out-of-bounds view shows up under ASan.
#include <cstdint>
#include <vector>

#include "model/gguf_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto f =
        tandem::model::GgufFile::from_bytes(std::vector<uint8_t>(data, data + size), "fuzz.gguf");
    volatile unsigned sum = 0;
    for (const auto& t : f.tensors())
      for (size_t i = 0; i < t.nbytes; ++i) sum = sum + t.data[i];
    for (const auto& [k, v] : f.metadata())
      sum = sum + static_cast<unsigned>(v.to_display_string().size());
  } catch (const tandem::model::ModelFileError&) {
  }
  return 0;
}
