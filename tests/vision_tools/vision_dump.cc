// Dumps what Tandem's vision encoder makes of an image, for the PyTorch parity test
// (tests/vision/reference_vision.py):  vision_dump MMPROJ IMAGE OUTDIR [THREADS]
// OUTDIR/manifest.jsonl: one JSON object per line:
//   {"projector", "n_embd_out", "grid_rows", "grid_cols"}, then per encoder input
//   {"image": i, "width", "height", "file"} (8-bit RGB after resize / pad / crop), then per
//   chunk {"chunk": i, "n_rows", "n_embd", "file", "before", "after"} (float32 rows).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "vision/vision_encoder.h"

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& p, const void* data, size_t n) {
  std::ofstream out(p, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem;
  if (argc < 4) {
    std::cerr << "usage: vision_dump MMPROJ IMAGE OUTDIR [THREADS]\n";
    return 2;
  }
  try {
    const auto enc = vision::VisionEncoder::open(argv[1]);
    const auto img = vision::decode_image(read_file(argv[2]));
    const std::filesystem::path dir = argv[3];
    std::filesystem::create_directories(dir);
    kernels::ThreadPool pool(argc > 4 ? std::atoi(argv[4]) : 2);
    std::ofstream manifest(dir / "manifest.jsonl");
    const auto pre = enc.preprocess(img);
    manifest << nlohmann::json{{"projector", mmproj::projector_name(enc.projector_type())},
                               {"n_embd_out", enc.n_embd_out()},
                               {"grid_rows", pre.grid_rows},
                               {"grid_cols", pre.grid_cols}}
             << "\n";
    for (size_t i = 0; i < pre.images.size(); ++i) {
      const std::string name = "image" + std::to_string(i) + ".u8";
      write_file(dir / name, pre.images[i].pixels.data(), pre.images[i].pixels.size());
      manifest << nlohmann::json{{"image", i},
                                 {"width", pre.images[i].width},
                                 {"height", pre.images[i].height},
                                 {"file", name}}
               << "\n";
    }
    const auto e = enc.encode(img, pool);
    for (size_t i = 0; i < e.chunks.size(); ++i) {
      const auto& c = e.chunks[i];
      const std::string name = "chunk" + std::to_string(i) + ".f32";
      write_file(dir / name, c.rows.data(), c.rows.size() * sizeof(float));
      manifest << nlohmann::json{{"chunk", i},   {"n_rows", c.n_rows},      {"n_embd", c.n_embd},
                                 {"file", name}, {"before", c.text_before}, {"after", c.text_after}}
               << "\n";
    }
    return 0;
  } catch (const std::exception& ex) {
    std::cerr << "vision_dump: " << ex.what() << "\n";
    return 1;
  }
}
