#!/usr/bin/env bash
# Builds (and with --push publishes) the container images of the four services and the CLI:
#
#   <registry>/gateway:<tag>  <registry>/key-service:<tag>  <registry>/mail-service:<tag>
#   <registry>/filestore-service:<tag>  <registry>/cli:<tag>
#
# the names deploy/kubernetes/overlays/*/images.yaml and bootstrap/ use (tests/k8s_validate.py checks
# them against this script's --dry-run output, so the names live here and nowhere else).
#
#   --jvm            (default) Quarkus fast-jars on a JRE, deploy/docker/Dockerfile.jvm
#   --native         native executables built in the Mandrel builder image (needs docker or podman for
#                    the build itself, several GB of memory and minutes per service), Dockerfile.native;
#                    the services are tagged <tag>-native, so an overlay picks one or the other explicitly.
#                    The CLI image is a JVM image in both modes (Dockerfile.cli).
#   --registry R     image name prefix (default registry.example.invalid/guard, the manifests' placeholder)
#   --tag T          (default: the Maven project version without -SNAPSHOT, 0.1.0)
#   --builder-image I  the Mandrel builder for --native (default: the parent pom's native profile)
#   --engine E       docker or podman (default: docker if installed, else podman)
#   --skip-build     use the artifacts already in */target instead of running ./mvnw package
#   --push           push every image after building them all
#   --dry-run        print what would run (the Maven build, every image build and push), run nothing
#
# Exit 0 when every image was built (and pushed), non-zero at the first failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The images. SERVICES are Maven modules with a Quarkus fast-jar; CLI_IMAGE is built from cli/.
SERVICES=(gateway key-service mail-service filestore-service)
CLI_IMAGE=cli
DEFAULT_REGISTRY=registry.example.invalid/guard

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "build-images: $*" >&2; exit 2; }

# The project version (the first <version> of the parent pom is its own) and the native builder image.
VERSION="$(sed -n '0,/<version>/s/.*<version>\([^<]*\)<\/version>.*/\1/p' pom.xml)"
[[ -n "$VERSION" ]] || die "cannot read the project version from pom.xml"
POM_BUILDER_IMAGE="$(sed -n 's/.*<quarkus.native.builder-image>\([^<]*\)<.*/\1/p' pom.xml | head -1)"

mode=jvm registry="$DEFAULT_REGISTRY" tag="${VERSION%-SNAPSHOT}" builder_image="$POM_BUILDER_IMAGE"
engine="${CONTAINER_ENGINE:-}" push=0 dry_run=0 skip_build=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jvm) mode=jvm ;;
    --native) mode=native ;;
    --registry) [[ $# -ge 2 ]] || die "--registry needs a value"; registry="${2%/}"; shift ;;
    --tag) [[ $# -ge 2 ]] || die "--tag needs a value"; tag="$2"; shift ;;
    --builder-image) [[ $# -ge 2 ]] || die "--builder-image needs a value"; builder_image="$2"; shift ;;
    --engine) [[ $# -ge 2 ]] || die "--engine needs a value"; engine="$2"; shift ;;
    --skip-build) skip_build=1 ;;
    --push) push=1 ;;
    --dry-run) dry_run=1 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "not a valid image tag: $tag"
[[ "$mode" == jvm || -n "$builder_image" ]] || die "no Mandrel builder image (pom.xml's native profile or --builder-image)"

if [[ -z "$engine" ]]; then
  if command -v docker >/dev/null 2>&1; then engine=docker
  elif command -v podman >/dev/null 2>&1; then engine=podman
  elif [[ "$dry_run" -eq 1 ]]; then
    engine=docker
    echo "# note: neither docker nor podman is installed here; showing docker commands" >&2
  else
    die "neither docker nor podman found: install one (or pass --engine, or --dry-run to see the commands)"
  fi
fi
case "$engine" in docker|podman) ;; *) die "--engine must be docker or podman, not $engine" ;; esac
if [[ "$dry_run" -eq 0 ]]; then
  command -v "$engine" >/dev/null 2>&1 || die "$engine not found"
  # Before minutes of Maven: a docker CLI without a reachable daemon fails here, not after the build.
  "$engine" info >/dev/null 2>&1 || die "$engine is installed but its engine does not answer ('$engine info' fails)"
