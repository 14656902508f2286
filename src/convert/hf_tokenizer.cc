#include "convert/hf_tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "model/gguf_file.h"
#include "model/gguf_writer.h"

namespace tandem::convert {
namespace {

using json = nlohmann::ordered_json;

// GGUF token types (llama.cpp's llama_token_type).
constexpr int kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6;

void write_json(const json& j, const std::string& path) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot write");
  f << j.dump(2) << "\n";
  if (!f) throw std::runtime_error(path + ": write failed");
}

json read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot read");
  try {
    return json::parse(f);
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
}

json added_token(int64_t id, const std::string& content, bool special) {
  return {{"id", id},        {"content", content},     {"single_word", false}, {"lstrip", false},
          {"rstrip", false}, {"normalized", !special}, {"special", special}};
}

const std::string kSpace = "\xe2\x96\x81";  // U+2581, SentencePiece's space

json replace(const std::string& from, const std::string& to) {
  return {{"type", "Replace"}, {"pattern", {{"String", from}}}, {"content", to}};
}

// Merges of an SPM vocab, as HF's SentencePieceExtractor derives them: every split of a piece
// into two pieces of the vocab, ordered by the merged piece's score (best first).
json spm_merges(const std::vector<std::string>& tokens, const std::vector<float>& scores,
                const std::vector<int32_t>& types) {
  std::unordered_map<std::string, size_t> id;
  for (size_t i = 0; i < tokens.size(); ++i)
    if (types[i] == kNormal) id.emplace(tokens[i], i);
  struct Merge {
    float score;
    size_t merged, left, right;
  };
  std::vector<Merge> merges;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (types[i] != kNormal) continue;
    const auto& t = tokens[i];
    for (size_t cut = 1; cut < t.size(); ++cut) {
      auto l = id.find(t.substr(0, cut)), r = id.find(t.substr(cut));
      if (l != id.end() && r != id.end()) merges.push_back({scores[i], i, l->second, r->second});
    }
  }
  std::stable_sort(merges.begin(), merges.end(), [](const Merge& a, const Merge& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.merged != b.merged) return a.merged < b.merged;
    return a.left < b.left;
  });
  json out = json::array();
  for (const auto& m : merges) out.push_back(tokens[m.left] + " " + tokens[m.right]);
  return out;
}

std::string token_string(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string())
    return v["content"].get<std::string>();
  return "";
}

}  // namespace

