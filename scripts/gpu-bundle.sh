#!/usr/bin/env bash
# gpu-bundle.sh: a self-contained permcheck for GPU nodes that have no JDK (docs/cuda.md).
#
# Writes DIR (default .gpu/ in the project root, git-ignored):
#   jre.tgz     a jlinked Java runtime (about 25 MB; unpacked on first use)
#   lib/        the CLI's runtime jars (permcheck modules incl. cuda-backend with its PTX, JCuda
#               and its linux-x86_64 natives, picocli, Jackson)
#   permcheck   launcher: unpacks the runtime to /tmp once, then runs the CLI
#               (`DIR/permcheck run --backend cuda --vectors DIR/vectors`,
#                `DIR/permcheck bench backend --backend cuda`)
#   vectors/    the conformance vectors (the run tier's first part), when the project has them
#   selftest    (with the dev part) the whole GPU check: JUnit, run quick+full, fuzz, bench
#               (`DIR/selftest OUT`; see scripts/gpu-selftest.sh)
#   classpath   the same jars plus every module's classes and test classes and the JUnit jars,
#               as paths RELATIVE to the project root, for development runs:
#               java -cp "$(cat .gpu/classpath)" org.permcheck.cuda.bench.CudaBench
#               java -jar .gpu/dev/junit-platform-console-standalone-*.jar execute -cp "$(cat .gpu/classpath)" ...
#
# Usage: scripts/gpu-bundle.sh [--no-build] [--no-dev] [DIR]
#   --no-build  skip `mvn -q -B -DskipTests install` (use what target/ holds)
#   --no-dev    only the runtime part (no test classes, no JUnit)
# Needs: a JDK 17 with jlink, Maven; nvcc at /usr/local/bin/nvcc so that the PTX is in the jar.
set -euo pipefail
build=1 dev=1 dir=
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --no-dev) dev=0 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    -*) echo "gpu-bundle.sh: unknown option $a" >&2; exit 2 ;;
    *) dir="$a" ;;
  esac
done
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
dir=${dir:-.gpu}
case "$dir" in /*) abs="$dir" ;; *) abs="$root/$dir" ;; esac

if [[ $build == 1 ]]; then
  echo "gpu-bundle: mvn -q -B -DskipTests install" >&2
  mvn -q -B -DskipTests install 2>&1 | sed -e 's/\x1b\[0m//g' -e '/^$/d' >&2
fi
jar=$(ls cuda-backend/target/permcheck-cuda-backend-*.jar 2>/dev/null | grep -v -- '-tests' | head -1 || true)
[[ -n $jar ]] || { echo "gpu-bundle: no cuda-backend jar; build first (drop --no-build)" >&2; exit 1; }
if ! unzip -l "$jar" | grep -q 'org/permcheck/cuda/permcheck.ptx'; then
  echo "gpu-bundle: WARNING: $jar holds no PTX (nvcc was missing at build time): the cuda backend will report NOT_SUPPORTED" >&2
fi

rm -rf "$abs/lib" "$abs/dev" "$abs/classes"
mkdir -p "$abs/lib"
if [[ ! -f $abs/jre.tgz ]]; then
  tmp=$(mktemp -d)
  jlink --add-modules java.base,java.logging,java.management,java.xml,java.sql,java.naming,jdk.unsupported \
        --strip-debug --no-header-files --no-man-pages --compress=2 --output "$tmp/jre"
  tar czf "$abs/jre.tgz" -C "$tmp" jre
  rm -rf "$tmp"
fi

# runtime: the CLI jar and everything it needs (cuda-backend comes in as a dependency)
cp cli/target/permcheck-cli-*.jar "$abs/lib/" 2>/dev/null || { echo "gpu-bundle: no cli jar" >&2; exit 1; }
mvn -q -B -pl cli dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$abs/lib" >/dev/null
rm -f "$abs/lib"/*-tests.jar
# copy-dependencies takes our own modules from ~/.m2, which may be older than this tree (with
# --no-build, or after a build of a sibling checkout): the jars this tree built win
for built in */target/permcheck-*.jar; do
  [[ $built == *-tests.jar || $built == *-sources.jar ]] && continue
  rm -f "$abs/lib/$(basename "$built")"
  cp "$built" "$abs/lib/"
