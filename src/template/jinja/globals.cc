// Global functions visible to every template: jinja2's range/namespace/dict and the two that
// transformers adds, raise_exception and strftime_now.
#include <ctime>

#include "template/jinja/builtins.h"
#include "template/jinja/call_args.h"
#include "template/jinja/error.h"

namespace tandem::templates {
namespace {

std::int64_t int_arg(const Value& v) {
  if (!v.is_number() || v.is_float())
    throw RenderError("'" + type_name(v) + "' object cannot be interpreted as an integer");
  return v.as_int();
}

}  // namespace

Dict make_globals(const GlobalsConfig& config) {
  Dict g;
  const std::int64_t max_range = config.max_range;
  g.set("range", Value::function("range", [max_range](CallArgs& a) {
          if (!a.kwargs.empty()) throw RenderError("range() takes no keyword arguments");
          if (a.args.empty() || a.args.size() > 3)
            throw RenderError("range expected 1 to 3 arguments");
          std::int64_t start = 0, stop = 0, step = 1;
          if (a.args.size() == 1) {
            stop = int_arg(a.args[0]);
          } else {
            start = int_arg(a.args[0]);
            stop = int_arg(a.args[1]);
            if (a.args.size() == 3) step = int_arg(a.args[2]);
          }
          if (step == 0) throw RenderError("range() arg 3 must not be zero");
          // Count in long double so extreme bounds cannot overflow before the size check.
          const long double span = static_cast<long double>(stop) - static_cast<long double>(start);
          const long double count = span / static_cast<long double>(step);
          if (count > static_cast<long double>(max_range))
            throw RenderError("Range too big. The sandbox blocks ranges larger than MAX_RANGE (" +
                              std::to_string(max_range) + ").");
          Array items;
          for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
            items.emplace_back(i);
          return Value::list(std::move(items));
        }));
  g.set("namespace", Value::function("namespace", [](CallArgs& a) {
          Dict d;
          for (const auto& init : a.args) {
            if (!init.is_mapping())
              throw RenderError("namespace() positional argument must be a dict");
            for (const auto& [k, v] : init.dict_ref().items()) d.set(k, v);
          }
          for (const auto& [k, v] : a.kwargs) d.set(k, v);
          return Value::ns(std::move(d));
        }));
  g.set("dict", Value::function("dict", [](CallArgs& a) {
          Dict d;
          for (const auto& init : a.args) {
            if (!init.is_dict()) throw RenderError("dict() positional argument must be a dict");
            for (const auto& [k, v] : init.dict_ref().items()) d.set(k, v);
          }
          for (const auto& [k, v] : a.kwargs) d.set(k, v);
          return Value::dict(std::move(d));
        }));
  g.set("raise_exception", Value::function("raise_exception", [](CallArgs& a) -> Value {
          Params p(a, "raise_exception", {"message"});
          throw RaisedError(to_str(p.required(0)));
        }));
  const auto pinned = config.now_epoch_seconds;
  g.set("strftime_now", Value::function("strftime_now", [pinned](CallArgs& a) {
          Params p(a, "strftime_now", {"format"});
          const Value& fmt = p.required(0);
          if (!fmt.is_string()) throw RenderError("strftime() argument 1 must be str");
          std::tm tm{};
          const std::time_t t = pinned ? static_cast<std::time_t>(*pinned) : std::time(nullptr);
          if (pinned)
            gmtime_r(&t, &tm);
          else
            localtime_r(&t, &tm);
          std::string buf(256 + fmt.str().size() * 8, '\0');
          const std::size_t n =
              fmt.str().empty() ? 0 : std::strftime(buf.data(), buf.size(), fmt.str().c_str(), &tm);
          buf.resize(n);
          return Value(buf);
        }));
  return g;
}

}  // namespace tandem::templates
