#!/usr/bin/env bash
# What scripts/run.sh and scripts/test.sh share: the Debian packages seqscope needs, installed
# when missing (prints what it installs, nothing when all is there), and the CMake configure.
set -euo pipefail

SEQSCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

SEQSCOPE_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers glslc
  libglfw3-dev libx11-dev libxext-dev libxrandr-dev libimgui-dev libeigen3-dev libstb-dev libcgif-dev zlib1g-dev
  nlohmann-json3-dev libcli11-dev googletest libgtest-dev libbenchmark-dev
  xvfb xauth xdotool x11-apps fonts-dejavu-core python3 python3-numpy
  clang libclang-rt-14-dev
)
# Only the tests need these: PyTorch is the independent reference for the model's gradients
# (tests/compute/model/check_torch_grads.py) and the peer of the benchmarks.
SEQSCOPE_TEST_PACKAGES=(python3-torch)

# Installs the packages that are not installed yet, with sudo when not root. Arguments: more
# packages to install than SEQSCOPE_PACKAGES (scripts/test.sh passes SEQSCOPE_TEST_PACKAGES).
seqscope_install_deps() {
  local missing=()
  local pkg
  for pkg in "${SEQSCOPE_PACKAGES[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "seqscope: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds a CMake preset (dev, release, ci, asan-ubsan), using both cores.
seqscope_build() {
  local preset="$1"
  shift
  (cd "$SEQSCOPE_ROOT" && cmake --preset "$preset" "$@" >/dev/null)
  (cd "$SEQSCOPE_ROOT" && cmake --build --preset "$preset" -j "$(nproc)")
}

# Configures a preset and builds only the named targets (and what they need).
seqscope_build_targets() {
  local preset="$1"
  shift
  (cd "$SEQSCOPE_ROOT" && cmake --preset "$preset" >/dev/null)
  (cd "$SEQSCOPE_ROOT" && cmake --build --preset "$preset" -j "$(nproc)" --target "$@")
}
