#!/usr/bin/env bash
# Fuzzes the .npy/.npz readers (header parser, dtype conversion, zip directory, inflate,
# CRC) with libFuzzer and AddressSanitizer for a bounded time.
#
#   Fuzz/run.sh [seconds]      (default 60)
#
# The format layer (Sources/Nabla/IO/Format) has no dependency on Tensor, so it is compiled
# straight into the fuzzer with swiftc. The seed corpus is the NumPy fixtures; findings
# (crash-*, leak-*, timeout-*) land in .build-fuzz/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
work=.build-fuzz
mkdir -p "$work/corpus"

swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name NablaFuzz \
    Fuzz/FuzzTarget.swift Sources/Nabla/IO/Format/*.swift -o "$work/fuzz-numpy" 2>&1 \
    | { grep -v "Cannot export local symbol" || true; }

# Seeds: every small fixture (the 1 MB random array would only slow mutation down).
find Tests/NablaTests/Fixtures/numpy -name '*.np[yz]' -size -64k -exec cp {} "$work/corpus/" \;

cd "$work"
./fuzz-numpy -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=2048 -print_final_stats=1 corpus/
