// grammar_accepts: Tandem's GBNF recognizer (src/grammar/) as a filter, for the parity test
// against llama.cpp (tests/llamacpp/grammar.test.mjs).
//
//   grammar_accepts GRAMMAR.gbnf < candidates.jsonl
//
// Each input line is one JSON string (the candidate text). Each output line is
// {"viable":N,"complete":B}: N is how many of the candidate's bytes, fed one at a time, keep
// the input a prefix of some sentence of the grammar (N = the byte length when all do), and B
// whether the whole candidate is a complete sentence. A grammar that does not parse prints
// {"grammar_error":MESSAGE} and exits 2; a recognizer error on one candidate prints
// {"error":MESSAGE} for that line.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "grammar/gbnf_parser.h"
#include "grammar/matcher.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: grammar_accepts GRAMMAR.gbnf < candidates.jsonl\n";
    return 1;
  }
  std::ifstream f(argv[1], std::ios::binary);
  if (!f) {
    std::cerr << "error: cannot read " << argv[1] << "\n";
    return 1;
  }
  std::ostringstream text;
  text << f.rdbuf();
  std::shared_ptr<const tandem::grammar::Grammar> grammar;
  try {
    grammar = tandem::grammar::parse_gbnf_shared(text.str());
  } catch (const std::exception& e) {
    std::cout << nlohmann::json{{"grammar_error", e.what()}}.dump() << "\n";
    return 2;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    nlohmann::json out;
    try {
      const std::string candidate = nlohmann::json::parse(line).get<std::string>();
      tandem::grammar::Matcher m(grammar);
      size_t viable = 0;
      while (viable < candidate.size() &&
             m.accept_bytes(std::string_view(candidate).substr(viable, 1))) {
        ++viable;
      }
      out = {{"viable", viable}, {"complete", viable == candidate.size() && m.is_complete()}};
    } catch (const std::exception& e) {
      out = {{"error", e.what()}};
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return 0;
}
