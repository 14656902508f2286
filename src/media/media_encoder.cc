#include "media/media_encoder.h"

namespace tandem::media {

const char* modality_name(Modality m) {
  return m == Modality::kImage ? "image" : "audio";
}

}  // namespace tandem::media
