#include "quant/quantize_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include "engine/model.h"
#include "engine/transformer.h"
#include "kernels/quant/quant_formats.h"
#include "model/file_type.h"
#include "model/gguf_split.h"
#include "model/gguf_writer.h"
#include "quant/awq_layer.h"
#include "quant/calibration.h"
#include "quant/calibrator.h"
#include "quant/gptq.h"
#include "quant/layer_store.h"
#include "quant/policy.h"
#include "quant/presets.h"
#include "quant/row_grid.h"

namespace tandem::quant {
namespace {

using engine::LinearGroup;
using model::GgmlType;

constexpr LinearGroup kGroups[] = {LinearGroup::kAttnQkv, LinearGroup::kAttnOutput,
                                   LinearGroup::kFfnGateUp, LinearGroup::kFfnDown};

// llama.cpp's llama_ftype for a file whose bulk is `t`.
uint32_t llama_ftype(GgmlType t) {
  switch (t) {
    case GgmlType::F32:
      return 0;
    case GgmlType::F16:
      return 1;
    case GgmlType::Q4_0:
      return 2;
    case GgmlType::Q4_1:
      return 3;
    case GgmlType::Q8_0:
      return 7;
    case GgmlType::Q4_K:
      return 14;  // Q4_K_S
    case GgmlType::Q6_K:
      return 18;
    case GgmlType::Q2_K:
      return 10;
    case GgmlType::Q3_K:
      return 11;  // Q3_K_S
    case GgmlType::IQ4_XS:
      return 30;
    case GgmlType::BF16:
      return 32;
    default:
      return 0;
  }
}

void rtn_matrix(GgmlType type, int64_t group, const std::vector<float>& w, int64_t rows,
                int64_t cols, std::vector<uint8_t>& out, kernels::ThreadPool& pool) {
  const size_t rb = model::row_bytes(type, cols);
  out.assign(rb * static_cast<size_t>(rows), 0);
  pool.parallel_for(rows, [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r)
      rtn_row(type, group, std::span<const float>(w.data() + r * cols, static_cast<size_t>(cols)),
              out.data() + static_cast<size_t>(r) * rb);
  });
}

Policy make_policy(const QuantizeOptions& opt, int64_t n_layer) {
  if (!opt.preset.empty() && !opt.policy_path.empty())
    throw std::invalid_argument("--policy and the mixed type " + opt.preset +
                                " both choose per-tensor types; give one");
  if (!opt.preset.empty())
    return Policy::parse(preset_policy_toml(opt.preset, n_layer), opt.preset, opt.type);
  return opt.policy_path.empty() ? Policy::uniform(opt.type)
                                 : Policy::from_file(opt.policy_path, opt.type);
}

class Quantizer {
 public:
  explicit Quantizer(const QuantizeOptions& opt)
      : opt_(opt),
        model_(engine::Model::load(opt.input)),
        pool_(std::max(1, opt.threads)),
        policy_(make_policy(opt, model_->config().n_layer)) {
    // The per-layer stores hold attn_q/k/v and ffn_gate/up as separate tensors; glm4 and phi3
    // keep gate and up in one ffn_up (and fuse Q/K/V), which they cannot write back yet.
    if (model_->config().is_moe())
      throw model_->file().error("tandem quantize does not handle " + model_->config().arch +
                                 " files yet (stacked expert tensors)");
    if (model_->config().fused_gate_up)
      throw model_->file().error("tandem quantize does not handle " + model_->config().arch +
                                 " files yet (gate and up fused in ffn_up)");
    group_ = opt.group > 0 ? opt.group : 32;
    if (group_ % 32 != 0)
      throw std::invalid_argument(fmt::format(
          "--group {} is not a multiple of 32 (the block size of Q4_0/Q4_1/Q8_0)", group_));
    if (opt.method != Method::kRtn) {
      if (opt.calib_path.empty())
        throw std::invalid_argument(std::string("--method ") + method_name(opt.method) +
                                    " needs calibration text (--calib FILE)");
      calib_ = load_calibration(opt.calib_path, *model_, opt.calib_tokens, opt.calib_ctx);
    }
  }

