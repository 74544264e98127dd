#!/usr/bin/python3
"""it_run.py -- integration tests: the built newsworker against the real local Kafka and Redis.

Each scenario gets its own topics, consumer group and Redis key prefix, so scenarios never see
each other's data. Every wait is bounded. Exit 0 pass, 1 fail, 77 skipped (no stack running:
start one with deploy/local/stack.sh or run deploy/local/test.sh)."""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import socket
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIB = os.path.join(ROOT, "deploy", "local", "lib.sh")
VALIDATOR = os.path.join(ROOT, "tests", "scripts", "validate_records.py")
SCHEMA = os.path.join(ROOT, "schemas", "enriched-news.schema.json")
MULT = float(os.environ.get("NW_TEST_TIMEOUT_MULT", "1"))
SEP = b"\x1e"   # record separator for kcat: never appears in the generated items


class Fail(Exception):
    pass


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def check(cond, msg):
    if not cond:
        raise Fail(msg)
    log(f"ok: {msg}")


def stack_sh(func):
    subprocess.run(["bash", "-c", f'source "{LIB}" && {func}'], check=True)


def admin(*args):
    out = subprocess.run(["java", "-cp", os.environ["NW_KAFKA_CLASSPATH"], "KafkaAdmin", *args],
                         check=True, capture_output=True, text=True)
    return out.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url):
    """(status, body) of a GET; connection errors count as status 0."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, ""


def metrics(proc):
    """The worker's /metrics as {name{labels}: value}."""
    status, body = http_get(proc.http + "/metrics")
    if status != 200:
        raise Fail(f"/metrics answered {status}")
    out = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


