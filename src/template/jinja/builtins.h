// The library a template can call into: filters, tests (`is ...`), attribute and item access
// (with the Python str/dict/list methods chat templates use), and the global functions.
// Each group lives in its own .cc file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "template/jinja/value.h"

namespace tandem::templates {

class Evaluator;

// filters.cc
Value apply_filter(Evaluator& ev, const std::string& name, const Value& operand, CallArgs& args);

// predicates.cc: jinja2's tests; throws RenderError for an unknown test name.
bool apply_test(const std::string& name, const Value& operand, CallArgs& args);

// methods.cc: obj.name and obj[key] with jinja2's getattr/getitem fallbacks. Missing members
// yield an undefined value; the caller rejects access on undefined objects.
Value get_attribute(const Value& object, const std::string& name);
Value get_item(const Value& object, const Value& key);
Value slice(const Value& object, const Value& start, const Value& stop, const Value& step);

// globals.cc: range, namespace, dict, raise_exception, strftime_now.
struct GlobalsConfig {
  std::optional<std::int64_t> now_epoch_seconds;  // pins strftime_now (UTC) when set
  std::int64_t max_range = 100000;                // jinja2 sandbox's MAX_RANGE
};
Dict make_globals(const GlobalsConfig& config);

}  // namespace tandem::templates
