// --mmproj FILE (llama.cpp's name) and --image-max-pixels: the image/audio encoder paired with
// the language model, for the commands that take media (run, commander, dispatcher).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "media/mmproj_encoder.h"

namespace tandem::cli {

struct MmprojOption {
  std::string path;
  int64_t max_pixels = 4096LL * 4096;

  void add_to(CLI::App* cmd);
  // Null without --mmproj. Throws (ModelFileError, std::invalid_argument) for a file that is
  // no mmproj or does not pair with the model (`lm_n_embd`).
  std::shared_ptr<const media::MmprojEncoder> load(int64_t lm_n_embd, int threads) const;
};

// One line for the log: the file, its modalities and row width.
std::string describe(const media::MmprojEncoder& enc, const std::string& path);

}  // namespace tandem::cli