class Scenario:
    def __init__(self, name, worker, partitions=4):
        self.name = name
        self.worker = worker
        run = f"{name}-{os.getpid()}-{int(time.time())}"
        self.raw, self.out, self.dlq = f"it.{run}.raw", f"it.{run}.enriched", f"it.{run}.dlq"
        self.dups = f"it.{run}.duplicates"
        self.group = f"it-{run}"
        self.prefix = f"t{random.randrange(10**6):06d}:"[:8]
        self.bootstrap = os.environ["NW_KAFKA_BOOTSTRAP"]
        self.workdir = os.path.join(os.environ.get("NW_STACK_DIR", "/tmp"), f"it-{run}")
        os.makedirs(self.workdir, exist_ok=True)
        admin("create", self.bootstrap, self.raw, str(partitions), self.out, "4", self.dlq, "1",
              self.dups, "1")
        self.procs = []

    # ---- worker processes -----------------------------------------------------------
    def start_worker(self, tag="w", extra=None):
        env = dict(os.environ)
        env.update({
            "NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "NEWSWORKER_KAFKA_CONSUMER_GROUP_ID": self.group,
            "NEWSWORKER_TOPIC_INPUT": self.raw,
            "NEWSWORKER_TOPIC_OUTPUT": self.out,
            "NEWSWORKER_TOPIC_DLQ": self.dlq,
            "NEWSWORKER_REDIS_URL": os.environ["NW_REDIS_URL"],
            "NEWSWORKER_REDIS_KEY_PREFIX": self.prefix,
            "NEWSWORKER_REDIS_TIMEOUT_MS": "500",
            "NEWSWORKER_REDIS_BACKOFF_MAX_MS": "1000",
            "NEWSWORKER_KAFKA_CONSUMER_SESSION_TIMEOUT_MS": "6000",
            "NEWSWORKER_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS": "1000",
        })
        env["NEWSWORKER_HTTP_ADDRESS"] = "127.0.0.1"
        env["NEWSWORKER_HTTP_PORT"] = str(free_port())
        env.update(extra or {})
        logf = open(os.path.join(self.workdir, f"{tag}-{len(self.procs)}.log"), "wb")
        p = subprocess.Popen([self.worker, "run"], env=env, stdout=logf, stderr=subprocess.STDOUT)
        p.logf = logf
        p.logpath = logf.name
        p.http = f"http://127.0.0.1:{env['NEWSWORKER_HTTP_PORT']}"
        self.procs.append(p)
        log(f"started worker pid {p.pid} (log {logf.name})")
        return p

    def stop_worker(self, p, sig=signal.SIGTERM, timeout=20):
        t0 = time.monotonic()
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=timeout * MULT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise Fail(f"worker {p.pid} did not stop within {timeout} s of signal {sig}")
        p.logf.close()
        return rc, time.monotonic() - t0

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    # ---- Kafka I/O ----------------------------------------------------------------------
    def produce(self, values, keyed=True):
        """Produce each value as one message, keys spread over partitions."""
        data = SEP.join(values) + SEP
        cmd = ["kcat", "-P", "-b", self.bootstrap, "-t", self.raw, "-D", SEP.decode(),
               "-X", "linger.ms=20"]
        if keyed:
            # kcat -K splits key and value on a delimiter: prefix each value with a key
            data = SEP.join(b"k%d\t" % random.randrange(1 << 30) + v for v in values) + SEP
            cmd += ["-K", "\t"]
        # the broker may be down on purpose (fault runs): retry, bounded; a copy produced
        # twice is an exact duplicate, which the worker drops
        for attempt in range(60):
            if subprocess.run(cmd, input=data).returncode == 0:
                return
            time.sleep(1)
        raise Fail(f"could not produce to {self.raw} for 60 s")

    def produce_stream(self, values, chunk=250, pause=0.25):
        """Produce in chunks from a background thread, so a fault can land mid-run."""
        import threading

        def run():
            for i in range(0, len(values), chunk):
                self.produce(values[i:i + chunk])
                time.sleep(pause)
        t = threading.Thread(target=run, daemon=True)
        t.start()
        return t

    def consume(self, topic):
        """Every message of a topic as kcat's JSON envelope."""
        out = subprocess.run(["kcat", "-C", "-b", self.bootstrap, "-t", topic, "-o", "beginning",
                              "-e", "-q", "-J"], check=True, capture_output=True)
        msgs = []
        for line in out.stdout.splitlines():
            if line.strip():
                msgs.append(json.loads(line.decode("utf-8", "replace"), strict=False))
        return msgs

    def count(self, topic):
        total = 0
        for line in admin("end-offsets", self.bootstrap, topic).split("\n"):
            parts = line.split()
            if len(parts) == 2:
                total += int(parts[1])
        return total

    def committed(self):
        res = {}
        for line in admin("offsets", self.bootstrap, self.group, self.raw).split("\n"):
            parts = line.split()
            if len(parts) == 2:
                res[int(parts[0])] = int(parts[1])
        return res

    def wait_for(self, what, cond, timeout, procs=()):
        deadline = time.monotonic() + timeout * MULT
        while time.monotonic() < deadline:
            if cond():
                return
            for p in procs:
                if p.poll() is not None:
                    raise Fail(f"worker {p.pid} exited with {p.returncode} while waiting for {what}"
                               f" (log {p.logpath})")
            time.sleep(0.25)
        raise Fail(f"timed out after {timeout} s waiting for {what}")

    def records(self):
        recs = []
        for m in self.consume(self.out):
            recs.append(json.loads(m["payload"]))
        return recs

    def validate(self, recs):
        path = os.path.join(self.workdir, "records.jsonl")
        with open(path, "w") as f:
            for r in recs:
                f.write(json.dumps(r) + "\n")
        rc = subprocess.run(["/usr/bin/python3", VALIDATOR, "--schema", SCHEMA, path]).returncode
        check(rc == 0, f"all {len(recs)} records are valid against enriched-news.schema.json")


# ---- item generation ----------------------------------------------------------------------
WORDS = ("port", "grain", "tariff", "bank", "steel", "rail", "crop", "bond", "yield", "export",
         "mill", "fleet", "quota", "loan", "refinery", "harvest", "cargo", "levy", "index", "plant")


