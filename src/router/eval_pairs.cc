#include "router/eval_pairs.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace tandem::router {

std::vector<EvalPair> read_eval_pairs(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot read pairs");
  std::vector<EvalPair> out;
  int line_no = 0;
  for (std::string line; std::getline(f, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    try {
      const auto j = nlohmann::json::parse(line);
      EvalPair p;
      p.domain = j.at("domain").get<std::string>();
      p.prompt = j.at("prompt").get<std::string>();
      p.continuation = j.at("continuation").get<std::string>();
      p.prompt_ids = j.at("prompt_ids").get<std::vector<tokenizer::TokenId>>();
      p.cont_ids = j.at("cont_ids").get<std::vector<tokenizer::TokenId>>();
      if (p.prompt_ids.empty() || p.cont_ids.empty())
        throw std::runtime_error("prompt_ids and cont_ids must not be empty");
      out.push_back(std::move(p));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(where + e.what());
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(where + e.what());
    }
  }
  if (out.empty()) throw std::runtime_error(path + ": no pairs");
  return out;
}

}  // namespace tandem::router
