#!/usr/bin/python3
"""check_manifests.py -- deploy/compose.yaml, deploy/k8s/*.yaml and the Dockerfile checked against
the worker's own configuration table (`newsworker settings`) and against each other.

Every manifest must parse; every NEWSWORKER_* variable must be a setting of the table or a
librdkafka passthrough (NEWSWORKER_KAFKA_*), and the whole environment of each deployment must
pass `newsworker check-config`; secret settings come from a Secret, never a ConfigMap; probe
paths are /healthz and /readyz on the port http.port resolves to; the grace period is longer
than shutdown.timeout_ms; names (ConfigMap, Secret keys, Deployment, group, topics,
bootstrap servers), selectors, labels, image tags and uids agree. The built-in kinds are also
validated strictly (unknown fields rejected) against Kubernetes' OpenAPI schemas with
kubernetes-validate from PyPI, installed once into a venv in the git-ignored cache.
Needs nothing running. Exit 0 pass, 1 fail."""
import argparse
import os
import re
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REPO = ROOT  # ROOT moves to a copy in the self-test; the cache stays in the repository
# Pinned: the schemas it bundles are the ones the manifests were checked against.
KUBERNETES_VALIDATE = "1.37.0"
# The oldest Kubernetes the manifests are meant for (policy/v1 PDBs, seccompProfile fields).
K8S_VERSION = "1.30.0"
K8S = os.path.join(ROOT, "deploy", "k8s")
COMPOSE = os.path.join(ROOT, "deploy", "compose.yaml")
DOCKERFILE = os.path.join(ROOT, "Dockerfile")
NAME_LABEL = "app.kubernetes.io/name"
VERSION_LABEL = "app.kubernetes.io/version"
# Names of librdkafka properties (and settings) whose values are credentials.
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|PRIVATE|CREDENTIAL|TOKEN")

failures = []


def check(cond, msg):
    if cond:
        print(f"ok   {msg}")
    else:
        print(f"FAIL {msg}")
        failures.append(msg)
    return cond


class Worker:
    """The settings table of the binary, and check-config of an environment."""

    def __init__(self, path):
        self.path = path
        lines = subprocess.run([path, "settings"], capture_output=True, text=True, check=True,
                               env=self.clean_env()).stdout.splitlines()
        head = lines[0].split("\t")
        self.settings = [dict(zip(head, l.split("\t"))) for l in lines[1:] if l]
        self.by_env = {s["env"]: s for s in self.settings}
        self.by_name = {s["name"]: s for s in self.settings}
        self.version = subprocess.run([path, "--version"], capture_output=True, text=True,
                                      check=True).stdout.split()[1]

    @staticmethod
    def clean_env():
        return {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}

    def check_config(self, env):
        """(exit code, {key: value}) of `newsworker check-config` under env."""
        full = self.clean_env()
        full.update(env)
        p = subprocess.run([self.path, "check-config"], capture_output=True, text=True, env=full)
        values = {}
        for line in p.stdout.splitlines():
            if " = " in line and not line.startswith("#"):
                k, v = line.split(" = ", 1)
                values[k.strip()] = v.split("  # ")[0].strip()
        return p.returncode, values, p.stderr.strip()

    def effective(self, env, key):
        rc, values, _ = self.check_config(env)
        return values.get(key)


def load_yaml(path):
    with open(path) as f:
        text = f.read()
    check(text.startswith("#"), f"{rel(path)} starts with a comment line saying what it is for")
    try:
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as e:
        check(False, f"{rel(path)} parses as YAML ({e})")
        return []


def rel(path):
    return os.path.relpath(path, ROOT)


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        m = re.search(r"project\(newsworker VERSION ([0-9.]+)", f.read())
    return m.group(1) if m else None


def dockerfile():
    with open(DOCKERFILE) as f:
        text = f.read()
    return text


def dockerfile_uid(text):
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    return users[-1] if users else None


