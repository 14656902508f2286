// Unit tests of the Jinja renderer's features and failure modes. Expected strings are what
// python3-jinja2 prints under transformers' configuration (checked by hand with the reference
// script's environment).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "template/jinja/template.h"

namespace tandem::templates {
namespace {

using json = nlohmann::ordered_json;

std::string render(const std::string& source, const json& context = json::object(),
                   const RenderOptions& options = {}) {
  return Template::parse(source).render(context, options);
}

TEST(JinjaLiterals, PrintLikePython) {
  EXPECT_EQ(render("{{ 1.0 }} {{ 2.5e-5 }} {{ 1e20 }} {{ 10 / 4 }} {{ 7 }}"),
            "1.0 2.5e-05 1e+20 2.5 7");
  EXPECT_EQ(render("{{ true }} {{ False }} {{ none }} {{ None }}"), "True False None None");
  EXPECT_EQ(render("{{ ['a', 1, none, true, 1.5] }}"), "['a', 1, None, True, 1.5]");
  EXPECT_EQ(render("{{ {'k': 'v', 'n': [1, (2, 3)]} }} {{ (1,) }}"),
            "{'k': 'v', 'n': [1, (2, 3)]} (1,)");
  EXPECT_EQ(render("{{ [\"it's\", 'say \"hi\"', 'both \\' \"'] }}"),
            "[\"it's\", 'say \"hi\"', 'both \\' \"']");
  EXPECT_EQ(render("{{ 'a\\tb\\n' ~ \"\\u00e9\\x41\" }}"), "a\tb\néA");
  EXPECT_EQ(render("{{ 'con' 'cat' }}"), "concat");
}

TEST(JinjaExpressions, ArithmeticFollowsPythonRules) {
  EXPECT_EQ(
      render("{{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7.5 // 2 }}"),
      "-4 2 -2 1024 0.5 3.0");
  EXPECT_EQ(
      render("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 'ab' * 2 }} {{ [1] + [2] }} {{ 1 + 1.0 }}"),
      "7 9 abab [1, 2] 2.0");
  EXPECT_EQ(render("{{ 'x' ~ 1 ~ none ~ true }}"), "x1NoneTrue");
  EXPECT_EQ(
      render(
          "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1.0 }} {{ 'b' in 'abc' }} {{ 2 not in [1] }}"),
      "True False True True True");
  EXPECT_EQ(render("{{ 0 or 'x' }} {{ 1 and 'y' }} {{ not none }} {{ 'a' if false else 'b' }}"),
            "x y True b");
  EXPECT_EQ(render("[{{ 'a' if false }}]"), "[]");
  EXPECT_THROW(render("{{ 'a' + 1 }}"), RenderError);
  EXPECT_THROW(render("{{ 1 / 0 }}"), RenderError);
}

TEST(JinjaExpressions, SubscriptsAndSlices) {
  const json ctx = {{"s", "héllo"}, {"l", {1, 2, 3, 4}}, {"d", {{"a", 1}}}};
  EXPECT_EQ(render("{{ s[::-1] }} {{ s[1:3] }} {{ s[-1] }} {{ s|length }}", ctx), "olléh él o 5");
  EXPECT_EQ(render("{{ l[1:] }} {{ l[:-1] }} {{ l[::2] }} {{ l[-1] }} {{ l.0 }}", ctx),
            "[2, 3, 4] [1, 2, 3] [1, 3] 4 1");
  EXPECT_EQ(render("{{ d.a }} {{ d['a'] }} [{{ d.missing }}] [{{ l[10] }}]", ctx), "1 1 [] []");
}

TEST(JinjaWhitespace, TrimBlocksLstripBlocksAndMarkers) {
  EXPECT_EQ(render("{% if true %}\n  yes\n{% endif %}\n"), "  yes\n");
  EXPECT_EQ(render("  {% if true %}x{% endif %}"), "x");
  EXPECT_EQ(render("a  {%- if true -%}  b  {%- endif %}"), "ab");
  EXPECT_EQ(render("{{- ' x ' -}}\n"), " x ");
  EXPECT_EQ(render("A\n  {# comment #}\nB\n  {{ 'c' }}\n"), "A\nB\n  c");
  EXPECT_EQ(render("{{ 'v' }}\nkeep\n\n"), "v\nkeep\n");
  EXPECT_EQ(render("{% raw %}{{ not parsed }}{% endraw %}"), "{{ not parsed }}");
}

TEST(JinjaStatements, ForLoopVariablesElseAndFilter) {
  EXPECT_EQ(render("{% for x in ['a','b','c'] %}{{ loop.index }}{{ loop.index0 }}{{ x }}"
                   "{% if loop.first %}F{% endif %}{% if loop.last %}L{{ loop.length }}{% endif "
                   "%},{% endfor %}"),
            "10aF,21b,32cL3,");
  EXPECT_EQ(render("{% for x in [] %}x{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{% for x in range(6) if x is odd %}{{ x }}{{ loop.length }} {% endfor %}"),
            "13 33 53 ");
  EXPECT_EQ(render("{% for x in [1,2,3] %}{{ loop.previtem }}-{{ loop.nextitem }};{% endfor %}"),
            "-2;1-3;2-;");
  EXPECT_EQ(render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
                   {{"d", {{"b", 1}, {"a", 2}}}}),
            "b=1;a=2;");
  EXPECT_EQ(render("{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}"
                   "{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
            "013");
  EXPECT_EQ(render("{% for c in 'ab' %}{{ c }}{{ loop.cycle('+', '-') }}{% endfor %}"), "a+b-");
}

TEST(JinjaStatements, ScopingMatchesJinja2) {
  // A set inside a loop body lasts one iteration and never leaks out.
  EXPECT_EQ(render("{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = x + 1 %}{{ x }};{% endfor "
                   "%}{{ x }}"),
            "12;12;1");
  EXPECT_EQ(render("{% set ns = namespace(n=0, items=[]) %}{% for i in range(3) %}"
                   "{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"),
            "3");
  EXPECT_EQ(render("{% if true %}{% set y = 5 %}{% endif %}{{ y }}"), "5");
  EXPECT_EQ(render("{% set a, b = [1, 2] %}{{ b }}{{ a }}"), "21");
  EXPECT_EQ(render("{% set block %}  hi {{ 1 }}{% endset %}[{{ block }}]"), "[  hi 1]");
  EXPECT_THROW(render("{% set s = 'x' %}{% set s.attr = 1 %}"), RenderError);
}

TEST(JinjaStatements, MacrosCallBlocksFiltersAndGeneration) {
  EXPECT_EQ(render("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}"
                   "{{ greet('Ann') }} {{ greet('Bo', punct='?') }}"),
            "Hi Ann! Hi Bo?");
  EXPECT_EQ(
      render(
          "{% macro m() %}{{ y }}{% endmacro %}{% set y = 1 %}{{ m() }}{% set y = 2 %}{{ m() }}"),
      "12");
  EXPECT_EQ(
      render(
          "{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}inside{% endcall %}"),
      "[inside]");
  EXPECT_EQ(render("{% filter upper %}shout{% endfilter %}"), "SHOUT");
  EXPECT_EQ(render("{% generation %}assistant text{% endgeneration %}"), "assistant text");
}

TEST(JinjaFilters, TojsonMatchesTransformers) {
  const json ctx = {{"v", {{"b", "é\"\n"}, {"a", {1, 2.0, true, nullptr}}}}};
  EXPECT_EQ(render("{{ v | tojson }}", ctx), "{\"b\": \"é\\\"\\n\", \"a\": [1, 2.0, true, null]}");
  EXPECT_EQ(render("{{ v | tojson(indent=2) }}", ctx),
            "{\n  \"b\": \"é\\\"\\n\",\n  \"a\": [\n    1,\n    2.0,\n    true,\n    null\n  ]\n}");
  EXPECT_EQ(render("{{ v | tojson(sort_keys=true, separators=(',', ':')) }}", ctx),
            "{\"a\":[1,2.0,true,null],\"b\":\"é\\\"\\n\"}");
  EXPECT_EQ(render("{{ 'é' | tojson(ensure_ascii=true) }}"), "\"\\u00e9\"");
  EXPECT_THROW(render("{{ missing | tojson }}"), RenderError);
}

TEST(JinjaFilters, StringAndSequenceFilters) {
  const json ctx = {{"users",
                     {{{"name", "b"}, {"role", "x"}},
                      {{"name", "a"}, {"role", "y"}},
                      {{"name", "c"}, {"role", "x"}}}}};
  EXPECT_EQ(render("{{ '  t  ' | trim }}|{{ ['a','b'] | join(', ') }}|{{ 'hello world' | title }}|"
                   "{{ 'hELLO' | capitalize }}|{{ 'aXa' | replace('a', 'b') }}|{{ 'Ab' | upper "
                   "}}{{ 'Ab' | lower }}"),
            "t|a, b|Hello World|Hello|bXb|ABab");
  EXPECT_EQ(
      render("{{ users | selectattr('role', 'equalto', 'x') | map(attribute='name') | join }}",
             ctx),
      "bc");
  EXPECT_EQ(render("{{ users | rejectattr('role', 'eq', 'x') | list | length }}", ctx), "1");
  EXPECT_EQ(
      render("{{ [1, 2, 3, 4] | select('even') | list }} {{ [1, 2] | reject('odd') | first }}"),
      "[2, 4] 2");
  EXPECT_EQ(
      render("{{ ['A', 'a', 'b'] | unique | list }} {{ [3, 1, 2] | sort }} {{ [1, 2] | last }}"),
      "['A', 'b'] [1, 2, 3] 2");
  EXPECT_EQ(render("{{ {'b': 1, 'a': 2} | dictsort }} {{ {'x': 1} | items | list }}"),
            "[('a', 2), ('b', 1)] [('x', 1)]");
  EXPECT_EQ(render("{{ missing | default('dflt') }} {{ '' | d('e', true) }} {{ 0 | string }}"),
            "dflt e 0");
  EXPECT_EQ(render("{{ '42' | int + 1 }} {{ 'x' | int }} {{ '2.5' | float }} {{ -3 | abs }} {{ "
                   "2.675 | round(2) }}"),
            "43 0 2.5 3 2.67");
  EXPECT_EQ(render("{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, first=true) }}"),
            "a\n  b\n\n  c|  a\n  b");
  EXPECT_EQ(render("{{ [1, 2, 3] | batch(2) | list }} {{ 'abc' | list }} {{ 'abc' | reverse }}"),
            "[[1, 2], [3]] ['a', 'b', 'c'] cba");
}

TEST(JinjaTests, IsTests) {
  const json ctx = {{"s", "x"}, {"d", json::object()}, {"n", nullptr}, {"i", 3}, {"f", 1.5},
                    {"b", true}};
  EXPECT_EQ(render("{{ s is defined }}{{ u is defined }}{{ u is undefined }}{{ n is none }}{{ s is "
                   "string }}",
                   ctx),
            "TrueFalseTrueTrueTrue");
  EXPECT_EQ(render("{{ d is mapping }}{{ s is iterable }}{{ d is sequence }}{{ i is number }}{{ b "
                   "is number }}",
                   ctx),
            "TrueTrueTrueTrueTrue");
  EXPECT_EQ(render("{{ i is integer }}{{ b is integer }}{{ f is float }}{{ b is boolean }}{{ b is "
                   "true }}{{ n is false }}",
                   ctx),
            "TrueFalseTrueTrueTrueFalse");
  EXPECT_EQ(render("{{ i is odd }}{{ i is even }}{{ 9 is divisibleby 3 }}{{ 9 is divisibleby(2) "
                   "}}{{ s is not none }}",
                   ctx),
            "TrueFalseTrueFalseTrue");
}

TEST(JinjaMethods, StringDictAndListMethods) {
  EXPECT_EQ(
      render("{{ '<t>a</t>b'.split('</t>')[-1] }} {{ ' x '.strip() }}|{{ '\\nx'.lstrip('\\n') }} "
             "{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }} {{ 'a b  c'.split() }}"),
      "b x|x TrueTrue ['a', 'b', 'c']");
  EXPECT_EQ(render("{{ 'Hello'.upper() }}{{ 'Hello'.lower() }} {{ 'abcb'.find('b') }} {{ "
                   "'a-b'.replace('-', '+') }} "
                   "{{ '{} and {name}'.format(1, name='x') }} {{ 'hello there'.title() }}"),
            "HELLOhello 1 a+b 1 and x Hello There");
  const json ctx = {{"d", {{"a", 1}, {"b", 2}}}};
  EXPECT_EQ(render("{{ d.keys() | list }} {{ d.values() | list }} {{ d.get('a') }} {{ d.get('z', "
                   "9) }} {{ d.get('z') }}",
                   ctx),
            "['a', 'b'] [1, 2] 1 9 None");
  // The immutable sandbox transformers uses forbids mutating methods.
  EXPECT_THROW(render("{% set l = [] %}{{ l.append(1) }}"), RenderError);
}

TEST(JinjaUndefined, BehavesLikeDefaultUndefined) {
  EXPECT_EQ(
      render(
          "[{{ missing }}]{% if not missing %}falsy{% endif %}{% for x in missing %}x{% endfor %}"),
      "[]falsy");
  EXPECT_EQ(render("{{ missing | length }}{{ missing ~ 'x' }}"), "0x");
  EXPECT_THROW(render("{{ missing.attr }}"), RenderError);
  EXPECT_THROW(render("{{ missing['k'] }}"), RenderError);
  EXPECT_THROW(render("{{ missing + 1 }}"), RenderError);
  EXPECT_THROW(render("{{ missing() }}"), RenderError);
  EXPECT_EQ(render("{{ d.a is defined }}{{ d.a.b is defined }}", {{"d", {{"a", {{"b", 1}}}}}}),
            "TrueTrue");
}

TEST(JinjaGlobals, RaiseExceptionCarriesTheMessage) {
  try {
    render("{{ raise_exception('Conversation roles must alternate') }}");
    FAIL() << "expected RaisedError";
  } catch (const RaisedError& e) {
    EXPECT_STREQ(e.what(), "Conversation roles must alternate");
  }
}

TEST(JinjaGlobals, StrftimeNowCanBePinnedAndRangeNamespaceDict) {
  RenderOptions options;
  options.now_epoch_seconds = 1727352000;  // 2024-09-26 12:00:00 UTC
  EXPECT_EQ(render("{{ strftime_now('%d %b %Y %H:%M') }}", json::object(), options),
            "26 Sep 2024 12:00");
  EXPECT_EQ(
      render("{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(3, 0, -1) | list }}"),
      "[0, 1, 2] [1, 3, 5] [3, 2, 1]");
  EXPECT_EQ(render("{{ dict(a=1, b='x') }} {{ namespace(a=1).a }}"), "{'a': 1, 'b': 'x'} 1");
}

// Found by fuzz/chat_template_fuzz.cc: integers longer than int64 used to escape as
// std::out_of_range (a crash in the fuzzer, a 500 in a server) instead of a template error.
TEST(JinjaErrors, OversizedIntegersAreTemplateErrors) {
  EXPECT_THROW(Template::parse("{{ x.99999999999999999999 }}"), ParseError);
  EXPECT_THROW(Template::parse("{{ 99999999999999999999 }}"), ParseError);
  EXPECT_EQ(render("{{ [{'a': 1}] | map(attribute='99999999999999999999') | list | length }}"),
            "1");
  EXPECT_THROW(render("{{ '{99999999999}'.format(1) }}"), TemplateError);
}

TEST(JinjaErrors, ParseErrorsCarryLineAndColumn) {
  try {
    Template::parse("line one\n  {% if %}x{% endif %}");
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 9);
  }
  try {
    Template::parse("{{ 'abc }}");
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), 4);
  }
  EXPECT_THROW(Template::parse("{% for x in y %}no end"), ParseError);
  EXPECT_THROW(Template::parse("{% include 'other.jinja' %}"), ParseError);
  EXPECT_THROW(Template::parse("{{ 1 + }}"), ParseError);
  EXPECT_THROW(Template::parse("{# never closed"), ParseError);
}

TEST(JinjaLimits, HostileTemplatesFailCleanly) {
  // Unbounded macro recursion.
  try {
    render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
    FAIL() << "expected RenderError";
  } catch (const RenderError& e) {
    EXPECT_NE(std::string(e.what()).find("recursion limit"), std::string::npos) << e.what();
  }
  // Deep nesting is rejected by the parser before it can exhaust the stack.
  EXPECT_THROW(
      Template::parse("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}"),
      ParseError);
  // Output growth.
  RenderOptions small;
  small.limits.max_output_bytes = 1000;
  EXPECT_THROW(
      render("{% for i in range(100) %}{{ 'x' * 100 }}{% endfor %}", json::object(), small),
      RenderError);
  EXPECT_THROW(render("{{ 'x' * 100000000000 }}"), RenderError);
  // Loops that would run for too long.
  EXPECT_THROW(render("{{ range(1000000) | length }}"), RenderError);
  EXPECT_THROW(
      render("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"),
      RenderError);
  EXPECT_THROW(render("{{ 2 ** 64 }}"), RenderError);  // Python would grow; we refuse to wrap
}

}  // namespace
}  // namespace tandem::templates
