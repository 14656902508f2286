// Corrupt GGUF images: every one must be rejected with a one-line ModelFileError naming the
// file and the problem; none may crash (this file also runs under ASan + UBSan in CI).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/paths.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "model/gguf_file.h"
#include "model/gguf_writer.h"

namespace tandem::model {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Bytes = std::vector<uint8_t>;
constexpr const char* kName = "corrupt.gguf";

Bytes filled(size_t n, uint8_t seed) {
  Bytes v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + 3 * i);
  return v;
}

// Metadata of every shape, then three tensors; weight.c is last in the data section and its
// 34 bytes are followed by padding.
GgufWriter base_writer() {
  GgufWriter w;
  w.set_string("general.architecture", "llama");
  w.set_u32("key.one", 1);
  w.set_u32("key.two", 2);
  w.set_bool("flag", true);
  w.set_string_array("tok.list", {"a", "bb", "ccc"});
  w.set_f32_array("tok.scores", {1.0f, 2.0f});
  w.add_tensor("weight.a", GgmlType::F32, {8, 2}, filled(64, 1));
  w.add_tensor("weight.b", GgmlType::Q4_0, {32, 1}, filled(18, 2));
  w.add_tensor("weight.c", GgmlType::Q8_0, {32}, filled(34, 3));
  return w;
}

Bytes base_image() {
  return base_writer().to_bytes();
}

// Position of the first occurrence of `s` in the image (the bytes of a key or tensor name).
size_t find_bytes(const Bytes& img, std::string_view s) {
  auto it = std::search(img.begin(), img.end(), s.begin(), s.end(),
                        [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); });
  EXPECT_NE(it, img.end()) << "'" << s << "' not in image";
  return static_cast<size_t>(it - img.begin());
}

template <typename T>
void poke(Bytes& img, size_t pos, T v) {
  ASSERT_LE(pos + sizeof(T), img.size());
  std::memcpy(img.data() + pos, &v, sizeof(T));
}

template <typename T>
T peek(const Bytes& img, size_t pos) {
  T v{};
  std::memcpy(&v, img.data() + pos, sizeof(T));
  return v;
}

// Layout: magic u32 @0, version u32 @4, tensor count u64 @8, metadata count u64 @16.
constexpr size_t kVersionPos = 4, kTensorCountPos = 8, kKvCountPos = 16;

// Fields following a metadata key: value type u32, then the value.
size_t kv_type_pos(const Bytes& img, std::string_view key) {
  return find_bytes(img, key) + key.size();
}

struct TensorFields {
  size_t n_dims, dims, type, offset;
};

// Fields following a tensor name in the tensor-info table.
TensorFields tensor_fields(const Bytes& img, std::string_view name) {
  TensorFields f{};
  f.n_dims = find_bytes(img, name) + name.size();
  f.dims = f.n_dims + 4;
  f.type = f.dims + 8 * peek<uint32_t>(img, f.n_dims);
  f.offset = f.type + 4;
  return f;
}

void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good());
}