def check_env_names(worker, names, where):
    """Every NEWSWORKER_* name is a setting or a kafka.* passthrough."""
    for n in sorted(names):
        if not n.startswith("NEWSWORKER_"):
            continue
        ok = n in worker.by_env or n.startswith("NEWSWORKER_KAFKA_")
        check(ok, f"{where}: {n} is a setting of `newsworker settings` or a kafka.* passthrough")


def check_worker_env(worker, env, where):
    rc, values, err = worker.check_config(env)
    check(rc == 0, f"{where}: `newsworker check-config` accepts the environment (exit {rc}"
                   + (f": {err.splitlines()[-1]}" if rc and err else "") + ")")
    return values


def check_dockerfile(worker):
    text = dockerfile()
    check(re.search(r"^ARG BASE=debian:bookworm-slim$", text, re.M) is not None,
          "Dockerfile: ARG BASE=debian:bookworm-slim (the Debian release the tests use)")
    check(len(re.findall(r"^FROM ", text, re.M)) >= 2, "Dockerfile: multi-stage")
    check(re.search(r"ctest .*-L unit", text) is not None, "Dockerfile: the build stage runs ctest -L unit")
    uid = dockerfile_uid(text)
    check(uid is not None and uid.split(":")[0].isdigit() and uid.split(":")[0] != "0",
          f"Dockerfile: USER is a numeric non-root uid ({uid})")
    check(re.search(r'^ENTRYPOINT \["', text, re.M) is not None, "Dockerfile: exec-form ENTRYPOINT")
    check(re.search(r"^HEALTHCHECK .*CMD", text, re.M | re.S) is not None
          and "/healthz" in open(os.path.join(ROOT, "deploy", "container", "healthcheck.sh")).read(),
          "Dockerfile: HEALTHCHECK that probes /healthz")
    # Packages named in the Dockerfile itself (not read from a list) must be in a list too,
    # so deploy/packages/ stays the one place.
    lists = set()
    for name in ("build.txt", "runtime.txt", "test.txt"):
        with open(os.path.join(ROOT, "deploy", "packages", name)) as f:
            lists |= {l.split("#")[0].strip() for l in f if l.split("#")[0].strip()}
    named = re.findall(r"grep -x((?: -e [a-z0-9.+-]+)+)", text)
    pkgs = [p for group in named for p in group.split() if p != "-e"]
    check(pkgs and all(p in lists for p in pkgs),
          f"Dockerfile: packages picked by name are in deploy/packages/*.txt ({pkgs})")
    check(f'ARG VERSION={worker.version}' in text,
          f"Dockerfile: ARG VERSION default = the binary's version {worker.version}")
    return uid


