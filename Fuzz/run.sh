#!/usr/bin/env bash
# Fuzzes Nabla's file readers with libFuzzer and AddressSanitizer for a bounded time.
#
#   Fuzz/run.sh [TARGET] [SECONDS]     (defaults: format, 60)
#   Fuzz/run.sh SECONDS                (the format target, as before)
#   Fuzz/run.sh all SECONDS            (every target in turn, SECONDS each)
#
# Targets:
#   format       the .npy/.npz format layer alone (header parser, dtype conversion, zip
#                directory, inflate, CRC), compiled straight from Sources/Nabla/IO/Format
#   npy          Tensor.load(npy:) and the three memory mappings, through the tensor wiring
#   npz          Tensor.loadNPZ
#   safetensors  StateDict(loadingSafetensors:) and StateDict.safetensorsMetadata
#   idx          IDX.load
#   pth          Tensor.loadPTH (PyTorch checkpoints: zip and legacy containers, the safe
#                unpickler, mapped and converted storages)
#   images       NablaVision's image format layer alone (PNG, JPEG, PPM/PGM decoders and
#                the PNG encoder), compiled from Sources/NablaVision/Images/Format with
#                Nabla's inflate and CRC-32 (package access, hence -package-name)
#
# The tensor-wiring targets (Fuzz/Targets/NAME.swift with Fuzz/Targets/Support.swift) link
# the library's modules, built by SwiftPM with coverage and ASan in .build-fuzz/spm. To add
# one: write Fuzz/Targets/NAME.swift (an LLVMFuzzerTestOneInput that calls the reader on
# `withInputFile` and `exercise`s what it returns), put seeds in Fuzz/Corpus/NAME/, and add
# NAME to `wiring_targets` (and its max_len to `max_len_for`) below.
#
# Each target prints "fuzz TARGET: N runs in S s". Findings (crash-*, leak-*, timeout-*,
# oom-*) land in .build-fuzz/TARGET/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."

wiring_targets=(npy npz safetensors idx pth)
all_targets=(format images "${wiring_targets[@]}")

target=format
if [[ $# -ge 1 && ! "$1" =~ ^[0-9]+$ ]]; then target="$1"; shift; fi
seconds="${1:-60}"
work=.build-fuzz
mkdir -p "$work"

max_len_for() {
    case "$1" in
        npz) echo 16384 ;;
        pth) echo 16384 ;;
        images) echo 65536 ;;
        safetensors) echo 16384 ;;
        idx) echo 4096 ;;
        *) echo 8192 ;;
    esac
}

quiet_link() { { grep -v "Cannot export local symbol" || true; }; }

build_format() {
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name NablaFuzz -package-name Nabla \
        Fuzz/FuzzTarget.swift Sources/Nabla/IO/Format/*.swift Sources/NablaKernelsCore/Trap.swift \
        -o "$work/fuzz-format" 2>&1 | quiet_link
}

build_images() {
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name NablaFuzzImages -package-name Nabla \
        Fuzz/ImageFuzzTarget.swift Sources/NablaVision/Images/Format/*.swift Sources/Nabla/IO/Format/*.swift \
        Sources/NablaKernelsCore/Trap.swift -o "$work/fuzz-images" 2>&1 | quiet_link
}

spm_built=0
build_wiring() {
    local name="$1" spm="$work/spm"
    if [[ $spm_built == 0 ]]; then
        # The library's modules with coverage and ASan; nothing is linked here.
        swift build -c release --scratch-path "$spm" --target NablaNN \
            -Xswiftc -sanitize=fuzzer,address 2>&1 | { grep -E "error|warning:" || true; }
        spm_built=1
    fi
    local bin
    bin=$(swift build -c release --scratch-path "$spm" --show-bin-path)
    local objects=()
    for module in Nabla NablaNN NablaKernels NablaKernelsCore NablaKernelsAVX512 NablaKernelsAVX2 NablaKernelsX86 NablaKernelsNEON; do
        if [[ -d "$bin/$module.build" ]]; then objects+=("$bin/$module.build"/*.o); fi
    done
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name NablaFuzz \
        Fuzz/Targets/Support.swift "Fuzz/Targets/$name.swift" -I "$bin/Modules" \
        "${objects[@]}" -o "$work/fuzz-$name" 2>&1 | quiet_link
}

seed() {
    local name="$1" corpus="$2"
    if [[ -d "Fuzz/Corpus/$name" ]]; then cp Fuzz/Corpus/"$name"/* "$corpus/"; fi
    # Every small fixture (a large array would only slow mutation down).
    case "$name" in
        format) find Tests/NablaTests/Fixtures/numpy -name '*.np[yz]' -size -64k -exec cp {} "$corpus/" \; ; cp Fuzz/Corpus/pth/* "$corpus/" ;;
        images) find Tests/NablaVisionTests/Fixtures/images \( -name '*.png' -o -name '*.jpg' \) -size -64k -exec cp {} "$corpus/" \; ;;
        npy) find Tests/NablaTests/Fixtures/numpy -name '*.npy' -size -64k -exec cp {} "$corpus/" \; ;;
        npz) find Tests/NablaTests/Fixtures/numpy -name '*.npz' -size -64k -exec cp {} "$corpus/" \; ;;
        safetensors) find Tests -name '*.safetensors' -size -64k -exec cp {} "$corpus/" \; ;;
    esac
}

run_target() {
    local name="$1"
    case "$name" in
        format) build_format ;;
        images) build_images ;;
        *) build_wiring "$name" ;;
    esac
    local dir="$work/$name"
    mkdir -p "$dir/corpus"
    seed "$name" "$dir/corpus"
    local log="$dir/last-run.log"
    local status=0
    SWIFT_BACKTRACE=enable=no "$work/fuzz-$name" -max_total_time="$seconds" -max_len="$(max_len_for "$name")" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" >"$log" 2>&1 || status=$?
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz $name: ${runs:-?} runs in $seconds s (corpus $(ls "$dir/corpus" | wc -l) files)"
    if [[ $status != 0 ]]; then
        tail -n 40 "$log" >&2
        echo "error: fuzz target $name found a problem (see $dir/)" >&2
        return 1
    fi
}

case "$target" in
    all) for name in "${all_targets[@]}"; do run_target "$name"; done ;;
    format | images | npy | npz | safetensors | idx | pth) run_target "$target" ;;
    *) echo "unknown fuzz target '$target' (expected: all ${all_targets[*]})" >&2; exit 2 ;;
esac
