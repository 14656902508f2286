// tandem split: write a model as llama.cpp's split GGUF files, or merge them back
// (the flags of llama-gguf-split's --split and --merge modes).
#include <fmt/format.h>

#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "model/gguf_file.h"
#include "model/gguf_split_writer.h"

namespace tandem::cli {
namespace {

struct SplitCli {
  std::string in;
  std::string out;
  int max_tensors = 0;
  std::string max_size;
  bool merge = false;
  bool no_tensor_first_split = false;
};

constexpr int kDefaultMaxTensors = 128;  // llama-gguf-split's default

int run_split(const SplitCli& c) {
  const auto in = model::GgufFile::open(c.in);  // a split input is followed to all its shards
  ProgressBar bar((c.merge ? "merge " : "split ") + c.in);
  const auto progress = [&bar](const std::string& path, uint64_t done, uint64_t total) {
    bar.update(done, total, path);
  };
  if (c.merge) {
    model::write_merged(in, c.out, progress);
    bar.finish();
    fmt::print("{}: merged from {} shards, {} tensors\n", c.out, in.shard_count(),
               in.tensors().size());
    return 0;
  }
  model::SplitOptions opt;
  opt.no_tensor_first_split = c.no_tensor_first_split;
  if (!c.max_size.empty())
    opt.max_bytes = model::parse_split_size(c.max_size);
  else
    opt.max_tensors = c.max_tensors > 0 ? c.max_tensors : kDefaultMaxTensors;
  const auto plan = model::plan_split(in, opt);
  fmt::print("n_split: {}\n", plan.size());
  for (size_t s = 0; s < plan.size(); ++s) {
    uint64_t bytes = 0;
    for (const size_t i : plan[s]) bytes += in.tensors()[i].nbytes;
    fmt::print("split {:05d}: n_tensors = {}, tensor bytes = {}\n", s + 1, plan[s].size(), bytes);
  }
  const auto paths = model::write_split(in, c.out, plan, progress);
  bar.finish();
  for (const auto& p : paths) fmt::print("wrote {}\n", p);
  return 0;
}

}  // namespace

CommandAction register_split(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "split",
      "Write a GGUF model as split files PREFIX-00001-of-0000N.gguf (llama.cpp's "
      "llama-gguf-split layout; load them by naming the first), or --merge them into one file");
  auto c = std::make_shared<SplitCli>();
  cmd->add_option("input", c->in, "GGUF model to split (with --merge: the first shard)")
      ->required();
  cmd->add_option("output", c->out,
                  "Prefix of the shard files, e.g. out/model for out/model-00001-of-00003.gguf "
                  "(with --merge: the merged file)")
      ->required();
  auto* tensors = cmd->add_option("--split-max-tensors", c->max_tensors,
                                  "At most N tensors per shard (default 128 when no "
                                  "--split-max-size)")
                      ->check(CLI::PositiveNumber);
  auto* size = cmd->add_option("--split-max-size", c->max_size,
                               "At most SIZE of tensor data per shard: 500M, 2G (decimal "
                               "units, as llama-gguf-split; K also accepted); a tensor larger "
                               "than SIZE gets a shard of its own");
  tensors->excludes(size);
  auto* no_first = cmd->add_flag("--no-tensor-first-split", c->no_tensor_first_split,
                                 "Keep the first shard to the metadata only");
  cmd->add_flag("--split")->description("Split INPUT (the default; llama-gguf-split's spelling)");
  auto* merge = cmd->add_flag("--merge", c->merge,
                              "Merge the split model whose first shard is INPUT into the file "
                              "OUTPUT (refuses to overwrite it)");
  merge->excludes(tensors)->excludes(size)->excludes(no_first);
  return [c]() { return run_split(*c); };
}

}  // namespace tandem::cli
