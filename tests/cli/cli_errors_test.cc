// `tandem inspect` on corrupt and missing files: exit code 1 and one "error: " line naming the
// file; on a valid file, exit code 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/gguf_writer.h"
#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Bytes = std::vector<uint8_t>;

Bytes valid_image() {
  model::GgufWriter w;
  w.set_string("general.architecture", "llama");
  w.set_u32("key.one", 1);
  w.set_string_array("tok.list", {"a", "bb"});
  w.add_tensor("weight.a", model::GgmlType::F32, {4, 2}, Bytes(32, 7));
  w.add_tensor("weight.b", model::GgmlType::Q8_0, {32}, Bytes(34, 9));
  return w.to_bytes();
}

std::string write_temp(const std::string& name, const Bytes& bytes) {
  const auto dir =
      std::filesystem::path(tandem::test::unique_temp_dir()) / "tandem_cli_errors_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return path;
}

size_t find_bytes(const Bytes& img, const std::string& s) {
  for (size_t p = 0; p + s.size() <= img.size(); ++p)
    if (std::memcmp(img.data() + p, s.data(), s.size()) == 0) return p;
  ADD_FAILURE() << s << " not found";
  return 0;
}

template <typename T>
void poke(Bytes& img, size_t pos, T v) {
  std::memcpy(img.data() + pos, &v, sizeof(T));
}

// Expects exit code 1 and exactly one stderr line "error: ...PATH...PROBLEM...".
void expect_inspect_error(const std::string& path, const std::string& problem) {
  const auto r = run_tandem({"inspect", path});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, StartsWith("error: " + path + ": "));
  EXPECT_THAT(r.err, HasSubstr(problem));
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.back(), '\n');
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(CliInspectErrors, ValidFileExitsZero) {
  const auto path = write_temp("valid.gguf", valid_image());
  const auto r = run_tandem({"inspect", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("weight.b"));
  EXPECT_THAT(r.out, HasSubstr("Q8_0"));
  EXPECT_THAT(r.out, HasSubstr("general.architecture"));
}

TEST(CliInspectErrors, SharedModelExitsZero) {
  const auto r = run_tandem({"inspect", stories("stories260K-f32.gguf")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("token_embd.weight"));
}

TEST(CliInspectErrors, TruncatedFile) {
  auto img = valid_image();
  img.resize(img.size() / 2);
  expect_inspect_error(write_temp("truncated.gguf", img), "truncated");
  expect_inspect_error(write_temp("empty.gguf", {}), "truncated");
}

TEST(CliInspectErrors, WrongMagic) {
  auto img = valid_image();
  img[0] = 'X';
  expect_inspect_error(write_temp("magic.gguf", img), "bad magic");
}

TEST(CliInspectErrors, UnsupportedVersion) {
  auto img = valid_image();
  poke<uint32_t>(img, 4, 1);
  expect_inspect_error(write_temp("version.gguf", img), "unsupported GGUF version 1");
}

TEST(CliInspectErrors, UnknownTensorType) {
  auto img = valid_image();
  // weight.b: name, n_dims (1), one dim, then the type.
  poke<uint32_t>(img, find_bytes(img, "weight.b") + 8 + 4 + 8, 200);
  expect_inspect_error(write_temp("type.gguf", img), "unknown type 200");
}

TEST(CliInspectErrors, DataOutsideFile) {
  auto img = valid_image();
  poke<uint64_t>(img, find_bytes(img, "weight.b") + 8 + 4 + 8 + 4, uint64_t{1} << 20);
  expect_inspect_error(write_temp("offset.gguf", img), "lies outside");
}

TEST(CliInspectErrors, HugeArrayLength) {
  auto img = valid_image();
  poke<uint64_t>(img, find_bytes(img, "tok.list") + 8 + 4 + 4, ~uint64_t{0});
  expect_inspect_error(write_temp("array.gguf", img), "array elements");
}

TEST(CliInspectErrors, ControlCharactersInNamesStayOnOneLine) {
  model::GgufWriter w;
  w.add_tensor("x\ny1", model::GgmlType::F32, {1}, Bytes(4, 0));
  w.add_tensor("x\ny2", model::GgmlType::F32, {1}, Bytes(4, 0));
  auto img = w.to_bytes();
  img[find_bytes(img, "x\ny2") + 3] = '1';
  expect_inspect_error(write_temp("names.gguf", img), "duplicate tensor name");
}

TEST(CliInspectErrors, NonexistentFile) {
  const std::string path = "/nonexistent/dir/model.gguf";
  const auto r = run_tandem({"inspect", path});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr(path));
  EXPECT_THAT(r.err, HasSubstr("error: "));
}

TEST(CliInspectErrors, DirectoryInsteadOfFile) {
  const auto dir = std::filesystem::path(tandem::test::unique_temp_dir()).string();
  const auto r = run_tandem({"inspect", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: "));
}

}  // namespace
}  // namespace tandem::test
