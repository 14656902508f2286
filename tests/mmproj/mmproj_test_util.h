// Builds small mmproj files for the mmproj and vision tests.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "convert/synth_mmproj.h"

namespace tandem::testing {

// A tiny random-weight mmproj of `projector` written under the test temp dir. The name
// holds the process id: CTest runs each test as its own process, in parallel.
inline std::string tiny_mmproj(const std::string& projector, const std::string& type = "F32",
                               int64_t n_embd_text = 40, uint64_t seed = 7) {
  convert::MmprojSynthOptions o;
  o.projector = projector;
  o.shape = convert::vision_preset("tiny");
  o.n_embd_text = n_embd_text;
  o.type = type;
  o.seed = seed;
  const auto path = std::filesystem::temp_directory_path() /
                    ("tandem-mmproj-" + std::to_string(getpid()) + "-" + projector + "-" + type +
                     "-" + std::to_string(seed) + ".gguf");
  convert::synth_mmproj(o, path.string());
  return path.string();
}

// The same for the audio projectors ("ultravox", "qwen2a") on the "tiny" Whisper encoder;
// "gemma3,ultravox" writes a file holding both encoders.
inline std::string tiny_audio_mmproj(const std::string& projector, const std::string& type = "F32",
                                     int64_t n_embd_text = 40, uint64_t seed = 7) {
  convert::MmprojSynthOptions o;
  o.projector = projector;
  o.shape = convert::vision_preset("tiny");
  o.audio = convert::audio_preset("tiny");
  o.n_embd_text = n_embd_text;
  o.type = type;
  o.seed = seed;
  const auto path = std::filesystem::temp_directory_path() /
                    ("tandem-mmproj-audio-" + std::to_string(getpid()) + "-" + projector + "-" +
                     type + "-" + std::to_string(seed) + ".gguf");
  convert::synth_mmproj(o, path.string());
  return path.string();
}

}  // namespace tandem::testing
