#!/usr/bin/env bash
# Validates the Kubernetes manifests under deploy/kubernetes without a cluster:
#   1. 'kubectl kustomize' renders base, bootstrap and every overlay;
#   2. tests/k8s_validate.py checks every rendered object (see its docstring for the list), including
#      that the Infinispan Cache resources match the caches the services' code creates;
#   3. if kubeconform is installed, a schema validation of the built-in kinds on top;
#   4. tests/images_validate.py (called by k8s_validate.py): the images the manifests name are the ones
#      deploy/build-images.sh builds, consistent with deploy/docker/ (ports, uid, JVM flags), and the
#      Dockerfiles' COPY sources exist in the packaged build. Needs no container engine.
# Exit 0 when everything holds, 1 with one line per problem otherwise.
#
# Needs kubectl (for its built-in kustomize) and python3 with PyYAML ('./guard test' installs python3-yaml).
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
  if command -v kubeconform >/dev/null 2>&1; then
    # CRDs (SealedSecret, Infinispan, Cache) have no schema here: skipped, checked by k8s_validate.py.
    if ! kubeconform -strict -summary -ignore-missing-schemas "$file" >&2; then
      echo "k8s-validate: $target: kubeconform found schema errors" >&2
      failed=1
    fi
  fi
done
[[ "$failed" -eq 0 ]] || exit 1
command -v kubeconform >/dev/null 2>&1 \
  || echo "k8s-validate: note: kubeconform not installed, OpenAPI schema validation skipped (the structural checks below still run)"

python3 "$ROOT/tests/k8s_validate.py" "$ROOT" "$out"
