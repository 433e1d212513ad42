#!/usr/bin/env bash
# gpu-selftest.sh: the CUDA backend's whole check on a GPU node, from a bundle made by
# scripts/gpu-bundle.sh (copied into it as DIR/selftest). Writes a few small files into OUT
# (default ./permcheck-selftest):
#   gpu.txt        nvidia-smi's card, driver and memory
#   junit.txt      the org.permcheck.cuda tests (oracle agreement on random calls of every op,
#                  guard bands, buffers past 2^31 bytes) via the JUnit console launcher
#   agreement.md   the per-op table of that agreement test
#   run-quick.md, run-full.md   `permcheck run --backend cuda` summaries (tiers quick and full)
#   fuzz.md        `permcheck fuzz --backend cuda` summary
#   bench.md       CudaBench: issue 6's shapes, ratios to cuMemcpyDtoD in the same run
# Usage: DIR/selftest [OUT] [--skip-full] [--cases N] [--fuzz-time 120s]   (OUT: ./permcheck-selftest)
# Exit status: 0 when every step passed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=permcheck-selftest full=1 cases=100 fuzztime=120s
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-full) full=0 ;;
    --cases) cases=$2; shift ;;
    --fuzz-time) fuzztime=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "selftest: unknown option $1" >&2; exit 2 ;;
    *) out=$1 ;;
  esac
  shift
done
mkdir -p "$out"; out=$(cd "$out" && pwd)
jre=${PERMCHECK_JRE_DIR:-/tmp/permcheck-jre-$(cksum < "$here/jre.tgz" | cut -d' ' -f1)}
if [[ ! -x $jre/bin/java ]]; then mkdir -p "$jre" && tar xzf "$here/jre.tgz" -C "$jre" --strip-components=1; fi
java="$jre/bin/java"
cd "$here"
cp=$(cat "$here/classpath.bundle")
tmp=$(mktemp -d)
status=0
step() { echo "selftest: $*" >&2; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.txt" 2>&1 || true
step "JUnit (org.permcheck.cuda, $cases calls per op)"
"$java" -Dpermcheck.cuda.report="$out/agreement.md" -Dpermcheck.cuda.cases="$cases" \
  -jar "$here"/dev/junit-platform-console-standalone-*.jar execute -cp "$cp" \
  --select-package org.permcheck.cuda --details=tree --disable-ansi-colors > "$out/junit.txt" 2>&1 || status=1
tiers=quick; [[ $full == 1 ]] && tiers="quick full"
for tier in $tiers; do
  step "permcheck run --tier $tier"
  "$here/permcheck" run --backend cuda --tier "$tier" --vectors "$here/vectors" --out "$tmp/run-$tier" > "$tmp/run-$tier.log" 2>&1 || status=1
  cp "$tmp/run-$tier/summary.md" "$out/run-$tier.md" 2>/dev/null || cp "$tmp/run-$tier.log" "$out/run-$tier.md"
done
step "permcheck fuzz --time $fuzztime"
"$here/permcheck" fuzz --backend cuda --time "$fuzztime" --seed 20261126 --out "$tmp/fuzz" > "$tmp/fuzz.log" 2>&1 || status=1
cp "$tmp/fuzz/summary.md" "$out/fuzz.md" 2>/dev/null || cp "$tmp/fuzz.log" "$out/fuzz.md"
step "CudaBench"
"$java" -cp "$cp" org.permcheck.cuda.bench.CudaBench --warmups 5 --repeats 20 --out "$out/bench.md" > "$tmp/bench.log" 2>&1 || { status=1; cp "$tmp/bench.log" "$out/bench.md"; }
rm -rf "$tmp"
grep -h -E '^(CONFORMANT|NOT CONFORMANT|# permcheck)|Verdict' "$out"/run-*.md "$out/fuzz.md" 2>/dev/null >&2
step "done, status $status"
exit $status
