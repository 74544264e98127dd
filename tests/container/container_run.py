#!/usr/bin/python3
"""container_run.py -- the built image, run with podman against the local Kafka and Redis.

Checks what the Dockerfile promises and what only a real run shows:
  image   non-root numeric USER, exec-form ENTRYPOINT, HEALTHCHECK on /healthz, SIGTERM as the
          stop signal, port 8080, version label = the binary's version; no compiler and no -dev
          package in the runtime image, every runtime.txt package present;
  run     with the Kubernetes ConfigMap's environment (deploy/k8s/configmap.yaml, addresses
          pointed at the local stack), a read-only root file system without tmpfs, every
          capability dropped, the Deployment's memory limit: the worker is PID 1, /readyz turns 200, the HEALTHCHECK passes,
          the bundled samples (schemas/examples/) become the expected records (valid against
          the schema) and one dead letter, their offsets are committed; then, busy with a load
          of 10,000 items, `podman stop` (SIGTERM, then SIGKILL after the Deployment's grace
          period) makes it exit 0 within shutdown.timeout_ms, and every input committed by
          then was published.

Exit 0 pass, 1 fail (podman unable to build or run is a failure, never a skip), 77 skipped
when no stack is running (start one with deploy/local/stack.sh or run deploy/local/test.sh)."""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
IMAGE_SH = os.path.join(ROOT, "deploy", "container", "image.sh")
EXAMPLES = os.path.join(ROOT, "schemas", "examples")
VALIDATOR = os.path.join(ROOT, "tests", "scripts", "validate_records.py")
SCHEMA = os.path.join(ROOT, "schemas", "enriched-news.schema.json")
CONFIGMAP = os.path.join(ROOT, "deploy", "k8s", "configmap.yaml")
DEPLOYMENT = os.path.join(ROOT, "deploy", "k8s", "deployment.yaml")
MULT = float(os.environ.get("NW_TEST_TIMEOUT_MULT", "1"))
# The podman invocation: runc (crun fails here), host network (loopback stack),
# explicit rlimits (runc may not raise them above the sandbox's own).
RUN_FLAGS = ["--network=host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]


# the same failure, log and check helpers as the integration tests
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
from it_run import Fail, check, free_port, http_get, log  # noqa: E402


def podman(*args, check_rc=True, timeout=120):
    """podman with the project's image storage (deploy/container/image.sh podman ...)."""
    p = subprocess.run([IMAGE_SH, "podman", *args], capture_output=True, text=True,
                       timeout=timeout * MULT)
    # Without systemd podman cannot arm the healthcheck timer and says so on every start and
    # removal; that is expected here (the check is run by hand below), so keep it out of logs.
    err = "\n".join(l for l in p.stderr.splitlines() if "systemd" not in l)
    if check_rc and p.returncode != 0:
        raise Fail(f"podman {' '.join(args[:2])} failed (exit {p.returncode}): {err.strip()}")
    p.err = err
    return p


def admin(*args):
    out = subprocess.run(["java", "-cp", os.environ["NW_KAFKA_CLASSPATH"], "KafkaAdmin", *args],
                         check=True, capture_output=True, text=True)
    return out.stdout


def partition_offsets(text):
    res = {}
    for line in text.split("\n"):
        parts = line.split()
        if len(parts) == 2:
            res[int(parts[0])] = int(parts[1])
    return res



def metric(run, name):
    """The sum of a metric's series on the worker's /metrics (0 when it does not answer)."""
    status, body = http_get(run.http + "/metrics")
    total = 0.0
    for line in body.splitlines() if status == 200 else []:
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def read_list(name):
    path = os.path.join(ROOT, "deploy", "packages", name)
    with open(path) as f:
        return [l.split("#")[0].strip() for l in f if l.split("#")[0].strip()]


def k8s_doc(path, kind):
    import yaml
    with open(path) as f:
        for doc in yaml.safe_load_all(f):
            if doc and doc.get("kind") == kind:
                return doc
    raise Fail(f"no {kind} in {path}")


def configmap_env():
    """The ConfigMap's data: the environment the Kubernetes Deployment gives the worker."""
    return {k: str(v) for k, v in k8s_doc(CONFIGMAP, "ConfigMap").get("data", {}).items()}


def deployment_limits():
    """(memory limit in bytes or None, terminationGracePeriodSeconds) of the Deployment."""
    dep = k8s_doc(DEPLOYMENT, "Deployment")
    pod = dep["spec"]["template"]["spec"]
    mem = pod["containers"][0].get("resources", {}).get("limits", {}).get("memory")
    units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "K": 10**3, "M": 10**6, "G": 10**9}
    limit = None
    if mem:
        num = str(mem).rstrip("KMGi")
        limit = int(float(num) * units.get(str(mem)[len(num):], 1))
    return limit, int(pod.get("terminationGracePeriodSeconds", 30))


