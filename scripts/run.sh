#!/usr/bin/env bash
# Quick start 1: install what is missing, build (release) and launch seqscope with its
# default session. Extra arguments go to seqscope (e.g. --session FILE).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

seqscope_install_deps
seqscope_build release -DBUILD_TESTING=OFF
binary="$SEQSCOPE_ROOT/build/release/app/seqscope"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "seqscope: no display (DISPLAY and WAYLAND_DISPLAY are unset); render headless instead: $binary export --png dashboard.png" >&2
  exit 2
fi
exec "$binary" "$@"
