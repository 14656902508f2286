// Where data files are found (router/data_files.h). The installed layout itself
// (<prefix>/share/tandem next to bin/ and lib/) is tested on a real `cmake --install` by
// tests/sdk/installed_sdk.sh (modes binary and c).
#include "router/data_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace tandem::router {
namespace {

TEST(DataFiles, ModuleDirIsTheFolderOfThisBinary) {
  const auto exe = std::filesystem::canonical("/proc/self/exe");
  EXPECT_EQ(module_dir(), exe.parent_path());
}

TEST(DataFiles, EnvironmentOverridesAndCheckoutFallback) {
  ::setenv("TANDEM_DATA_DIR", "/opt/tandem-data", 1);
  EXPECT_EQ(data_file("intent/intent_model.bin"), "/opt/tandem-data/intent/intent_model.bin");
  ::unsetenv("TANDEM_DATA_DIR");
  // The test binary is not under an install prefix: data/ of the current directory, as before.
  EXPECT_EQ(data_file("intent/intent_model.bin"), "data/intent/intent_model.bin");
}

}  // namespace
}  // namespace tandem::router
