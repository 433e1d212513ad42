#!/usr/bin/env bash
# Builds a throw-away Maven project OUTSIDE this repository from the consumer pom of docs/tck.md
# (between its consumer-pom markers, as written there) and runs the TCK in it with the vectors jar:
# the check that a backend in another repository needs no checkout of ours.
#   scripts/tck-consumer-check.sh            (MVN_OFFLINE=1 to build offline, KEEP=1 to keep the project,
#                                              SKIP_INSTALL=1 when the artifacts are installed already)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
offline=(); [ "${MVN_OFFLINE:-0}" = 1 ] && offline=(-o)
work="$(mktemp -d)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  echo "tck-consumer-check: installing permcheck's artifacts (mvn install -DskipTests)" >&2
  (cd "$root" && mvn -B -ntp -q "${offline[@]}" install -DskipTests)
fi

awk '/<!-- consumer-pom:begin -->/{f=1; next} /<!-- consumer-pom:end -->/{f=0} f' "$root/docs/tck.md" | sed '/^```/d' > "$work/pom.xml"
grep -q '<artifactId>permcheck-tck-vectors</artifactId>' "$work/pom.xml" || { echo "tck-consumer-check: no consumer pom in docs/tck.md" >&2; exit 1; }
mkdir -p "$work/src/test/java/com/example"
cat > "$work/src/test/java/com/example/MyBackendTckTest.java" <<'JAVA'
package com.example;

import org.permcheck.engine.tck.BackendTck;
import org.permcheck.spi.Backend;

/** Stands in for a backend of another repository: the embedded CPU backend, with the TCK's defaults. */
class MyBackendTckTest extends BackendTck {
    @Override
    protected Backend createBackend() { return new org.permcheck.engine.cpu.CpuBackend(); }
}
JAVA

echo "tck-consumer-check: mvn test in $work (outside the repository)" >&2
(cd "$work" && mvn -B -ntp -q "${offline[@]}" test) || { echo "tck-consumer-check: the consumer's build failed" >&2; exit 1; }
report="$work/target/surefire-reports/TEST-com.example.MyBackendTckTest.xml"
[ -f "$report" ] || { echo "tck-consumer-check: no surefire report at $report" >&2; exit 1; }
read -r tests failures errors skipped < <(python3 - "$report" <<'PY'
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
print(s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped"))
PY
)
vectors=$(grep -c '\] vec/' "$report" || true)
echo "tck-consumer-check: $tests tests, $failures failures, $errors errors, $skipped skipped; $vectors vector tests"
[ "$failures" = 0 ] && [ "$errors" = 0 ] && [ "$tests" -gt 100 ] && [ "$vectors" -gt 0 ] || { echo "tck-consumer-check: FAILED" >&2; exit 1; }
echo "tck-consumer-check: ok"