def check_k8s(worker, uid, version):
    files = sorted(f for f in os.listdir(K8S) if f.endswith((".yaml", ".yml")))
    docs = {}
    for f in files:
        for d in load_yaml(os.path.join(K8S, f)):
            check(all(k in d for k in ("apiVersion", "kind")), f"k8s/{f}: apiVersion and kind")
            if d.get("kind") != "Kustomization":
                check(bool(d.get("metadata", {}).get("name")), f"k8s/{f}: {d.get('kind')} has a name")
            docs.setdefault(d.get("kind"), []).append((f, d))
    for kind in ("Deployment", "ConfigMap", "Secret", "Service", "PodDisruptionBudget",
                 "ScaledObject", "Kustomization"):
        check(len(docs.get(kind, [])) == 1, f"k8s: exactly one {kind}")
    if failures:
        return
    dep = docs["Deployment"][0][1]
    cm = docs["ConfigMap"][0][1]
    sec_file, sec = docs["Secret"][0]
    svc = docs["Service"][0][1]
    pdb = docs["PodDisruptionBudget"][0][1]
    so = docs["ScaledObject"][0][1]
    kus = docs["Kustomization"][0][1]

    # kustomization: everything but the example Secret
    want = sorted(f for f, d in sum(docs.values(), []) if d["kind"] not in ("Kustomization", "Secret"))
    check(sorted(kus.get("resources", [])) == sorted(set(want)),
          f"kustomization lists every manifest but the example Secret ({kus.get('resources')})")
    check(sec_file not in kus.get("resources", []), "the example Secret is not applied by kustomize")

    # labels: every object names the app; versions agree with the binary and the image tag
    for kind, items in docs.items():
        for f, d in items:
            if kind == "Kustomization":
                continue
            labels = d["metadata"].get("labels", {})
            check(labels.get(NAME_LABEL) == "newsworker", f"k8s/{f}: label {NAME_LABEL}=newsworker")
            if VERSION_LABEL in labels:
                check(labels[VERSION_LABEL] == version,
                      f"k8s/{f}: label {VERSION_LABEL} {labels[VERSION_LABEL]} = version {version}")

    pod = dep["spec"]["template"]
    pod_labels = pod["metadata"]["labels"]
    sel = dep["spec"]["selector"]["matchLabels"]
    check(all(pod_labels.get(k) == v for k, v in sel.items()), "Deployment selector matches its pod labels")
    check(pod_labels.get(VERSION_LABEL, version) == version, f"pod label {VERSION_LABEL} = {version}")
    check("replicas" not in dep["spec"], "Deployment leaves replicas to the ScaledObject")
    containers = pod["spec"]["containers"]
    check(len(containers) == 1, "one container in the pod")
    c = containers[0]
    image = c["image"]
    repo, _, tag = image.rpartition(":")
    check(repo.rsplit("/", 1)[-1] == "newsworker" and tag == version,
          f"image {image} is newsworker:{version}")
    check(c.get("args", ["run"]) == ["run"] and "command" not in c,
          "the container keeps the image's ENTRYPOINT and runs `run`")

    # environment: ConfigMap via envFrom, secrets via secretKeyRef
    cm_name = cm["metadata"]["name"]
    refs = [e["configMapRef"]["name"] for e in c.get("envFrom", []) if "configMapRef" in e]
    check(refs == [cm_name], f"Deployment envFrom the ConfigMap {cm_name} ({refs})")
    data = {k: str(v) for k, v in cm.get("data", {}).items()}
    check_env_names(worker, data, "ConfigMap")
    secret_data = dict(sec.get("stringData", {}))
    secret_data.update(sec.get("data", {}) or {})
    env = dict(data)
    for e in c.get("env", []):
        name = e["name"]
        check_env_names(worker, [name], "Deployment env")
        if "value" in e:
            env[name] = str(e["value"])
        ref = e.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            check(ref["name"] == sec["metadata"]["name"] and ref["key"] in secret_data,
                  f"{name} reads key {ref['key']} of Secret {ref['name']}, which the example has")
            env[name] = str(secret_data.get(ref["key"], "x"))
    for name in data:
        s = worker.by_env.get(name)
        is_secret = (s and s["secret"] == "yes") or bool(SECRET_WORDS.search(name))
        check(not is_secret, f"ConfigMap: {name} is not a secret setting")
    for s in worker.settings:
        if s["secret"] == "yes":
            src = [e for e in c.get("env", []) if e["name"] == s["env"]]
            check(src and "secretKeyRef" in src[0].get("valueFrom", {}),
                  f"secret setting {s['name']} ({s['env']}) comes from the Secret")
    values = check_worker_env(worker, env, "Deployment (ConfigMap + Secret)")

    # HTTP: port, probes, Service
    port = int(values.get("http.port", worker.by_name["http.port"]["default"]))
    addr = values.get("http.address", worker.by_name["http.address"]["default"])
    check(addr in ("0.0.0.0", "::"), f"http.address {addr} is reachable from the kubelet (all interfaces)")
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
    check(ports.get("http") == port, f"container port 'http' = http.port {port} ({ports})")

    def probe_port(p):
        v = p["httpGet"]["port"]
        return ports.get(v) if isinstance(v, str) else v

    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        p = c.get(probe)
        check(p is not None and p.get("httpGet", {}).get("path") == path and probe_port(p) == port,
              f"{probe}: GET {path} on port {port}")
    live = c["livenessProbe"]
    healthy_ms = int(values.get("http.healthy_ms", worker.by_name["http.healthy_ms"]["default"]))
    check(live.get("periodSeconds", 10) * live.get("failureThreshold", 3) * 1000 >= healthy_ms,
          "liveness gives up no sooner than http.healthy_ms, the worker's own stall limit")
    sp = svc["spec"]
    sport = sp["ports"][0]
    tp = sport.get("targetPort")
    check((ports.get(tp) if isinstance(tp, str) else tp) == port,
          f"Service {svc['metadata']['name']} targets the worker's http port {port} ({tp})")
    ann = svc["metadata"].get("annotations", {})
    check(ann.get("prometheus.io/path", "/metrics") == "/metrics"
          and int(ann.get("prometheus.io/port", port)) == port, "Service scrape annotations: /metrics on http.port")
    check(all(pod_labels.get(k) == v for k, v in sp["selector"].items()), "Service selector matches the pods")
    check(all(pod_labels.get(k) == v for k, v in pdb["spec"]["selector"]["matchLabels"].items()),
          "PodDisruptionBudget selector matches the pods")
    check("maxUnavailable" in pdb["spec"] or "minAvailable" in pdb["spec"], "PodDisruptionBudget sets a budget")

    # shutdown: grace period longer than the drain
    shutdown_ms = int(values.get("shutdown.timeout_ms"))
    grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
    check(grace * 1000 > shutdown_ms,
          f"terminationGracePeriodSeconds {grace} s > shutdown.timeout_ms {shutdown_ms} ms")

    # security: non-root, the image's uid, read-only root, no privilege gain
    psc = pod["spec"].get("securityContext", {})
    csc = c.get("securityContext", {})
    img_uid = int(uid.split(":")[0])
    check(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True, "runAsNonRoot")
    check(psc.get("runAsUser", csc.get("runAsUser")) == img_uid, f"runAsUser = the image's uid {img_uid}")
    check(csc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem")
    check(csc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation false")
    check("ALL" in csc.get("capabilities", {}).get("drop", []), "capabilities: drop ALL")
    res = c.get("resources", {})
    check(all(k in res.get("requests", {}) for k in ("cpu", "memory")) and "memory" in res.get("limits", {}),
          "resources: cpu and memory requests, memory limit")

    # KEDA: the lag that scales is the lag of this worker's group on its input topic
    spec = so["spec"]
    check(spec["scaleTargetRef"]["name"] == dep["metadata"]["name"]
          and spec["scaleTargetRef"].get("kind", "Deployment") == "Deployment",
          "ScaledObject targets the Deployment")
    trig = [t for t in spec.get("triggers", []) if t.get("type") == "kafka"]
    check(len(trig) == 1, "ScaledObject has one kafka trigger (consumer-group lag)")
    if trig:
        md = trig[0]["metadata"]
        for key, setting in (("consumerGroup", "kafka.consumer.group.id"),
                             ("topic", "topic.input"),
                             ("bootstrapServers", "kafka.bootstrap.servers"),
                             ("offsetResetPolicy", "kafka.consumer.auto.offset.reset")):
            check(str(md.get(key)) == values.get(setting),
                  f"ScaledObject {key} {md.get(key)} = the worker's {setting} {values.get(setting)}")
        check(int(md.get("lagThreshold", 0)) > 0, "ScaledObject lagThreshold set")
    check(1 <= spec.get("minReplicaCount", 0) <= spec.get("maxReplicaCount", 0),
          "ScaledObject 1 <= minReplicaCount <= maxReplicaCount")
    return spec.get("maxReplicaCount"), values


def check_compose(worker, uid, version, max_replicas, k8s_values):
    docs = load_yaml(COMPOSE)
    if not check(len(docs) == 1, "compose.yaml: one document"):
        return
    svcs = docs[0].get("services", {})
    for s in ("kafka", "redis", "newsworker"):
        check(s in svcs, f"compose: service {s}")
    if failures:
        return
    kafka = svcs["kafka"]
    kenv = kafka.get("environment", {})
    check("controller" in str(kenv.get("KAFKA_PROCESS_ROLES", "")) and
          not any("ZOOKEEPER" in k for k in kenv), "compose: Kafka in KRaft mode (no ZooKeeper)")
    adv = str(kenv.get("KAFKA_ADVERTISED_LISTENERS", ""))
    advertised = re.sub(r"^[A-Z_]+://", "", adv.split(",")[0])

    nw = svcs["newsworker"]
    env = {k: str(v) for k, v in nw.get("environment", {}).items()}
    check_env_names(worker, env, "compose newsworker")
    values = check_worker_env(worker, env, "compose newsworker")
    build = nw.get("build", {})
    ctx = os.path.normpath(os.path.join(os.path.dirname(COMPOSE), build.get("context", ".")))
    check(ctx == ROOT and os.path.exists(os.path.join(ctx, build.get("dockerfile", "Dockerfile"))),
          "compose: newsworker is built from the repository's Dockerfile")
    check(nw.get("image", "").rpartition(":")[2] == version, f"compose: image tag = version {version}")
    check(values.get("kafka.bootstrap.servers") == advertised,
          f"compose: bootstrap {values.get('kafka.bootstrap.servers')} = Kafka's advertised listener {advertised}")
    m = re.match(r"redis://([^:/@]+):(\d+)", values.get("redis.url", ""))
    check(m is not None and m.group(1) in svcs and m.group(2) == "6379",
          f"compose: redis.url {values.get('redis.url')} names the redis service")
    port = int(values.get("http.port"))
    published = [str(p).rsplit(":", 1)[-1] for p in nw.get("ports", [])]
    check(published == [str(port)], f"compose: the published container port is http.port {port} ({published})")
    check(str(nw.get("user", "")) == uid, f"compose: user {nw.get('user')} = the image's USER {uid}")
    check(nw.get("read_only") is True, "compose: read-only root")
    check(nw.get("stop_signal", "SIGTERM") == "SIGTERM", "compose: stop_signal SIGTERM")
    grace = str(nw.get("stop_grace_period", "10s"))
    mg = re.fullmatch(r"(\d+)s", grace)
    check(mg is not None and int(mg.group(1)) * 1000 > int(values["shutdown.timeout_ms"]),
          f"compose: stop_grace_period {grace} > shutdown.timeout_ms {values['shutdown.timeout_ms']}")
    for key in ("topic.input", "topic.output", "topic.dlq", "kafka.consumer.group.id",
                "kafka.consumer.auto.offset.reset", "shutdown.timeout_ms", "http.port"):
        check(values.get(key) == k8s_values.get(key),
              f"compose and k8s agree on {key} ({values.get(key)} / {k8s_values.get(key)})")

    # one-shot jobs: the topics, and the producer of the samples
    topics_job = [s for s in svcs.values() if "kafka-topics.sh" in str(s.get("command", ""))]
    check(len(topics_job) == 1, "compose: a one-shot job creates the topics")
    if topics_job:
        cmd = str(topics_job[0]["command"])
        parts = dict(re.findall(r"([\w.]+):(\d+)", cmd.split("for t in", 1)[-1].split(";")[0]))
        for key in ("topic.input", "topic.output", "topic.dlq"):
            check(values[key] in parts, f"compose: topic {values[key]} ({key}) is created")
        if values["topic.input"] in parts and max_replicas:
            check(max_replicas <= int(parts[values["topic.input"]]),
                  f"KEDA maxReplicaCount {max_replicas} <= partitions of {values['topic.input']} "
                  f"({parts[values['topic.input']]})")
    producers = [(n, s) for n, s in svcs.items() if "kcat" in str(s.get("image", "")) or
                 "kcat" in str(s.get("command", ""))]
    check(len(producers) == 1, "compose: a one-shot job produces the samples")
    if producers:
        name, p = producers[0]
        cmd = " ".join(map(str, p.get("command", []))) if isinstance(p.get("command"), list) else str(p.get("command"))
        check(p.get("restart", "no") == "no", f"compose: {name} is one-shot (restart: no)")
        check(f"-t {values['topic.input']}" in cmd and f"-b {advertised}" in cmd,
              f"compose: {name} produces to {values['topic.input']} on {advertised}")
        mounts = [str(v).split(":") for v in p.get("volumes", [])]
        srcs = {os.path.normpath(os.path.join(os.path.dirname(COMPOSE), m[0])): m[1] for m in mounts}
        examples = os.path.join(ROOT, "schemas", "examples")
        check(examples in srcs and srcs[examples] in cmd,
              f"compose: {name} mounts schemas/examples and sends what is there")


def kubernetes_validate():
    """The kubernetes-validate command, installed into a cached venv on first use."""
    import fcntl
    cache = os.environ.get("NW_CACHE_DIR") or os.path.join(REPO, "deploy", "local", ".cache")
    venv = os.path.join(cache, f"kubernetes-validate-{KUBERNETES_VALIDATE}")
    exe = os.path.join(venv, "bin", "kubernetes-validate")
    stamp = os.path.join(venv, ".installed")
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".kubernetes-validate.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(stamp):
            # A venv, not the system Python: it needs a newer jsonschema than Debian 12's.
            subprocess.run(["rm", "-rf", venv], check=True)
            subprocess.run(["/usr/bin/python3", "-m", "venv", venv], check=True)
            p = subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q",
                                "--disable-pip-version-check",
                                f"kubernetes-validate=={KUBERNETES_VALIDATE}"],
                               capture_output=True, text=True)
            if p.returncode != 0:
                raise RuntimeError(f"pip install kubernetes-validate failed: {p.stderr.strip()}")
            open(stamp, "w").close()
    return exe


