#!/usr/bin/env bash
# Native-readiness check without GraalVM/Mandrel or a container engine.
#
# Runs every Quarkus native build step of the four services (-Dnative -Dquarkus.native.sources-only=true)
# up to, but not including, native-image itself: the build-time analysis that fails on unsupported
# extensions or configuration, the generated reflection/resource/initialisation registrations, and the
# native-image arguments. Each service gets target/native-sources/ (the runner jar, lib/ and
# native-image.args), which a machine with Mandrel can turn into the executable:
#   cd <service>/target/native-sources && native-image $(cat native-image.args)
# What this does NOT prove: that native-image's own static analysis succeeds (missing reflection a
# library needs, classes initialised at build time), or that the executable runs. docs/native.md.
#
# Usage: tests/native-sources-check.sh [extra Maven arguments, e.g. -o]
# Uses JAVA_HOME (or the java on PATH) like ./mvnw; JDK 21 or newer. Exit 0 when all four services'
# native sources were generated, 1 otherwise. Leaves target/quarkus-app/ of an earlier JVM build alone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES=(key-service mail-service filestore-service gateway)
cd "$ROOT"

for svc in "${SERVICES[@]}" groupware-emulator; do
  rm -rf "$svc/target/native-sources"
done

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$SECONDS
# One reactor: -am brings common, cli, test-support and the groupware emulator (a test dependency),
# and every module is built once.
if ! ./mvnw -B package -Dnative -Dquarkus.native.sources-only=true -DskipTests \
    -pl "$(IFS=,; echo "${SERVICES[*]}")" -am "$@" >"$log" 2>&1; then
  grep -E '^\[ERROR\]' "$log" | head -40 >&2 || tail -40 "$log" >&2
  echo "native-sources-check: FAILED: the native build steps failed (above)" >&2
  exit 1
fi

failed=0
for svc in "${SERVICES[@]}"; do
  dir="$svc/target/native-sources"
  args="$dir/native-image.args"
  if [[ ! -s "$args" ]] || ! ls "$dir"/*-runner.jar >/dev/null 2>&1; then
    echo "native-sources-check: $svc: no $args or runner jar" >&2
    failed=1
    continue
  fi
  # Quarkus' own guarantees for a production executable; a property or profile that drops them is a bug.
  for want in --no-fallback --link-at-build-time; do
    if ! grep -q -- "$want" "$args"; then
      echo "native-sources-check: $svc: native-image.args lacks $want" >&2
      failed=1
    fi
  done
  echo "native-sources-check: $svc: $(find "$dir/lib" -type f | wc -l) libraries, builder $(cat "$dir/native-builder.image" 2>/dev/null || echo '?'), for GraalVM $(cat "$dir/graalvm.version" 2>/dev/null || echo '?')"
done
# The test fixture opts out of native (groupware-emulator/pom.xml): it must stay a JVM fast-jar.
if [[ -e groupware-emulator/target/native-sources ]]; then
  echo "native-sources-check: groupware-emulator got native sources: its opt-out of the native profile is lost" >&2
  failed=1
fi
[[ "$failed" -eq 0 ]] || { echo "native-sources-check: FAILED" >&2; exit 1; }
# Quarkus warnings of the native build steps, if any, are worth reading.
grep -E '^\[WARNING\] \[io\.quarkus' "$log" >&2 || true
echo "native-sources-check: OK (${#SERVICES[@]} services, $((SECONDS - start)) s)"
