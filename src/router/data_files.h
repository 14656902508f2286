// Where Tandem's data files (the intent model, ...) are: found relative to the install prefix
// of the binary or library holding this code, so an installed `tandem` or libtandem works
// from any current directory (docs/SDK.md, "Install").
#pragma once

#include <filesystem>
#include <string_view>

namespace tandem::router {

// The path of a data file, `relative` to the data folder (e.g. "intent/intent_model.bin"):
//   1. $TANDEM_DATA_DIR/<relative>, when that variable is set;
//   2. <prefix>/share/tandem/<relative>, where <prefix> is a folder above the one holding the
//      running binary or the shared library this code is linked into (bin/tandem,
//      lib/libtandem.so.0, lib/<multiarch>/libtandem.so.0), when that file exists;
//   3. data/<relative> under the current directory (a source checkout), as before installs.
std::filesystem::path data_file(std::string_view relative);

// The folder holding the binary or shared library this code is part of (empty if unknown).
std::filesystem::path module_dir();

}  // namespace tandem::router
