#!/usr/bin/env bash
# Installs the dependencies, builds the release preset and starts PSR Studio on its embedded
# default workspace. Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target psr psr-studio -- -j"$(nproc)"
# The embedded world: pinned npm artwork, verified, imported once into the default workspace.
./packaging/fetch-assets.sh
build/release/bin/psr workspace init >/dev/null
build/release/bin/psr assets import
studio=build/release/bin/psr-studio
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "studio.sh: no display found; starting PSR Studio under a virtual X server (xvfb-run)." >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$studio" "$@"
fi
exec "$studio" "$@"
