#!/usr/bin/python3
"""security_test.py -- the worker against the local stack's SASL listener and Redis ACL user.

Scenarios (each with its own topics and consumer group; every wait bounded):
  kafka_sasl     the worker consumes and publishes through the SASL_PLAINTEXT listener, with
                 PLAIN and with SCRAM-SHA-512, password from a file, dedupe through the Redis
                 ACL user; a wrong Kafka password makes it exit non-zero, quickly and clearly
  redis_acl      the ACL user is least-privilege (other commands and other keys refused); a
                 wrong Redis password is exit 2 at start-up; a key prefix outside the ACL stops
                 the worker with a clear NOPERM message instead of retrying
  secrets_in_logs  every log under $NW_STACK_DIR (worker logs of the integration and security
                 runs, the broker's and Redis's) is searched for every secret of the stack
                 ($NW_STACK_DIR/secrets/*): no hit allowed. ctest runs it after the others.
Exit 0 pass, 1 fail, 77 skipped (no stack, or a stack without the SASL listener: start one with
deploy/local/stack.sh up or run deploy/local/test.sh)."""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

MULT = float(os.environ.get("NW_TEST_TIMEOUT_MULT", "1"))
SEP = b"\x1e"


# the same failure, log and check helpers as the integration tests
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
from it_run import Fail, check, free_port, log  # noqa: E402


def secret(path):
    with open(path) as f:
        return f.read().rstrip("\r\n")


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def admin(*args):
    return subprocess.run(["java", "-cp", os.environ["NW_KAFKA_CLASSPATH"], "KafkaAdmin", *args],
                          check=True, capture_output=True, text=True).stdout


