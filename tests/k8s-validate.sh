#!/usr/bin/env bash
# Validates the Kubernetes manifests under deploy/kubernetes without a cluster:
#   1. 'kubectl kustomize' renders base, bootstrap and every overlay;
#   2. tests/k8s_validate.py checks every rendered object (see its docstring for the list), including
#      that the Infinispan Cache resources match the caches the services' code creates;
#   3. tests/k8s-schema (a standalone Maven project, not part of the reactor, built here with ./mvnw; its
#      fabric8 and Jackson jars come from Maven Central on the first run): every object of a built-in kind
#      in every render is bound to the fabric8 Kubernetes model's type for its apiVersion and kind (the Java
#      types fabric8 generates from the Kubernetes OpenAPI): an unknown apiVersion/kind, a removed
#      apiVersion, a wrong value type (no coercion: "two" for an integer, 8080 for a string, a scalar for a
#      list) and every field the type does not know (a misspelt name) is a problem, with its path. The
#      custom resources (SealedSecret, Infinispan, Cache) are left to step 2. Mandatory when kubectl is there;
#      a failure to build it is a failure;
#   4. tests/images_validate.py (called by k8s_validate.py): the images the manifests name are the ones
#      deploy/build-images.sh builds, consistent with deploy/docker/ (ports, uid, JVM flags), and the
#      Dockerfiles' COPY sources exist in the packaged build. Needs no container engine.
# Exit 0 when everything holds, 1 with one line per problem otherwise.
#
# Needs kubectl (for its built-in kustomize), python3 with PyYAML ('./guard test' installs python3-yaml) and
# a JDK >= 17 (JAVA_HOME, or java on the PATH) for the schema check.
# kubectl is not in Debian's own archive: without it the check is SKIPPED with a notice, unless
# GUARD_K8S_VALIDATE=required (then it fails).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
K8S="$ROOT/deploy/kubernetes"

if ! command -v kubectl >/dev/null 2>&1; then
  # The Dockerfiles and build-images.sh can still be checked (without the manifests' side).
  python3 "$ROOT/tests/images_validate.py" "$ROOT" || exit 1
  if [[ "${GUARD_K8S_VALIDATE:-}" == required ]]; then
    echo "k8s-validate: FAILED: kubectl not found (GUARD_K8S_VALIDATE=required); install it: https://kubernetes.io/docs/tasks/tools/" >&2
    exit 1
  fi
  echo "k8s-validate: SKIPPED: kubectl not found, the Kubernetes manifests were NOT validated" \
    "(install kubectl, https://kubernetes.io/docs/tasks/tools/, or set GUARD_K8S_VALIDATE=required to make this fatal)" >&2
  exit 0
fi
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
  echo "k8s-validate: FAILED: python3 with PyYAML is needed: apt-get install -y python3-yaml" >&2
  exit 1
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

targets=(base bootstrap)
for overlay in "$K8S"/overlays/*/; do
  targets+=("overlays/$(basename "$overlay")")
done

failed=0
for target in "${targets[@]}"; do
  file="$out/$(echo "$target" | tr / _).yaml"
  if ! kubectl kustomize "$K8S/$target" >"$file" 2>"$file.err"; then
    echo "k8s-validate: $target: kubectl kustomize failed: $(tr '\n' ' ' <"$file.err")" >&2
    failed=1
    continue
  fi
  echo "k8s-validate: rendered $target ($(grep -c '^kind:' "$file") objects)"
done
[[ "$failed" -eq 0 ]] || exit 1

# Schema check of the built-in kinds (tests/k8s-schema): compiled incrementally into its own target/, the
# classpath written by the dependency plugin, then run once over every render.
schema="$ROOT/tests/k8s-schema"
if ! (cd "$ROOT" && ./mvnw -B -q -f "$schema/pom.xml" compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath) >"$out/schema-build.log" 2>&1; then
  echo "k8s-validate: FAILED: the schema check (tests/k8s-schema) did not build:" >&2
  tail -n 30 "$out/schema-build.log" >&2
  exit 1
fi
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$schema/target/classes:$(cat "$schema/target/classpath")" \
  guard.k8s.SchemaCheck "$out"/*.yaml || failed=1

# The structural checks run even when the schema check failed, so one run reports every problem.
python3 "$ROOT/tests/k8s_validate.py" "$ROOT" "$out" || failed=1
if [[ "$failed" -ne 0 ]]; then
  echo "k8s-validate: FAILED (the problems above)" >&2
  exit 1
fi
