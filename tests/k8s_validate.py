"""Checks the rendered Kubernetes manifests (tests/k8s-validate.sh renders them; no cluster needed).

Usage: k8s_validate.py PROJECT_ROOT RENDER_DIR (one <target>.yaml per kustomize target; base, bootstrap,
overlays_<name>). Prints one line per problem and exits 1 if there is any.

Every render: objects are well-formed (apiVersion, kind, name), no duplicates, no plaintext Secret (secrets
are SealedSecrets only). Overlays, in addition (they are what gets applied):
- every namespaced object is in the overlay's namespace;
- one Deployment per service (gateway, key-service, mail-service, filestore-service), with no replicas
  field (its HPA owns the count), selector = template labels, and per container: startupProbe, liveness on
  /q/health/live and readiness on /q/health/ready on a declared port; CPU and memory requests and limits
  (request <= limit); non-root, no privilege escalation, read-only root, every capability dropped; the
  oxguardpass Secret mounted read-only so that GUARD_MASTER_KEY_FILE names the mounted file; JSON logs on,
  an OTLP endpoint if tracing is on, and Prometheus scrape annotations naming /q/metrics on a declared port;
- every ConfigMap/Secret a workload references exists in the render (SealedSecret templates count as
  Secrets), with the referenced keys;
- per Deployment exactly one autoscaling/v2 HPA (min >= 2, CPU) and one PodDisruptionBudget whose
  selector matches the pods (minAvailable below the HPA's minimum);
- every Service selects a Deployment's pods on a declared port; key-, mail- and filestore-service are
  headless (clusterIP None, publishNotReadyAddresses false), the gateway's is ClusterIP;
- the gateway's .dns entries and the Stork DNS names of mail- and filestore-service name those headless
  Services with their ports (Stork's names fully qualified in the overlay's namespace), the static
  .urls emptied;
- Infinispan: a 3-replica Infinispan resource that QUARKUS_INFINISPAN_CLIENT_HOSTS names, and a Cache
  resource for every cache the services' code creates (its CACHE_CONFIG), with the code's encoding,
  owners="2" and an explicit partition-handling;
- the guard-schema Job mounts oxguardpass read-only; a nas-style overlay's PVC is ReadWriteMany.
Bootstrap: the guard-init Job (backoffLimit 0) is one container running 'init --adopt FILE', FILE being the
oxguardpass Secret mounted read-only; no in-memory volume (it never creates a key to hand over); non-root,
read-only root, no capabilities.
Then tests/images_validate.py on the same renders: the images the workloads run are the ones
deploy/build-images.sh builds, with the ports, user and JVM flags of deploy/docker/, and every Dockerfile's
COPY sources exist in the packaged build.
These checks take the value types for granted (tests/k8s-schema, run before them, reports wrong ones): a
missing field or a value of the wrong type stops a render's checks with one problem line, not a traceback.
"""

import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

import images_validate

SERVICES = {"gateway": 8080, "key-service": 8081, "mail-service": 8082, "filestore-service": 8083}
HEADLESS = ("key-service", "mail-service", "filestore-service")
MASTER_KEY_SECRET = "guard-oxguardpass"
CLUSTER_SCOPED = {"Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
                  "CustomResourceDefinition"}

problems = []


def problem(target, what):
    problems.append(f"{target}: {what}")


def quantity(value):
    """CPU in millicores or memory in bytes, from a Kubernetes quantity string."""
    s = str(value)
    units = {"m": 1e-3, "Ki": 1024, "Mi": 1024 ** 2, "Gi": 1024 ** 3, "Ti": 1024 ** 4,
             "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    for unit in sorted(units, key=len, reverse=True):
        if s.endswith(unit):
            return float(s[: -len(unit)]) * units[unit]
    return float(s)


def java_concatenation(text, start, constants):
    """The value of a Java expression of string literals and constants joined by '+', read from start to ';'."""
    out, i = [], start
    while i < len(text):
        ch = text[i]
        if ch == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i + 1:j].encode().decode("unicode_escape"))
            i = j + 1
        elif ch == ";":
            return "".join(out)
        elif ch.isalpha() or ch == "_":
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i:])
            out.append(constants.get(m.group(0), ""))
            i += len(m.group(0))
        else:
            i += 1
    return "".join(out)