fi

# One line per command, shell-quoted; run it unless --dry-run.
run() {
  local line="+" arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then line+=" $arg"; else line+=" $(printf '%q' "$arg")"; fi
  done
  echo "$line"
  [[ "$dry_run" -eq 1 ]] || "$@"
}

# The service's HTTP port, from its application.properties (the Deployments' containerPort is checked
# against the same value by tests/k8s_validate.py).
port_of() {
  local port
  port="$(sed -n 's/^quarkus\.http\.port *= *\([0-9]*\) *$/\1/p' "$1/src/main/resources/application.properties")"
  [[ -n "$port" ]] || die "$1: no quarkus.http.port in src/main/resources/application.properties"
  echo "$port"
}

service_tag="$tag"
[[ "$mode" == native ]] && service_tag="$tag-native"
declare -A image
for svc in "${SERVICES[@]}"; do image[$svc]="$registry/$svc:$service_tag"; done
image[$CLI_IMAGE]="$registry/$CLI_IMAGE:$tag"

echo "# mode $mode, engine $engine, version $VERSION$([[ "$mode" == native ]] && echo ", builder $builder_image")"
for name in "${SERVICES[@]}" "$CLI_IMAGE"; do
  echo "image $name ${image[$name]}"
done

modules="$(IFS=,; echo "${SERVICES[*]},cli")"
if [[ "$skip_build" -eq 0 ]]; then
  if [[ "$mode" == jvm ]]; then
    run ./mvnw -B package -DskipTests -pl "$modules" -am
  else
    # quarkus.native.container-build runs native-image inside the builder image through $engine; the
    # groupware emulator (a test fixture in the reactor) opts out of native in its own pom.
    run ./mvnw -B package -DskipTests -Dnative \
      -Dquarkus.native.container-build=true \
      -Dquarkus.native.container-runtime="$engine" \
      -Dquarkus.native.builder-image="$builder_image" \
      -pl "$modules" -am
  fi
fi

# What each Dockerfile copies must be there (after the build above, or from an earlier one).
if [[ "$dry_run" -eq 0 ]]; then
  for svc in "${SERVICES[@]}"; do
    if [[ "$mode" == jvm ]]; then
      [[ -f "$svc/target/quarkus-app/quarkus-run.jar" ]] || die "$svc/target/quarkus-app/ is missing: build without --skip-build"
    else
      compgen -G "$svc/target/*-runner" >/dev/null || die "$svc/target/*-runner is missing: build without --skip-build"
    fi
  done
  [[ -f "cli/target/guard-cli-$VERSION-all.jar" ]] || die "cli/target/guard-cli-$VERSION-all.jar is missing: build without --skip-build"
fi

dockerfile=deploy/docker/Dockerfile.jvm
[[ "$mode" == native ]] && dockerfile=deploy/docker/Dockerfile.native
for svc in "${SERVICES[@]}"; do
  run "$engine" build -f "$dockerfile" --build-arg SERVICE="$svc" --build-arg PORT="$(port_of "$svc")" \
    -t "${image[$svc]}" .
done
run "$engine" build -f deploy/docker/Dockerfile.cli --build-arg VERSION="$VERSION" -t "${image[$CLI_IMAGE]}" .

if [[ "$push" -eq 1 ]]; then
  for name in "${SERVICES[@]}" "$CLI_IMAGE"; do
    run "$engine" push "${image[$name]}"
  done
fi
[[ "$dry_run" -eq 1 ]] && echo "# dry run: nothing was built"
echo "# done"
