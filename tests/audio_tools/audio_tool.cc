// Runs the audio front end on files for the Python reference tests (tests/audio/*.py):
//   audio_tool decode IN OUT.f32 [HINT]      16 kHz mono samples of an audio file
//   audio_tool logmel IN.f32 N_MEL OUT.f32   normalised log-mel [n_mel][n_frames]; prints
//                                            {"n_frames": .., "n_chunks": ..}
//   audio_tool filterbank N_MEL OUT.f32      the mel filterbank [n_mel][201]
//   audio_tool transcode IN OUT mp3|flac     re-encodes a file with libsndfile (fixtures)
//   audio_tool conv-stem DIR N_MEL N_FRAMES N_EMBD f32|f16
//                                            DIR/{mel,w1,b1,w2,b2}.f32 -> DIR/out.f32
//                                            [n_frames/2][n_embd]; f16 rounds the weights
//                                            to fp16 first; prints {"ms": ..}
//   audio_tool encode MMPROJ IN OUTDIR [THREADS]
//                                            the audio encoder on an audio file: per chunk
//                                            i OUTDIR/mel{i}.f32 (its [n_mel][3000] input)
//                                            and rows{i}.f32; OUTDIR/manifest.jsonl lists
//                                            {"projector", "n_mel", "flops"} then per chunk
//                                            {"chunk", "n_rows", "n_embd", "before", "after"}
// Raw .f32 files are little-endian float32 arrays.
#include <sndfile.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "audio/audio_encoder.h"
#include "audio/conv_stem.h"
#include "audio/decode.h"
#include "audio/log_mel.h"
#include "audio/mel_filterbank.h"
#include "kernels/quant/quant_formats.h"
#include "kernels/thread_pool.h"