def story(i, rng):
    """A unique, deterministic wire-style item."""
    words = " ".join(rng.choice(WORDS) for _ in range(40))
    title = f"Test story {i}: {rng.choice(WORDS)} {rng.choice(WORDS)} update"
    body = (f"LONDON, March {1 + i % 28} - Item {i} reports {i * 7 % 1000} mln dlrs of {words}.\n\n"
            f"Officials said the figure for item {i} was {i % 97} pct higher.")
    return {"id": f"item-{i}", "source": "it", "title": title, "body": body,
            "published_at": "2024-03-01T10:00:00Z"}


def malformed(k):
    forms = [
        b'{"title": "truncated',
        b'{"title": "bad \xff\xfe bytes", "body": "x"}',
        b'["an", "array"]',
        b'{"title": "", "body": "   "}',
        b'{"title": 42, "body": "number title"}',
        b'{"title": "deep", "body": "x", "extra": ' + b'[' * 200 + b']' * 200 + b'}',
        b'{"title": "x" "body": "missing comma"}',
        b'\xc0\xaf overlong slash in plain text',
        b'{"title": "dup keys ok", "body": "x"} trailing garbage',
        b'{}',
    ]
    return forms[k % len(forms)]


def items(n_unique, n_dups, n_bad, seed):
    rng = random.Random(seed)
    uniques = [story(i, rng) for i in range(n_unique)]
    values = [json.dumps(s).encode() for s in uniques]
    for d in range(n_dups):
        src = dict(uniques[rng.randrange(n_unique)])
        src["id"] = f"dup-{d}"          # another producer id, same content: an exact duplicate
        values.append(json.dumps(src).encode())
    values += [malformed(k) for k in range(n_bad)]
    rng.shuffle(values)
    return values, {s["id"] for s in uniques}


# ---- scenarios ----------------------------------------------------------------------------
def scenario_dedupe_dlq(sc):
    """a. 1,000 items, 100 exact duplicates, 20 malformed -> 880 records and 20 DLQ records."""
    values, ids = items(880, 100, 20, seed=1)
    ids = {json.loads(v)["title"] for v in values if v.startswith(b'{"id": "item-')}
    sc.produce(values)
    w = sc.start_worker(extra={"NEWSWORKER_TOPIC_DUPLICATES": sc.dups})
    sc.wait_for("880 records and 20 DLQ records",
                lambda: sc.count(sc.out) >= 880 and sc.count(sc.dlq) >= 20, 90, [w])
    time.sleep(2)
    status, body = http_get(w.http + "/readyz")
    check(status == 200, f"/readyz is ready while partitions are assigned and Redis is up ({body.strip()})")
    check(http_get(w.http + "/healthz")[0] == 200, "/healthz answers 200")
    m = metrics(w)
    dlq_total = sum(v for k, v in m.items() if k.startswith("newsworker_dlq_records_total"))
    check(m["newsworker_messages_consumed_total"] == 1000, "/metrics: 1,000 consumed")
    check(m["newsworker_records_published_total"] == 880, "/metrics: 880 published")
    check(m['newsworker_duplicates_total{kind="exact"}'] == 100, "/metrics: 100 exact duplicates")
    check(dlq_total == 20, f"/metrics: 20 dead-lettered (got {dlq_total})")
    check(m["newsworker_in_flight_messages"] == 0, "/metrics: nothing in flight")
    check(m["newsworker_processing_seconds_count"] == 1000, "/metrics: 1,000 processing times")
    check(m["newsworker_end_to_end_seconds_count"] == 880, "/metrics: 880 end-to-end latencies")
    check(m["newsworker_redis_round_trips_total"] >= 1, "/metrics: Redis round trips counted")
    rc, _ = sc.stop_worker(w)
    check(rc == 0, "worker exits 0 on SIGTERM")
    # order: within an output partition, the records of one input partition are in input
    # order (a batch run ahead is produced only after the batch before it)
    out_msgs = sc.consume(sc.out)
    last, backwards = {}, 0
    for m in out_msgs:
        src = json.loads(m["payload"])["source"]
        k = (m["partition"], src["partition"])
        backwards += last.get(k, -1) >= src["offset"]
        last[k] = src["offset"]
    check(backwards == 0, f"records keep their input order per partition ({backwards} out of order "
          f"among {len(out_msgs)})")
    recs = sc.records()
    # a duplicate carries another producer id, and whichever copy is consumed first wins, so
    # stories are told apart by their (unique) titles
    titles = [r["title"] for r in recs]
    check(len(recs) == 880, f"exactly 880 records in the output topic (got {len(recs)})")
    check(set(titles) == ids, "each unique story is in the output")
    check(len(set(titles)) == len(titles), "no story published twice")
    sc.validate(recs)
    dlq = sc.consume(sc.dlq)
    check(len(dlq) == 20, f"exactly 20 DLQ records (got {len(dlq)})")
    for m in dlq:
        hdrs = dict(zip(m["headers"][0::2], m["headers"][1::2])) if m.get("headers") else {}
        if not hdrs.get("nw.error.code", "").startswith("NW_ERR_") or not hdrs.get("nw.error.reason"):
            raise Fail(f"DLQ record without an error code and reason: {m}")
        if hdrs.get("nw.source.topic") != sc.raw or "nw.source.offset" not in hdrs:
            raise Fail(f"DLQ record without its source coordinates: {hdrs}")
    codes = sorted({dict(zip(m["headers"][0::2], m["headers"][1::2]))["nw.error.code"] for m in dlq})
    log(f"DLQ error codes seen: {', '.join(codes)}")
    check(len(codes) >= 5, "malformed items are classified into distinct error codes")
    dups = sc.consume(sc.dups)
    check(len(dups) == 100, f"the 100 exact duplicates are on topic.duplicates (got {len(dups)})")
    holders = [dict(zip(m["headers"][0::2], m["headers"][1::2])).get("nw.duplicate_of", "")
               for m in dups]
    check(all(h.startswith(sc.raw + "/") for h in holders),
          "each duplicate names the message that holds the claim")
    committed = sc.committed()
    check(sum(committed.values()) == 1000, f"all 1,000 input offsets committed (got {committed})")


