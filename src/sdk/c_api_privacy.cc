// The C ABI of the privacy pieces (include/tandem.h): the detector's scan and a conversation
// Masker, the same code the Dispatcher masks with before anything leaves the device.
#include <memory>
#include <string>

#include "privacy/detector.h"
#include "privacy/masker.h"
#include "sdk/c_error.h"

struct tandem_masker {
  tandem::privacy::Masker masker;
};

using tandem::sdk::guard;
using tandem::sdk::need;

extern "C" {

TANDEM_API int tandem_privacy_scan(const char* text, tandem_pii_fn fn, void* user) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    need(text, "text");
    const auto matches = tandem::privacy::PiiDetector::shared().detect(text);
    int n = 0;
    for (const auto& m : matches) {
      ++n;
      const std::string type(tandem::privacy::pii_key(m.type));
      if (fn && fn(type.c_str(), m.begin, m.end, user) != 0) break;
    }
    return n;
  });
}

TANDEM_API tandem_masker* tandem_masker_new(void) {
  return guard<tandem_masker*>(nullptr, [] {
    return std::make_unique<tandem_masker>().release();  // reclaimed by tandem_masker_free
  });
}

TANDEM_API void tandem_masker_free(tandem_masker* mk) {
  std::unique_ptr<tandem_masker> owned(mk);
}

TANDEM_API char* tandem_masker_mask(tandem_masker* mk, const char* text) {
  return guard<char*>(nullptr, [&] {
    need(text, "text");
    return tandem::sdk::copy_out(need(mk, "masker").masker.mask(text));
  });
}

TANDEM_API char* tandem_masker_unmask(const tandem_masker* mk, const char* text) {
  return guard<char*>(nullptr, [&] {
    need(text, "text");
    return tandem::sdk::copy_out(need(mk, "masker").masker.unmask(text));
  });
}

}  // extern "C"