namespace {

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<float> read_f32(const std::string& path) {
  const auto b = read_bytes(path);
  std::vector<float> v(b.size() / sizeof(float));
  std::memcpy(v.data(), b.data(), v.size() * sizeof(float));
  return v;
}

void write_f32(const std::string& path, const std::vector<float>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(float)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void transcode(const std::string& in_path, const std::string& out_path, const std::string& fmt) {
  SF_INFO in_info{};
  SNDFILE* in = sf_open(in_path.c_str(), SFM_READ, &in_info);
  if (!in) throw std::runtime_error("open " + in_path + ": " + sf_strerror(nullptr));
  // 16-bit in and out, so a lossless re-encoding is bit-exact.
  std::vector<short> s(static_cast<size_t>(in_info.frames * in_info.channels));
  sf_readf_short(in, s.data(), in_info.frames);
  sf_close(in);
  SF_INFO out_info{};
  out_info.samplerate = in_info.samplerate;
  out_info.channels = in_info.channels;
  out_info.format = fmt == "mp3" ? (SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
                                 : (SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  SNDFILE* out = sf_open(out_path.c_str(), SFM_WRITE, &out_info);
  if (!out) throw std::runtime_error("open " + out_path + ": " + sf_strerror(nullptr));
  if (fmt == "mp3") {
    double level = 0.0;  // least compression: the comparison is about the decoder
    sf_command(out, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level));
  }
  sf_writef_short(out, s.data(), in_info.frames);
  sf_close(out);
}

void conv_stem(const std::vector<std::string>& a) {
  using namespace tandem;
  const std::string dir = a[1];
  const int n_mel = std::stoi(a[2]);
  const int64_t n_frames = std::stoll(a[3]), n_embd = std::stoll(a[4]);
  const bool f16 = a[5] == "f16";
  const auto mel = read_f32(dir + "/mel.f32");
  const auto w1 = read_f32(dir + "/w1.f32"), b1 = read_f32(dir + "/b1.f32");
  const auto w2 = read_f32(dir + "/w2.f32"), b2 = read_f32(dir + "/b2.f32");
  std::vector<uint16_t> h1, h2;
  for (float v : w1) h1.push_back(kernels::f32_to_fp16(v));
  for (float v : w2) h2.push_back(kernels::f32_to_fp16(v));
  audio::ConvStemWeights w;
  if (f16) {
    w = {audio::f16_weight(h1, n_embd, n_mel * 3), b1, audio::f16_weight(h2, n_embd, n_embd * 3),
         b2};
  } else {
    w = {audio::f32_weight(w1, n_embd, n_mel * 3), b1, audio::f32_weight(w2, n_embd, n_embd * 3),
         b2};
  }
  kernels::ThreadPool pool(2);
  audio::whisper_conv_stem(mel, n_mel, n_frames, w, pool);  // warm-up
  const auto t0 = std::chrono::steady_clock::now();
  const auto out = audio::whisper_conv_stem(mel, n_mel, n_frames, w, pool);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  write_f32(dir + "/out.f32", out);
  std::printf("{\"ms\": %.2f}\n", ms);
}

void encode(const std::vector<std::string>& a) {
  using namespace tandem;
  const auto enc = audio::AudioEncoder::open(a[1]);
  const auto samples = audio::decode_audio(read_bytes(a[2]), "");
  const std::string dir = a[3];
  kernels::ThreadPool pool(a.size() > 4 ? std::stoi(a[4]) : 2);
  const auto mel = audio::whisper_log_mel(samples, enc.n_mel(), &pool);
  const auto e = enc.encode(samples, pool);
  std::ofstream manifest(dir + "/manifest.jsonl");
  manifest << "{\"projector\": \"" << mmproj::projector_name(enc.projector_type())
           << "\", \"n_mel\": " << enc.n_mel() << ", \"flops\": " << enc.flops_per_chunk() << "}\n";
  for (size_t i = 0; i < e.chunks.size(); ++i) {
    const auto& c = e.chunks[i];
    write_f32(dir + "/mel" + std::to_string(i) + ".f32", mel.at(i).data);
    write_f32(dir + "/rows" + std::to_string(i) + ".f32", c.rows);
    // The marker texts hold no quotes or backslashes: written as they are.
    manifest << "{\"chunk\": " << i << ", \"n_rows\": " << c.n_rows << ", \"n_embd\": " << c.n_embd
             << ", \"before\": \"" << c.text_before << "\", \"after\": \"" << c.text_after
             << "\"}\n";
  }
}

}  // namespace

int main(int argc, char** argv) try {
  const std::vector<std::string> a(argv + 1, argv + argc);
  using namespace tandem::audio;
  if (a.size() >= 3 && a[0] == "decode") {
    const auto bytes = read_bytes(a[1]);
    write_f32(a[2], decode_audio(bytes, a.size() > 3 ? a[3] : ""));
  } else if (a.size() == 4 && a[0] == "logmel") {
    const auto samples = read_f32(a[1]);
    tandem::kernels::ThreadPool pool(2);
    const LogMel mel = whisper_log_mel_full(samples, std::stoi(a[2]), &pool);
    write_f32(a[3], mel.data);
    std::printf("{\"n_frames\": %lld, \"n_chunks\": %zu}\n", static_cast<long long>(mel.n_frames),
                whisper_log_mel(samples, std::stoi(a[2])).size());
  } else if (a.size() == 3 && a[0] == "filterbank") {
    write_f32(a[2], mel_filterbank(std::stoi(a[1]), 400, 16000));
  } else if (a.size() == 6 && a[0] == "conv-stem") {
    conv_stem(a);
  } else if ((a.size() == 4 || a.size() == 5) && a[0] == "encode") {
    encode(a);
  } else if (a.size() == 4 && a[0] == "transcode") {
    transcode(a[1], a[2], a[3]);
  } else {
    std::cerr << "usage: see the head of tests/audio_tools/audio_tool.cc\n";
    return 2;
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "audio_tool: " << e.what() << "\n";
  return 1;
}
