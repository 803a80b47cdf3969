#!/usr/bin/env bash
# Formats (default) or checks (--check) every hand-written Swift file with the toolchain's swift-format and
# .swift-format. Generated code (Sources/SeedGateAPI/Generated) is left as the generator wrote it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.swift' | grep -v '/Generated/')
if [ "${1:-}" = "--check" ]; then
    swift format lint --strict --parallel "${files[@]}"
    echo "format: ${#files[@]} Swift files pass swift format lint --strict"
else
    swift format format --in-place --parallel "${files[@]}"
fi
