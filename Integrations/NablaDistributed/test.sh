#!/usr/bin/env bash
# NablaDistributed's tests, as CI runs them (from the root's .ci/run) and as a developer
# runs them: bash Integrations/NablaDistributed/test.sh
#
# Installs MPI when it is missing (Open MPI from the distribution's packages, or Homebrew's
# on macOS), builds the package (debug), then runs
#   - the single-process tests (swift test: bucketing, the sampler, MPI's singleton start),
#   - the collectives and DDP checks across processes, under mpirun -np 2 and -np 4,
#   - that ranks wrapping different models stop with DistributedDataParallel's message, and
#     that one rank's abort ends the job,
#   - the example: one process, then 2 and 4 processes compared with it (same accuracy,
#     parameters within 1e-4),
#   - each benchmark suite once, briefly.
# Exit status 77 means MPI is missing and could not be installed, so nothing was tested
# (the caller reports a skip); any other failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")"

SKIPPED=77
started=$(date +%s)

have_mpi() { command -v mpirun >/dev/null 2>&1 && command -v mpicc >/dev/null 2>&1; }

install_mpi() {
    if command -v apt-get >/dev/null 2>&1; then
        local sudo=()
        if [ "$(id -u)" -ne 0 ]; then
            command -v sudo >/dev/null 2>&1 || return 1
            sudo=(sudo -n)
        fi
        export DEBIAN_FRONTEND=noninteractive
        "${sudo[@]}" apt-get install -y openmpi-bin libopenmpi-dev \
            || { "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y openmpi-bin libopenmpi-dev; }
    elif command -v brew >/dev/null 2>&1; then
        brew install open-mpi
    else
        return 1
    fi
}

if ! have_mpi; then
    echo "== MPI is missing: installing Open MPI"
    if ! install_mpi || ! have_mpi; then
        echo "MPI is not installed and could not be installed; see README.md" >&2
        exit "$SKIPPED"
    fi
fi
echo "== $(mpirun --version 2>&1 | head -n 1)"

mpirun=(mpirun)
oversubscribe=()
if mpirun --version 2>&1 | grep -q "Open MPI"; then
    # CI runs as root, which Open MPI refuses unless told. In containers without
    # ptrace rights its single-copy (CMA) transfers fail, so copy through shared memory.
    if [ "$(id -u)" -eq 0 ]; then
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi
    export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"
    oversubscribe=(--oversubscribe)
fi
# A hung collective must not hang CI.
run() { timeout 300 "$@"; }

echo "== swift build --build-tests (debug; builds the root package too)"
swift build --build-tests
bin=$(swift build --show-bin-path)

echo "== swift test (single process)"
swift test --skip-build

echo "== collectives and DDP across processes"
run "${mpirun[@]}" -np 2 "$bin/nabla-distributed-check"
run "${mpirun[@]}" "${oversubscribe[@]}" -np 4 "$bin/nabla-distributed-check"

echo "== ranks wrapping different models stop with a message"
if output=$(SWIFT_BACKTRACE=enable=no run "${mpirun[@]}" -np 2 "$bin/nabla-distributed-check" --trap 2>&1); then
    echo "$output"
    echo "error: the job with mismatched models did not fail" >&2
    exit 1
fi
grep -q "rank 1's model differs from rank 0's" <<<"$output" \
    || { echo "$output"; echo "error: the job failed without DistributedDataParallel's message" >&2; exit 1; }
echo "stopped with: $(grep -m 1 -o "DistributedDataParallel: rank 1's model differs from rank 0's" <<<"$output")"

echo "== one rank's abort ends the job"
if SWIFT_BACKTRACE=enable=no timeout 60 "${mpirun[@]}" -np 2 "$bin/nabla-distributed-check" --abort >/dev/null 2>&1; then
    echo "error: the job went on after rank 1 aborted" >&2
    exit 1
else
    status=$?
    [ "$status" -ne 124 ] || { echo "error: the job hung after rank 1 aborted" >&2; exit 1; }
    echo "ended with status $status"
fi

echo "== the example: one process, then 2 and 4 compared with it"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
run "$bin/nabla-ddp-digits" --save "$scratch/one.npz"
run "${mpirun[@]}" -np 2 "$bin/nabla-ddp-digits" --compare "$scratch/one.npz" --tolerance 1e-4
run "${mpirun[@]}" "${oversubscribe[@]}" -np 4 "$bin/nabla-ddp-digits" --compare "$scratch/one.npz" --tolerance 1e-4

echo "== the benchmarks, briefly"
run "${mpirun[@]}" -np 2 "$bin/nabla-ddp-bench" allreduce --sizes 1 --iterations 2
run "${mpirun[@]}" -np 2 "$bin/nabla-ddp-bench" step --widths 64 --batch 32 --steps 1

echo "== NablaDistributed: all passed in $(( $(date +%s) - started )) s"
