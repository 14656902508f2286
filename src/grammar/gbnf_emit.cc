#include "grammar/gbnf_emit.h"

#include <cstdio>
#include <map>

#include "grammar/utf8.h"

namespace tandem::grammar {

std::string gbnf_literal(std::string_view raw) {
  std::string out = "\"";
  for (char c : raw) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string gbnf_class_char(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, cp <= 0xFFFF ? "\\u%04X" : "\\U%08X", cp);
  return buf;
}

namespace {

struct KeyTrie {
  std::map<uint32_t, KeyTrie> next;
  bool terminal = false;
};

// Continuations after a prefix: follow a name, diverge from all names (then anything), or
// stop here unless the prefix itself is a name.
std::string not_in(const KeyTrie& node) {
  std::string alts;
  std::string excluded = "\"\\\\\\x7F\\x00-\\x1F";
  for (const auto& [cp, child] : node.next) {
    std::string lit;
    utf8_append(lit, cp);
    alts += gbnf_literal(lit) + " " + not_in(child) + " | ";
    excluded += gbnf_class_char(cp);
  }
  alts += "([^" + excluded + "] | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})) char*";
  return "(" + alts + ")" + (node.terminal ? "" : "?");
}

}  // namespace

std::string json_key_excluding_gbnf(const std::vector<std::string>& names) {
  KeyTrie root;
  for (const std::string& name : names) {
    KeyTrie* node = &root;
    Utf8Partial partial;
    for (char c : name) {
      uint32_t cp = 0;
      if (utf8_feed(partial, static_cast<uint8_t>(c), cp) == Utf8Step::kComplete) {
        node = &node->next[cp];
      }
    }
    node->terminal = true;
  }
  return "\"\\\"\" " + not_in(root) + " \"\\\"\" space";
}

}  // namespace tandem::grammar
