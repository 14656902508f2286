// llama.cpp spells a few options as one dash and several letters (-ngl, -np, -md). CLI11
// 2.1 accepts only one-letter short names ("-ngl" would be read as -n -g -l), so main()
// rewrites those words to their long names before CLI11 parses.
#pragma once

#include <string>
#include <vector>

namespace tandem::cli {

// argv with each word "-ngl", "-np" or "-md" replaced by its long name (--n-gpu-layers,
// --parallel, --model-draft); "-ngl=99" becomes "--n-gpu-layers=99". Words after a bare "--"
// are left alone. A value that is literally one of these words (a prompt "-np") must be
// written in the joined form (--prompt=-np).
std::vector<std::string> map_llama_short_names(int argc, const char* const* argv);

}  // namespace tandem::cli
