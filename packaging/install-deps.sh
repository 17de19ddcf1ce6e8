#!/usr/bin/env bash
# Installs every Debian 12 package PSR Studio needs to build, test, run and package.
# Idempotent: apt skips what is already installed; the apt index is refreshed at most daily.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git dpkg-dev file
  # Qt 6.4 (Widgets, Charts, Svg for OpenMoji artwork, Test) and its GL headers
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libgl-dev
  # Qt6Charts' CMake config needs Qt6OpenGL's, which qt6-base-dev only recommends
  libqt6opengl6-dev
  # engine: LibTorch 1.13 CPU and the fast BLAS (reference BLAS made a training step ~8x slower)
  libtorch-dev libopenblas0-openmp
  # data-parallel training over LibTorch's c10d Gloo backend (its headers include gloo's)
  libgloo-dev
  # image codecs and processing (OpenCV 4.6, only the modules the studio links)
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
  # emoji world: npm tarballs (zlib) and OpenMoji SVG artwork (librsvg + cairo)
  zlib1g-dev librsvg2-dev
  # OpenAI-compatible provider plugin (HTTP/HTTPS client)
  libcurl4-openssl-dev
  # storage, logging, config, CLI
  libsqlite3-dev sqlite3 libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  # tests and benchmarks
  libgtest-dev libbenchmark-dev xvfb xauth
  # the DiT's PyTorch twin (tests/model/python_twin, CTest model_python_twin_parity): Debian's
  # python3-torch runs on the same libtorch1.13 as libtorch-dev, under /usr/bin/python3
  python3-torch
)
# Emoji artwork comes from the npm registry; a machine that already has npm (e.g. NodeSource's
# nodejs, which conflicts with Debian's npm package) keeps it.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
stamp=/var/lib/apt/periodic/update-success-stamp
lists_age=$(( $(date +%s) - $(stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0) ))
if [ ! -e "$stamp" ] && [ "$lists_age" -gt 86400 ] || [ -z "$(ls /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial -e auxfiles)" ]; then
  $SUDO apt-get update
fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
  || { $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