def check_k8s_schemas():
    files = sorted(os.path.join(K8S, f) for f in os.listdir(K8S) if f.endswith((".yaml", ".yml")))
    try:
        exe = kubernetes_validate()
    except (OSError, subprocess.CalledProcessError, RuntimeError) as e:
        check(False, f"k8s: kubernetes-validate {KUBERNETES_VALIDATE} is available ({e})")
        return
    p = subprocess.run([exe, "--strict", "-k", K8S_VERSION, *files], capture_output=True, text=True)
    lines = (p.stdout + p.stderr).splitlines()
    for line in lines:
        if line.startswith(("ERROR", "FAIL")) or "did not validate" in line:
            print(f"     {line.replace(ROOT + '/', '')}")
    passed = [l for l in lines if " passed for resource " in l]
    # No schema for the CRD (ScaledObject) or for Kustomization: that is a warning, not a pass.
    unchecked = sorted({m.group(1) for l in lines for m in [re.search(r"schema for kind (\w+)", l)] if m})
    check(p.returncode == 0 and passed,
          f"k8s: {len(passed)} manifests valid against the Kubernetes {K8S_VERSION} schemas, strict "
          f"(no schema for: {', '.join(unchecked) or 'none'})")


# Self-test: each edit breaks one agreement; the checks must notice it (the message names what).
MUTATIONS = [
    ("deploy/k8s/configmap.yaml", "NEWSWORKER_TOPIC_DLQ:", "NEWSWORKER_TOPIC_DEAD:",
     "NEWSWORKER_TOPIC_DEAD is a setting"),
    ("deploy/k8s/configmap.yaml", '"earliest"', '"earlyest"', "check-config` accepts"),
    ("deploy/k8s/configmap.yaml", "\ndata:\n", '\ndata:\n  NEWSWORKER_REDIS_PASSWORD: "x"\n',
     "NEWSWORKER_REDIS_PASSWORD is not a secret setting"),
    ("deploy/k8s/deployment.yaml", "terminationGracePeriodSeconds: 30",
     "terminationGracePeriodSeconds: 10", "terminationGracePeriodSeconds"),
    ("deploy/k8s/deployment.yaml", "path: /readyz", "path: /ready", "readinessProbe"),
    ("deploy/k8s/deployment.yaml", "containerPort: 8080", "containerPort: 8081", "container port 'http'"),
    ("deploy/k8s/deployment.yaml", "newsworker:0.1.0", "newsworker:0.0.9", "image "),
    ("deploy/k8s/deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false",
     "readOnlyRootFilesystem"),
    ("deploy/k8s/service.yaml", "targetPort: http", "targetPort: 9090", "Service newsworker-metrics"),
    ("deploy/k8s/scaledobject.yaml", 'consumerGroup: "newsworker"', 'consumerGroup: "news-worker"',
     "ScaledObject consumerGroup"),
    ("deploy/compose.yaml", 'NEWSWORKER_HTTP_PORT: "8080"', 'NEWSWORKER_HTTP_PORT: "9090"',
     "published container port"),
    ("deploy/compose.yaml", "stop_grace_period: 30s", "stop_grace_period: 5s", "stop_grace_period"),
    ("Dockerfile", "USER 10001:10001", "USER 10002:10002", "runAsUser"),
    # only the strict schema notices a misspelt optional field
    ("deploy/k8s/deployment.yaml", "revisionHistoryLimit:", "revisionHistoryLimt:", "Kubernetes"),
]