void write_hf_tokenizer(const model::GgufFile& g, const std::string& dir) {
  const std::string kind = g.get_string("tokenizer.ggml.model");
  if (kind != "llama" && kind != "gpt2")
    throw g.error("cannot export tokenizer model '" + kind + "' (supported: llama, gpt2)");
  const auto* tv = g.find("tokenizer.ggml.tokens");
  if (!tv) throw g.error("missing tokenizer.ggml.tokens");
  const auto tokens = tv->as_string_list();
  const size_t n = tokens.size();
  std::vector<float> scores(n, 0.0f);
  std::vector<int32_t> types(n, kNormal);
  if (const auto* s = g.find("tokenizer.ggml.scores")) scores = s->as_float_list();
  if (const auto* t = g.find("tokenizer.ggml.token_type")) {
    const auto l = t->as_int_list();
    types.assign(l.begin(), l.end());
  }
  if (scores.size() != n || types.size() != n)
    throw g.error("tokenizer scores/token types do not match the vocabulary size");
  const bool spm = kind == "llama";
  auto id_or = [&](const char* key, int64_t def) { return g.get_int(key, def); };
  const int64_t bos = id_or("tokenizer.ggml.bos_token_id", spm ? 1 : -1);
  const int64_t eos = id_or("tokenizer.ggml.eos_token_id", spm ? 2 : -1);
  const int64_t unk = id_or("tokenizer.ggml.unknown_token_id", spm ? 0 : -1);
  const int64_t pad = id_or("tokenizer.ggml.padding_token_id", -1);
  auto name_of = [&](int64_t id) -> json {
    return id >= 0 && static_cast<size_t>(id) < n ? json(tokens[static_cast<size_t>(id)])
                                                  : json(nullptr);
  };

  json vocab = json::object();
  json added = json::array();
  for (size_t i = 0; i < n; ++i) {
    if (vocab.contains(tokens[i]))
      throw g.error("token " + std::to_string(i) + " repeats the piece '" + tokens[i] +
                    "' (tokenizer.json's vocab map cannot hold it)");
    vocab[tokens[i]] = i;
    if (types[i] == kControl || types[i] == kUnknown || types[i] == kUserDefined)
      added.push_back(added_token(static_cast<int64_t>(i), tokens[i], types[i] != kUserDefined));
  }
  json model = {{"type", "BPE"},
                {"dropout", nullptr},
                {"unk_token", spm ? name_of(unk) : json(nullptr)},
                {"continuing_subword_prefix", nullptr},
                {"end_of_word_suffix", nullptr},
                {"fuse_unk", spm},
                {"byte_fallback", spm},
                {"ignore_merges", false},
                {"vocab", vocab}};
  json tok = {
      {"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", added}};
  if (spm) {
    model["merges"] = spm_merges(tokens, scores, types);
    model["tandem_scores"] = scores;
    model["tandem_token_types"] = types;
    const bool space_prefix = g.get_bool("tokenizer.ggml.add_space_prefix", true);
    json norm = json::array();
    if (space_prefix) norm.push_back({{"type", "Prepend"}, {"prepend", kSpace}});
    norm.push_back(replace(" ", kSpace));
    tok["normalizer"] = {{"type", "Sequence"}, {"normalizers", norm}};
    tok["pre_tokenizer"] = nullptr;
    json dec = json::array({replace(kSpace, " "), {{"type", "ByteFallback"}}, {{"type", "Fuse"}}});
    if (space_prefix)
      dec.push_back({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
    tok["decoder"] = {{"type", "Sequence"}, {"decoders", dec}};
  } else {
    const auto* m = g.find("tokenizer.ggml.merges");
    if (!m) throw g.error("missing tokenizer.ggml.merges");
    model["merges"] = m->as_string_list();
    model["tandem_pre"] = g.get_string("tokenizer.ggml.pre", "default");
    model["tandem_token_types"] = types;
    tok["normalizer"] = nullptr;
    tok["pre_tokenizer"] = {{"type", "ByteLevel"},
                            {"add_prefix_space", false},
                            {"trim_offsets", true},
                            {"use_regex", true}};
    tok["decoder"] = {{"type", "ByteLevel"},
                      {"add_prefix_space", true},
                      {"trim_offsets", true},
                      {"use_regex", true}};
  }
  tok["post_processor"] = nullptr;
  tok["model"] = model;
  write_json(tok, (std::filesystem::path(dir) / "tokenizer.json").string());

  json cfg = {{"tokenizer_class", spm ? "LlamaTokenizerFast" : "PreTrainedTokenizerFast"},
              {"add_bos_token", g.get_bool("tokenizer.ggml.add_bos_token", spm)},
              {"add_eos_token", g.get_bool("tokenizer.ggml.add_eos_token", false)},
              {"bos_token", name_of(bos)},
              {"eos_token", name_of(eos)},
              {"unk_token", name_of(unk)},
              {"pad_token", name_of(pad)},
              {"model_max_length", g.get_int("llama.context_length", 2048)},
              {"clean_up_tokenization_spaces", false}};
  if (spm) cfg["legacy"] = true;
  if (g.has("tokenizer.chat_template"))
    cfg["chat_template"] = g.get_string("tokenizer.chat_template");
  write_json(cfg, (std::filesystem::path(dir) / "tokenizer_config.json").string());
}

void add_hf_tokenizer(const std::string& dir, const HfConfig& config, model::GgufWriter& w) {
  const std::string path = (std::filesystem::path(dir) / "tokenizer.json").string();
  const json tok = read_json(path);
  auto fail = [&](const std::string& m) { return std::runtime_error(path + ": " + m); };
  if (!tok.is_object() || !tok.contains("model") || !tok["model"].is_object())
    throw fail("no \"model\" section");
  const json& model = tok["model"];
  const std::string type = model.value("type", "");
  const bool unigram = type == "Unigram";
  if (!unigram && type != "BPE") throw fail("unsupported tokenizer model type '" + type + "'");
  const bool spm =
      unigram || model.value("byte_fallback", false) || model.contains("tandem_scores");

  // Pieces by id, from the vocab and the added tokens.
  std::map<int64_t, std::string> by_id;
  std::map<int64_t, float> score_of;
  if (!model.contains("vocab")) throw fail("model has no vocab");
  if (unigram) {
    if (!model["vocab"].is_array()) throw fail("Unigram vocab is not an array");
    int64_t i = 0;
    for (const auto& e : model["vocab"]) {
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number())
        throw fail("Unigram vocab entry " + std::to_string(i) + " is not [piece, score]");
      by_id[i] = e[0].get<std::string>();
      score_of[i++] = e[1].get<float>();
    }
  } else {
    if (!model["vocab"].is_object()) throw fail("BPE vocab is not an object");
    for (const auto& [piece, id] : model["vocab"].items()) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0)
        throw fail("vocab id of '" + piece + "' is not a non-negative integer");
      if (!by_id.emplace(id.get<int64_t>(), piece).second)
        throw fail("vocab id " + std::to_string(id.get<int64_t>()) + " is used twice");
    }
  }
  std::map<int64_t, bool> added_special;
  if (tok.contains("added_tokens") && tok["added_tokens"].is_array()) {
    for (const auto& a : tok["added_tokens"]) {
      if (!a.is_object() || !a.contains("id") || !a.contains("content")) continue;
      const int64_t id = a["id"].get<int64_t>();
      by_id[id] = a["content"].get<std::string>();
      added_special[id] = a.value("special", false);
    }
  }
  if (by_id.empty()) throw fail("empty vocabulary");
  const int64_t n_vocab = std::max(config.vocab_size, by_id.rbegin()->first + 1);
  if (by_id.rbegin()->first >= config.vocab_size)
    throw fail("token id " + std::to_string(by_id.rbegin()->first) +
               " is outside config.json's vocab_size " + std::to_string(config.vocab_size));

  std::vector<std::string> tokens(static_cast<size_t>(n_vocab));
  std::vector<float> scores(static_cast<size_t>(n_vocab), 0.0f);
  std::vector<int32_t> types(static_cast<size_t>(n_vocab), kNormal);
  const std::string unk_piece = model.contains("unk_token") && model["unk_token"].is_string()
                                    ? model["unk_token"].get<std::string>()
                                    : "";
  auto is_byte = [](const std::string& s) {
    return s.size() == 6 && s.rfind("<0x", 0) == 0 && s[5] == '>' &&
           std::isxdigit(static_cast<unsigned char>(s[3])) &&
           std::isxdigit(static_cast<unsigned char>(s[4]));
  };
  for (int64_t i = 0; i < n_vocab; ++i) {
    const size_t u = static_cast<size_t>(i);
    auto it = by_id.find(i);
    if (it == by_id.end()) {
      tokens[u] = "[PAD" + std::to_string(i) + "]";
      types[u] = kUnused;
      scores[u] = -1000.0f;
      continue;
    }
    tokens[u] = it->second;
    scores[u] = score_of.count(i) ? score_of[i] : -static_cast<float>(i);
    if (auto a = added_special.find(i); a != added_special.end())
      types[u] = a->second ? kControl : kUserDefined;
    if (spm && tokens[u] == unk_piece) types[u] = kUnknown;
    if (spm && is_byte(tokens[u])) types[u] = kByte;
  }
  // Exact values written by export-hf take precedence over the reconstruction.
  auto exact = [&](const char* key, auto& dst) {
    if (!model.contains(key)) return;
    const auto& a = model[key];
    if (!a.is_array() || a.size() != by_id.size() || a.size() > dst.size())
      throw fail(std::string("\"") + key + "\" does not have one entry per token");
    for (size_t i = 0; i < a.size(); ++i)
      dst[i] = a[i].get<std::remove_reference_t<decltype(dst[0])>>();
  };
  exact("tandem_scores", scores);
  exact("tandem_token_types", types);

  w.set_string("tokenizer.ggml.model", spm ? "llama" : "gpt2");
  if (!spm) {
    std::string pre = model.value("tandem_pre", config.is_qwen2() ? "qwen2" : "llama-bpe");
    w.set_string("tokenizer.ggml.pre", pre);
  }
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  if (spm) w.set_f32_array("tokenizer.ggml.scores", scores);
  w.set_i32_array("tokenizer.ggml.token_type", types);
  if (!spm) {
    std::vector<std::string> merges;
    if (model.contains("merges") && model["merges"].is_array()) {
      for (const auto& m : model["merges"]) {
        if (m.is_string())
          merges.push_back(m.get<std::string>());
        else if (m.is_array() && m.size() == 2)
          merges.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
        else
          throw fail("a merge is neither \"a b\" nor [a, b]");
      }
    }
    if (merges.empty()) throw fail("byte-level BPE without merges");
    w.set_string_array("tokenizer.ggml.merges", merges);
  }

  // Special tokens and the chat template from tokenizer_config.json, config.json as fallback.
  const std::string cfg_path = (std::filesystem::path(dir) / "tokenizer_config.json").string();
  json cfg = std::filesystem::exists(cfg_path) ? read_json(cfg_path) : json::object();
  std::unordered_map<std::string, int64_t> id_of;
  for (auto it = by_id.rbegin(); it != by_id.rend(); ++it) id_of[it->second] = it->first;
  auto special = [&](const char* key, int64_t fallback, const char* gguf_key) {
    int64_t id = fallback;
    if (cfg.contains(key)) {
      const std::string s = token_string(cfg[key]);
      if (!s.empty()) {
        auto f = id_of.find(s);
        if (f == id_of.end())
          throw std::runtime_error(cfg_path + ": " + key + " '" + s + "' is not in the vocabulary");
        id = f->second;
      }
    }
    if (id >= 0 && id < n_vocab) w.set_u32(gguf_key, static_cast<uint32_t>(id));
  };
  special("bos_token", config.bos_token_id, "tokenizer.ggml.bos_token_id");
  special("eos_token", config.eos_token_id, "tokenizer.ggml.eos_token_id");
  special("unk_token", -1, "tokenizer.ggml.unknown_token_id");
  special("pad_token", -1, "tokenizer.ggml.padding_token_id");
  for (const char* key : {"add_bos_token", "add_eos_token"})
    if (cfg.contains(key) && cfg[key].is_boolean())
      w.set_bool(std::string("tokenizer.ggml.") + key, cfg[key].get<bool>());
  if (spm && tok.contains("normalizer") && tok["normalizer"].is_object()) {
    // HF Llama: a Prepend("▁") normalizer is SentencePiece's add_dummy_prefix.
    bool prepend = false;
    const auto& nm = tok["normalizer"];
    if (nm.value("type", "") == "Prepend") prepend = true;
    if (nm.contains("normalizers") && nm["normalizers"].is_array())
      for (const auto& x : nm["normalizers"])
        if (x.is_object() && x.value("type", "") == "Prepend") prepend = true;
    w.set_bool("tokenizer.ggml.add_space_prefix", prepend);
  }
  if (cfg.contains("chat_template")) {
    const auto& ct = cfg["chat_template"];
    if (ct.is_string()) {
      w.set_string("tokenizer.chat_template", ct.get<std::string>());
    } else if (ct.is_array()) {
      for (const auto& e : ct)
        if (e.is_object() && e.value("name", "") == "default" && e.contains("template"))
          w.set_string("tokenizer.chat_template", e["template"].get<std::string>());
    }
  }
}

}  // namespace tandem::convert
