#!/usr/bin/env bash
# The measurements in README.md, in one command (release build; a few minutes on two cores):
#
#     bash Benchmarks/run.sh            # writes Benchmarks/results/*.txt
#
# - allreduce-N.txt: ProcessGroup.allReduce on 1-100 MB float32 tensors under mpirun -np N,
#   then the same sizes from Benchmarks/allreduce.c (osu_allreduce's timing) in the same
#   job layout, out of place and in place;
# - step-N.txt: DDP training steps of 784-W-W-10 MLPs on N processes;
# - digits-MODEL-N.txt: the example on N processes, compared with one process.
# Set RANKS (default "1 2 4") to choose the process counts; counts above the core count
# run oversubscribed.
set -euo pipefail
cd "$(dirname "$0")/.."

ranks=${RANKS:-1 2 4}
mpirun=(mpirun)
if mpirun --version 2>&1 | grep -q "Open MPI"; then
    [ "$(id -u)" -ne 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    mpirun+=(--oversubscribe)
fi

swift build -c release
bin=$(swift build -c release --show-bin-path)
results=Benchmarks/results
mkdir -p "$results"
mpicc -O2 -o "$bin/allreduce-c" Benchmarks/allreduce.c

for n in $ranks; do
    if [ "$n" -gt 1 ]; then
        { "${mpirun[@]}" -np "$n" "$bin/nabla-ddp-bench" allreduce
          "${mpirun[@]}" -np "$n" "$bin/allreduce-c"; } | tee "$results/allreduce-$n.txt"
    fi
    "${mpirun[@]}" -np "$n" "$bin/nabla-ddp-bench" step | tee "$results/step-$n.txt"
done

for model in mlp cnn; do
    "$bin/nabla-ddp-digits" --model "$model" --save "$results/digits-$model-1.npz" | tee "$results/digits-$model-1.txt"
    for n in $ranks; do
        [ "$n" -gt 1 ] || continue
        "${mpirun[@]}" -np "$n" "$bin/nabla-ddp-digits" --model "$model" --compare "$results/digits-$model-1.npz" | tee "$results/digits-$model-$n.txt"
    done
    rm -f "$results/digits-$model-1.npz"
done
