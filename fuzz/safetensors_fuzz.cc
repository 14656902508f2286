// safetensors reader: header JSON and byte ranges from the input; a valid file's tensors are
// converted to F32 whole (every range checked), anything else is one ModelFileError.
#include <cstdint>
#include <vector>

#include "convert/safetensors.h"
#include "fuzz/fuzz_file.h"
#include "model/gguf_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tandem::fuzz::write_input(data, size, ".safetensors");
  try {
    const auto f = tandem::convert::SafetensorsFile::open(path);
    for (const auto& t : f.tensors()) {
      if (tandem::convert::dtype_size(t.dtype) == 0 || t.n_elements() > (1 << 20)) continue;
      std::vector<float> out(static_cast<size_t>(t.n_elements()));
      tandem::convert::to_f32(t, out.data());
    }
  } catch (const tandem::model::ModelFileError&) {
  }
  return 0;
}
