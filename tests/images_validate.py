"""Checks the container images' build (deploy/docker/, deploy/build-images.sh) against the manifests and
the packaged build, without a container engine.

Usage: images_validate.py PROJECT_ROOT [RENDER_DIR]   (k8s_validate.py also calls check() with its renders)

The image names live in deploy/build-images.sh alone: this reads its --dry-run output (JVM and native)
and checks
- in every render, each Deployment of a service runs that service's image and the CLI Jobs' containers
  (guard-schema's, guard-init's 'init') the cli image. In bootstrap and the overlays, an image under the
  script's default registry must be exactly one it builds (JVM or native); an installation's own registry
  and tag (--registry/--tag) are accepted if one registry and one tag serve the whole render (services may
  add -native). In base (placeholders) only the names count;
- each service's PORT build argument (its quarkus.http.port) is its Deployment's containerPort, and every
  Dockerfile's USER is the pods' runAsUser; Dockerfile.jvm's JAVA_TOOL_OPTIONS is guard-common's;
- every Dockerfile ARG without a default gets a value from the script;
- every COPY source, with the script's build arguments, exists in the packaged build (target/quarkus-app/,
  cli's -all jar) and is not excluded by .dockerignore. A module not packaged yet is reported as not
  checked (a notice, not a failure). Dockerfile.native's *-runner cannot exist without Mandrel: its
  pattern is matched against the name Quarkus gives the executable (the output name in
  target/native-sources/native-image.args when tests/native-sources-check.sh ran, else
  <artifactId>-<version>-runner).
"""

import fnmatch
import glob
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

SCRIPT = "deploy/build-images.sh"
CLI = "cli"
CLI_CONTAINERS = {"guard-schema": None, "guard-init": {"init"}}  # Job -> its CLI containers (None: all)


def dry_run(root, *args):
    """(images {name: ref}, builds {ref: (dockerfile, {arg: value})}) from build-images.sh --dry-run."""
    out = subprocess.run(["bash", os.path.join(root, SCRIPT), "--dry-run", *args], cwd=root,
                         capture_output=True, text=True, check=True).stdout
    images, builds = {}, {}
    for line in out.splitlines():
        if line.startswith("image "):
            _, name, ref = line.split()
            images[name] = ref
        elif line.startswith("+ ") and " build " in line:
            words = shlex.split(line[2:])
            if words[1] != "build":
                continue
            dockerfile, build_args, ref, i = None, {}, None, 2
            while i < len(words):
                if words[i] == "-f":
                    dockerfile, i = words[i + 1], i + 2
                elif words[i] == "--build-arg":
                    k, v = words[i + 1].split("=", 1)
                    build_args[k], i = v, i + 2
                elif words[i] == "-t":
                    ref, i = words[i + 1], i + 2
                else:
                    i += 1
            builds[ref] = (dockerfile, build_args)
    return images, builds