def self_test(worker_path):
    """Runs the checks on copies of the files with one edit each; every run must fail."""
    import shutil
    import tempfile
    bad = 0
    for path, old, new, expect in MUTATIONS:
        with tempfile.TemporaryDirectory() as tmp:
            for part in ("Dockerfile", "CMakeLists.txt", "deploy", "schemas/examples"):
                src = os.path.join(ROOT, part)
                dst = os.path.join(tmp, part)
                if os.path.isdir(src):
                    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".cache", "local"))
                else:
                    shutil.copy(src, dst)
            target = os.path.join(tmp, path)
            with open(target) as f:
                text = f.read()
            if old not in text:
                print(f"FAIL self-test: {path} no longer contains {old!r}; update MUTATIONS")
                bad += 1
                continue
            with open(target, "w") as f:
                f.write(text.replace(old, new, 1))
            extra = [] if expect == "Kubernetes" else ["--no-schema"]
            p = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", worker_path,
                                "--root", tmp, *extra], capture_output=True, text=True)
            fails = [l for l in p.stdout.splitlines() if l.startswith("FAIL") and expect in l]
            if p.returncode == 1 and fails:
                print(f"ok   self-test: {path}: {old!r} -> {new!r} is caught: {fails[0][5:]}")
            else:
                print(f"FAIL self-test: {path}: {old!r} -> {new!r} not caught as {expect!r} "
                      f"(exit {p.returncode})")
                bad += 1
    return bad


