#include "router/data_files.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>
#include <system_error>

namespace tandem::router {

std::filesystem::path module_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  Dl_info info{};
  // The module (executable or shared library) that holds this very function.
  if (dladdr(reinterpret_cast<const void*>(&module_dir), &info) && info.dli_fname &&
      std::string(info.dli_fname).find('/') != std::string::npos) {
    const fs::path p = fs::canonical(info.dli_fname, ec);
    if (!ec) return p.parent_path();
  }
  const fs::path exe = fs::canonical("/proc/self/exe", ec);  // the main program
  return ec ? fs::path() : exe.parent_path();
}

std::filesystem::path data_file(std::string_view relative) {
  namespace fs = std::filesystem;
  const fs::path rel{std::string(relative)};
  if (const char* dir = std::getenv("TANDEM_DATA_DIR"); dir && *dir) return fs::path(dir) / rel;
  std::error_code ec;
  fs::path up = module_dir();
  for (int level = 0; level < 3 && !up.empty(); ++level) {
    up = up.parent_path();
    const fs::path candidate = up / "share" / "tandem" / rel;
    if (fs::exists(candidate, ec)) return candidate;
    if (up == up.root_path()) break;
  }
  return fs::path("data") / rel;
}

}  // namespace tandem::router
