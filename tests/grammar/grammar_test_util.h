// Helpers shared by the grammar tests: loading testdata grammars.
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "grammar/gbnf_parser.h"

namespace tandem::grammar::testing {

inline std::string testdata_path(const std::string& name) {
  // Tests run from the repo root or from a build dir below it.
  for (const char* prefix :
       {"testdata/grammar/", "../testdata/grammar/", "../../testdata/grammar/"}) {
    std::ifstream probe(prefix + name);
    if (probe) return prefix + name;
  }
#ifdef TANDEM_SOURCE_DIR
  return std::string(TANDEM_SOURCE_DIR) + "/testdata/grammar/" + name;
#else
  return "/work/main/testdata/grammar/" + name;
#endif
}

inline std::string read_testdata(const std::string& name) {
  std::ifstream in(testdata_path(name));
  if (!in) throw std::runtime_error("cannot open testdata grammar " + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::shared_ptr<const Grammar> load(const std::string& name) {
  return parse_gbnf_shared(read_testdata(name));
}

}  // namespace tandem::grammar::testing