done

rm -rf "$abs/vectors"
[[ -d vectors ]] && cp -r vectors "$abs/vectors"
# the suite's commit, recorded in every report made from the bundle (a GPU node has no git checkout)
git -C "$root" rev-parse HEAD 2>/dev/null > "$abs/COMMIT" || echo unknown > "$abs/COMMIT"

cat > "$abs/permcheck" <<'LAUNCHER'
#!/usr/bin/env bash
# permcheck from a GPU bundle: no JDK needed. PERMCHECK_JRE_DIR says where the runtime is unpacked.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jre=${PERMCHECK_JRE_DIR:-/tmp/permcheck-jre-$(cksum < "$here/jre.tgz" | cut -d' ' -f1)}
if [[ ! -x $jre/bin/java ]]; then
  mkdir -p "$jre.tmp.$$" && tar xzf "$here/jre.tgz" -C "$jre.tmp.$$" --strip-components=1 && mv "$jre.tmp.$$" "$jre" 2>/dev/null || rm -rf "$jre.tmp.$$"
fi
exec "$jre/bin/java" ${JAVA_OPTS:--XX:MaxRAMPercentage=60} -Dpermcheck.script="$here/permcheck" \
  -Dpermcheck.commit="$(cat "$here/COMMIT" 2>/dev/null || echo unknown)" \
  -cp "$here/lib/*" org.permcheck.cli.Main "$@"
LAUNCHER
chmod +x "$abs/permcheck"

if [[ $dev == 1 ]]; then cp scripts/gpu-selftest.sh "$abs/selftest"; chmod +x "$abs/selftest"; fi

rel=${abs#"$root"/}
entries=()
if [[ $dev == 1 ]]; then
  mkdir -p "$abs/dev"
  mvn -q -B dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$abs/dev" >/dev/null
  # runtime jars are in lib/; keep dev/ for test-only jars and drop our own module jars (classes below)
  for f in "$abs/dev"/*.jar; do
    b=$(basename "$f")
    if [[ -f $abs/lib/$b || $b == permcheck-* ]]; then rm -f "$f"; fi
  done
  pv=$(ls "$abs/dev" | sed -n 's/^junit-platform-engine-\(.*\)\.jar$/\1/p' | head -1)
  [[ -n $pv ]] || { echo "gpu-bundle: no junit-platform-engine among the test dependencies" >&2; exit 1; }
  mvn -q -B dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:"$pv" -DoutputDirectory="$abs/dev" >/dev/null
  for d in $(find . -path "./$rel" -prune -o -type d \( -name classes -o -name test-classes \) -path '*/target/*' -print | sort); do
    mkdir -p "$abs/classes/$d"; cp -r "$d/." "$abs/classes/$d/"; entries+=("$rel/classes/${d#./}")
  done
  for f in "$abs/dev"/*.jar; do [[ $f == *console-standalone* ]] || entries+=("$rel/dev/$(basename "$f")"); done
fi
for f in "$abs/lib"/*.jar; do
  b=$(basename "$f")
  # with dev classes on the path, our own module jars would duplicate them
  if [[ $dev == 1 && $b == permcheck-* ]]; then continue; fi
  entries+=("$rel/lib/$b")
done
( IFS=:; echo "${entries[*]}" ) > "$abs/classpath"
# the same entries relative to the bundle itself, for scripts that run inside it (selftest)
( IFS=:; echo "${entries[*]}" ) | sed -e "s#^$rel/##" -e "s#:$rel/#:#g" > "$abs/classpath.bundle"
du -sh "$abs" | awk '{print "gpu-bundle: "$2" is "$1" (a working tree that travels to the device machine must stay under 64 MiB)"}' >&2