def main():
    global ROOT, K8S, COMPOSE, DOCKERFILE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", required=True, help="the built newsworker binary")
    ap.add_argument("--root", help="check this tree instead of the repository (self-test)")
    ap.add_argument("--self-test", action="store_true",
                    help="also check that broken copies of the manifests fail")
    ap.add_argument("--no-schema", action="store_true",
                    help="skip the strict Kubernetes schema validation (kubernetes-validate)")
    args = ap.parse_args()
    if not os.access(args.worker, os.X_OK):
        print(f"FAIL: no newsworker binary at {args.worker} (build first)")
        return 1
    if args.root:
        ROOT = os.path.abspath(args.root)
        K8S = os.path.join(ROOT, "deploy", "k8s")
        COMPOSE = os.path.join(ROOT, "deploy", "compose.yaml")
        DOCKERFILE = os.path.join(ROOT, "Dockerfile")
    worker = Worker(args.worker)
    version = project_version()
    check(version == worker.version, f"CMakeLists.txt version {version} = the binary's {worker.version}")
    uid = check_dockerfile(worker)
    max_replicas, k8s_values = check_k8s(worker, uid or "10001", version) or (None, {})
    check_compose(worker, uid or "10001", version, max_replicas, k8s_values)
    if not args.no_schema:
        check_k8s_schemas()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    if args.self_test and self_test(args.worker):
        print("the self-test found checks that do not bite")
        return 1
    print("all manifest checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
