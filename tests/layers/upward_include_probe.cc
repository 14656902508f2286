// Must NOT compile: the engine layer cannot see the dispatcher, which sits above it.
// CTest builds this file as part of a target that links only tandem_engine and expects
// the compiler to report the dispatcher header as not found (tests/layers in CMakeLists).
#include "dispatcher/dispatcher_service.h"
#include "engine/model.h"

int main() {
  return 0;
}