def instructions(path):
    """(INSTRUCTION, rest) pairs of a Dockerfile, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        current += raw
        if current.strip():
            word, _, rest = current.strip().partition(" ")
            lines.append((word.upper(), rest.strip()))
        current = ""
    return lines


def substitute(text, values):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: values.get(m.group(1) or m.group(2), m.group(0)), text)


def ignore_patterns(root):
    path = Path(root, ".dockerignore")
    patterns = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                neg = line.startswith("!")
                patterns.append((neg, line.lstrip("!").strip("/")))
    return patterns


def _segments_match(pattern, parts):
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_segments_match(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _segments_match(pattern[1:], parts[1:])


def ignored(path, patterns):
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts, excluded = path.strip("/").split("/"), False
    for neg, pattern in patterns:
        segs = pattern.split("/")
        if any(_segments_match(segs, parts[:i]) for i in range(1, len(parts) + 1)):
            excluded = not neg
    return excluded


def runner_name(root, module, version):
    args = Path(root, module, "target", "native-sources", "native-image.args")
    if args.exists():
        words = args.read_text(encoding="utf-8").split()
        if "-jar" in words and words.index("-jar") > 0:
            return words[words.index("-jar") - 1], "native-image.args"
    artifact = re.search(r"</parent>.*?<artifactId>([^<]+)</artifactId>",
                         Path(root, module, "pom.xml").read_text(encoding="utf-8"), re.S).group(1)
    return f"{artifact}-{version}-runner", "<artifactId>-<version>-runner"


def check_dockerfile(root, dockerfile, build_args, module, version, problems, notices, checked):
    where = f"{dockerfile} ({', '.join(f'{k}={v}' for k, v in sorted(build_args.items()))})"
    steps = instructions(Path(root, dockerfile))
    values = dict(build_args)
    patterns = ignore_patterns(root)
    for word, rest in steps:
        if word == "ARG":
            name, _, default = rest.partition("=")
            if name not in values:
                if not default:
                    problems.append(f"{where}: ARG {name} has no default and build-images.sh passes none")
                values[name] = default
    for word, rest in steps:
        if word not in ("COPY", "ADD"):
            continue
        words = [w for w in shlex.split(rest) if not w.startswith("--")]
        for source in words[:-1]:
            source = substitute(source, values)
            if "$" in source:
                problems.append(f"{where}: COPY source {source} has an unresolved variable")
                continue
            if source.endswith("-runner") and "*" in source:
                name, origin = runner_name(root, module, version)
                expected = f"{module}/target/{name}"
                if not fnmatch.fnmatchcase(expected, source):
                    problems.append(f"{where}: COPY {source} does not match the executable {expected} ({origin})")
                elif ignored(expected, patterns):
                    problems.append(f"{where}: .dockerignore excludes {expected}")
                checked.append(f"{source} ~ {expected} ({origin})")
                continue
            # Packaged: the fast-jar directory for a quarkus-app source (a native build leaves none), the
            # module's jars otherwise.
            if "/target/quarkus-app/" in source:
                packaged = Path(root, source.split("/target/")[0], "target", "quarkus-app")
                unpackaged = not packaged.is_dir()
            else:
                packaged = Path(root, source.split("/target/")[0], "target")
                unpackaged = "/target/" in source and not any(packaged.glob("*.jar"))
            if unpackaged:
                notices.append(f"{packaged.relative_to(root)}")
                continue
            found = sorted(glob.glob(os.path.join(root, source.rstrip("/"))))
            if not found:
                problems.append(f"{where}: COPY source {source} does not exist in the packaged build")
                continue
            for f in found:
                rel = os.path.relpath(f, root)
                inner = next((os.path.relpath(os.path.join(d, fs[0]), root)
                              for d, _, fs in os.walk(f) if fs), None) if os.path.isdir(f) else None
                for p in filter(None, (rel, inner)):
                    if ignored(p, patterns):
                        problems.append(f"{where}: .dockerignore excludes {p}, which COPY {source} needs")
            checked.append(source)
    users = [rest for word, rest in steps if word == "USER"]
    env = {}
    for word, rest in steps:
        if word == "ENV":
            for item in shlex.split(rest):
                k, _, v = item.partition("=")
                env[k] = v
    return (users[-1].split(":")[0] if users else None), env


def pod_specs(objects):
    for o in objects:
        spec = o.get("spec", {}).get("template", {}).get("spec") if o.get("kind") in ("Deployment", "Job") else None
        if spec:
            yield o, spec


def check(root, renders=None):
    """(problems, notices, COPY sources checked); renders: {target: [objects]} or None (Dockerfiles only)."""
    problems, notices, checked = [], [], []
    try:
        images, builds = dry_run(root)
        native_images, native_builds = dry_run(root, "--native")
    except subprocess.CalledProcessError as e:
        return [f"{SCRIPT} --dry-run failed: {e.stderr.strip()}"], notices, checked
    services = [n for n in images if n != CLI]
    if not services or CLI not in images:
        return [f"{SCRIPT} --dry-run named no service images or no {CLI} image"], notices, checked
    version = None
    for ref, (dockerfile, args) in builds.items():
        version = args.get("VERSION", version)
    users, envs, ports, seen = {}, {}, {}, set()
    for mode_images, mode_builds in ((images, builds), (native_images, native_builds)):
        for name, ref in mode_images.items():
            if ref not in mode_builds:
                problems.append(f"{SCRIPT}: image {ref} is named but never built")
                continue
            dockerfile, args = mode_builds[ref]
            if (dockerfile, tuple(sorted(args.items()))) in seen:
                continue  # the CLI image, the same in both modes
            seen.add((dockerfile, tuple(sorted(args.items()))))
            if not Path(root, dockerfile).exists():
                problems.append(f"{SCRIPT}: {dockerfile} does not exist")
                continue
            if name != CLI and args.get("SERVICE") != name:
                problems.append(f"{SCRIPT}: {ref} is built with SERVICE={args.get('SERVICE')}")
            module = args.get("SERVICE", CLI)
            user, env = check_dockerfile(root, dockerfile, args, module, version, problems, notices, checked)
            users[(dockerfile, name)] = user
            envs[dockerfile] = env
            if "PORT" in args:
                ports[name] = int(args["PORT"])
    for (dockerfile, name), user in users.items():
        if user is None:
            problems.append(f"{dockerfile}: no USER (the pods run as a non-root uid)")

    default_prefix = images[CLI].rsplit("/", 1)[0]
    built = set(images.values()) | set(native_images.values())
    for target, objects in (renders or {}).items():
        # base: placeholders (guard/<name>), only the name counts. bootstrap and the overlays: with the
        # script's default registry, exactly a reference it builds (JVM or native); with an installation's
        # own registry and tag (build-images.sh --registry/--tag), the names, and one registry and one tag
        # for the whole render (the services' may end in -native).
        exact = target != "base"
        guard_refs = []

        def split(ref):
            prefix, _, rest = ref.rpartition("/")
            name, _, tag = rest.partition(":")
            return prefix, name, tag

        def same(ref, want):
            if split(ref)[1] != split(want)[1]:
                return False
            guard_refs.append(ref)
            return not exact or split(ref)[0] != default_prefix or ref in built

        for o, spec in pod_specs(objects):
            kind, name = o["kind"], o["metadata"]["name"]
            run_as = spec.get("securityContext", {}).get("runAsUser")
            containers = spec.get("initContainers", []) + spec.get("containers", [])
            for c in containers:
                ref = c.get("image", "")
                if exact and split(ref)[0] == default_prefix and ref not in built:
                    problems.append(f"{target}: {kind} {name} container {c['name']}: {ref} is not an image "
                                    f"{SCRIPT} builds ({sorted(images.values())})")
                want = None
                if kind == "Deployment" and name in images and name != CLI:
                    want, dockerfile = images[name], "deploy/docker/Dockerfile.jvm"
                    ports_here = {p["containerPort"] for p in c.get("ports", [])}
                    if name in ports and ports[name] not in ports_here:
                        problems.append(f"{target}: Deployment {name}: containerPort {sorted(ports_here)}, the "
                                        f"image is built for quarkus.http.port {ports[name]}")
                elif kind == "Job" and name in CLI_CONTAINERS and (CLI_CONTAINERS[name] is None
                                                                  or c["name"] in CLI_CONTAINERS[name]):
                    want, dockerfile = images[CLI], "deploy/docker/Dockerfile.cli"
                if want is None:
                    continue
                if not same(ref, want):
                    problems.append(f"{target}: {kind} {name} container {c['name']} runs {ref}, "
                                    f"build-images.sh builds {want if exact else split(want)[1]}")
                user = users.get((dockerfile, CLI if dockerfile.endswith(".cli") else name))
                if run_as is not None and user is not None and str(run_as) != user:
                    problems.append(f"{target}: {kind} {name} runs as uid {run_as}, {dockerfile} as USER {user}")
        if exact and guard_refs:
            prefixes = {split(r)[0] for r in guard_refs}
            tags = {split(r)[2].removesuffix("-native") for r in guard_refs}
            if len(prefixes) > 1 or len(tags) > 1:
                problems.append(f"{target}: the images come from {sorted(prefixes)} with tags {sorted(tags)}: "
                                f"build-images.sh builds one registry and one tag ({sorted(set(guard_refs))})")
        common = [o for o in objects if o.get("kind") == "ConfigMap" and o["metadata"]["name"] == "guard-common"]
        jvm_opts = envs.get("deploy/docker/Dockerfile.jvm", {}).get("JAVA_TOOL_OPTIONS")
        if common and jvm_opts is not None and common[0].get("data", {}).get("JAVA_TOOL_OPTIONS") != jvm_opts:
            problems.append(f"{target}: guard-common JAVA_TOOL_OPTIONS {common[0]['data'].get('JAVA_TOOL_OPTIONS')!r}"
                            f" differs from Dockerfile.jvm's {jvm_opts!r}")
    if notices:
        notices = [f"not packaged, so the COPY sources from there were not checked: {', '.join(dict.fromkeys(notices))}"
                   " (./mvnw package first)"]
    return problems, notices, checked


def main():
    root = sys.argv[1]
    renders = None
    if len(sys.argv) > 2:
        import yaml
        renders = {}
        for render in sorted(Path(sys.argv[2]).glob("*.yaml")):
            renders[render.stem.replace("_", "/", 1)] = [
                o for o in yaml.safe_load_all(render.read_text(encoding="utf-8")) if o is not None]
    problems, notices, checked = check(root, renders)
    for n in notices:
        print(f"images-validate: note: {n}")
    for p in problems:
        print(f"images-validate: {p}", file=sys.stderr)
    if problems:
        print(f"images-validate: FAILED ({len(problems)} problem(s))", file=sys.stderr)
        return 1
    print(f"images-validate: OK ({len(checked)} COPY sources checked"
          + (f", {len(renders)} renders)" if renders else "; Dockerfiles and build-images.sh only, no manifests rendered)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
