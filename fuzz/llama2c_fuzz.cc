// llama2.c checkpoint reader: the input is the checkpoint, with the real stories260K tokenizer
// beside it. Any input loads or fails with one ModelFileError.
#include <cstdint>

#include "fuzz/fuzz_file.h"
#include "model/gguf_file.h"
#include "model/llama2c.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tandem::fuzz::write_input(data, size, ".bin");
  try {
    tandem::model::load_llama2c(path, TANDEM_SHARED_DIR "/models/stories260K/tok512.bin");
  } catch (const tandem::model::ModelFileError&) {
  }
  return 0;
}
