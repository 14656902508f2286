// Splits template source into text and tag tokens the way jinja2's lexer does with
// trim_blocks=True and lstrip_blocks=True (the transformers configuration): whitespace control
// markers, the newline after a block tag, indentation before a block tag, and the single
// trailing newline of the source (keep_trailing_newline=False) are all resolved here, so the
// parser only sees the text that will really be printed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tandem::templates {

enum class TokenType {
  Text,        // literal template data
  VarBegin,    // {{
  VarEnd,      // }}
  BlockBegin,  // {%
  BlockEnd,    // %}
  Name,
  String,  // value is the unescaped contents
  Integer,
  Float,
  Operator,
  End,  // end of source
};

struct Token {
  TokenType type;
  std::string value;
  int line = 1;
  int column = 1;
};

struct LexerOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = true;
};

std::vector<Token> tokenize(std::string_view source, const LexerOptions& options = {});

}  // namespace tandem::templates