def check_image(image):
    info = json.loads(podman("image", "inspect", image).stdout)[0]
    cfg = info.get("Config", {})
    user = cfg.get("User", "")
    check(user.split(":")[0].isdigit() and int(user.split(":")[0]) != 0,
          f"image USER is a numeric non-root uid ({user!r})")
    check(cfg.get("Entrypoint") == ["/usr/local/bin/newsworker"],
          f"ENTRYPOINT is exec form, the worker itself ({cfg.get('Entrypoint')})")
    check(cfg.get("Cmd") == ["run"], f"CMD is [\"run\"] ({cfg.get('Cmd')})")
    hc = info.get("Healthcheck") or cfg.get("Healthcheck") or {}
    check(hc.get("Test") == ["CMD", "/usr/local/bin/newsworker-healthcheck"],
          f"HEALTHCHECK runs newsworker-healthcheck ({hc.get('Test')})")
    check(cfg.get("StopSignal") in ("SIGTERM", "15"), f"STOPSIGNAL is SIGTERM ({cfg.get('StopSignal')})")
    check("8080/tcp" in (cfg.get("ExposedPorts") or {}), "port 8080 (http.port's default) is exposed")
    version = podman("run", "--rm", *RUN_FLAGS, image, "--version").stdout.split()
    label = (cfg.get("Labels") or {}).get("org.opencontainers.image.version")
    check(len(version) >= 2 and label == version[1],
          f"label org.opencontainers.image.version {label} = the binary's version {version[1:2]}")
    pkgs = set(podman("run", "--rm", *RUN_FLAGS, "--entrypoint", "dpkg-query", image,
                      "-W", "-f", "${Package}\\n").stdout.split())
    missing = [p for p in read_list("runtime.txt") if p not in pkgs]
    check(not missing, f"every package of runtime.txt is installed (missing: {missing})")
    build_only = [p for p in read_list("build.txt") if p in pkgs and p not in read_list("runtime.txt")]
    devs = sorted(p for p in pkgs if p.endswith("-dev"))
    check(not build_only and not devs,
          f"no build package and no -dev package in the runtime image ({build_only + devs})")
    return info


class Run:
    def __init__(self, image):
        self.image = image
        tag = f"{os.getpid()}-{int(time.time())}"
        self.name = f"nw-container-test-{tag}"
        self.raw, self.out, self.dlq = (f"ct.{tag}.raw", f"ct.{tag}.enriched", f"ct.{tag}.dlq")
        self.group = f"ct-{tag}"
        self.bootstrap = os.environ["NW_KAFKA_BOOTSTRAP"]
        self.port = free_port()
        self.http = f"http://127.0.0.1:{self.port}"
        self.started = False

    def env(self):
        env = configmap_env()
        # The ConfigMap's addresses and names are for a cluster; here they point at the
        # loopback stack, with this run's own topics, group and Redis key prefix.
        env.update({
            "NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "NEWSWORKER_REDIS_URL": os.environ["NW_REDIS_URL"],
            "NEWSWORKER_REDIS_KEY_PREFIX": f"c{os.getpid() % 100000}:",
            "NEWSWORKER_TOPIC_INPUT": self.raw,
            "NEWSWORKER_TOPIC_OUTPUT": self.out,
            "NEWSWORKER_TOPIC_DLQ": self.dlq,
            "NEWSWORKER_KAFKA_CONSUMER_GROUP_ID": self.group,
            "NEWSWORKER_HTTP_ADDRESS": "127.0.0.1",
            "NEWSWORKER_HTTP_PORT": str(self.port),
        })
        env.pop("NEWSWORKER_TOPIC_DUPLICATES", None)
        return env

    def start(self, memory):
        args = ["run", "-d", "--name", self.name, *RUN_FLAGS,
                # as the Deployment's securityContext: read-only root with no tmpfs added,
                # no capabilities, no privilege gain; and within its memory limit
                "--read-only", "--read-only-tmpfs=false", "--cap-drop=all",
                "--security-opt=no-new-privileges"]
        if memory:
            args += ["--memory", str(memory)]
        for k, v in sorted(self.env().items()):
            args += ["-e", f"{k}={v}"]
        podman(*args, self.image)
        self.started = True
        log(f"started container {self.name} (HTTP {self.http})")

    def state(self):
        return json.loads(podman("inspect", self.name).stdout)[0]["State"]

    def logs(self):
        p = podman("logs", self.name, check_rc=False)
        return p.stdout + p.err

    def wait_for(self, what, cond, timeout):
        deadline = time.monotonic() + timeout * MULT
        while time.monotonic() < deadline:
            if cond():
                return
            st = self.state()
            if not st.get("Running"):
                raise Fail(f"container exited with {st.get('ExitCode')} while waiting for {what}")
            time.sleep(0.25)
        raise Fail(f"timed out after {timeout} s waiting for {what}")

    def count(self, topic):
        return sum(partition_offsets(admin("end-offsets", self.bootstrap, topic)).values())

    def cleanup(self):
        if self.started:
            podman("rm", "-f", "-t", "0", self.name, check_rc=False)


