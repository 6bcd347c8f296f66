#!/usr/bin/env bash
# Builds the documentation (Docs.docc with the Nabla, NablaNN, NablaVision and NablaKernels APIs) with
# the toolchain's own docc, warnings as errors, and checks that every public symbol has a
# documentation comment.
#
#   bash Docs.docc/build.sh [OUTPUT]        # OUTPUT defaults to <scratch>/Nabla.doccarchive
#
# NABLA_DOCS_SCRATCH names the SwiftPM scratch path (default .build, the one `swift build`
# uses, so that CI compiles nothing twice). The symbol graphs are extracted afresh from the
# built modules on every run, so an up-to-date build never leaves stale graphs behind.
# Preview the result with `docc preview Docs.docc --additional-symbol-graph-dir
# <scratch>/symbol-graphs`.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=${NABLA_DOCS_SCRATCH:-.build}
output=${1:-$scratch/Nabla.doccarchive}
graphs=$scratch/symbol-graphs
modules=(Nabla NablaNN NablaVision NablaKernels)

# NablaVision depends on NablaNN, Nabla and NablaKernels: one target builds all four.
swift build --scratch-path "$scratch" --target NablaVision

bin=$(swift build --scratch-path "$scratch" --show-bin-path)
module_dir=$bin/Modules
[ -d "$module_dir" ] || module_dir=$bin
triple=$(swift -print-target-info | sed -n 's/^ *"triple": "\(.*\)",*$/\1/p' | head -n 1)
sdk_args=()
if command -v xcrun >/dev/null 2>&1; then
    sdk_args=(-sdk "$(xcrun --show-sdk-path)")
fi

rm -rf "$graphs"
mkdir -p "$graphs"
for module in "${modules[@]}"; do
    # NablaKernels re-exports NablaKernelsCore (Parallel, KernelISA): document them there.
    swift-symbolgraph-extract -module-name "$module" -target "$triple" "${sdk_args[@]}" \
        -I "$module_dir" -minimum-access-level public -skip-inherited-docs -skip-synthesized-members \
        -experimental-allowed-reexported-modules=NablaKernelsCore -output-dir "$graphs"
done

# A public symbol written in the sources (it has a location) must carry a doc comment;
# compiler-synthesized members (`init(rawValue:)`) have no location and are exempt.
undocumented=0
python3 - "$graphs" <<'EOF' || undocumented=1
import glob, json, os, sys
missing = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.symbols.json"))):
    for symbol in json.load(open(path))["symbols"]:
        location = symbol.get("location")
        if symbol.get("docComment") or not location:
            continue
        source = location["uri"].split("/Sources/", 1)[-1]
        missing.append(f"Sources/{source}:{location['position']['line'] + 1}: "
                       f"{'/'.join(symbol['pathComponents'])} has no documentation comment")
for line in sorted(set(missing)):
    print(f"error: {line}", file=sys.stderr)
sys.exit(1 if missing else 0)
EOF

rm -rf "$output"
docc convert Docs.docc \
    --additional-symbol-graph-dir "$graphs" \
    --fallback-display-name Nabla \
    --fallback-bundle-identifier org.nabla.Nabla \
    --output-path "$output" \
    --warnings-as-errors
if [ "$undocumented" -ne 0 ]; then
    echo "error: public symbols without documentation comments (listed above)" >&2
    exit 1
fi
echo "Documentation: $output"
