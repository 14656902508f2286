#include "sdk/c_error.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <stdexcept>
#include <system_error>

namespace tandem::sdk {
namespace {
thread_local std::string t_last_error;
}

void set_last_error(std::string message) {
  t_last_error = std::move(message);
}
void clear_last_error() {
  t_last_error.clear();
}
const char* last_error() {
  return t_last_error.c_str();
}

int code_of_current_exception() {
  try {
    throw;
  } catch (const SdkError& e) {
    set_last_error(e.message);
    return e.code;
  } catch (const std::bad_alloc&) {
    set_last_error("out of memory");
    return TANDEM_ERR_INTERNAL;
  } catch (const std::filesystem::filesystem_error& e) {
    set_last_error(e.what());
    return TANDEM_ERR_IO;
  } catch (const std::invalid_argument& e) {
    set_last_error(e.what());
    return TANDEM_ERR_INVALID_ARGUMENT;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return TANDEM_ERR_INTERNAL;
  } catch (...) {
    set_last_error("unknown error");
    return TANDEM_ERR_INTERNAL;
  }
}

char* copy_out(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

}  // namespace tandem::sdk