  QuantizeReport run() {
    plan();
    const auto& c = model_->config();
    const int64_t total = c.n_layer + 1;
    std::unique_ptr<Calibrator> calibrator;
    if (opt_.method != Method::kRtn)
      calibrator = std::make_unique<Calibrator>(*model_, calib_, std::max(1, opt_.threads));
    for (int64_t l = 0; l < c.n_layer; ++l) {
      auto cur = std::make_unique<LayerStore>(*model_, l, layer_types(l));
      auto weights = [&](int64_t i) -> const engine::LayerWeights* {
        if (i < l) return &done_[static_cast<size_t>(i)]->weights();
        return i == l ? &cur->weights() : nullptr;
      };
      if (awq())
        awq_layer(l, *cur, calibrator->collect(l, kGroups, weights), weights,
                  awq_context(*calibrator));
      for (LinearGroup g : kGroups) {
        std::vector<double> hessian;
        if (gptq() && needs_calibration(*cur, g)) {
          const LinearGroup one[] = {g};
          auto stats = calibrator->collect(l, one, weights);
          hessian = stats.at(g).mean_xtx();
          for (auto& v : hessian) v *= 2;  // H = 2·XᵀX/n
        }
        for (int i = 0; i < kNumLinears; ++i)
          if (linear_group(i) == g) quantize_linear(cur->linear(i), hessian);
      }
      done_.push_back(std::move(cur));
      if (opt_.progress) opt_.progress(l + 1, total, fmt::format("layer {}", l));
    }
    quantize_other(calibrator.get());
    if (opt_.progress) opt_.progress(total, total, "output");
    return write();
  }

 private:
  struct Planned {
    GgmlType type;
    std::string fallback;
  };

  void plan() {
    const auto& c = model_->config();
    for (const auto& t : model_->file().tensors()) {
      if (t.dims.size() != 2) continue;
      int64_t layer = -1;
      const TensorClass cls = classify(t.name, &layer);
      if (cls == TensorClass::kOther) continue;
      const GgmlType want = policy_.wanted(cls, layer, c.n_layer);
      std::string why;
      const GgmlType got = fitting_type(want, t.dims[0], &why);
      if (!why.empty()) report_.fallbacks.push_back(t.name + ": " + why);
      plan_[t.name] = {got, why};
    }
  }

  std::array<GgmlType, kNumLinears> layer_types(int64_t l) const {
    std::array<GgmlType, kNumLinears> types{};
    for (int i = 0; i < kNumLinears; ++i) {
      const std::string name = fmt::format("blk.{}.{}.weight", l, linear_stem(i));
      auto it = plan_.find(name);
      if (it == plan_.end()) throw model_->file().error("missing tensor '" + name + "'");
      types[static_cast<size_t>(i)] = it->second.type;
    }
    return types;
  }

  bool needs_calibration(const LayerStore& s, LinearGroup g) const {
    for (int i = 0; i < kNumLinears; ++i)
      if (linear_group(i) == g && grid_supported(s.linear(i).type)) return true;
    return false;
  }

  void quantize_linear(LinearStore& s, const std::vector<double>& hessian) {
    if (!hessian.empty() && grid_supported(s.type)) {
      GptqOptions go;
      go.damp = opt_.damp;
      go.group = group_;
      s.bytes.assign(model::row_bytes(s.type, s.cols) * static_cast<size_t>(s.rows), 0);
      const auto info =
          gptq_quantize(s.type, s.w, s.rows, s.cols, hessian, go, pool_, s.bytes.data());
      if (info.damp_used != opt_.damp || info.dead_columns > 0)
        log(fmt::format("{}: GPTQ dampening {:g}, {} dead inputs", s.name, info.damp_used,
                        info.dead_columns));
    } else {
      rtn_matrix(s.type, group_, s.w, s.rows, s.cols, s.bytes, pool_);
    }
    s.w = {};  // the float copy is no longer needed
  }

  bool awq() const { return opt_.method == Method::kAwq || opt_.method == Method::kAwqGptq; }
  bool gptq() const { return opt_.method == Method::kGptq || opt_.method == Method::kAwqGptq; }

