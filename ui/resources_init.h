#pragma once

namespace psr::ui {

/// Registers the studio's compiled-in resources (icons, licence texts); safe to call repeatedly.
void initResources();

}  // namespace psr::ui
