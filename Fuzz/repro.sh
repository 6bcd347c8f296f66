#!/usr/bin/env bash
# Builds Fuzz/Repro (issue 18's reproductions as a command) against the release build of the
# package in BUILD (default .build/release, from `swift build -c release`) and runs it.
#
#   Fuzz/repro.sh npy|map-r|map-rw|map-c|npz|safetensors|idx PATH
#   Fuzz/repro.sh backward TASKS ITERATIONS
#   BUILD=/other/checkout/.build/release Fuzz/repro.sh ...   (e.g. an older commit's build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD:-$root/.build/release}"
binary="$build/nabla-repro"
objects=()
for module in Nabla NablaNN NablaKernels NablaKernelsCore NablaKernelsAVX512 NablaKernelsAVX2 NablaKernelsX86 NablaKernelsNEON; do
    [ -d "$build/$module.build" ] && objects+=("$build/$module.build"/*.o)
done
if [ ! -x "$binary" ] || [ -n "$(find "$build/Nabla.build" "$build/NablaNN.build" "$root/Fuzz/Repro" -newer "$binary" -name '*.[os]*' 2>/dev/null | head -1)" ]; then
    swiftc -O -module-name NablaRepro "$root/Fuzz/Repro/main.swift" -I "$build/Modules" "${objects[@]}" -o "$binary" >&2
fi
exec "$binary" "$@"