  AwqContext awq_context(Calibrator& calibrator) {
    const auto& c = model_->config();
    return AwqContext{.calib = calibrator,
                      .pool = pool_,
                      .group = group_,
                      .search_tokens = std::min(opt_.awq_search_tokens, calib_.n_tokens),
                      .grouped_query = c.n_head != c.n_head_kv,
                      .log = [this](const std::string& line) { log(line); }};
  }

  // token_embd: RTN (a lookup has no input to calibrate on). output: RTN, or with calibration
  // GPTQ / AWQ on its input as the fully quantized stack produces it.
  void quantize_other(Calibrator* calibrator) {
    for (const char* name : {"token_embd.weight", "output.weight"}) {
      const auto* t = model_->file().find_tensor(name);
      if (!t || !plan_.count(name)) continue;
      const GgmlType type = plan_.at(name).type;
      const int64_t cols = t->dims[0], rows = t->dims[1];
      std::vector<float> w(static_cast<size_t>(rows * cols));
      const size_t in_rb = model::row_bytes(t->type, cols);
      for (int64_t r = 0; r < rows; ++r)
        kernels::dequantize(t->type, t->data + r * in_rb, w.data() + r * cols, cols);
      if (calibrator && std::string(name) == "output.weight" && grid_supported(type)) {
        calibrate_output(*calibrator, type, w, rows, cols, other_[name]);
        continue;
      }
      rtn_matrix(type, group_, w, rows, cols, other_[name], pool_);
    }
  }

  void calibrate_output(Calibrator& calibrator, GgmlType type, std::vector<float>& w, int64_t rows,
                        int64_t cols, std::vector<uint8_t>& out) {
    auto weights = [&](int64_t i) -> const engine::LayerWeights* {
      return &done_[static_cast<size_t>(i)]->weights();
    };
    const LinearGroup one[] = {LinearGroup::kOutput};
    const int64_t n_layer = model_->config().n_layer;
    const InputStats st = calibrator.collect(n_layer, one, weights).at(LinearGroup::kOutput);
    std::vector<float> sc(static_cast<size_t>(cols), 1.0f);
    if (awq()) {
      const float* norm = model_->weights().output_norm;
      output_norm_.assign(norm, norm + cols);
      sc = awq_output(w, rows, cols, type, output_norm_, st, awq_context(calibrator));
    }
    if (!gptq()) return rtn_matrix(type, group_, w, rows, cols, out, pool_);
    std::vector<double> h = st.mean_xtx();  // of x / s once AWQ's scales are folded in
    for (int64_t i = 0; i < cols; ++i)
      for (int64_t j = 0; j < cols; ++j)
        h[i * cols + j] *= 2.0 / (static_cast<double>(sc[i]) * sc[j]);
    GptqOptions go;
    go.damp = opt_.damp;
    go.group = group_;
    out.assign(model::row_bytes(type, cols) * static_cast<size_t>(rows), 0);
    const auto info = gptq_quantize(type, w, rows, cols, std::move(h), go, pool_, out.data());
    if (info.damp_used != opt_.damp || info.dead_columns > 0)
      log(fmt::format("output.weight: GPTQ dampening {:g}, {} dead inputs", info.damp_used,
                      info.dead_columns));
  }

