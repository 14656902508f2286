// GBNF grammars: any text parses or fails with one error; a parsed grammar runs the rest of
// the input through the matcher. The first byte picks the mode: 0 parses the input as a
// JSON Schema instead, and whatever the converter accepts must itself be a valid grammar.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "grammar/matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 4 == 0) {
    const auto schema = nlohmann::ordered_json::parse(in, nullptr, false);
    if (schema.is_discarded()) return 0;
    std::string gbnf;
    try {
      gbnf = tandem::grammar::json_schema_to_gbnf(schema);
    } catch (const std::exception&) {
      return 0;  // an unsupported or invalid schema, named in the message
    }
    (void)tandem::grammar::parse_gbnf(gbnf);  // throws (and the run stops) if the output is bad
    return 0;
  }
  // Grammar text up to the first NUL, then bytes for the matcher.
  const size_t nul = in.find('\0');
  const std::string_view text = in.substr(0, nul);
  const std::string_view rest = nul == std::string_view::npos ? "" : in.substr(nul + 1);
  try {
    const auto g = tandem::grammar::parse_gbnf_shared(text);
    tandem::grammar::Matcher m(g);
    (void)m.accept_bytes(rest);
    (void)m.is_complete();
  } catch (const std::exception&) {
  }
  return 0;
}
