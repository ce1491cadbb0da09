#!/usr/bin/env bash
# Runs convkit-bench, then the same workloads with OpenCV, scipy.ndimage, PyTorch and
# libvips, and prints one table of ConvKit's time divided by each peer's.
#
#   Scripts/bench/compare.sh [--threads 1,2] [--runs 7] [--no-png]
#
# The Python peers run in the virtual environment $VENV: by default .fixture-venv when it
# exists, else Scripts/bench/.venv, created from requirements.txt (PyPI) when missing.
# libvips' command (Debian package libvips-tools) is installed with apt-get when missing.
# $SWIFT_BUILD_FLAGS is passed to `swift build`, e.g. "--scratch-path /tmp/build" or
# "-Xswiftc -target-cpu -Xswiftc native" to let the compiler use AVX2.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

threads=1,2
runs=7
png=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-png) png=no; shift ;;
    *) echo "compare.sh: error: unknown option '$1'" >&2; exit 64 ;;
  esac
done

venv="${VENV:-}"
if [ -z "$venv" ]; then
  if [ -x .fixture-venv/bin/python ]; then venv=.fixture-venv; else venv=Scripts/bench/.venv; fi
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r Scripts/bench/requirements.txt
fi

if [ "$png" = yes ] && ! command -v vips > /dev/null; then
  apt-get update -qq && apt-get install -y -qq libvips-tools > /dev/null
fi

json="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$json" "$log"' EXIT

read -r -a build_flags <<< "${SWIFT_BUILD_FLAGS:-}"
for product in convkit convkit-bench; do
  if ! swift build -c release "${build_flags[@]}" --product "$product" > "$log" 2>&1; then
    cat "$log" >&2
    echo "compare.sh: error: building $product failed" >&2
    exit 1
  fi
done
bin="$(swift build -c release "${build_flags[@]}" --show-bin-path)"
png_option=()
[ "$png" = no ] && png_option=(--no-png)
echo "## convkit-bench"
"$bin/convkit-bench" --json "$json" --threads "$threads" --runs "$runs" "${png_option[@]}"
echo
echo "## ConvKit against its peers"
# A current numpy runs slower with the OpenBLAS core type and cache size forced, so the
# peers run without those variables.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" Scripts/bench/compare.py "$json" \
  --threads "$threads" --runs "$runs" "${png_option[@]}"
