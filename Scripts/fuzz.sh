#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ with AddressSanitizer and runs each for a
# bounded time.
#
#   Scripts/fuzz.sh [-t SECONDS] [-p] [TARGET...]
#
#   -t SECONDS  run time per target (default 60)
#   -p          run the targets at the same time, one process each
#   TARGET      PNGDecoder, PNGFileDecoder, KernelParser (default: all three)
#
# The build goes to $FUZZ_BUILD (default /tmp/convkit-fuzz): the objects, the
# fuzzers, a working corpus per target that libFuzzer adds new inputs to, a log
# per target, and findings/TARGET/ with any input that crashed. The committed
# seeds stay unchanged: Fuzz/Corpus/TARGET (PNGFileDecoder uses PNGDecoder's),
# plus the PngSuite files of the tests for both PNG targets. Exits with status 1
# if any target reported a finding.
#
# Needs the Swift toolchain (its clang and its libFuzzer and AddressSanitizer
# runtimes) and libpng-dev with pkg-config.
#
# The system libpng is not instrumented, so by default only ConvKit's own code
# guides the PNG fuzzer. With LIBPNG_SOURCE set to a libpng 1.6 source tree
# (for example from `apt-get source libpng1.6`), libpng is compiled into the
# fuzzer with the same instrumentation, and its branches guide it too.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=60
parallel=0
while getopts "t:p" option; do
  case $option in
    t) seconds=$OPTARG ;;
    p) parallel=1 ;;
    *) echo "usage: $0 [-t SECONDS] [-p] [PNGDecoder] [PNGFileDecoder] [KernelParser]" >&2; exit 64 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(PNGDecoder PNGFileDecoder KernelParser)
fi
for target in "${targets[@]}"; do
  case $target in
    PNGDecoder | PNGFileDecoder | KernelParser) ;;
    *) echo "unknown target '$target': expected PNGDecoder, PNGFileDecoder or KernelParser" >&2; exit 64 ;;
  esac
done

if ! command -v swiftc >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swiftc ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
clang="$(dirname "$(command -v swiftc)")/clang"
build=${FUZZ_BUILD:-/tmp/convkit-fuzz}
mkdir -p "$build/include"

# MARK: - Build

# -sanitize=fuzzer adds libFuzzer's coverage instrumentation; it is linked only
# into the fuzzers, whose main comes from libFuzzer. The toolchain's lld links
# them, because gold warns about every AddressSanitizer helper symbol.
swift_flags=(-O -g -parse-as-library -swift-version 6 -sanitize=address,fuzzer -use-ld=lld)
c_flags=(-O1 -g -fsanitize=address,fuzzer-no-link -I "$root/Sources/CPNGBridge/include")