std::string temp_path(const std::string& name) {
  const auto dir =
      std::filesystem::path(tandem::test::unique_temp_dir()) / "tandem_gguf_corrupt_test";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void expect_one_line_error(const std::string& msg, const std::string& file,
                           const std::string& problem) {
  EXPECT_THAT(msg, StartsWith(file + ": "));
  EXPECT_THAT(msg, HasSubstr(problem));
  EXPECT_THAT(msg, Not(HasSubstr("\n")));
  EXPECT_THAT(msg, Not(HasSubstr("\r")));
}

// from_bytes and open() on a written copy must both reject `img` with `problem` in the message.
void expect_rejected(const Bytes& img, const std::string& problem) {
  try {
    GgufFile::from_bytes(img, kName);
    ADD_FAILURE() << "from_bytes accepted an image; expected: " << problem;
  } catch (const ModelFileError& e) {
    expect_one_line_error(e.what(), kName, problem);
  }
  const auto path = temp_path("corrupt.gguf");
  write_file(path, img);
  try {
    GgufFile::open(path);
    ADD_FAILURE() << "open accepted a file; expected: " << problem;
  } catch (const ModelFileError& e) {
    expect_one_line_error(e.what(), path, problem);
  }
}

TEST(GgufCorrupt, BaseImageIsValid) {
  const auto img = base_image();
  const auto f = GgufFile::from_bytes(img, kName);
  EXPECT_EQ(f.tensors().size(), 3u);
  EXPECT_EQ(f.metadata().size(), 6u);
  // The helpers find the fields where the parser does.
  EXPECT_EQ(peek<uint32_t>(img, tensor_fields(img, "weight.b").type), 2u);
  EXPECT_EQ(peek<uint64_t>(img, tensor_fields(img, "weight.b").offset), 64u);
  EXPECT_EQ(peek<uint64_t>(img, tensor_fields(img, "weight.c").offset), 96u);
  EXPECT_EQ(peek<uint32_t>(img, kv_type_pos(img, "key.two")), 4u);
  EXPECT_EQ(peek<uint64_t>(img, kTensorCountPos), 3u);
  EXPECT_EQ(peek<uint64_t>(img, kKvCountPos), 6u);
}

TEST(GgufCorrupt, EveryTruncationIsRejectedOrComplete) {
  const auto img = base_image();
  const auto full = GgufFile::from_bytes(img, kName);
  const auto& last = full.tensors().back();
  // Bytes up to the end of the last tensor's data are needed; the padding after it is not.
  const size_t data_start =
      find_bytes(img, std::string_view(reinterpret_cast<const char*>(filled(64, 1).data()), 64));
  ASSERT_EQ(data_start % 32, 0u);
  const size_t end_of_data = data_start + last.offset + last.nbytes;
  ASSERT_EQ(end_of_data, img.size() - 30);  // 34 bytes of Q8_0 at 96, padded to 160
  ASSERT_EQ(full.tensors()[0].nbytes, 64u);
  for (size_t len = 0; len < img.size(); ++len) {
    SCOPED_TRACE(len);
    const Bytes cut(img.begin(), img.begin() + static_cast<std::ptrdiff_t>(len));
    if (len >= end_of_data) {
      EXPECT_NO_THROW(GgufFile::from_bytes(cut, kName));
      continue;
    }
    try {
      GgufFile::from_bytes(cut, kName);
      ADD_FAILURE() << "truncated image accepted";
    } catch (const ModelFileError& e) {
      expect_one_line_error(e.what(), kName, "truncated");
    }
  }
}

TEST(GgufCorrupt, TruncatedFileOnDisk) {
  auto img = base_image();
  img.resize(img.size() - 100);
  expect_rejected(img, "truncated");
  expect_rejected(Bytes{}, "truncated file: too short to be GGUF (0 bytes)");
  expect_rejected(Bytes{'G', 'G'}, "too short");
  expect_rejected(Bytes{'G', 'G', 'U', 'F', 3, 0}, "truncated file: cannot read version");
}

TEST(GgufCorrupt, WrongMagic) {
  auto img = base_image();
  img[3] = 'X';
  expect_rejected(img, "bad magic 'GGUX': not a GGUF file");
  poke<uint32_t>(img, 0, 0x0a0d0000);  // control characters must not reach the message
  expect_rejected(img, "bad magic");
}

TEST(GgufCorrupt, UnsupportedVersion) {
  for (uint32_t v : {0u, 1u, 4u, 0xffffffffu}) {
    auto img = base_image();
    poke<uint32_t>(img, kVersionPos, v);
    expect_rejected(img, "unsupported GGUF version " + std::to_string(v) + " (supported: 2, 3)");
  }
}

TEST(GgufCorrupt, Version2IsAccepted) {
  auto img = base_image();
  poke<uint32_t>(img, kVersionPos, 2);
  EXPECT_EQ(GgufFile::from_bytes(img, kName).version(), 2u);
}

TEST(GgufCorrupt, UnknownTensorType) {
  for (uint32_t t : {4u, 5u, 31u, 33u, 36u, 200u, 0xffffffffu}) {
    auto img = base_image();
    poke<uint32_t>(img, tensor_fields(img, "weight.b").type, t);
    expect_rejected(img, "tensor 'weight.b' has unknown type " + std::to_string(t));
  }
}

TEST(GgufCorrupt, DimensionProductOverflowsInt64) {
  auto img = base_image();
  const auto f = tensor_fields(img, "weight.a");
  poke<uint64_t>(img, f.dims, uint64_t{1} << 40);
  poke<uint64_t>(img, f.dims + 8, uint64_t{1} << 40);
  expect_rejected(img, "tensor 'weight.a': dimensions overflow");
}

TEST(GgufCorrupt, DimensionAboveInt64Max) {
  for (uint64_t d : {uint64_t{1} << 63, std::numeric_limits<uint64_t>::max()}) {
    auto img = base_image();
    poke<uint64_t>(img, tensor_fields(img, "weight.c").dims, d);
    expect_rejected(img, "tensor 'weight.c': dimensions overflow");
  }
}

TEST(GgufCorrupt, ByteSizeOverflows) {
  // 2^31 * 2^31 F32 elements fit int64 but not 4 bytes each in uint64.
  auto img = base_image();
  const auto f = tensor_fields(img, "weight.a");
  poke<uint64_t>(img, f.dims, uint64_t{1} << 31);
  poke<uint64_t>(img, f.dims + 8, uint64_t{1} << 31);
  expect_rejected(img, "tensor 'weight.a': size overflows");
}

TEST(GgufCorrupt, HugeTensorLiesOutsideFile) {
  auto img = base_image();
  const auto f = tensor_fields(img, "weight.a");
  poke<uint64_t>(img, f.dims, uint64_t{1} << 30);
  poke<uint64_t>(img, f.dims + 8, uint64_t{1} << 30);
  expect_rejected(img, "tensor 'weight.a': data [0, +4611686018427387904) lies outside");
}

TEST(GgufCorrupt, DataOffsetBeyondEnd) {
  for (uint64_t off : {uint64_t{4096}, uint64_t{128}, uint64_t{1} << 40,
                       std::numeric_limits<uint64_t>::max() / 32 * 32}) {
    auto img = base_image();
    poke<uint64_t>(img, tensor_fields(img, "weight.c").offset, off);
    expect_rejected(img, "tensor 'weight.c': data [" + std::to_string(off) + ", +34) lies outside");
  }
}

TEST(GgufCorrupt, DataRunsPastEnd) {
  // Aligned offset inside the data section, but the tensor's bytes run past its end.
  auto img = base_image();
  poke<uint64_t>(img, tensor_fields(img, "weight.a").offset, 128);
  expect_rejected(img,
                  "tensor 'weight.a': data [128, +64) lies outside the file's data section of "
                  "160 bytes");
}

TEST(GgufCorrupt, DuplicateTensorNames) {
  auto img = base_image();
  img[find_bytes(img, "weight.b") + 7] = 'a';
  expect_rejected(img, "duplicate tensor name 'weight.a'");
}

TEST(GgufCorrupt, DuplicateMetadataKeys) {
  auto img = base_image();
  const size_t p = find_bytes(img, "key.two");
  std::memcpy(img.data() + p + 4, "one", 3);
  expect_rejected(img, "duplicate metadata key 'key.one'");
}

TEST(GgufCorrupt, NamesWithControlCharactersStayOnOneLine) {
  GgufWriter w;
  w.add_tensor("bad\nname\r1", GgmlType::F32, {1}, filled(4, 0));
  w.add_tensor("bad\nname\r2", GgmlType::F32, {1}, filled(4, 0));
  auto img = w.to_bytes();
  img[find_bytes(img, "bad\nname\r2") + 9] = '1';
  expect_rejected(img, "duplicate tensor name 'bad\\x0aname\\x0d1'");
}

TEST(GgufCorrupt, UnknownMetadataValueType) {
  for (uint32_t t : {13u, 100u, 0xffffffffu}) {
    auto img = base_image();
    poke<uint32_t>(img, kv_type_pos(img, "key.two"), t);
    expect_rejected(img, "metadata 'key.two': unknown value type " + std::to_string(t));
  }
}

TEST(GgufCorrupt, UnknownArrayElementType) {
  auto img = base_image();
  poke<uint32_t>(img, kv_type_pos(img, "tok.list") + 4, 13);
  expect_rejected(img, "metadata 'tok.list': unknown array element type 13");
}

TEST(GgufCorrupt, HugeArrayLength) {
  for (uint64_t n : {uint64_t{1} << 32, uint64_t{1} << 62, std::numeric_limits<uint64_t>::max()}) {
    auto img = base_image();
    poke<uint64_t>(img, kv_type_pos(img, "tok.scores") + 8, n);
    expect_rejected(img, "metadata 'tok.scores' declares " + std::to_string(n) + " array elements");
  }
}

TEST(GgufCorrupt, ArrayLengthSlightlyTooLong) {
  // 3 strings declared as 1000: passes the size bound, then runs out of bytes.
  auto img = base_image();
  poke<uint64_t>(img, kv_type_pos(img, "tok.list") + 8, 1000);
  expect_rejected(img, "truncated");
}

TEST(GgufCorrupt, HugeStringLength) {
  for (uint64_t n : {uint64_t{1} << 40, std::numeric_limits<uint64_t>::max()}) {
    auto img = base_image();
    poke<uint64_t>(img, find_bytes(img, "general.architecture") - 8, n);
    expect_rejected(img, "truncated file: metadata key of " + std::to_string(n) + " bytes");
  }
}

TEST(GgufCorrupt, HugeCounts) {
  for (uint64_t n : {uint64_t{1} << 40, std::numeric_limits<uint64_t>::max()}) {
    auto img = base_image();
    poke<uint64_t>(img, kKvCountPos, n);
    expect_rejected(img, "declares " + std::to_string(n) + " metadata entries");
    img = base_image();
    poke<uint64_t>(img, kTensorCountPos, n);
    expect_rejected(img, "declares " + std::to_string(n) + " tensors");
  }
}

TEST(GgufCorrupt, InvalidBool) {
  auto img = base_image();
  img[kv_type_pos(img, "flag") + 4] = 2;
  expect_rejected(img, "metadata 'flag': invalid bool byte 2");
}

TEST(GgufCorrupt, AlignmentNotPowerOfTwo) {
  for (uint32_t a : {48u, 3u, 0xffffffffu}) {
    GgufWriter w = base_writer();
    w.set_u32("general.alignment", 64);
    auto img = w.to_bytes();
    poke<uint32_t>(img, kv_type_pos(img, "general.alignment") + 4, a);
    expect_rejected(img, "general.alignment " + std::to_string(a) + " is not a power of two");
  }
  GgufWriter w = base_writer();
  w.set_u32("general.alignment", 64);
  auto img = w.to_bytes();
  poke<uint32_t>(img, kv_type_pos(img, "general.alignment") + 4, 0);
  expect_rejected(img, "general.alignment 0 is not a power of two");
}

TEST(GgufCorrupt, AlignmentOfWrongType) {
  GgufWriter w = base_writer();
  w.set_i32("general.alignment", 32);
  expect_rejected(w.to_bytes(), "general.alignment must be u32, found i32");
}

TEST(GgufCorrupt, RowLengthNotMultipleOfBlock) {
  auto img = base_image();
  poke<uint64_t>(img, tensor_fields(img, "weight.b").dims, 33);
  expect_rejected(img,
                  "tensor 'weight.b': row length 33 is not a multiple of Q4_0's block size 32");
}

TEST(GgufCorrupt, TensorOffsetNotAligned) {
  for (uint64_t off : {uint64_t{68}, uint64_t{65}, uint64_t{80}}) {
    auto img = base_image();
    poke<uint64_t>(img, tensor_fields(img, "weight.b").offset, off);
    expect_rejected(img, "tensor 'weight.b': offset " + std::to_string(off) +
                             " is not a multiple of the alignment 32");
  }
}

TEST(GgufCorrupt, MoreThanFourDims) {
  for (uint32_t n : {5u, 1000u, 0xffffffffu}) {
    auto img = base_image();
    poke<uint32_t>(img, tensor_fields(img, "weight.a").n_dims, n);
    expect_rejected(img, "tensor 'weight.a' has " + std::to_string(n) + " dimensions (at most 4)");
  }
}

TEST(GgufCorrupt, ArraysNestedTooDeep) {
  GgufValue v = GgufValue::array(GgufValueType::UINT8, {});
  for (int i = 0; i < 12; ++i) v = GgufValue::array(GgufValueType::ARRAY, {v});
  GgufWriter w;
  w.set("deep", v);
  expect_rejected(w.to_bytes(), "metadata 'deep': arrays nested deeper than 8");
}

// Parses `img`; anything but success or ModelFileError fails the test. On success touches every
// tensor byte and metadata value, so out-of-bounds views show up under ASan.
void parse_or_reject(const Bytes& img) {
  try {
    const auto f = GgufFile::from_bytes(img, kName);
    volatile unsigned sum = 0;
    for (const auto& t : f.tensors())
      for (size_t i = 0; i < t.nbytes; ++i) sum = sum + t.data[i];
    for (const auto& [k, v] : f.metadata())
      sum = sum + static_cast<unsigned>(v.to_display_string().size());
  } catch (const ModelFileError& e) {
    expect_one_line_error(e.what(), kName, "");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception: " << e.what();
  }
}

TEST(GgufCorrupt, RandomMutationsNeverCrash) {
  const auto img = base_image();
  std::mt19937 rng(12345);
  std::uniform_int_distribution<size_t> pos(0, img.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  int rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    auto m = img;
    m[pos(rng)] = static_cast<uint8_t>(byte(rng));
    SCOPED_TRACE(i);
    try {
      GgufFile::from_bytes(m, kName);
    } catch (const ModelFileError&) {
      ++rejected;
    }
    parse_or_reject(m);
  }
  // Most bytes are structural: a good share of mutations must be caught.
  EXPECT_GT(rejected, 200);
}

TEST(GgufCorrupt, RandomTruncationsAndMultiByteMutationsNeverCrash) {
  const auto img = base_image();
  std::mt19937 rng(777);
  std::uniform_int_distribution<size_t> pos(0, img.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 2000; ++i) {
    auto m = img;
    const int n_mut = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < n_mut; ++k) m[pos(rng)] = static_cast<uint8_t>(byte(rng));
    if (rng() % 2) m.resize(pos(rng));
    SCOPED_TRACE(i);
    parse_or_reject(m);
  }
}

TEST(GgufCorrupt, EveryByteSetToExtremeValuesNeverCrashes) {
  const auto img = base_image();
  for (size_t p = 0; p < img.size(); ++p)
    for (uint8_t v : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      auto m = img;
      m[p] = v;
      SCOPED_TRACE(p);
      parse_or_reject(m);
    }
}

}  // namespace
}  // namespace tandem::model
