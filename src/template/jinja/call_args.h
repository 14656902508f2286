// Binds the positional and keyword arguments of a builtin call to named parameters, the way a
// Python signature would, so filters and methods can be written as `p.get(1, "indent", 4)`.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "template/jinja/error.h"
#include "template/jinja/value.h"

namespace tandem::templates {

class Params {
 public:
  // `names` lists the parameters in positional order; unknown keywords or extra positionals
  // raise, as Python's TypeError would.
  Params(const CallArgs& args, std::string function, std::initializer_list<const char*> names)
      : args_(args), function_(std::move(function)), names_(names.begin(), names.end()) {
    if (args_.args.size() > names_.size())
      throw RenderError(function_ + "() takes at most " + std::to_string(names_.size()) +
                        " arguments (" + std::to_string(args_.args.size()) + " given)");
    for (const auto& [key, _] : args_.kwargs) {
      bool known = false;
      for (const auto& n : names_) known = known || key == n;
      if (!known)
        throw RenderError(function_ + "() got an unexpected keyword argument '" + key + "'");
    }
  }

  // The argument at `index` (or passed by its name), or nullptr when absent.
  const Value* find(std::size_t index) const {
    if (index < args_.args.size()) return &args_.args[index];
    for (const auto& [key, value] : args_.kwargs)
      if (key == names_[index]) return &value;
    return nullptr;
  }
  Value get(std::size_t index, Value fallback) const {
    const Value* v = find(index);
    return v ? *v : fallback;
  }
  const Value& required(std::size_t index) const {
    const Value* v = find(index);
    if (!v) throw RenderError(function_ + "() missing required argument '" + names_[index] + "'");
    return *v;
  }

 private:
  const CallArgs& args_;
  std::string function_;
  std::vector<std::string> names_;
};

}  // namespace tandem::templates