def scenario_kill9(sc):
    """b. kill -9 mid-run of 5,000 items, restart: every unique item published (none lost)."""
    values, ids = items(5000, 0, 0, seed=2)
    w = sc.start_worker()
    producer = sc.produce_stream(values)
    sc.wait_for("some output before the kill", lambda: sc.count(sc.out) >= 1000, 60, [w])
    w.kill()
    w.wait()
    w.logf.close()
    before = sc.count(sc.out)
    log(f"killed -9 after {before} records were published")
    check(before < len(ids), "the kill landed in the middle of the run")
    w2 = sc.start_worker()
    producer.join(60)
    sc.wait_for("every unique item published", lambda: sc.count(sc.out) >= 5000, 120, [w2])
    time.sleep(2)
    rc, _ = sc.stop_worker(w2)
    check(rc == 0, "restarted worker exits 0 on SIGTERM")
    got = [r["id"] for r in sc.records()]
    missing = ids - set(got)
    check(not missing, f"no item lost after kill -9 (missing {len(missing)})")
    log(f"RESULT kill9: {len(got)} records for {len(ids)} items, {len(got) - len(set(got))} published twice")


def scenario_redis_outage(sc):
    """c. Redis stopped mid-run: consumption pauses, nothing unfinished committed; Redis back:
    the worker resumes by itself and nothing is lost."""
    values, ids = items(3000, 0, 0, seed=3)
    w = sc.start_worker()
    sc.produce(values[:1000])
    sc.wait_for("the first 1,000 published", lambda: sc.count(sc.out) >= 1000, 60, [w])
    check(http_get(w.http + "/readyz")[0] == 200, "/readyz ready before the outage")
    stack_sh("nw_redis_stop")
    log("redis stopped")
    sc.produce(values[1000:])
    sc.wait_for("/readyz not ready while Redis is down", lambda: http_get(w.http + "/readyz")[0] == 503,
                30, [w])
    log("ok: /readyz reports not ready: " + http_get(w.http + "/readyz")[1].strip())
    time.sleep(3 * MULT)
    held = sc.count(sc.out)
    time.sleep(3 * MULT)
    check(sc.count(sc.out) == held, f"no record published while Redis is down (stayed at {held})")
    committed = sum(sc.committed().values())
    check(committed <= held, f"committed offsets ({committed}) do not pass the finished items ({held})")
    check(w.poll() is None, "the worker keeps running while Redis is down")
    check(metrics(w)["newsworker_paused"] == 1, "/metrics: consumption paused while Redis is down")
    stack_sh("nw_redis_start")
    log("redis started again (empty: no persistence)")
    sc.wait_for("/readyz ready again", lambda: http_get(w.http + "/readyz")[0] == 200, 30, [w])
    log("ok: /readyz ready again after Redis returned")
    sc.wait_for("all 3,000 published after Redis returned", lambda: sc.count(sc.out) >= 3000, 90, [w])
    time.sleep(2)
    rc, _ = sc.stop_worker(w)
    check(rc == 0, "worker exits 0 on SIGTERM")
    got = [r["id"] for r in sc.records()]
    check(not (ids - set(got)), f"no item lost across the Redis outage (missing {len(ids - set(got))})")
    check(sum(sc.committed().values()) == 3000, "every input offset committed at the end")