class Run:
    """Topics, a consumer group and a log folder of one scenario."""

    def __init__(self, name):
        run = f"{name}-{os.getpid()}-{int(time.time())}"
        self.raw, self.out, self.dlq = f"sec.{run}.raw", f"sec.{run}.enriched", f"sec.{run}.dlq"
        self.group = f"sec-{run}"
        self.plain = os.environ["NW_KAFKA_BOOTSTRAP"]
        self.sasl = os.environ["NW_KAFKA_SASL_BOOTSTRAP"]
        self.workdir = os.path.join(os.environ["NW_STACK_DIR"], f"sec-{run}")
        os.makedirs(self.workdir, exist_ok=True)
        admin("create", self.plain, self.raw, "2", self.out, "2", self.dlq, "1")
        self.procs = []
        self.redis_url = (f"redis://{os.environ['NW_REDIS_ACL_USER']}@127.0.0.1:"
                          f"{os.environ['NW_REDIS_PORT']}/0")

    def worker_env(self, extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
        env.update({
            "NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS": self.sasl,
            "NEWSWORKER_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "NEWSWORKER_KAFKA_SASL_USERNAME": os.environ["NW_KAFKA_SASL_USER"],
            "NEWSWORKER_KAFKA_SASL_PASSWORD_FILE": os.environ["NW_KAFKA_SASL_PASSWORD_FILE"],
            "NEWSWORKER_KAFKA_CONSUMER_GROUP_ID": self.group,
            "NEWSWORKER_KAFKA_CONSUMER_SESSION_TIMEOUT_MS": "6000",
            "NEWSWORKER_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS": "1000",
            "NEWSWORKER_TOPIC_INPUT": self.raw,
            "NEWSWORKER_TOPIC_OUTPUT": self.out,
            "NEWSWORKER_TOPIC_DLQ": self.dlq,
            # the ACL user: its name in the URL, its password from the stack's secret file
            "NEWSWORKER_REDIS_URL": self.redis_url,
            "NEWSWORKER_REDIS_PASSWORD_FILE": os.environ["NW_REDIS_ACL_PASSWORD_FILE"],
            "NEWSWORKER_REDIS_KEY_PREFIX": os.environ.get("NW_REDIS_ACL_PREFIX", "nw:"),
            "NEWSWORKER_REDIS_TIMEOUT_MS": "1000",
            "NEWSWORKER_HTTP_ADDRESS": "127.0.0.1",
            "NEWSWORKER_HTTP_PORT": str(free_port()),
        })
        env.update(extra or {})
        return {k: v for k, v in env.items() if v is not None}

    def start(self, worker, tag, extra=None, args=()):
        env = self.worker_env(extra)
        logf = open(os.path.join(self.workdir, f"{tag}.log"), "wb")
        p = subprocess.Popen([worker, "run", *args], env=env, stdout=logf, stderr=subprocess.STDOUT)
        p.logf, p.logpath = logf, logf.name
        p.http = f"http://127.0.0.1:{env['NEWSWORKER_HTTP_PORT']}"
        self.procs.append(p)
        log(f"started worker {tag} pid {p.pid} (log {logf.name})")
        return p

    def wait_exit(self, p, timeout):
        try:
            rc = p.wait(timeout=timeout * MULT)
        except subprocess.TimeoutExpired:
            raise Fail(f"worker {p.pid} still running after {timeout} s (log {p.logpath})")
        p.logf.close()
        return rc

    def stop(self, p):
        p.send_signal(signal.SIGTERM)
        return self.wait_exit(p, 30)

    def log_text(self, p):
        if not p.logf.closed:
            p.logf.flush()
        with open(p.logpath, "rb") as f:
            return f.read().decode(errors="replace")

    def produce(self, values):
        data = SEP.join(values) + SEP
        subprocess.run(["kcat", "-P", "-b", self.plain, "-t", self.raw, "-D", SEP.decode()],
                       input=data, check=True)

    def count(self, topic):
        total = 0
        for line in admin("end-offsets", self.plain, topic).splitlines():
            parts = line.split()
            if len(parts) == 2:
                total += int(parts[1])
        return total

    def wait_for(self, what, cond, timeout, procs=()):
        deadline = time.monotonic() + timeout * MULT
        while time.monotonic() < deadline:
            if cond():
                return
            for p in procs:
                if p.poll() is not None:
                    raise Fail(f"worker exited with {p.returncode} while waiting for {what} "
                               f"(log {p.logpath})")
            time.sleep(0.25)
        raise Fail(f"timed out after {timeout} s waiting for {what}")

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def items(tag, n, dups):
    rng = random.Random(tag)
    words = ("port", "grain", "tariff", "bank", "steel", "rail", "crop", "bond", "yield", "cargo")
    out = []
    for i in range(n):
        body = (f"SECURITY test {tag} item {i}: " + " ".join(rng.choice(words) for _ in range(40)) +
                f". Figure {i * 13 % 997} mln dlrs.")
        out.append({"id": f"{tag}-{i}", "title": f"Secure story {tag} {i}", "body": body})
    values = [json.dumps(x).encode() for x in out]
    for d in range(dups):
        copy = dict(out[d])
        copy["id"] = f"{tag}-dup-{d}"
        values.append(json.dumps(copy).encode())
    return values


def write_secret(name, value):
    """Keep every password a test configures in the stack's secrets folder, so that the
    secrets_in_logs scan looks for it too."""
    path = os.path.join(os.environ["NW_STACK_DIR"], "secrets", name)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(value + "\n")
    return path


# ---- scenarios ----------------------------------------------------------------------------
def scenario_kafka_sasl(worker):
    for mech in ("PLAIN", "SCRAM-SHA-512"):
        r = Run(f"sasl-{mech.lower()}")
        try:
            tag = f"{mech}-{os.getpid()}-{time.time_ns()}"
            r.produce(items(tag, 30, 3))
            w = r.start(worker, f"ok-{mech}", {"NEWSWORKER_KAFKA_SASL_MECHANISMS": mech})
            r.wait_for(f"30 records via SASL {mech}", lambda: r.count(r.out) >= 30, 90, [w])
            r.wait_for("/readyz", lambda: http_status(w.http + "/readyz") == 200, 30, [w])
            check(True, f"SASL {mech}: 30 records published through {r.sasl}, /readyz 200, "
                        "dedupe through the Redis ACL user")
            text = r.log_text(w)
            check("Kafka authentication failed" not in text and "_AUTHENTICATION" not in text,
                  f"SASL {mech}: no authentication failure in the log")
            rc = r.stop(w)
            check(rc == 0, f"SASL {mech}: SIGTERM drains, exit 0")
            check(r.count(r.out) == 30, f"SASL {mech}: exactly 30 records (the 3 duplicates dropped)")

            wrong = write_secret(f"wrong-kafka-{mech}.password", f"wrong-{random.getrandbits(64):016x}")
            t0 = time.monotonic()
            w = r.start(worker, f"wrong-{mech}", {"NEWSWORKER_KAFKA_SASL_MECHANISMS": mech,
                                                  "NEWSWORKER_KAFKA_SASL_PASSWORD_FILE": wrong})
            rc = r.wait_exit(w, 30)
            took = time.monotonic() - t0
            text = r.log_text(w)
            check(rc != 0, f"SASL {mech}, wrong password: exit {rc} (non-zero) after {took:.1f} s")
            check("Kafka authentication failed" in text,
                  f"SASL {mech}, wrong password: the log says \"Kafka authentication failed\"")
            last = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
            check(any(x["level"] == "error" and "authentication" in x["msg"].lower() for x in last),
                  f"SASL {mech}, wrong password: an error-level JSON line explains it")
        finally:
            r.cleanup()


def redis_cli(*args, user=None, password_file=None):
    env = dict(os.environ)
    cmd = ["redis-cli", "-h", "127.0.0.1", "-p", os.environ["NW_REDIS_PORT"]]
    if user:
        cmd += ["--user", user]
        env["REDISCLI_AUTH"] = secret(password_file)     # not on the command line
    return subprocess.run(cmd + list(args), env=env, capture_output=True, text=True,
                          timeout=10).stdout.strip()


def scenario_redis_acl(worker):
    user, pwf = os.environ["NW_REDIS_ACL_USER"], os.environ["NW_REDIS_ACL_PASSWORD_FILE"]
    prefix = os.environ.get("NW_REDIS_ACL_PREFIX", "nw:")
    acl = lambda *a: redis_cli(*a, user=user, password_file=pwf)   # noqa: E731
    check(acl("PING") == "PONG", "the ACL user may PING")
    check(acl("SET", f"{prefix}sec-probe", "1", "EX", "60") == "OK", f"... and SET keys under {prefix}")
    check(acl("GET", f"{prefix}sec-probe") == "1", f"... and GET keys under {prefix}")
    refused = [
        ("GET", "other:key"), ("SET", "other:key", "1"), ("DEL", f"{prefix}sec-probe"),
        ("KEYS", "*"), ("SCAN", "0"), ("FLUSHALL",), ("FLUSHDB",), ("CONFIG", "GET", "*"),
        ("EVAL", "return 1", "0"), ("SCRIPT", "FLUSH"), ("ACL", "LIST"), ("SHUTDOWN",),
        ("INFO",), ("CLIENT", "LIST"), ("HSET", "other:h", "a", "1"),
        ("HGETALL", f"{prefix}h"), ("HDEL", f"{prefix}h", "a"), ("PERSIST", f"{prefix}sec-probe"),
        ("EXPIRE", "other:key", "1"), ("PUBLISH", "x", "y"), ("UNLINK", "other:key"),
        ("EXISTS", "other:key"),
    ]
    for cmd in refused:
        out = acl(*cmd)
        check(out.startswith("NOPERM") or "NOPERM" in out,
              f"the ACL user is refused {' '.join(cmd)} ({out[:60]})")

    r = Run("acl")
    try:
        # the worker with the ACL user works (also in kafka_sasl): here over the plain listener
        tag = f"acl-{os.getpid()}-{time.time_ns()}"
        r.produce(items(tag, 10, 2))
        plain = {"NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS": r.plain,
                 "NEWSWORKER_KAFKA_SECURITY_PROTOCOL": None,
                 "NEWSWORKER_KAFKA_SASL_USERNAME": None,
                 "NEWSWORKER_KAFKA_SASL_PASSWORD_FILE": None}
        w = r.start(worker, "acl-ok", plain)
        r.wait_for("10 records with the ACL user", lambda: r.count(r.out) >= 10, 90, [w])
        check(r.stop(w) == 0, "the worker with the Redis ACL user publishes 10 records and exits 0")
        check(r.count(r.out) == 10, "the 2 duplicates were caught through the ACL user")

        # an ACL written before the claim script asked for EXISTS and UNLINK, and the
        # filters for HLEN and HSCAN (README), keeps working
        check(redis_cli("ACL", "SETUSER", user, "-exists", "-unlink", "-hlen", "-hscan") == "OK",
              "EXISTS, UNLINK, HLEN and HSCAN taken from the ACL user")
        try:
            r.produce(items(tag + "-old-acl", 5, 1))
            w = r.start(worker, "acl-no-exists", plain)
            r.wait_for("15 records with the ACL user without EXISTS and UNLINK",
                       lambda: r.count(r.out) >= 15, 90, [w])
            check(r.stop(w) == 0,
                  "without EXISTS and UNLINK in its ACL the worker publishes and exits 0")
            check(r.count(r.out) == 15, "... and its duplicate was caught (15 records in all)")
        finally:
            redis_cli("ACL", "SETUSER", user, "+exists", "+unlink", "+hlen", "+hscan")

        wrong = write_secret("wrong-redis.password", f"wrong-{random.getrandbits(64):016x}")
        t0 = time.monotonic()
        w = r.start(worker, "acl-wrong-password", dict(plain, NEWSWORKER_REDIS_PASSWORD_FILE=wrong))
        rc = r.wait_exit(w, 20)
        text = r.log_text(w)
        check(rc == 2, f"wrong Redis password: exit {rc} (2, configuration) after "
                       f"{time.monotonic() - t0:.1f} s")
        check("Redis refused the worker" in text and "WRONGPASS" in text,
              "wrong Redis password: the log says Redis refused the worker (WRONGPASS)")

        # a key prefix outside the ACL: the first claim is refused, which is fatal, not retried
        r.produce(items(tag + "-x", 3, 0))
        w = r.start(worker, "acl-wrong-prefix", dict(plain, NEWSWORKER_REDIS_KEY_PREFIX="zz:"))
        rc = r.wait_exit(w, 60)
        text = r.log_text(w)
        check(rc == 1 and "NOPERM" in text,
              f"a prefix outside the ACL: exit {rc} (1) with the NOPERM reason in the log")
    finally:
        r.cleanup()


def scenario_secrets_in_logs(worker):
    del worker
    stack = os.environ["NW_STACK_DIR"]
    sdir = os.path.join(stack, "secrets")
    secrets = {}
    for name in sorted(os.listdir(sdir)):
        value = secret(os.path.join(sdir, name))
        if value:
            secrets[name] = value.encode()
    check(len(secrets) >= 2, f"{len(secrets)} secrets of this stack to look for ({', '.join(secrets)})")
    scanned = 0
    hits = []
    for dirpath, dirnames, filenames in os.walk(stack):
        rel = os.path.relpath(dirpath, stack)
        # the secrets themselves, and the broker's config and data (server.properties must
        # hold the PLAIN user list) are not logs
        if rel.split(os.sep)[0] in ("secrets", "kafka"):
            dirnames[:] = []
            continue
        for fn in filenames:
            if not fn.endswith(".log"):
                continue
            path = os.path.join(dirpath, fn)
            with open(path, "rb") as f:
                data = f.read()
            scanned += 1
            for name, value in secrets.items():
                if value in data:
                    hits.append(f"{path}: {name}")
    check(scanned >= 1, f"{scanned} log files scanned under {stack}")
    check(not hits, "no log contains a configured secret" + (f": {hits}" if hits else ""))


SCENARIOS = {
    "kafka_sasl": scenario_kafka_sasl,
    "redis_acl": scenario_redis_acl,
    "secrets_in_logs": scenario_secrets_in_logs,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--worker", required=True)
    args = ap.parse_args()
    need = ["NW_STACK_DIR", "NW_KAFKA_BOOTSTRAP", "NW_KAFKA_SASL_BOOTSTRAP", "NW_KAFKA_SASL_PASSWORD_FILE",
            "NW_REDIS_PORT", "NW_REDIS_ACL_USER", "NW_REDIS_ACL_PASSWORD_FILE", "NW_KAFKA_CLASSPATH"]
    missing = [v for v in need if not os.environ.get(v)]
    if missing:
        print(f"SKIPPED: no local stack with SASL and a Redis ACL user ({', '.join(missing)} unset); "
              "run deploy/local/test.sh", flush=True)
        return 77
    try:
        SCENARIOS[args.scenario](os.path.abspath(args.worker))
    except Fail as e:
        log(f"FAIL: {e}")
        return 1
    log(f"PASS {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
