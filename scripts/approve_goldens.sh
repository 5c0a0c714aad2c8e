#!/usr/bin/env bash
# Approves new golden images: copies every *.actual.png the last golden test run wrote (under
# build/<preset>/golden_out/) over the committed tests/golden/<name>.png. Look at them first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
found=0
for actual in "$root"/build/*/golden_out/*.actual.png "$root"/build/golden_out/*.actual.png; do
  [ -e "$actual" ] || continue
  name="$(basename "$actual" .actual.png)"
  cp "$actual" "$root/tests/golden/$name.png"
  echo "approved tests/golden/$name.png (from $actual)"
  found=1
done
[ "$found" = 1 ] || echo "no new images: run the golden tests first (ctest -L golden)"