def scenario_sigterm(sc):
    """d. SIGTERM mid-run: exit 0 within the drain time; a restarted worker publishes nothing
    that was already committed."""
    values, ids = items(4000, 0, 0, seed=4)
    w = sc.start_worker(extra={"NEWSWORKER_SHUTDOWN_TIMEOUT_MS": "10000"})
    producer = sc.produce_stream(values)
    sc.wait_for("some output before SIGTERM", lambda: sc.count(sc.out) >= 1000, 60, [w])
    rc, took = sc.stop_worker(w, signal.SIGTERM, timeout=15)
    check(rc == 0, f"exit code 0 after SIGTERM (took {took:.2f} s)")
    check(took < 10 * MULT, "the drain finished within shutdown.timeout_ms")
    producer.join(60)
    committed = sc.committed()
    first = sc.records()
    log(f"after SIGTERM: {len(first)} records, committed {committed}")
    check(len(first) < len(ids), "SIGTERM landed in the middle of the run")
    check(sum(v for v in committed.values() if v > 0) <= len(first),
          "nothing committed beyond what was published")
    w2 = sc.start_worker()
    sc.wait_for("every item published", lambda: sc.count(sc.out) >= len(ids), 120, [w2])
    time.sleep(2)
    rc, _ = sc.stop_worker(w2)
    check(rc == 0, "restarted worker exits 0")
    recs = sc.records()
    seen = {}
    for r in recs:
        key = (r["source"]["partition"], r["source"]["offset"])
        seen[key] = seen.get(key, 0) + 1
    twice = [k for k, n in seen.items() if n > 1]
    below = [k for k in twice if k[1] < committed.get(k[0], -1)]
    check(not below, f"no committed input was published a second time ({len(below)} were)")
    check(not (ids - {r["id"] for r in recs}), "no item lost across SIGTERM and restart")
    log(f"RESULT sigterm: {len(recs)} records for {len(ids)} items, {len(twice)} published twice")


def redis_cli(*args):
    port = os.environ["NW_REDIS_URL"].rsplit(":", 1)[1].split("/")[0]
    return subprocess.run(["redis-cli", "-p", port, *args], check=True, capture_output=True,
                          text=True).stdout