# The engine's C targets, which ConvKit imports.
engine_objects=()
for target in CMemoryHints CFusedRows; do
  for source in Sources/$target/*.c; do
    object="$build/$(basename "$source" .c).o"
    "$clang" "${c_flags[@]}" -I "$root/Sources/$target/include" -c "$source" -o "$object"
    engine_objects+=("$object")
  done
done

echo "Building the fuzzers in $build"
objects=()
if [ -n "${LIBPNG_SOURCE:-}" ]; then
  # libpng's prebuilt configuration, with no SIMD code, which would need more files.
  mkdir -p "$build/libpng"
  cp "$LIBPNG_SOURCE/scripts/pnglibconf.h.prebuilt" "$build/libpng/pnglibconf.h"
  cp "$LIBPNG_SOURCE/png.h" "$LIBPNG_SOURCE/pngconf.h" "$build/libpng/"
  png_cflags=(-I "$build/libpng")
  png_libs=(-lz)
  for name in png pngerror pngget pngmem pngpread pngread pngrio pngrtran pngrutil pngset \
    pngtrans pngwio pngwrite pngwtran pngwutil; do
    "$clang" "${c_flags[@]}" "${png_cflags[@]}" -DPNG_ARM_NEON_OPT=0 -DPNG_INTEL_SSE_OPT=0 \
      -DPNG_POWERPC_VSX_OPT=0 -DPNG_MIPS_MSA_OPT=0 \
      -c "$LIBPNG_SOURCE/$name.c" -o "$build/libpng/$name.o"
    objects+=("$build/libpng/$name.o")
  done
else
  read -r -a png_cflags <<<"$(pkg-config --cflags libpng)"
  read -r -a png_libs <<<"$(pkg-config --libs libpng)"
fi

for source in Sources/CPNGBridge/*.c; do
  object="$build/$(basename "$source" .c).o"
  "$clang" "${c_flags[@]}" "${png_cflags[@]}" -c "$source" -o "$object"
  objects+=("$object")
done

cat > "$build/include/module.modulemap" <<MAP
module CPNGBridge {
  header "$root/Sources/CPNGBridge/include/CPNGBridge.h"
  export *
}
module CMemoryHints {
  header "$root/Sources/CMemoryHints/include/CMemoryHints.h"
  export *
}
module CFusedRows {
  header "$root/Sources/CFusedRows/include/CFusedRows.h"
  export *
}
MAP
module_map=(-Xcc -fmodule-map-file="$build/include/module.modulemap")

mapfile -t convkit_sources < <(find Sources/ConvKit -name '*.swift' | sort)
swiftc "${swift_flags[@]}" -wmo -module-name ConvKit -emit-module \
  -emit-module-path "$build/ConvKit.swiftmodule" "${module_map[@]}" \
  -c "${convkit_sources[@]}" -o "$build/ConvKit.o"

mapfile -t png_sources < <(find Sources/ConvKitPNG -name '*.swift' | sort)
swiftc "${swift_flags[@]}" -wmo -module-name ConvKitPNG -emit-module \
  -emit-module-path "$build/ConvKitPNG.swiftmodule" -I "$build" "${module_map[@]}" \
  -c "${png_sources[@]}" -o "$build/ConvKitPNG.o"

for target in PNGDecoder PNGFileDecoder; do
  swiftc "${swift_flags[@]}" -module-name "${target}Fuzzer" -I "$build" "${module_map[@]}" \
    "Fuzz/$target/main.swift" "$build/ConvKitPNG.o" "$build/ConvKit.o" "${objects[@]}" \
    "${engine_objects[@]}" "${png_libs[@]}" -o "$build/fuzz-$target"
done

swiftc "${swift_flags[@]}" -module-name KernelParserFuzzer -I "$build" "${module_map[@]}" \
  Fuzz/KernelParser/main.swift "$build/ConvKit.o" "${engine_objects[@]}" \
  -o "$build/fuzz-KernelParser"

# MARK: - Run

# Prints libFuzzer's final statistics and any finding of one run.
report() {
  local target=$1 log="$build/$1.log"
  local executions
  executions=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)
  local found
  found=$(find "$build/findings/$target" -type f | wc -l)
  echo "$target: ${executions:-?} executions in $seconds s, $found findings (log: $log)"
  [ "$found" -eq 0 ]
}

# Runs one target for $seconds seconds.
run() {
  local target=$1
  local seeds=("$root/Fuzz/Corpus/$target")
  if [ "$target" = PNGFileDecoder ]; then
    seeds=("$root/Fuzz/Corpus/PNGDecoder")
  fi
  if [ "$target" != KernelParser ]; then
    seeds+=("$root/Tests/ConvKitPNGTests/Fixtures/pngsuite/valid")
    seeds+=("$root/Tests/ConvKitPNGTests/Fixtures/pngsuite/invalid")
  fi
  mkdir -p "$build/corpus/$target" "$build/findings/$target"

  # -timeout flags an input that runs over 10 s as a hang; -rss_limit_mb one
  # that takes over 2 GB; -print_final_stats gives the execution count.
  "$build/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$target/" \
    "$build/corpus/$target" "${seeds[@]}" >"$build/$target.log" 2>&1 || true
}

echo "Running ${targets[*]} for $seconds s each"
if [ "$parallel" -eq 1 ]; then
  for target in "${targets[@]}"; do
    run "$target" &
  done
  wait
else
  for target in "${targets[@]}"; do
    run "$target"
  done
fi

status=0
for target in "${targets[@]}"; do
  report "$target" || status=1
done
exit $status
