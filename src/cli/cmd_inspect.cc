// tandem inspect FILE: metadata and tensor table of a GGUF file.
#include <fmt/format.h>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "model/gguf_file.h"

namespace tandem::cli {

CommandAction register_inspect(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "Print a GGUF file's metadata and tensor table");
  auto path = std::make_shared<std::string>();
  auto all = std::make_shared<bool>(false);
  cmd->add_option("file", *path, "GGUF file")->required();
  cmd->add_flag("--all", *all, "Print long arrays (e.g. the vocabulary) in full");
  return [path, all]() {
    const auto f = model::GgufFile::open(*path);
    fmt::print("file: {}\nGGUF version: {}\nalignment: {}\nsize: {} bytes\n", f.path(), f.version(),
               f.alignment(), f.file_size());
    if (f.shard_count() > 1) {  // a split model: offsets below are within each tensor's shard
      fmt::print("shards: {} ({} bytes in all)\n", f.shard_count(), f.total_size());
      for (size_t i = 0; i < f.shard_count(); ++i) fmt::print("  {}: {}\n", i, f.shard_path(i));
    }
    fmt::print("\nmetadata ({} keys):\n", f.metadata().size());
    for (const auto& [k, v] : f.metadata())
      fmt::print("  {:<40} {}\n", k, v.to_display_string(*all ? SIZE_MAX : 8));
    fmt::print("\ntensors ({}):\n", f.tensors().size());
    fmt::print("  {:<36} {:<8} {:<24} {:>12} {:>12} {:>5}\n", "name", "type", "dims", "bytes",
               "offset", "shard");
    size_t total = 0;
    for (const auto& t : f.tensors()) {
      std::string dims;
      for (size_t i = 0; i < t.dims.size(); ++i)
        dims += (i ? " x " : "") + std::to_string(t.dims[i]);
      fmt::print("  {:<36} {:<8} {:<24} {:>12} {:>12} {:>5}\n", t.name, model::type_name(t.type),
                 dims, t.nbytes, t.offset, t.shard);
      total += t.nbytes;
    }
    fmt::print("\ntotal tensor bytes: {}\n", total);
    return 0;
  };
}

}  // namespace tandem::cli