  QuantizeReport write() {
    model::GgufWriter w;
    // A split input becomes one file: drop its split keys, as llama-quantize does.
    for (const auto& [k, v] : model_->file().metadata())
      if (!model::split::is_split_key(k)) w.set(k, v);
    const int64_t preset_ftype = model::file_type_number(opt_.preset);
    w.set_u32("general.file_type",
              preset_ftype >= 0 ? static_cast<uint32_t>(preset_ftype) : llama_ftype(opt_.type));
    w.set_u32("general.quantization_version", 2);
    w.set_string("tandem.quantize.method", method_name(opt_.method));
    w.set_string("tandem.quantize.type", std::string(model::type_name(opt_.type)));
    w.set_u32("tandem.quantize.group_size", static_cast<uint32_t>(group_));
    w.set_string("tandem.quantize.policy", policy_.name());
    if (!policy_.source_text().empty())
      w.set_string("tandem.quantize.policy_toml", policy_.source_text());
    if (opt_.method != Method::kRtn) {
      w.set_string("tandem.quantize.calib_hash", calib_.hash);
      w.set_u32("tandem.quantize.calib_tokens", static_cast<uint32_t>(calib_.n_tokens));
      w.set_f32("tandem.quantize.damp", static_cast<float>(opt_.damp));
      if (awq())
        w.set_u32("tandem.quantize.awq_search_tokens",
                  static_cast<uint32_t>(std::min(opt_.awq_search_tokens, calib_.n_tokens)));
    }
    for (const auto& t : model_->file().tensors()) {
      report_.bytes_in += t.nbytes;
      auto [type, data] = output_of(t);
      report_.bytes_out += data.size();
      w.add_tensor_lazy(t.name, type, t.dims, [data](std::span<uint8_t> out) {
        std::copy(data.begin(), data.end(), out.begin());
      });
    }
    w.write(opt_.output);
    report_.calib_hash = calib_.hash;
    report_.calib_tokens = calib_.n_tokens;
    report_.policy_name = policy_.name();
    return report_;
  }

  std::pair<GgmlType, std::span<const uint8_t>> output_of(const model::GgufTensorInfo& t) {
    auto floats = [](const std::vector<float>& v) {
      return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v.data()),
                                      v.size() * sizeof(float));
    };
    if (auto it = other_.find(t.name); it != other_.end())
      return {plan_.at(t.name).type, it->second};
    if (t.name == "output_norm.weight" && !output_norm_.empty())
      return {GgmlType::F32, floats(output_norm_)};
    int64_t layer = -1;
    classify(t.name, &layer);
    if (layer >= 0 && layer < static_cast<int64_t>(done_.size())) {
      auto& s = *done_[static_cast<size_t>(layer)];
      for (int i = 0; i < kNumLinears; ++i)
        if (s.linear(i).name == t.name) return {s.linear(i).type, s.linear(i).bytes};
      const std::string p = fmt::format("blk.{}.", layer);
      if (t.name == p + "attn_norm.weight") return {GgmlType::F32, floats(s.attn_norm())};
      if (t.name == p + "ffn_norm.weight") return {GgmlType::F32, floats(s.ffn_norm())};
      if (t.name == p + "attn_v.bias" && !s.v_bias().empty())
        return {GgmlType::F32, floats(s.v_bias())};
    }
    return {t.type, std::span<const uint8_t>(t.data, t.nbytes)};
  }

  void log(const std::string& line) {
    if (opt_.log) opt_.log(line);
  }

  const QuantizeOptions& opt_;
  std::unique_ptr<engine::Model> model_;
  kernels::ThreadPool pool_;
  Policy policy_;
  int64_t group_ = 32;
  Calibration calib_;
  std::map<std::string, Planned> plan_;
  std::vector<std::unique_ptr<LayerStore>> done_;
  std::map<std::string, std::vector<uint8_t>> other_;
  std::vector<float> output_norm_;  // with AWQ's output scales folded in (empty: unchanged)
  QuantizeReport report_;
};

}  // namespace

Method parse_method(const std::string& s) {
  if (s == "rtn") return Method::kRtn;
  if (s == "gptq") return Method::kGptq;
  if (s == "awq") return Method::kAwq;
  if (s == "awq+gptq") return Method::kAwqGptq;
  throw std::invalid_argument("unknown method '" + s + "' (rtn, gptq, awq, awq+gptq)");
}

const char* method_name(Method m) {
  switch (m) {
    case Method::kRtn:
      return "rtn";
    case Method::kGptq:
      return "gptq";
    case Method::kAwq:
      return "awq";
    default:
      return "awq+gptq";
  }
}

QuantizeReport quantize_model(const QuantizeOptions& opt) {
  if (!kernels::can_quantize(opt.type))
    throw std::invalid_argument("cannot quantize to type " +
                                std::string(model::type_name(opt.type)));
  return Quantizer(opt).run();
}

}  // namespace tandem::quant