LOAD_ITEMS = 10000
WORDS = ("port", "grain", "tariff", "bank", "steel", "rail", "crop", "bond", "yield", "export",
         "mill", "fleet", "quota", "loan", "refinery", "harvest", "cargo", "levy", "index", "plant")


def load_items(n):
    """n unique JSON items, one line each (distinct words, so no near duplicates either)."""
    import random
    rng = random.Random(7)
    out = []
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        out.append(json.dumps({"id": f"load-{i}", "source": "container-test",
                               "title": f"Load item {i}: {rng.choice(WORDS)} report",
                               "body": f"Item {i} of the container load test: {words} {i * 7919}."}
                              ).encode())
    return out


def consume(bootstrap, topic, envelope=False):
    """Every message of a topic: payloads, or kcat's JSON envelopes (partition, offset, ...)."""
    cmd = ["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q"]
    cmd += ["-J"] if envelope else ["-D", "\x1e"]
    out = subprocess.run(cmd, check=True, capture_output=True).stdout
    parts = out.split(b"\n" if envelope else b"\x1e")
    return [p.decode("utf-8", "replace") for p in parts if p.strip()]


def samples():
    files = sorted(glob.glob(os.path.join(EXAMPLES, "[0-9][0-9]-*")))
    # every sample but the exact duplicate (05) and the malformed item (06) becomes a record
    return files, len(files) - 2, 1


