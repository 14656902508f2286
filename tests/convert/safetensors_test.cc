// The safetensors reader rejects every malformed header with one line naming the file; the
// writer's output reads back; the rope permutation is its own inverse's inverse.
#include "convert/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <numeric>

#include "convert/hf_config.h"
#include "kernels/quant/quant_formats.h"
#include "model/gguf_file.h"
#include "support/paths.h"

namespace tandem::convert {
namespace {

// A raw safetensors file: 8-byte length (or `len_override`), header text, data bytes.
std::string write_raw(const std::string& name, const std::string& header, size_t data_bytes,
                      int64_t len_override = -1) {
  const std::string path = test::unique_temp_dir() + "/" + name;
  std::ofstream f(path, std::ios::binary);
  const uint64_t n = len_override >= 0 ? static_cast<uint64_t>(len_override) : header.size();
  f.write(reinterpret_cast<const char*>(&n), 8);
  f << header;
  f << std::string(data_bytes, '\x01');
  return path;
}

void expect_error(const std::string& path, const std::string& needle) {
  try {
    SafetensorsFile::open(path);
    ADD_FAILURE() << "no error for " << path << " (wanted '" << needle << "')";
  } catch (const model::ModelFileError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(Safetensors, WriterOutputReadsBack) {
  SafetensorsWriter w;
  std::vector<float> a = {1.0f, -2.5f, 3.25f, 0.0f, 1e-3f, 7.0f};
  std::vector<uint8_t> ab(a.size() * 4);
  std::memcpy(ab.data(), a.data(), ab.size());
  w.add("a", "F32", {2, 3}, ab);
  std::vector<uint8_t> bb(4);
  const uint16_t h0 = kernels::f32_to_bf16(1.5f), h1 = kernels::f32_to_bf16(-0.25f);
  std::memcpy(bb.data(), &h0, 2);
  std::memcpy(bb.data() + 2, &h1, 2);
  w.add("b", "BF16", {2}, bb);
  w.add("empty", "F16", {0, 4}, {});
  w.set_metadata("format", "pt");
  const std::string path = test::unique_temp_dir() + "/ok.safetensors";
  w.write(path);
  const auto f = SafetensorsFile::open(path);
  ASSERT_EQ(f.tensors().size(), 3u);
  EXPECT_EQ(f.metadata().at("format"), "pt");
  const auto* ta = f.find("a");
  ASSERT_NE(ta, nullptr);
  EXPECT_EQ(ta->shape, (std::vector<int64_t>{2, 3}));
  std::vector<float> back(6);
  to_f32(*ta, back.data());
  EXPECT_EQ(back, a);
  std::vector<float> b(2);
  to_f32(*f.find("b"), b.data());
  EXPECT_EQ(b, (std::vector<float>{1.5f, -0.25f}));
  EXPECT_EQ(f.find("empty")->n_elements(), 0);
  EXPECT_EQ(f.find("missing"), nullptr);
}

// Found by fuzz_safetensors: an F64 tensor escaped the reader's error type.
TEST(Safetensors, UnconvertibleDtypeIsAModelFileError) {
  SafetensorsWriter w;
  w.add("d", "F64", {2}, std::vector<uint8_t>(16));
  const std::string path = test::unique_temp_dir() + "/f64.safetensors";
  w.write(path);
  const auto f = SafetensorsFile::open(path);
  std::vector<float> out(2);
  EXPECT_THROW(to_f32(*f.find("d"), out.data()), model::ModelFileError);
}

TEST(Safetensors, WriterRejectsInconsistentTensors) {
  SafetensorsWriter w;
  EXPECT_THROW(w.add("x", "F32", {2, 2}, std::vector<uint8_t>(12)), std::invalid_argument);
  EXPECT_THROW(w.add("x", "Q4", {2}, std::vector<uint8_t>(2)), std::invalid_argument);
  w.add("x", "U8", {2}, std::vector<uint8_t>(2));
  EXPECT_THROW(w.add("x", "U8", {2}, std::vector<uint8_t>(2)), std::invalid_argument);
}

TEST(Safetensors, TooShortForTheHeaderSize) {
  const std::string path = test::unique_temp_dir() + "/short.safetensors";
  std::ofstream(path, std::ios::binary) << "abc";
  expect_error(path, "shorter than its 8-byte header size");
}

TEST(Safetensors, HeaderLengthBeyondTheFile) {
  expect_error(write_raw("len.safetensors", "{}", 0, 1000), "header size 1000 exceeds the file");
}

TEST(Safetensors, HeaderNotJson) {
  expect_error(write_raw("json.safetensors", "{\"a\": [", 0), "header is not valid JSON");
  expect_error(write_raw("arr.safetensors", "[1, 2]", 0), "not a JSON object");
}

TEST(Safetensors, OffsetsOutsideTheFile) {
  expect_error(
      write_raw("out.safetensors", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8),
      "data_offsets [0, 16] outside the 8 data bytes");
}

TEST(Safetensors, MisorderedOffsets) {
  expect_error(
      write_raw("mis.safetensors", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", 8),
      "data_offsets [8, 4]");
}

TEST(Safetensors, OverlappingRanges) {
  expect_error(write_raw("ovl.safetensors",
                         R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                         R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                         12),
               "tensor data ranges overlap");
}

TEST(Safetensors, GapsAndTrailingBytes) {
  expect_error(
      write_raw("gap.safetensors", R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8),
      "gap in the tensor data at bytes [0, 4)");
  expect_error(
      write_raw("tail.safetensors", R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 8),
      "tensor data ends at byte 4 but the data section has 8 bytes");
}

TEST(Safetensors, DtypeShapeMismatch) {
  expect_error(
      write_raw("dsm.safetensors", R"({"a":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}})", 4),
      "4 bytes for 3 BF16 elements");
}

TEST(Safetensors, UnknownDtype) {
  expect_error(
      write_raw("dt.safetensors", R"({"a":{"dtype":"Q4_0","shape":[2],"data_offsets":[0,2]}})", 2),
      "tensor 'a': unknown dtype Q4_0");
}

TEST(Safetensors, MissingFieldsAndBadShapes) {
  expect_error(write_raw("nf.safetensors", R"({"a":{"dtype":"F32","shape":[1]}})", 4),
               "lacks dtype, shape or data_offsets");
  expect_error(
      write_raw("neg.safetensors", R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4),
      "not a non-negative integer");
}

TEST(Safetensors, MissingFileNamesThePath) {
  const std::string path = test::unique_temp_dir() + "/nope.safetensors";
  EXPECT_THROW(
      {
        try {
          SafetensorsFile::open(path);
        } catch (const model::ModelFileError& e) {
          EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
          throw;
        }
      },
      model::ModelFileError);
}

// llama.cpp's LlamaModel.permute on row indices: reshape(n_head, 2, hd/2).swapaxes(1, 2).
TEST(RopePermutation, MatchesLlamaCppPermuteAndInverts) {
  const int64_t heads = 2, hd = 6, rows = heads * hd, cols = 3;
  std::vector<float> hf(static_cast<size_t>(rows * cols));
  std::iota(hf.begin(), hf.end(), 0.0f);
  std::vector<float> gguf(hf.size()), back(hf.size());
  permute_rope_rows(reinterpret_cast<const uint8_t*>(hf.data()),
                    reinterpret_cast<uint8_t*>(gguf.data()), rows, cols, 4, heads, true);
  // Head 0 of HF is rows [0 1 2 | 3 4 5]; GGUF interleaves them as 0 3 1 4 2 5.
  const int64_t want_rows[] = {0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11};
  for (int64_t r = 0; r < rows; ++r)
    EXPECT_EQ(gguf[static_cast<size_t>(r * cols)], static_cast<float>(want_rows[r] * cols)) << r;
  permute_rope_rows(reinterpret_cast<const uint8_t*>(gguf.data()),
                    reinterpret_cast<uint8_t*>(back.data()), rows, cols, 4, heads, false);
  EXPECT_EQ(back, hf);
  EXPECT_THROW(permute_rope_rows(nullptr, nullptr, 10, 1, 4, 4, true), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::convert
