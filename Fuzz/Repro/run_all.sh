#!/usr/bin/env bash
# Runs every reproduction of issue 18 on the files Fuzz/Repro/make_files.py wrote, printing
# for each what happened (result, error, trap or timeout), the time and the peak memory.
#
#   python3 Fuzz/Repro/make_files.py /tmp/repro
#   [BUILD=/other/checkout/.build/release] bash Fuzz/Repro/run_all.sh /tmp/repro
R="${1:-/tmp/repro}"
repro="$(cd "$(dirname "$0")/.." && pwd)/repro.sh"
for k in "npy $R/zero.npy" "map-r $R/zero.npy" "map-rw $R/zero.npy" "map-c $R/zero.npy" "npz $R/zero.npz" \
         "safetensors $R/zero.safetensors" "idx $R/zero.idx" "npy $R/bool.npy" "safetensors $R/bool.safetensors" \
         "npz $R/bomb.npz" "npy $R/fifo.npy" "map-r $R/fifo.npy" "npz $R/fifo.npy" "safetensors $R/big.safetensors" \
         "npz $R/big.npz" "npz $R/empty.npz" "backward 2 3000" "backward 4 2000"; do
    echo "== repro $k"
    # shellcheck disable=SC2086
    out=$(timeout 60 "$repro" $k 2>&1); rc=$?
    echo "$out" | grep -E "^(threw|time|[0-9]+ (arrays|tensors)|bool|float|int|uint|bias)|Fatal error|runtime failure" | head -4
    if [[ $rc -ne 0 ]]; then echo "exit status $rc$([[ $rc == 124 ]] && echo ' (killed by timeout after 60 s)')"; fi
done
