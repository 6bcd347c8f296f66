#!/usr/bin/env bash
# Fuzzes the .npy/.npz readers (header parser, dtype conversion, zip directory, inflate,
# CRC), or NablaVision's image decoders (PNG, JPEG, PPM/PGM) and PNG encoder, with
# libFuzzer and AddressSanitizer for a bounded time.
#
#   Fuzz/run.sh [seconds] [numpy|images]     (default 60 seconds, numpy)
#
# The format layer (Sources/Nabla/IO/Format) has no dependency on Tensor, so it is compiled
# straight into the fuzzer with swiftc. The seed corpus is the NumPy fixtures; findings
# (crash-*, leak-*, timeout-*) land in .build-fuzz/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
target="${2:-numpy}"
work=.build-fuzz
mkdir -p "$work/corpus"

if [ "$target" = images ]; then
    # The image format layer (Sources/NablaVision/Images/Format) knows bytes only, and
    # reuses Nabla's inflate and CRC-32 through package access: one module, one package name.
    mkdir -p "$work/corpus-images"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name NablaFuzzImages -package-name Nabla \
        Fuzz/ImageFuzzTarget.swift Sources/NablaVision/Images/Format/*.swift Sources/Nabla/IO/Format/*.swift \
        -o "$work/fuzz-images" 2>&1 | { grep -v "Cannot export local symbol" || true; }
    # Seeds: the small PNG and JPEG fixtures.
    find Tests/NablaVisionTests/Fixtures/images \( -name '*.png' -o -name '*.jpg' \) -size -64k -exec cp {} "$work/corpus-images/" \;
    cd "$work"
    exec ./fuzz-images -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 corpus-images/
fi

swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name NablaFuzz -package-name Nabla \
    Fuzz/FuzzTarget.swift Sources/Nabla/IO/Format/*.swift -o "$work/fuzz-numpy" 2>&1 \
    | { grep -v "Cannot export local symbol" || true; }

# Seeds: every small fixture (the 1 MB random array would only slow mutation down).
find Tests/NablaTests/Fixtures/numpy -name '*.np[yz]' -size -64k -exec cp {} "$work/corpus/" \;

cd "$work"
./fuzz-numpy -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=2048 -print_final_stats=1 corpus/
