#!/usr/bin/env bash
# Usage: ./build.sh [test|demo|bench|build|peers|publish|chromium] [cake options...]
#   ./build.sh test
#   ./build.sh demo
#   ./build.sh bench --bench-args="--filter * --job short"
#   ./build.sh publish [--artifacts=DIR]   the dotnet tool package, the linux-x64 single file and the .deb
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_NOLOGO=1

target="${1:-Test}"
if [[ $# -gt 0 ]]; then
  shift
fi
case "${target,,}" in
  test) target=Test ;;
  demo) target=Demo ;;
  bench) target=Bench ;;
  build) target=Build ;;
  peers) target=Peers ;;
  publish) target=Publish ;;
  chromium) target=Chromium ;;
  default) target=Default ;;
esac

dotnet tool restore > /dev/null
exec dotnet cake build.cake --target="$target" "$@"
