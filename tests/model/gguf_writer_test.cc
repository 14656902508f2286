// Round trips through GgufWriter and GgufFile: every metadata type, arrays, alignment, tensors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/paths.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "model/gguf_file.h"
#include "model/gguf_writer.h"

namespace tandem::model {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<uint8_t> pattern_bytes(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 8));
  return v;
}

std::string temp_path(const std::string& name) {
  const auto dir =
      std::filesystem::path(tandem::test::unique_temp_dir()) / "tandem_gguf_writer_test";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// A writer holding one key of every scalar type, arrays of each, and a nested array.
GgufWriter all_types_writer() {
  GgufWriter w;
  w.set("v.u8", GgufValue(uint8_t{250}));
  w.set("v.i8", GgufValue(int8_t{-100}));
  w.set("v.u16", GgufValue(uint16_t{65000}));
  w.set("v.i16", GgufValue(int16_t{-32000}));
  w.set_u32("v.u32", 4000000000u);
  w.set_i32("v.i32", -2000000000);
  w.set_f32("v.f32", 3.25f);
  w.set_bool("v.bool", true);
  w.set_bool("v.bool_false", false);
  w.set_string("v.string", "héllo \n world");
  w.set_string("v.empty_string", "");
  w.set("v.u64", GgufValue(uint64_t{18000000000000000000ull}));
  w.set("v.i64", GgufValue(int64_t{-9000000000000000000ll}));
  w.set("v.f64", GgufValue(-1.0e300));

  w.set("a.u8",
        GgufValue::array(GgufValueType::UINT8, {GgufValue(uint8_t{0}), GgufValue(uint8_t{255})}));
  w.set("a.i8",
        GgufValue::array(GgufValueType::INT8, {GgufValue(int8_t{-128}), GgufValue(int8_t{127})}));
  w.set("a.u16", GgufValue::array(GgufValueType::UINT16,
                                  {GgufValue(uint16_t{1}), GgufValue(uint16_t{65535})}));
  w.set("a.i16", GgufValue::array(GgufValueType::INT16, {GgufValue(int16_t{-32768})}));
  w.set("a.u32",
        GgufValue::array(GgufValueType::UINT32, {GgufValue(uint32_t{7}), GgufValue(uint32_t{8})}));
  w.set_i32_array("a.i32", {-1, 0, 1, std::numeric_limits<int32_t>::max()});
  w.set_f32_array("a.f32", {0.5f, -0.25f, 1e-30f});
  w.set("a.bool", GgufValue::array(GgufValueType::BOOL,
                                   {GgufValue(true), GgufValue(false), GgufValue(true)}));
  w.set_string_array("a.string", {"a", "", "ccc"});
  w.set("a.u64",
        GgufValue::array(GgufValueType::UINT64, {GgufValue(std::numeric_limits<uint64_t>::max())}));
  w.set("a.i64",
        GgufValue::array(GgufValueType::INT64, {GgufValue(std::numeric_limits<int64_t>::min())}));
  w.set("a.f64", GgufValue::array(GgufValueType::FLOAT64, {GgufValue(2.5), GgufValue(-0.0)}));
  w.set("a.empty", GgufValue::array(GgufValueType::INT32, {}));

  auto strings = [](std::vector<std::string> v) {
    std::vector<GgufValue> items;
    for (auto& s : v) items.emplace_back(std::move(s));
    return GgufValue::array(GgufValueType::STRING, std::move(items));
  };
  w.set("a.nested", GgufValue::array(GgufValueType::ARRAY,
                                     {strings({"x", "yy"}), strings({}), strings({"zzz"})}));
  return w;
}

void expect_all_types(const GgufFile& f) {
  EXPECT_EQ(f.version(), 3u);
  ASSERT_EQ(f.metadata().size(), 28u);
  // Insertion order is kept.
  EXPECT_EQ(f.metadata().front().first, "v.u8");
  EXPECT_EQ(f.metadata().back().first, "a.nested");

  auto type_of = [&](const char* key) { return f.find(key)->type(); };
  EXPECT_EQ(type_of("v.u8"), GgufValueType::UINT8);
  EXPECT_EQ(type_of("v.i8"), GgufValueType::INT8);
  EXPECT_EQ(type_of("v.u16"), GgufValueType::UINT16);
  EXPECT_EQ(type_of("v.i16"), GgufValueType::INT16);
  EXPECT_EQ(type_of("v.u32"), GgufValueType::UINT32);
  EXPECT_EQ(type_of("v.i32"), GgufValueType::INT32);
  EXPECT_EQ(type_of("v.f32"), GgufValueType::FLOAT32);
  EXPECT_EQ(type_of("v.bool"), GgufValueType::BOOL);
  EXPECT_EQ(type_of("v.string"), GgufValueType::STRING);
  EXPECT_EQ(type_of("v.u64"), GgufValueType::UINT64);
  EXPECT_EQ(type_of("v.i64"), GgufValueType::INT64);
  EXPECT_EQ(type_of("v.f64"), GgufValueType::FLOAT64);

  EXPECT_EQ(f.get_int("v.u8"), 250);
  EXPECT_EQ(f.get_int("v.i8"), -100);
  EXPECT_EQ(f.get_int("v.u16"), 65000);
  EXPECT_EQ(f.get_int("v.i16"), -32000);
  EXPECT_EQ(f.get_int("v.u32"), 4000000000ll);
  EXPECT_EQ(f.get_int("v.i32"), -2000000000);
  EXPECT_EQ(f.get_double("v.f32"), 3.25);
  EXPECT_TRUE(f.get_bool("v.bool"));
  EXPECT_FALSE(f.get_bool("v.bool_false"));
  EXPECT_EQ(f.get_string("v.string"), "héllo \n world");
  EXPECT_EQ(f.get_string("v.empty_string"), "");
  EXPECT_EQ(std::get<uint64_t>(f.find("v.u64")->storage()), 18000000000000000000ull);
  EXPECT_EQ(f.get_int("v.i64"), -9000000000000000000ll);
  EXPECT_EQ(f.get_double("v.f64"), -1.0e300);
  // Integers also read as doubles.
  EXPECT_EQ(f.get_double("v.i32"), -2000000000.0);

  auto arr = [&](const char* key) { return f.find(key)->as_array(); };
  EXPECT_EQ(arr("a.u8").element_type, GgufValueType::UINT8);
  EXPECT_EQ(f.find("a.u8")->as_int_list(), (std::vector<int64_t>{0, 255}));
  EXPECT_EQ(arr("a.i8").element_type, GgufValueType::INT8);
  EXPECT_EQ(f.find("a.i8")->as_int_list(), (std::vector<int64_t>{-128, 127}));
  EXPECT_EQ(arr("a.u16").element_type, GgufValueType::UINT16);
  EXPECT_EQ(f.find("a.u16")->as_int_list(), (std::vector<int64_t>{1, 65535}));
  EXPECT_EQ(arr("a.i16").element_type, GgufValueType::INT16);
  EXPECT_EQ(f.find("a.i16")->as_int_list(), (std::vector<int64_t>{-32768}));
  EXPECT_EQ(arr("a.u32").element_type, GgufValueType::UINT32);
  EXPECT_EQ(f.find("a.u32")->as_int_list(), (std::vector<int64_t>{7, 8}));
  EXPECT_EQ(arr("a.i32").element_type, GgufValueType::INT32);
  EXPECT_EQ(f.find("a.i32")->as_int_list(),
            (std::vector<int64_t>{-1, 0, 1, std::numeric_limits<int32_t>::max()}));
  EXPECT_EQ(arr("a.f32").element_type, GgufValueType::FLOAT32);
  EXPECT_EQ(f.find("a.f32")->as_float_list(), (std::vector<float>{0.5f, -0.25f, 1e-30f}));
  const auto& bools = arr("a.bool");
  EXPECT_EQ(bools.element_type, GgufValueType::BOOL);
  ASSERT_EQ(bools.items.size(), 3u);
  EXPECT_TRUE(bools.items[0].as_bool());
  EXPECT_FALSE(bools.items[1].as_bool());
  EXPECT_TRUE(bools.items[2].as_bool());
  EXPECT_EQ(f.find("a.string")->as_string_list(), (std::vector<std::string>{"a", "", "ccc"}));
  EXPECT_EQ(arr("a.u64").element_type, GgufValueType::UINT64);
  EXPECT_EQ(std::get<uint64_t>(arr("a.u64").items.at(0).storage()),
            std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(f.find("a.i64")->as_int_list(),
            (std::vector<int64_t>{std::numeric_limits<int64_t>::min()}));
  EXPECT_EQ(arr("a.f64").element_type, GgufValueType::FLOAT64);
  ASSERT_EQ(arr("a.f64").items.size(), 2u);
  EXPECT_EQ(arr("a.f64").items[0].as_double(), 2.5);
  EXPECT_TRUE(std::signbit(arr("a.f64").items[1].as_double()));
  EXPECT_EQ(arr("a.empty").element_type, GgufValueType::INT32);
  EXPECT_TRUE(arr("a.empty").items.empty());

  const auto& nested = arr("a.nested");
  EXPECT_EQ(nested.element_type, GgufValueType::ARRAY);
  ASSERT_EQ(nested.items.size(), 3u);
  EXPECT_EQ(nested.items[0].as_string_list(), (std::vector<std::string>{"x", "yy"}));
  EXPECT_EQ(nested.items[1].as_array().element_type, GgufValueType::STRING);
  EXPECT_TRUE(nested.items[1].as_array().items.empty());
  EXPECT_EQ(nested.items[2].as_string_list(), (std::vector<std::string>{"zzz"}));
}

TEST(GgufWriter, AllValueTypesRoundTripInMemory) {
  const auto f = GgufFile::from_bytes(all_types_writer().to_bytes(), "mem.gguf");
  expect_all_types(f);
  EXPECT_TRUE(f.tensors().empty());
  EXPECT_EQ(f.alignment(), 32u);
}

TEST(GgufWriter, AllValueTypesRoundTripThroughFile) {
  const auto w = all_types_writer();
  const auto path = temp_path("all_types.gguf");
  w.write(path);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const auto f = GgufFile::open(path);
  EXPECT_EQ(f.path(), path);
  expect_all_types(f);
  EXPECT_EQ(f.file_size(), w.to_bytes().size());
}

TEST(GgufWriter, SetReplacesExistingKeyInPlace) {
  GgufWriter w;
  w.set_u32("a", 1);
  w.set_string("b", "x");
  w.set_string("a", "replaced");
  const auto f = GgufFile::from_bytes(w.to_bytes(), "mem");
  ASSERT_EQ(f.metadata().size(), 2u);
  EXPECT_EQ(f.metadata()[0].first, "a");
  EXPECT_EQ(f.get_string("a"), "replaced");
}

TEST(GgufWriter, MixedArrayElementTypesAreRejected) {
  GgufWriter w;
  w.set("bad", GgufValue::array(GgufValueType::INT32, {GgufValue(int32_t{1}), GgufValue(1.0f)}));
  EXPECT_THROW(w.to_bytes(), std::invalid_argument);
}

struct TensorSpec {
  std::string name;
  GgmlType type;
  std::vector<int64_t> dims;
  size_t nbytes;
};

// F32 3x5 = 60 bytes, F16 7 = 14 bytes, Q8_0 64x3 = 2*3 blocks * 34 = 204 bytes,
// Q4_0 32x2 = 2 * 18 = 36 bytes, Q4_K 256x1 = 144 bytes, I8 4D 1x2x3x1 = 6 bytes.
std::vector<TensorSpec> tensor_specs() {
  return {
      {"f32.weight", GgmlType::F32, {3, 5}, 60},      {"f16.weight", GgmlType::F16, {7}, 14},
      {"q8_0.weight", GgmlType::Q8_0, {64, 3}, 204},  {"q4_0.weight", GgmlType::Q4_0, {32, 2}, 36},
      {"q4_k.weight", GgmlType::Q4_K, {256, 1}, 144}, {"i8.4d", GgmlType::I8, {1, 2, 3, 1}, 6}};
}

GgufWriter tensor_writer(uint32_t alignment) {
  GgufWriter w;
  w.set_string("general.architecture", "test");
  if (alignment != 0) w.set_u32("general.alignment", alignment);
  uint8_t seed = 1;
  for (const auto& s : tensor_specs())
    w.add_tensor(s.name, s.type, s.dims, pattern_bytes(s.nbytes, seed++));
  return w;
}

void expect_tensors(const GgufFile& f, size_t alignment) {
  EXPECT_EQ(f.alignment(), alignment);
  const auto specs = tensor_specs();
  ASSERT_EQ(f.tensors().size(), specs.size());
  const uint8_t* data_start = f.tensors()[0].data;
  uint8_t seed = 1;
  uint64_t expected_offset = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const auto& s = specs[i];
    const auto& t = f.tensors()[i];
    SCOPED_TRACE(s.name);
    EXPECT_EQ(t.name, s.name);
    EXPECT_EQ(&f.tensor(s.name), &t);
    EXPECT_EQ(t.type, s.type);
    EXPECT_EQ(t.dims, s.dims);
    EXPECT_EQ(t.nbytes, s.nbytes);
    EXPECT_EQ(t.offset % alignment, 0u);
    EXPECT_EQ(t.offset, expected_offset);
    expected_offset += (s.nbytes + alignment - 1) / alignment * alignment;
    EXPECT_EQ(t.data, data_start + t.offset);
    // The data section itself starts aligned within the file.
    const auto expected = pattern_bytes(s.nbytes, seed++);
    ASSERT_NE(t.data, nullptr);
    EXPECT_EQ(std::vector<uint8_t>(t.data, t.data + t.nbytes), expected);
  }
  const auto& q8 = f.tensor("q8_0.weight");
  EXPECT_EQ(q8.n_elements(), 192);
  EXPECT_EQ(q8.row_length(), 64);
  EXPECT_EQ(q8.n_rows(), 3);
  EXPECT_EQ(f.tensor("i8.4d").n_elements(), 6);
  // The file ends at the padded end of the last tensor.
  EXPECT_EQ(f.file_size() % alignment, 0u);
  EXPECT_EQ(static_cast<uint64_t>(f.tensors().back().data + f.tensors().back().nbytes - data_start),
            f.tensors().back().offset + f.tensors().back().nbytes);
}

TEST(GgufWriter, TensorsRoundTripWithDefaultAlignment) {
  const auto bytes = tensor_writer(0).to_bytes();
  const auto f = GgufFile::from_bytes(bytes, "mem");
  expect_tensors(f, 32);
  EXPECT_FALSE(f.has("general.alignment"));
  // With alignment 32 the F16 tensor (after 60 bytes of F32) sits at 64 and Q8_0 at 96.
  EXPECT_EQ(f.tensor("f16.weight").offset, 64u);
  EXPECT_EQ(f.tensor("q8_0.weight").offset, 96u);
}

TEST(GgufWriter, TensorsRoundTripWithAlignment64) {
  const auto w = tensor_writer(64);
  const auto bytes = w.to_bytes();
  EXPECT_EQ(bytes.size() % 64, 0u);
  const auto mem = GgufFile::from_bytes(bytes, "mem");
  expect_tensors(mem, 64);
  EXPECT_EQ(mem.get_int("general.alignment"), 64);
  // 14 bytes of F16 pad to 64 rather than 32, so Q8_0 moves from 96 to 128.
  EXPECT_EQ(mem.tensor("f16.weight").offset, 64u);
  EXPECT_EQ(mem.tensor("q8_0.weight").offset, 128u);

  const auto path = temp_path("aligned64.gguf");
  w.write(path);
  const auto f = GgufFile::open(path);
  expect_tensors(f, 64);
  // write() and to_bytes() produce the same image.
  EXPECT_EQ(f.file_size(), bytes.size());
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> on_disk((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
  EXPECT_EQ(on_disk, bytes);
}

TEST(GgufWriter, DataSectionStartIsAligned) {
  for (uint32_t alignment : {8u, 32u, 64u, 256u}) {
    SCOPED_TRACE(alignment);
    const auto bytes = tensor_writer(alignment).to_bytes();
    const auto f = GgufFile::from_bytes(bytes, "mem");
    const auto& first = f.tensors()[0];
    // Find the data of the first tensor in the image: its position must be a multiple of the
    // alignment, and the image must hold the same bytes there.
    const auto expected = pattern_bytes(first.nbytes, 1);
    size_t pos = bytes.size();
    for (size_t p = 0; p + expected.size() <= bytes.size(); ++p)
      if (std::memcmp(bytes.data() + p, expected.data(), expected.size()) == 0) {
        pos = p;
        break;
      }
    ASSERT_LT(pos, bytes.size());
    EXPECT_EQ(pos % alignment, 0u);
    expect_tensors(f, alignment);
  }
}

TEST(GgufWriter, AddTensorChecksByteCountAndShape) {
  GgufWriter w;
  EXPECT_THROW(w.add_tensor("t", GgmlType::F32, {4}, pattern_bytes(15, 0)), std::invalid_argument);
  EXPECT_THROW(w.add_tensor("t", GgmlType::Q8_0, {32, 2}, pattern_bytes(34, 0)),
               std::invalid_argument);
  EXPECT_THROW(w.add_tensor("t", GgmlType::Q4_0, {33}, pattern_bytes(18, 0)),
               std::invalid_argument);
  EXPECT_THROW(w.add_tensor("t", GgmlType::F32, {}, {}), std::invalid_argument);
  EXPECT_THROW(w.add_tensor("t", GgmlType::F32, {1, 1, 1, 1, 1}, pattern_bytes(4, 0)),
               std::invalid_argument);
  w.add_tensor("t", GgmlType::F16, {2, 2}, pattern_bytes(8, 0));
  EXPECT_THROW(w.add_tensor("t", GgmlType::F16, {2, 2}, pattern_bytes(8, 0)),
               std::invalid_argument);
}

TEST(GgufWriter, WriteToUnwritableDirectoryThrowsModelFileError) {
  GgufWriter w;
  w.set_u32("x", 1);
  const std::string path = temp_path("no/such/dir/model.gguf");
  try {
    w.write(path);
    FAIL() << "expected ModelFileError";
  } catch (const ModelFileError& e) {
    EXPECT_THAT(e.what(), StartsWith(path + ": "));
  }
}

// --- typed getters -------------------------------------------------------------------------

GgufFile getters_file() {
  GgufWriter w;
  w.set_string("s", "text");
  w.set_u32("u", 42);
  w.set_f32("f", 0.5f);
  w.set_bool("b", true);
  w.set("big", GgufValue(std::numeric_limits<uint64_t>::max()));
  w.set_string_array("arr", {"a"});
  return GgufFile::from_bytes(w.to_bytes(), "models/getters.gguf");
}

// Runs `fn`, expecting a ModelFileError whose one-line message names the file and `key`.
template <typename F>
void expect_key_error(F&& fn, const std::string& key, const std::string& problem) {
  try {
    fn();
    ADD_FAILURE() << "expected ModelFileError for key " << key;
  } catch (const ModelFileError& e) {
    const std::string msg = e.what();
    EXPECT_THAT(msg, StartsWith("models/getters.gguf: "));
    EXPECT_THAT(msg, HasSubstr("'" + key + "'"));
    EXPECT_THAT(msg, HasSubstr(problem));
    EXPECT_THAT(msg, Not(HasSubstr("\n")));
  }
}

TEST(GgufFileGetters, ReturnValues) {
  const auto f = getters_file();
  EXPECT_EQ(f.get_string("s"), "text");
  EXPECT_EQ(f.get_int("u"), 42);
  EXPECT_EQ(f.get_double("u"), 42.0);
  EXPECT_EQ(f.get_double("f"), 0.5);
  EXPECT_TRUE(f.get_bool("b"));
  EXPECT_TRUE(f.has("s"));
  EXPECT_FALSE(f.has("nope"));
  EXPECT_EQ(f.find("nope"), nullptr);
}

TEST(GgufFileGetters, DefaultsApplyOnlyToMissingKeys) {
  const auto f = getters_file();
  EXPECT_EQ(f.get_string("nope", "dflt"), "dflt");
  EXPECT_EQ(f.get_int("nope", -7), -7);
  EXPECT_EQ(f.get_double("nope", 1.5), 1.5);
  EXPECT_FALSE(f.get_bool("nope", false));
  EXPECT_EQ(f.get_string("s", "dflt"), "text");
  EXPECT_EQ(f.get_int("u", -7), 42);
  // A present key of the wrong type is still an error, not the default.
  expect_key_error([&] { f.get_int("s", 3); }, "s", "expected integer, found string");
  expect_key_error([&] { f.get_string("u", "x"); }, "u", "expected string, found u32");
  expect_key_error([&] { f.get_bool("u", true); }, "u", "expected bool");
  expect_key_error([&] { f.get_double("s", 1.0); }, "s", "expected number");
}

TEST(GgufFileGetters, MissingKeyNamesFileAndKey) {
  const auto f = getters_file();
  expect_key_error([&] { f.get_string("llama.missing"); }, "llama.missing", "missing");
  expect_key_error([&] { f.get_int("llama.missing"); }, "llama.missing", "missing");
  expect_key_error([&] { f.get_double("llama.missing"); }, "llama.missing", "missing");
  expect_key_error([&] { f.get_bool("llama.missing"); }, "llama.missing", "missing");
}

TEST(GgufFileGetters, WrongTypeNamesFileAndKey) {
  const auto f = getters_file();
  expect_key_error([&] { f.get_string("u"); }, "u", "expected string, found u32");
  expect_key_error([&] { f.get_int("s"); }, "s", "expected integer, found string");
  expect_key_error([&] { f.get_int("f"); }, "f", "expected integer, found f32");
  expect_key_error([&] { f.get_int("b"); }, "b", "expected integer, found bool");
  expect_key_error([&] { f.get_double("arr"); }, "arr", "expected number, found array");
  expect_key_error([&] { f.get_bool("s"); }, "s", "expected bool, found string");
  expect_key_error([&] { f.get_int("big"); }, "big", "out of range");
}

TEST(GgufFileGetters, MissingTensorNamesFileAndTensor) {
  const auto f = getters_file();
  EXPECT_EQ(f.find_tensor("w"), nullptr);
  expect_key_error([&] { f.tensor("output.weight"); }, "output.weight", "missing tensor");
}

TEST(GgufFile, OpenMissingFileThrowsModelFileError) {
  const std::string path = temp_path("does_not_exist.gguf");
  try {
    GgufFile::open(path);
    FAIL() << "expected ModelFileError";
  } catch (const ModelFileError& e) {
    EXPECT_THAT(e.what(), AllOf(StartsWith(path + ": "), HasSubstr("cannot open")));
  }
}

TEST(GgufFile, OpenDirectoryThrowsModelFileError) {
  const auto dir = std::filesystem::path(temp_path("x")).parent_path().string();
  EXPECT_THROW(GgufFile::open(dir), ModelFileError);
}

TEST(GgufFile, MovedFileKeepsTensorData) {
  auto f = GgufFile::from_bytes(tensor_writer(0).to_bytes(), "mem");
  const uint8_t* before = f.tensor("f32.weight").data;
  GgufFile g = std::move(f);
  EXPECT_EQ(g.tensor("f32.weight").data, before);
  expect_tensors(g, 32);
}

}  // namespace
}  // namespace tandem::model
