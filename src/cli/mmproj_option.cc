#include "cli/mmproj_option.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tandem::cli {

void MmprojOption::add_to(CLI::App* cmd) {
  cmd->add_option("--mmproj", path,
                  "Multimodal projector GGUF (llama.cpp's mmproj layout): image and/or audio "
                  "content parts")
      ->check(CLI::ExistingFile);
  cmd->add_option("--image-max-pixels", max_pixels,
                  "Images with more pixels (width x height) are refused with a 400")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 32));
}

std::shared_ptr<const media::MmprojEncoder> MmprojOption::load(int64_t lm_n_embd,
                                                               int threads) const {
  if (path.empty()) return nullptr;
  media::MmprojEncoderOptions o;
  o.threads = threads;
  o.image.max_pixels = max_pixels;
  return std::make_shared<const media::MmprojEncoder>(path, o, lm_n_embd);
}

std::string describe(const media::MmprojEncoder& enc, const std::string& path) {
  return fmt::format("mmproj {}: {} rows of {} floats", path, fmt::join(enc.modalities(), ", "),
                     enc.n_embd());
}

}  // namespace tandem::cli