def scenario(image, shutdown_ms):
    run = Run(image)
    memory, grace = deployment_limits()
    workdir = tempfile.mkdtemp(prefix="nw-container-", dir=os.environ.get("NW_STACK_DIR"))
    try:
        admin("create", run.bootstrap, run.raw, "4", run.out, "4", run.dlq, "1")
        run.start(memory)
        limit = podman("inspect", run.name, "--format", "{{.HostConfig.Memory}}").stdout.strip()
        check(not memory or limit == str(memory),
              f"running under the Deployment's memory limit ({limit} bytes)")
        run.wait_for("/readyz 200", lambda: http_get(run.http + "/readyz")[0] == 200, 60)
        log("ok: /readyz answers 200 (partitions assigned, Redis reachable)")
        check(http_get(run.http + "/healthz")[0] == 200, "/healthz answers 200")
        hc = podman("healthcheck", "run", run.name, check_rc=False)
        check(hc.returncode == 0, f"the image's HEALTHCHECK passes (exit {hc.returncode} {hc.stdout.strip()})")
        # and it can fail: pointed at a port nobody listens on, it must say unhealthy
        bad = podman("exec", "-e", f"NEWSWORKER_HTTP_PORT={free_port()}", run.name,
                     "/usr/local/bin/newsworker-healthcheck", check_rc=False)
        check(bad.returncode == 1, f"the HEALTHCHECK fails without a /healthz to answer ({bad.stdout.strip()})")
        pid1 = podman("exec", run.name, "cat", "/proc/1/cmdline").stdout.split("\0")
        check(pid1[0] == "/usr/local/bin/newsworker", f"the worker is PID 1, so it gets SIGTERM ({pid1[:2]})")
        who = podman("exec", run.name, "id", "-u").stdout.strip()
        check(who == "10001", f"it runs as uid 10001 ({who})")
        ro = podman("exec", run.name, "touch", "/probe", "/tmp/probe", check_rc=False)
        check(ro.returncode != 0 and "Read-only file system" in (ro.stdout + ro.stderr),
              "the root file system (and /tmp) is read-only")

        files, want_out, want_dlq = samples()
        # kcat -P with file arguments produces each file as one message, as demo.sh does
        subprocess.run(["kcat", "-P", "-b", run.bootstrap, "-t", run.raw, *files], check=True)
        log(f"produced {len(files)} samples to {run.raw}")
        run.wait_for(f"{want_out} records and {want_dlq} dead letter",
                     lambda: run.count(run.out) >= want_out and run.count(run.dlq) >= want_dlq, 60)
        check(run.count(run.out) == want_out, f"{want_out} records on {run.out}")
        check(run.count(run.dlq) == want_dlq, f"{want_dlq} dead letter on {run.dlq}")
        path = os.path.join(workdir, "records.jsonl")
        with open(path, "w") as f:
            for rec in consume(run.bootstrap, run.out):
                f.write(rec.replace("\n", " ") + "\n")
        rc = subprocess.run(["/usr/bin/python3", VALIDATOR, "--schema", SCHEMA, "--expect",
                             str(want_out), path]).returncode
        check(rc == 0, f"the {want_out} records are valid against enriched-news.schema.json")
        status, body = http_get(run.http + "/metrics")
        check(status == 200 and "newsworker_" in body, "/metrics answers with newsworker_* series")

        ends = partition_offsets(admin("end-offsets", run.bootstrap, run.raw))

        def all_committed():
            got = partition_offsets(admin("offsets", run.bootstrap, run.group, run.raw))
            return all(got.get(p, 0) == e for p, e in ends.items() if e > 0)
        run.wait_for("the samples' offsets committed", all_committed, 30)
        log("ok: every sample's offset committed while running")

        # Stop it while it is busy: a load of unique items, stopped once it is under way.
        load = load_items(LOAD_ITEMS)
        subprocess.run(["kcat", "-P", "-b", run.bootstrap, "-t", run.raw, "-X", "linger.ms=20"],
                       input=b"\n".join(load) + b"\n", check=True)
        # /metrics, not the Kafka admin tool: it answers in milliseconds, so the stop lands early
        run.wait_for("the load under way",
                     lambda: metric(run, "newsworker_messages_consumed_total") >= len(files) + 500, 60)
        # As the kubelet does: the image's STOPSIGNAL, then SIGKILL after the grace period.
        t0 = time.monotonic()
        podman("stop", "-t", str(grace), run.name, timeout=grace + 30)
        took = time.monotonic() - t0
        rc = str(run.state().get("ExitCode"))
        check(rc == "0", f"stop (SIGTERM, grace {grace} s): exit code {rc} (0 = clean stop) after {took:.1f} s")
        check(took * 1000 < shutdown_ms + 5000,
              f"the drain ended within shutdown.timeout_ms {shutdown_ms} ms (+5 s to leave the group)")
        committed = partition_offsets(admin("offsets", run.bootstrap, run.group, run.raw))
        published = {json.loads(m)["id"] for m in consume(run.bootstrap, run.out)}
        lost, done, total = [], 0, 0
        for m in consume(run.bootstrap, run.raw, envelope=True):
            env = json.loads(m)
            item = (env.get("payload") or "")
            if not item.startswith('{"id": "load-'):
                continue
            total += 1
            if env["offset"] < committed.get(env["partition"], 0):
                done += 1
                if json.loads(item)["id"] not in published:
                    lost.append((env["partition"], env["offset"]))
        check(0 < done < total, f"the stop landed while the worker was busy ({done} of {total} "
                                f"load items committed, {len(published)} records out)")
        check(not lost,
              f"every committed input was published before the stop ({len(lost)} were not)")
        return 0
    except Exception:
        if run.started:
            log("container log:\n" + run.logs())
        raise
    finally:
        run.cleanup()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--image", default=os.environ.get("NWC_IMAGE", "localhost/newsworker:dev"))
    args = ap.parse_args()
    try:
        subprocess.run(["podman", "--version"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"FAIL: podman is not usable ({e}); run deploy/local/deps.sh", file=sys.stderr)
        return 1
    try:
        info = check_image(args.image)
        del info
        if not os.environ.get("NW_KAFKA_BOOTSTRAP") or not os.environ.get("NW_REDIS_URL"):
            print("SKIPPED: no local stack (NW_KAFKA_BOOTSTRAP / NW_REDIS_URL unset); the image "
                  "checks passed, the run needs deploy/local/test.sh or stack.sh", flush=True)
            return 77
        shutdown_ms = int(configmap_env().get("NEWSWORKER_SHUTDOWN_TIMEOUT_MS", "10000"))
        return scenario(args.image, shutdown_ms)
    except (Fail, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        print(f"FAIL: {e}", flush=True)
        if isinstance(e, subprocess.CalledProcessError) and e.stderr:
            print(e.stderr if isinstance(e.stderr, str) else e.stderr.decode(), flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