def code_caches(root):
    """Cache name -> the XML configuration the code creates it with (the CACHE_CONFIG constants)."""
    caches = {}
    for path in sorted(Path(root).glob("*/src/main/java/**/*.java")):
        text = path.read_text(encoding="utf-8")
        constants = dict(re.findall(r'static final String (CACHE(?:_NAME)?) = "([^"]+)";', text))
        match = re.search(r"String CACHE_CONFIG =", text)
        if not constants or not match:
            continue
        xml = java_concatenation(text, match.end(), constants)
        name = ET.fromstring(xml).get("name")
        caches[name] = xml
    return caches


def encoding_of(xml):
    element = ET.fromstring(xml)
    enc = element.find("encoding")
    return None if enc is None else enc.get("media-type")


def pod_spec(obj):
    spec = obj.get("spec", {})
    if obj["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        return spec.get("template", {}).get("spec", {})
    return None


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_common(target, objects):
    seen = set()
    for obj in objects:
        if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind") \
                or not obj.get("metadata", {}).get("name"):
            problem(target, f"malformed object (apiVersion, kind and metadata.name required): {str(obj)[:120]}")
            continue
        key = (obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"])
        if key in seen:
            problem(target, f"duplicate {key[0]}/{key[2]}")
        seen.add(key)
        if obj["kind"] == "Secret":
            problem(target, f"plaintext Secret {obj['metadata']['name']} in the render: commit SealedSecrets only")


def check_refs(target, objects, config_maps, secrets):
    for obj in objects:
        spec = pod_spec(obj)
        if spec is None:
            continue
        where = f"{obj['kind']} {obj['metadata']['name']}"
        for c in spec.get("initContainers", []) + spec.get("containers", []):
            for ef in c.get("envFrom", []):
                for kind, store in (("configMapRef", config_maps), ("secretRef", secrets)):
                    ref = ef.get(kind)
                    if ref and ref["name"] not in store and not ref.get("optional"):
                        problem(target, f"{where}: envFrom {kind} {ref['name']} does not exist")
            for env in c.get("env", []):
                source = env.get("valueFrom", {})
                for kind, store in (("configMapKeyRef", config_maps), ("secretKeyRef", secrets)):
                    ref = source.get(kind)
                    if not ref or ref.get("optional"):
                        continue
                    if ref["name"] not in store:
                        problem(target, f"{where}: env {env['name']} refers to missing {kind} {ref['name']}")
                    elif ref["key"] not in store[ref["name"]]:
                        problem(target, f"{where}: env {env['name']}: {ref['name']} has no key {ref['key']}")
        for volume in spec.get("volumes", []):
            if "secret" in volume and volume["secret"]["secretName"] not in secrets:
                problem(target, f"{where}: volume {volume['name']} uses missing Secret {volume['secret']['secretName']}")
            if "configMap" in volume and volume["configMap"]["name"] not in config_maps:
                problem(target, f"{where}: volume {volume['name']} uses missing ConfigMap {volume['configMap']['name']}")
            if "persistentVolumeClaim" in volume:
                claim = volume["persistentVolumeClaim"]["claimName"]
                if not any(o["kind"] == "PersistentVolumeClaim" and o["metadata"]["name"] == claim for o in objects):
                    problem(target, f"{where}: volume {volume['name']} uses missing PersistentVolumeClaim {claim}")


def container_env(container, config_maps):
    """The container's environment as far as it can be known from the render (envFrom ConfigMaps + env values)."""
    env = {}
    for ef in container.get("envFrom", []):
        if "configMapRef" in ef:
            env.update(config_maps.get(ef["configMapRef"]["name"], {}))
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
        elif "configMapKeyRef" in e.get("valueFrom", {}):
            ref = e["valueFrom"]["configMapKeyRef"]
            env[e["name"]] = config_maps.get(ref["name"], {}).get(ref["key"])
        else:
            env[e["name"]] = "<secret>"
    return env


def check_master_key_mount(target, where, spec, container, env, named="GUARD_MASTER_KEY_FILE="):
    path = env.get("GUARD_MASTER_KEY_FILE")
    if not path:
        problem(target, f"{where}: GUARD_MASTER_KEY_FILE is not set")
        return
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"], {})
        if volume.get("secret", {}).get("secretName") != MASTER_KEY_SECRET:
            continue
        if not mount.get("readOnly"):
            problem(target, f"{where}: the {MASTER_KEY_SECRET} mount is not readOnly")
        items = {i["path"]: i["key"] for i in volume["secret"].get("items", [])} or {"oxguardpass": "oxguardpass"}
        mounted = {os.path.join(mount["mountPath"], p): k for p, k in items.items()}
        if mounted.get(path) != "oxguardpass":
            problem(target, f"{where}: {named}{path} is not the mounted oxguardpass ({sorted(mounted)})")
        return
    problem(target, f"{where}: the Secret {MASTER_KEY_SECRET} is not mounted")


def check_container_security(target, where, pod_sc, c):
    sc = c.get("securityContext", {})
    if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
        problem(target, f"{where}: runAsNonRoot not set")
    if sc.get("allowPrivilegeEscalation") is not False:
        problem(target, f"{where}: allowPrivilegeEscalation must be false")
    if sc.get("readOnlyRootFilesystem") is not True:
        problem(target, f"{where}: readOnlyRootFilesystem must be true")
    if "ALL" not in sc.get("capabilities", {}).get("drop", []):
        problem(target, f"{where}: capabilities must drop ALL")


def check_bootstrap(target, objects):
    """The guard-init Job adopts the sealed oxguardpass it mounts read-only; it never creates a key."""
    jobs = [o for o in objects if o["kind"] == "Job" and o["metadata"]["name"] == "guard-init"]
    if not jobs:
        problem(target, "no guard-init Job")
        return
    job = jobs[0]
    if job["spec"].get("backoffLimit") != 0:
        problem(target, "Job guard-init: backoffLimit must be 0 (init runs once, a refusal is final)")
    pod = job["spec"]["template"]["spec"]
    if pod.get("initContainers") or len(pod.get("containers", [])) != 1:
        problem(target, "Job guard-init: exactly one container and no init containers (guard init --adopt alone)")
    for c in pod.get("initContainers", []) + pod.get("containers", []):
        where = f"Job guard-init container {c['name']}"
        args = [str(a) for a in c.get("command", []) + c.get("args", [])]
        if args[:2] != ["init", "--adopt"] or len(args) < 3 or "--file" in args:
            problem(target, f"{where}: must run 'init --adopt <mounted oxguardpass>', runs {args[:3]}")
            continue
        check_container_security(target, where, pod.get("securityContext", {}), c)
        # The file to adopt must be the read-only mount of the sealed Secret, as GUARD_MASTER_KEY_FILE is elsewhere.
        check_master_key_mount(target, where, pod, c, {"GUARD_MASTER_KEY_FILE": args[2]}, named="--adopt ")
    for volume in pod.get("volumes", []):
        if volume.get("emptyDir", {}).get("medium") == "Memory":
            problem(target, f"Job guard-init: in-memory volume {volume['name']}: the Job adopts the sealed key, "
                            "it never creates one to hand over")


def check_deployment(target, dep, config_maps):
    name = dep["metadata"]["name"]
    spec = dep["spec"]
    tpl = spec["template"]
    pod = tpl["spec"]
    labels = tpl["metadata"].get("labels", {})
    if "replicas" in spec:
        problem(target, f"Deployment {name}: sets replicas, which fights its HPA")
    if not matches(spec.get("selector", {}).get("matchLabels"), labels):
        problem(target, f"Deployment {name}: selector does not match the pod template's labels")
    annotations = tpl["metadata"].get("annotations", {})
    declared = {p.get("containerPort") for c in pod.get("containers", []) for p in c.get("ports", [])}
    if annotations.get("prometheus.io/scrape") != "true" or annotations.get("prometheus.io/path") != "/q/metrics" \
            or not str(annotations.get("prometheus.io/port", "")).isdigit() \
            or int(annotations["prometheus.io/port"]) not in declared:
        problem(target, f"Deployment {name}: pods need prometheus.io/scrape \"true\", path /q/metrics and a declared port")
    pod_sc = pod.get("securityContext", {})
    for c in pod.get("containers", []):
        where = f"Deployment {name} container {c['name']}"
        ports = {p.get("name") for p in c.get("ports", [])} | {p["containerPort"] for p in c.get("ports", [])}
        for probe, path in (("startupProbe", None), ("livenessProbe", "/q/health/live"),
                            ("readinessProbe", "/q/health/ready")):
            p = c.get(probe)
            if not p or "httpGet" not in p:
                problem(target, f"{where}: no HTTP {probe}")
                continue
            if path and p["httpGet"].get("path") != path:
                problem(target, f"{where}: {probe} path is {p['httpGet'].get('path')}, expected {path}")
            if p["httpGet"].get("port") not in ports:
                problem(target, f"{where}: {probe} port {p['httpGet'].get('port')} is not a container port")
        res = c.get("resources", {})
        for r in ("cpu", "memory"):
            req, lim = res.get("requests", {}).get(r), res.get("limits", {}).get(r)
            if req is None or lim is None:
                problem(target, f"{where}: {r} request and limit required")
            elif quantity(req) > quantity(lim):
                problem(target, f"{where}: {r} request {req} above its limit {lim}")
        check_container_security(target, where, pod_sc, c)
        env = container_env(c, config_maps)
        check_master_key_mount(target, where, pod, c, env)
        check_observability(target, where, env)
    return labels


def check_observability(target, where, env):
    """Production logs are JSON lines; tracing is either off on purpose or exports somewhere."""
    if env.get("QUARKUS_LOG_CONSOLE_JSON_ENABLED") != "true":
        problem(target, f"{where}: QUARKUS_LOG_CONSOLE_JSON_ENABLED must be \"true\" (JSON logs in production)")
    if env.get("QUARKUS_OTEL_SDK_DISABLED") == "false" and not env.get("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").startswith("http"):
        problem(target, f"{where}: tracing is on but QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT names no collector")


# The Infinispan Operator's CRD fields we may use (infinispan/infinispan-operator, api/v1/infinispan_types.go
# InfinispanSpec and api/v2alpha1/cache_types.go CacheSpec, read 2026-11-25), with the enums we touch: the
# operator's admission webhook and the CRD schema reject anything else, which no cluster-less check would see.
INFINISPAN_SPEC = {"replicas", "version", "image", "security", "container", "service", "logging", "expose",
                   "autoscale", "affinity", "cloudEvents", "dependencies", "configMapName", "upgrades",
                   "configListener", "jmx", "scheduling"}
INFINISPAN_NESTED = {
    "security": {"authorization", "credentialStoreSecretName", "endpointAuthentication", "endpointSecretName",
                 "endpointEncryption"},
    "container": {"cliExtraJvmOpts", "extraJvmOpts", "routerExtraJvmOpts", "memory", "cpu"},
    "service": {"type", "container", "sites", "replicationFactor"},
    "expose": {"type", "nodePort", "port", "host", "annotations"},
}
INFINISPAN_ENUMS = {("service", "type"): {"DataGrid", "Cache"}, ("expose", "type"): {"NodePort", "LoadBalancer", "Route"}}
CACHE_SPEC = {"adminAuth", "clusterName", "name", "template", "templateName", "updates", "schemaRefs"}


def check_operator_fields(target, obj):
    kind, name, spec = obj["kind"], obj["metadata"]["name"], obj.get("spec", {})
    allowed = INFINISPAN_SPEC if kind == "Infinispan" else CACHE_SPEC
    for field in sorted(set(spec) - allowed):
        problem(target, f"{kind} {name}: spec.{field} is not a field of the Infinispan Operator's {kind}")
    if kind != "Infinispan":
        return
    for parent, fields in INFINISPAN_NESTED.items():
        for field in sorted(set(spec.get(parent) or {}) - fields):
            problem(target, f"Infinispan {name}: spec.{parent}.{field} is not a field of the operator's {parent}")
    for (parent, field), values in INFINISPAN_ENUMS.items():
        value = (spec.get(parent) or {}).get(field)
        if value is not None and value not in values:
            problem(target, f"Infinispan {name}: spec.{parent}.{field} {value!r} is not one of {sorted(values)}")
    encryption = (spec.get("security") or {}).get("endpointEncryption") or {}
    if encryption.get("type") not in (None, "Service", "service", "Secret", "secret", "None"):
        problem(target, f"Infinispan {name}: security.endpointEncryption.type {encryption.get('type')!r} is not valid")


def check_overlay(target, objects, root):
    namespaces = {o["metadata"]["name"] for o in objects if o["kind"] == "Namespace"}
    ns_values = {o["metadata"].get("namespace") for o in objects if o["kind"] not in CLUSTER_SCOPED}
    if len(ns_values) != 1 or None in ns_values:
        problem(target, f"namespaced objects must all be in one namespace, found {sorted(map(str, ns_values))}")
        return
    ns = ns_values.pop()
    if namespaces and ns not in namespaces:
        problem(target, f"objects are in namespace {ns}, but the overlay creates {sorted(namespaces)}")

    by_kind = {}
    for o in objects:
        by_kind.setdefault(o["kind"], []).append(o)
    config_maps = {o["metadata"]["name"]: o.get("data", {}) for o in by_kind.get("ConfigMap", [])}
    secrets = {o["metadata"]["name"]: set(o.get("data", {})) | set(o.get("stringData", {}))
               for o in by_kind.get("Secret", [])}
    for s in by_kind.get("SealedSecret", []):
        secret_name = s["spec"].get("template", {}).get("metadata", {}).get("name", s["metadata"]["name"])
        if secret_name != s["metadata"]["name"]:
            problem(target, f"SealedSecret {s['metadata']['name']}: template name {secret_name} differs (strict scope)")
        secrets[secret_name] = set(s["spec"].get("encryptedData", {}))
    check_refs(target, objects, config_maps, secrets)

    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    pod_labels = {}
    for svc in SERVICES:
        if svc not in deployments:
            problem(target, f"no Deployment {svc}")
            continue
        pod_labels[svc] = check_deployment(target, deployments[svc], config_maps)

    hpas = by_kind.get("HorizontalPodAutoscaler", [])
    pdbs = by_kind.get("PodDisruptionBudget", [])
    for svc, labels in pod_labels.items():
        mine = [h for h in hpas if h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
                and h["spec"]["scaleTargetRef"].get("name") == svc]
        if len(mine) != 1:
            problem(target, f"Deployment {svc}: {len(mine)} HorizontalPodAutoscalers, expected exactly 1")
            min_replicas = 2
        else:
            h = mine[0]
            min_replicas = h["spec"].get("minReplicas", 1)
            if h["apiVersion"] != "autoscaling/v2":
                problem(target, f"HPA of {svc}: apiVersion {h['apiVersion']}, expected autoscaling/v2")
            if min_replicas < 2 or h["spec"]["maxReplicas"] < min_replicas:
                problem(target, f"HPA of {svc}: minReplicas {min_replicas} (>= 2) / maxReplicas {h['spec']['maxReplicas']}")
            if not any(m.get("type") == "Resource" and m["resource"]["name"] == "cpu" for m in h["spec"].get("metrics", [])):
                problem(target, f"HPA of {svc}: no CPU metric")
        mine = [p for p in pdbs if matches(p["spec"].get("selector", {}).get("matchLabels"), labels)]
        if len(mine) != 1:
            problem(target, f"Deployment {svc}: {len(mine)} PodDisruptionBudgets select its pods, expected exactly 1")
        elif not 1 <= int(mine[0]["spec"].get("minAvailable", 0)) < min_replicas:
            problem(target, f"PDB of {svc}: minAvailable must be >= 1 and below the HPA's minReplicas {min_replicas}")

    services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
    for name, s in services.items():
        selected = [d for d, labels in pod_labels.items() if matches(s["spec"].get("selector"), labels)]
        if not selected:
            problem(target, f"Service {name}: its selector matches no Deployment's pods")
            continue
        dep = deployments[selected[0]]
        ports = set()
        for c in dep["spec"]["template"]["spec"]["containers"]:
            for p in c.get("ports", []):
                ports |= {p.get("name"), p["containerPort"]}
        for p in s["spec"].get("ports", []):
            if p.get("targetPort", p["port"]) not in ports:
                problem(target, f"Service {name}: targetPort {p.get('targetPort')} is not a port of {selected[0]}")
    for svc in HEADLESS:
        s = services.get(svc)
        if not s or s["spec"].get("clusterIP") != "None" or s["spec"].get("publishNotReadyAddresses", False):
            problem(target, f"Service {svc}: must exist, headless (clusterIP None), publishNotReadyAddresses false")
    gw = services.get("gateway")
    if not gw or gw["spec"].get("type", "ClusterIP") != "ClusterIP" or gw["spec"].get("clusterIP") == "None":
        problem(target, "Service gateway: must exist as an ordinary ClusterIP Service")

    def headless_port(host, port, why):
        if host not in services or services[host]["spec"].get("clusterIP") != "None":
            problem(target, f"{why}: {host} is not a headless Service")
        elif int(port) not in {p["port"] for p in services[host]["spec"]["ports"]}:
            problem(target, f"{why}: Service {host} has no port {port}")

    if "gateway" in deployments:
        env = container_env(deployments["gateway"]["spec"]["template"]["spec"]["containers"][0], config_maps)
        for svc in HEADLESS:
            var = "GUARD_GATEWAY_SERVICES_" + svc.upper().replace("-", "_")
            dns = env.get(var + "_DNS")
            if not dns or ":" not in dns:
                problem(target, f"gateway: {var}_DNS must be host:port of {svc}'s headless Service")
                continue
            if env.get(var + "_URLS", None) != "":
                problem(target, f"gateway: {var}_URLS must be set empty, or the static list wins over DNS")
            host, port = dns.rsplit(":", 1)
            headless_port(host.split(".")[0], port, f"gateway {var}_DNS={dns}")
            if "." in host and host != f"{host.split('.')[0]}.{ns}.svc.cluster.local":
                problem(target, f"gateway {var}_DNS={dns}: not in namespace {ns}")
    stork_clients = {"mail-service": ("key-service", "filestore-service"), "filestore-service": ("key-service",)}
    for client, targets in stork_clients.items():
        if client not in deployments:
            continue
        env = container_env(deployments[client]["spec"]["template"]["spec"]["containers"][0], config_maps)
        for svc in targets:
            prefix = "QUARKUS_STORK_" + svc.upper().replace("-", "_") + "_SERVICE_DISCOVERY_"
            if env.get(prefix + "TYPE") != "dns":
                problem(target, f"{client}: {prefix}TYPE must be dns")
                continue
            host, port = env.get(prefix + "HOSTNAME", ""), env.get(prefix + "PORT", "")
            if host != f"{svc}.{ns}.svc.cluster.local":
                problem(target, f"{client}: {prefix}HOSTNAME={host}, expected {svc}.{ns}.svc.cluster.local"
                        " (Stork's DNS client applies no search domains)")
            if env.get(prefix + "RECORD_TYPE") != "A" or not port:
                problem(target, f"{client}: {prefix}RECORD_TYPE must be A with a PORT (headless Service A records)")
            else:
                headless_port(svc, port, f"{client} Stork {svc}")

    # Infinispan: the cluster the services name, and the caches the code creates.
    clusters = {i["metadata"]["name"]: i for i in by_kind.get("Infinispan", [])}
    for i in by_kind.get("Infinispan", []) + by_kind.get("Cache", []):
        check_operator_fields(target, i)
    hosts = config_maps.get("guard-common", {}).get("QUARKUS_INFINISPAN_CLIENT_HOSTS", "")
    for host in filter(None, hosts.split(",")):
        if host.split(":")[0] not in clusters:
            problem(target, f"QUARKUS_INFINISPAN_CLIENT_HOSTS names {host}, not an Infinispan resource {sorted(clusters)}")
    for name, cluster in clusters.items():
        if cluster["spec"].get("replicas") != 3:
            problem(target, f"Infinispan {name}: replicas {cluster['spec'].get('replicas')}, expected 3")
        secret = cluster["spec"].get("security", {}).get("endpointSecretName")
        if secret and "identities.yaml" not in secrets.get(secret, set()):
            problem(target, f"Infinispan {name}: endpoint secret {secret} has no identities.yaml")
    cache_resources = {c["spec"]["name"]: c for c in by_kind.get("Cache", [])}
    for cache, code_xml in code_caches(root).items():
        c = cache_resources.get(cache)
        if c is None:
            problem(target, f"no Cache resource for {cache}, which the code creates")
            continue
        if c["spec"].get("clusterName") not in clusters:
            problem(target, f"Cache {cache}: clusterName {c['spec'].get('clusterName')} is not an Infinispan resource")
        try:
            element = ET.fromstring(c["spec"]["template"])
        except ET.ParseError as e:
            problem(target, f"Cache {cache}: template is not XML ({e})")
            continue
        if element.tag != "distributed-cache" or element.get("name") != cache:
            problem(target, f"Cache {cache}: template must be <distributed-cache name=\"{cache}\">")
        if element.get("owners") != "2":
            problem(target, f"Cache {cache}: owners={element.get('owners')}, expected 2 (one of three nodes may fail)")
        if element.find("partition-handling") is None or not element.find("partition-handling").get("when-split"):
            problem(target, f"Cache {cache}: no explicit partition-handling when-split")
        try:
            if encoding_of(code_xml) != encoding_of(c["spec"]["template"]):
                problem(target, f"Cache {cache}: encoding {encoding_of(c['spec']['template'])} differs from the code's"
                        f" {encoding_of(code_xml)} (a service opens the existing cache as it is)")
            code = ET.fromstring(code_xml)
            for part in ("transaction", "locking", "expiration"):
                want, got = code.find(part), element.find(part)
                if (want is None) != (got is None) or (want is not None and want.attrib != got.attrib):
                    problem(target, f"Cache {cache}: <{part}> differs from the code's CACHE_CONFIG")
        except ET.ParseError as e:
            problem(target, f"cannot parse the code's configuration of {cache} ({e}): {code_xml}")
    if not code_caches(root):
        problem(target, "found no CACHE_CONFIG in the services' code: the cache check would prove nothing")

    jobs = {j["metadata"]["name"]: j for j in by_kind.get("Job", [])}
    if "guard-schema" not in jobs:
        problem(target, "no guard-schema Job")
    else:
        pod = jobs["guard-schema"]["spec"]["template"]["spec"]
        for c in pod.get("initContainers", []) + pod["containers"]:
            check_master_key_mount(target, f"Job guard-schema container {c['name']}", pod, c, container_env(c, config_maps))
    for pvc in by_kind.get("PersistentVolumeClaim", []):
        if "ReadWriteMany" not in pvc["spec"].get("accessModes", []):
            problem(target, f"PersistentVolumeClaim {pvc['metadata']['name']}: every filestore replica mounts it: ReadWriteMany")


def main():
    root, render_dir = sys.argv[1], Path(sys.argv[2])
    renders = sorted(render_dir.glob("*.yaml"))
    if not renders:
        print("k8s-validate: nothing rendered", file=sys.stderr)
        return 1
    overlays = 0
    rendered = {}
    for render in renders:
        target = render.stem.replace("_", "/", 1)
        objects = [o for o in yaml.safe_load_all(render.read_text(encoding="utf-8")) if o is not None]
        rendered[target] = objects
        if target.startswith("overlays/"):
            overlays += 1
        try:
            check_common(target, objects)
            if target.startswith("overlays/"):
                check_overlay(target, objects, root)
            elif target == "bootstrap":
                check_bootstrap(target, objects)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
            # These checks take the types for granted (the schema check, run before, reports wrong ones).
            problem(target, f"structural checks stopped: a field is missing or of the wrong type"
                            f" ({type(e).__name__}: {e})")
    if overlays == 0:
        problem("overlays", "no overlay rendered")
    image_problems, image_notices, copies = images_validate.check(root, rendered)
    problems.extend(f"images: {p}" for p in image_problems)
    for n in image_notices:
        print(f"k8s-validate: images: note: {n}")
    for p in problems:
        print(f"k8s-validate: {p}", file=sys.stderr)
    if problems:
        print(f"k8s-validate: FAILED ({len(problems)} problem(s))", file=sys.stderr)
        return 1
    print(f"k8s-validate: OK ({len(renders)} renders, {overlays} overlays checked; images: names, ports, user,"
          f" JVM flags and {len(copies)} Dockerfile COPY sources checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
