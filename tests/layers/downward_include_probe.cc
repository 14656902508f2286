// Must compile: the same target as upward_include_probe.cc, including only what the engine
// layer links (itself, kernels, tokenizer, model). It shows the probe fails for the upward
// include alone, not for a broken setup.
#include "engine/model.h"
#include "kernels/matmul.h"
#include "model/gguf_file.h"
#include "tokenizer/tokenizer.h"

int main() {
  return 0;
}
