// The C boundary's error handling: a thread-local last-error message, and guard(), which runs
// a C++ body and turns any exception into an error code (or NULL) plus that message, so no
// exception ever crosses into the app.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "tandem.h"

namespace tandem::sdk {

// Thrown inside the SDK with the code the C function returns.
struct SdkError {
  int code;
  std::string message;
};

void set_last_error(std::string message);
void clear_last_error();
const char* last_error();

// The status code and message of the exception being handled (call inside a catch).
int code_of_current_exception();

// Runs body(); on an exception returns `on_error`, or for R = int the exception's code.
template <class R, class F>
R guard(R on_error, F&& body) noexcept {
  try {
    clear_last_error();
    return static_cast<R>(std::forward<F>(body)());
  } catch (...) {
    const int code = code_of_current_exception();
    if constexpr (std::is_same_v<R, int>) return code;
    return on_error;
  }
}

// A params struct as the app passed it, over `defaults`: the app's first p->size bytes (an
// app built against an older header passes fewer fields; the rest keep their defaults).
template <class T>
T read_params(const T* p, T defaults) {
  if (!p) return defaults;
  const uint32_t size = p->size;
  if (size < sizeof(uint32_t) || size > (1u << 16))
    throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, "params.size is " + std::to_string(size) +
                                                    ": start from tandem_*_default_params()"};
  std::memcpy(static_cast<void*>(&defaults), p, std::min<size_t>(size, sizeof(T)));
  defaults.size = sizeof(T);
  return defaults;
}

// An SdkError(TANDEM_ERR_INVALID_ARGUMENT) when p is null.
template <class T>
T& need(T* p, const char* what) {
  if (!p) throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, std::string(what) + " is NULL"};
  return *p;
}

// A copy of s for the caller (released by tandem_string_free).
char* copy_out(const std::string& s);

}  // namespace tandem::sdk
