#include "resources_init.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be expanded outside any namespace. It is needed because psr_resources is
// a static library: without a reference, the linker would drop the generated resource object.
static void initPsrStudioResources() { Q_INIT_RESOURCE(psr_studio); }

namespace psr::ui {

void initResources() {
  static const bool done = (initPsrStudioResources(), true);
  Q_UNUSED(done);
}

}  // namespace psr::ui