def stop_stats(log_path):
    """The counters of the worker's closing log line."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if '"stopped:' in line:
                msg = json.loads(line)["msg"]
                return {k: int(v) for k, v in (kv.split("=") for kv in msg.split()[1:])}
    raise Fail(f"no closing counters in {log_path}")


def scenario_two_replicas(sc):
    """Two workers in one group; each of 200 stories produced twice, to different partitions,
    at once: each story is published once. Redis sees one EVALSHA per part of a batch and one pipelined
    round trip per batch."""
    rng = random.Random(5)
    stories = [story(i, rng) for i in range(200)]
    redis_cli("CONFIG", "RESETSTAT")
    w1 = sc.start_worker("r1")
    w2 = sc.start_worker("r2")
    sc.wait_for("both replicas assigned",
                lambda: all(b"assigned" in open(w.logpath, "rb").read() for w in (w1, w2)), 60,
                [w1, w2])
    time.sleep(2)   # let the second join's rebalance settle
    # copy 1 to partitions 0/1, copy 2 (another producer id) to partitions 2/3
    for part, copy in ((0, 0), (1, 0), (2, 1), (3, 1)):
        vals = []
        for i, s in enumerate(stories):
            if i % 2 == part % 2:
                d = dict(s)
                d["id"] = f"{s['id']}-copy{copy}"
                vals.append(json.dumps(d).encode())
        data = SEP.join(vals) + SEP
        subprocess.run(["kcat", "-P", "-b", sc.bootstrap, "-t", sc.raw, "-p", str(part), "-D",
                        SEP.decode()], input=data, check=True)
    sc.wait_for("200 records", lambda: sc.count(sc.out) >= 200, 60, [w1, w2])
    time.sleep(3)
    for w in (w1, w2):
        rc, _ = sc.stop_worker(w)
        check(rc == 0, f"replica {w.pid} exits 0")
    recs = sc.records()
    titles = [r["title"] for r in recs]
    check(len(recs) == 200, f"exactly 200 records for 200 stories sent twice (got {len(recs)})")
    check(len(set(titles)) == 200, "each story published once")
    s1, s2 = stop_stats(w1.logpath), stop_stats(w2.logpath)
    check(s1["consumed"] > 0 and s2["consumed"] > 0, "both replicas took part "
          f"(consumed {s1['consumed']} and {s2['consumed']})")
    stats = redis_cli("INFO", "commandstats")
    evalsha = 0
    for line in stats.splitlines():
        if line.startswith("cmdstat_evalsha:"):
            evalsha = int(line.split("calls=")[1].split(",")[0])
    claims = s1["claims"] + s2["claims"]
    batches = s1["claim_batches"] + s2["claim_batches"]
    trips = s1["redis_round_trips"] + s2["redis_round_trips"]
    log(f"RESULT redis: {evalsha} EVALSHA for {claims} claims in {batches} batches, "
        f"{trips} round trips ({claims / max(batches, 1):.1f} commands per round trip)")
    # the claims of a batch go out in at most 8 parts of one EVALSHA each
    check(claims == 400, f"each item claimed once, none repeated ({claims} claims)")
    check(batches <= evalsha <= 8 * batches,
          f"one EVALSHA per part of a batch, at most 8 per batch ({evalsha} for {batches})")
    check(trips == batches, "one pipelined round trip per batch")


def scenario_exactly_once(sc):
    """Exactly-once mode (a transactional.id): kill -9 three times during 5,000 items, restart
    each time; a read_committed consumer of the output sees every item exactly once."""
    values, ids = items(5000, 0, 0, seed=6)
    txn = {"NEWSWORKER_KAFKA_PRODUCER_TRANSACTIONAL_ID": f"{sc.group}-txn",
           "NEWSWORKER_KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS": "10000"}
    w = sc.start_worker(extra=txn)
    producer = sc.produce_stream(values, chunk=250, pause=0.4)
    kills = 0
    for target in (800, 2000, 3200):
        sc.wait_for(f"{target} records before kill {kills + 1}",
                    lambda t=target: sc.count(sc.out) >= t, 90, [w])
        w.kill()
        w.wait()
        w.logf.close()
        kills += 1
        log(f"kill -9 number {kills} after {sc.count(sc.out)} output offsets")
        w = sc.start_worker(extra=txn)
    producer.join(60)
    sc.wait_for("all items committed", lambda: len(sc.records()) >= len(ids), 180, [w])
    time.sleep(2)
    rc, _ = sc.stop_worker(w)
    check(rc == 0, "the last worker exits 0")
    recs = sc.records()         # kcat reads read_committed (librdkafka's default)
    got = [r["id"] for r in recs]
    check(set(got) == ids, f"every item committed (missing {len(ids - set(got))})")
    check(len(got) == len(set(got)),
          f"each item exactly once for a read_committed reader ({len(got) - len(set(got))} twice)")
    log(f"RESULT exactly_once: {kills} kills, {len(got)} committed records for {len(ids)} items, "
        f"{sc.count(sc.out)} output offsets including aborted ones")


def scenario_fail_open(sc):
    """dedupe.fail_open=true: with Redis down the worker keeps publishing, marked
    dedupe.status "unchecked", and stays ready; with Redis back it checks again."""
    values, ids = items(900, 0, 0, seed=7)
    w = sc.start_worker(extra={"NEWSWORKER_DEDUPE_FAIL_OPEN": "true"})
    sc.produce(values[:300])
    sc.wait_for("300 records", lambda: sc.count(sc.out) >= 300, 60, [w])
    stack_sh("nw_redis_stop")
    log("redis stopped")
    try:
        sc.produce(values[300:600])
        sc.wait_for("600 records with Redis down", lambda: sc.count(sc.out) >= 600, 60, [w])
        status, body = http_get(w.http + "/readyz")
        check(status == 200, f"/readyz stays ready in fail-open mode ({body.strip()})")
    finally:
        stack_sh("nw_redis_start")
    log("redis started again")
    sc.produce(values[600:])
    sc.wait_for("900 records", lambda: sc.count(sc.out) >= 900, 60, [w])
    time.sleep(2)
    m = metrics(w)
    rc, _ = sc.stop_worker(w)
    check(rc == 0, "worker exits 0")
    recs = sc.records()
    by_id = {r["id"]: r["dedupe"]["status"] for r in recs}
    check(set(by_id) == ids, "every item published")
    unchecked = [i for i in by_id if by_id[i] == "unchecked"]
    during = [json.loads(v)["id"] for v in values[300:600]]
    after = [json.loads(v)["id"] for v in values[600:]]
    check(all(by_id[i] == "unchecked" for i in during),
          f"the 300 items of the outage are marked unchecked ({len(unchecked)} in all)")
    check(all(by_id[i] == "unique" for i in after), "items after Redis returned are checked again")
    check(m["newsworker_unchecked_total"] == len(unchecked),
          "/metrics counts the unchecked records")


SCENARIOS = {
    "fail_open": scenario_fail_open,
    "exactly_once": scenario_exactly_once,
    "two_replicas": scenario_two_replicas,
    "dedupe_dlq": scenario_dedupe_dlq,
    "kill9": scenario_kill9,
    "redis_outage": scenario_redis_outage,
    "sigterm": scenario_sigterm,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--worker", required=True)
    args = ap.parse_args()
    if not os.environ.get("NW_KAFKA_BOOTSTRAP") or not os.environ.get("NW_REDIS_URL"):
        print("SKIPPED: no local stack (NW_KAFKA_BOOTSTRAP/NW_REDIS_URL unset); "
              "run deploy/local/test.sh", flush=True)
        return 77
    sc = Scenario(args.scenario, os.path.abspath(args.worker))
    try:
        SCENARIOS[args.scenario](sc)
    except Fail as e:
        log(f"FAIL: {e}")
        for p in sc.procs:
            try:
                with open(p.logpath, "rb") as f:
                    tail = f.read()[-3000:].decode(errors="replace")
                log(f"--- tail of {p.logpath} ---\n{tail}")
            except OSError:
                pass
        return 1
    finally:
        sc.cleanup()
    log(f"PASS {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
