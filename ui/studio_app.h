#pragma once

class QApplication;

namespace psr::ui {

/// Runs the studio in `app` (names set by main): parses `--workspace DIR`, shows the main window
/// and returns the event loop's exit code.
int runStudio(QApplication& app);

}  // namespace psr::ui
