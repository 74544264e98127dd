#!/usr/bin/python3
"""bench.py -- the Kafka half of tests/bench/bench.sh (items, floor, worker, latency) and the
final table. Run through bench.sh, which builds, brings up the stack and exports its env.

  bench.py items --out FILE --count N [--reuters FILE]   write N unique raw items, one a line
  bench.py e2e --worker BIN --items FILE --results FILE  floor, throughput, latency phases
  bench.py table --results FILE                          print the table of a results file

Results are `key=value` lines appended to one file, so the shell phases (core, process) and
this one share it. Every wait is bounded; every process started here is stopped here."""
import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Fail(Exception):
    pass


# ---------------------------------------------------------------- items

WORDS = ("market shares company said billion percent year profit bank rate trade oil "
         "government minister prices exports growth quarter investment deal agreement "
         "production analysts central dollar economy report sales tonnes").split()


def synthetic(i, rng):
    """A wire-like item for machines without ../shared: sentences with figures."""
    paras = []
    for _ in range(rng.randrange(3, 8)):
        sent = []
        for _ in range(rng.randrange(2, 5)):
            w = [rng.choice(WORDS) for _ in range(rng.randrange(8, 20))]
            w.insert(rng.randrange(len(w)), f"{rng.randrange(1, 999)}.{rng.randrange(10)} mln dlrs")
            sent.append(" ".join(w).capitalize() + ".")
        paras.append(" ".join(sent))
    return {"id": f"synthetic-{i}", "source": "bench", "title": " ".join(rng.choice(WORDS) for _ in range(6)).upper(),
            "body": "LONDON, March 3 - " + "\n\n".join(paras), "published_at": "1987-03-03T12:00:00Z"}


def cmd_items(args):
    rng = random.Random(7)
    stories = []
    if args.reuters:
        with open(args.reuters, "rb") as f:
            stories = [json.loads(line) for line in f if line.strip()]
    with open(args.out, "w", encoding="utf-8") as out:
        for i in range(args.count):
            item = dict(stories[i % len(stories)]) if stories else synthetic(i, rng)
            # Unique id and unique content: the corpus is cycled when N exceeds it, and exact
            # duplicates would be dropped by dedupe, so the output would never reach N.
            # Repeated bodies are near duplicates: marked and published, as in production.
            item["id"] = f"b{i}-{item.get('id', '')}"
            item["title"] = f"{item.get('title', '')} [{i}]"
            out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
    log(f"wrote {args.count} items to {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)")


# ---------------------------------------------------------------- Kafka helpers

def admin(*a, check=True):
    return subprocess.run(["java", "-cp", os.environ["NW_KAFKA_CLASSPATH"], "KafkaAdmin", *a],
                          check=check, capture_output=True, text=True, timeout=120).stdout


def log_append_time(bootstrap, topic):
    """Let the broker stamp records when it appends them: one clock for input and output, and
    an output's timestamp is then the moment it was delivered, not when it was produced."""
    subprocess.run(["java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                    os.path.join(os.environ["NW_KAFKA_LIB"], "*"), "kafka.admin.ConfigCommand",
                    "--bootstrap-server", bootstrap, "--alter", "--entity-type", "topics",
                    "--entity-name", topic, "--add-config", "message.timestamp.type=LogAppendTime"],
                   check=True, capture_output=True, timeout=120)


def count(bootstrap, topic, partitions):
    """Records on a topic: the sum of its end offsets. kcat -Q (C, ~20 ms) rather than the
    Java helper (a JVM, ~1.5 s of CPU), so that polling does not steal the measured CPU."""
    cmd = ["kcat", "-Q", "-b", bootstrap]
    for p in range(partitions):
        cmd += ["-t", f"{topic}:{p}:-1"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    total = 0
    for m in re.finditer(r"\[(\d+)\] offset (-?\d+)", out.stdout):
        total += max(0, int(m.group(2)))
    return total


def read_topic(bootstrap, topic, fmt):
    out = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q",
                          "-f", fmt], capture_output=True, timeout=600)
    return out.stdout.decode("utf-8", "replace").splitlines()


def timestamps(bootstrap, topic):
    return [int(x) for x in read_topic(bootstrap, topic, "%T\n") if x.strip()]


# ---------------------------------------------------------------- /proc

def proc_cpu_s(pid):
    """utime + stime of a live process, seconds; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def proc_status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def stack_pid(name):
    d = os.environ.get("NW_STACK_DIR")
    try:
        with open(os.path.join(d, f"{name}.pid")) as f:
            return int(f.read().strip())
    except (TypeError, OSError, ValueError):
        return None


def wait_rusage(p, timeout):
    """Reap a child with wait4, bounded: (exit code, CPU seconds, max RSS kB)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            return p.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss
        if time.monotonic() > deadline:
            p.kill()
            raise Fail(f"{p.args[0]} (pid {p.pid}) did not finish within {timeout} s")
        time.sleep(0.02)


def steady_rate(ts):
    """Records per second between the 10th and the 90th percentile of the output's append
    times: start-up (group join, first fetch) and the tail are left out, and so is most of
    the error of a first batch that is appended all at once."""
    ts = sorted(ts)
    lo, hi = len(ts) // 10, len(ts) * 9 // 10
    return f"{(hi - lo) / max(0.001, (ts[hi] - ts[lo]) / 1000):.0f}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, q):
    """Nearest-rank percentile."""
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(q / 100 * len(v) + 0.5)) - 1))]


# ---------------------------------------------------------------- the worker

class Worker:
    def __init__(self, binary, workdir, tag, raw, out, dlq, group, prefix, bootstrap):
        self.http = free_port()
        env = dict(os.environ)
        env.update({
            "NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "NEWSWORKER_KAFKA_CONSUMER_GROUP_ID": group,
            "NEWSWORKER_TOPIC_INPUT": raw,
            "NEWSWORKER_TOPIC_OUTPUT": out,
            "NEWSWORKER_TOPIC_DLQ": dlq,
            "NEWSWORKER_REDIS_URL": os.environ["NW_REDIS_URL"],
            "NEWSWORKER_REDIS_KEY_PREFIX": prefix,
            "NEWSWORKER_HTTP_ADDRESS": "127.0.0.1",
            "NEWSWORKER_HTTP_PORT": str(self.http),
        })
        self.logpath = os.path.join(workdir, f"worker-{tag}.log")
        self.logf = open(self.logpath, "wb")
        self.p = subprocess.Popen([binary, "run"], env=env, stdout=self.logf,
                                  stderr=subprocess.STDOUT)
        self.samples = []       # (seconds since start, VmRSS kB)
        self.t0 = time.monotonic()
        self.t0_epoch = time.time()
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        log(f"worker {tag}: pid {self.p.pid}, log {self.logpath}")

    def _sample(self):
        # RSS once a second, to show whether it is flat across the run
        while not self._stop.is_set() and self.p.poll() is None:
            kb = proc_status_kb(self.p.pid, "VmRSS")
            if kb is not None:
                self.samples.append((time.monotonic() - self.t0, kb))
            self._stop.wait(1.0)

    def alive(self):
        return self.p.poll() is None

    def log_text(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def metrics(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/metrics", timeout=5) as r:
                return r.read().decode()
        except OSError:
            return ""

    def stop(self, timeout=30):
        self._stop.set()
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
                raise Fail(f"worker {self.p.pid} did not stop within {timeout} s of SIGTERM")
        self.logf.close()
        m = re.search(r"stopped: (.*)", self.log_text())
        if not m:
            raise Fail(f"worker printed no stop line; see {self.logpath}")
        return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(1))}

    def kill(self):
        self._stop.set()
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def wait_count(bootstrap, topic, partitions, want, timeout, worker=None, what=""):
    """Poll a topic's end offsets until it holds `want` records; returns when it did."""
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        n = count(bootstrap, topic, partitions)
        if n >= want:
            return time.monotonic()
        if worker is not None and not worker.alive():
            raise Fail(f"worker exited early ({what}); see {worker.logpath}")
        time.sleep(0.2)
    raise Fail(f"{what}: {n} of {want} records on {topic} after {timeout} s")


def metric_value(text, name):
    """The value of an unlabelled Prometheus sample, 0 when absent."""
    m = re.search(r"^" + re.escape(name) + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def histogram_quantiles(text, name, qs):
    """Upper bucket bounds holding the quantiles of a Prometheus histogram."""
    buckets = []
    for m in re.finditer(name + r'_bucket\{le="([^"]+)"\} (\S+)', text):
        le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
        buckets.append((le, float(m.group(2))))
    if not buckets or buckets[-1][1] == 0:
        return [None] * len(qs)
    total = buckets[-1][1]
    return [next(le for le, c in buckets if c >= q / 100 * total) for q in qs]


# ---------------------------------------------------------------- e2e

def cmd_e2e(a):
    boot = os.environ["NW_KAFKA_BOOTSTRAP"]
    with open(a.items, "rb") as f:
        items = [line.rstrip(b"\n") for line in f if line.strip()]
    n = len(items)
    run = f"bench-{os.getpid()}-{int(time.time())}"
    T = {k: f"{run}.{k}" for k in ("raw", "raw2", "enriched", "copy", "dlq", "lat-raw", "lat-enriched",
                                    "lat-dlq")}
    P = 4
    res = {}
    started = []
    broker, redis = stack_pid("kafka"), stack_pid("redis")

    def put(k, v):
        res[k] = v
        with open(a.results, "a") as f:
            f.write(f"{k}={v}\n")

    try:
        log(f"topics {run}.* (raw, enriched, copy: {P} partitions)")
        admin("create", boot, T["raw"], str(P), T["raw2"], str(P), T["enriched"], str(P), T["copy"], str(P),
              T["dlq"], "1",
              T["lat-raw"], str(P), T["lat-enriched"], str(P), T["lat-dlq"], "1")
        for t in ("enriched", "copy", "lat-raw", "lat-enriched"):
            log_append_time(boot, T[t])

        # -- input: everything on the raw topic before anything reads it
        log(f"producing {n} items to {T['raw']}")
        t0 = time.monotonic()
        with open(a.items, "rb") as f:
            subprocess.run(["kcat", "-P", "-b", boot, "-t", T["raw"], "-X", "linger.ms=20"],
                           stdin=f, check=True, timeout=600)
        got = count(boot, T["raw"], P)
        if got != n:
            raise Fail(f"{got} of {n} items on {T['raw']}")
        log(f"produced {n} in {time.monotonic() - t0:.1f} s")
        put("e2e_items", n)
        put("e2e_in_mb", f"{sum(len(x) + 1 for x in items) / 1e6:.3f}")

        # -- latency: a fresh worker kept ahead of a paced producer. Under the backlog below
        # every input waits for the whole queue, so its latency would say nothing. It runs
        # first because it also warms the broker up: on a fresh stack the first consumer group
        # and the first idempotent producer wait ~1 s for __consumer_offsets and the producer
        # id, which is not a cost of either the floor or the worker.
        lat_n, rate = min(a.lat_items, n), max(1, a.lat_rate)
        log(f"latency: {lat_n} items at {rate}/s")
        # its own key prefix, so the throughput run below finds none of these claims
        w2 = Worker(a.worker, a.workdir, "latency", T["lat-raw"], T["lat-enriched"], T["lat-dlq"],
                    f"{run}-lat", f"l{random.randrange(10**6):06d}:"[:8], boot)
        started.append(w2)
        deadline = time.monotonic() + 60
        while w2.log_text().count(f"assigned {T['lat-raw']} [") < P:
            if time.monotonic() > deadline or not w2.alive():
                raise Fail(f"latency worker not assigned {P} partitions in 60 s; see {w2.logpath}")
            time.sleep(0.2)
        # Warm-up, not measured: the first records wait for the worker's producer id and its
        # consumer's first offset lookup (~0.8 s here); that is start-up, reported above as
        # the time to the first output.
        warm = []
        for i, v in enumerate(items[-20:]):
            it = json.loads(v)
            it["id"] = f"warm-{i}"
            it["title"] = f"warm-up {i} {it.get('title', '')}"
            warm.append(json.dumps(it, separators=(",", ":")))
        warm_file = os.path.join(a.workdir, "latency-warm.jsonl")
        lat_file = os.path.join(a.workdir, "latency-items.jsonl")
        with open(warm_file, "w") as f:
            f.write("\n".join(warm) + "\n")
        with open(lat_file, "wb") as f:
            f.write(b"\n".join(items[:lat_n]) + b"\n")
        subprocess.run([a.produce, boot, T["lat-raw"], warm_file], check=True, timeout=120)
        wait_count(boot, T["lat-enriched"], P, len(warm), 60, w2, "latency warm-up")
        subprocess.run([a.produce, boot, T["lat-raw"], lat_file, str(rate)], check=True,
                       timeout=lat_n / rate + 120)
        wait_count(boot, T["lat-enriched"], P, lat_n + len(warm), 120, w2, "latency")
        metrics = w2.metrics()
        w2.stop()
        sent = {}
        for line in read_topic(boot, T["lat-raw"], "%T\t%s\n"):
            t, _, v = line.partition("\t")
            rid = json.loads(v)["id"]
            if not rid.startswith("warm-"):
                sent[rid] = int(t)
        lat = []
        with open(os.path.join(a.workdir, "latency.tsv"), "w") as f:
            f.write("id\tinput_ms\toutput_ms\tlatency_ms\n")
            for line in read_topic(boot, T["lat-enriched"], "%T\t%s\n"):
                t, _, v = line.partition("\t")
                rid = json.loads(v)["id"]
                if rid in sent:
                    lat.append(int(t) - sent[rid])
                    f.write(f"{rid}\t{sent[rid]}\t{t}\t{lat[-1]}\n")
        if len(lat) != lat_n:
            raise Fail(f"latency: matched {len(lat)} of {lat_n} outputs to inputs")
        put("lat_items", lat_n)
        put("lat_rate", rate)
        put("lat_p50_ms", pct(lat, 50))
        put("lat_p99_ms", pct(lat, 99))
        put("lat_max_ms", max(lat))
        h50, h99 = histogram_quantiles(metrics, "newsworker_end_to_end_seconds", (50, 99))
        if h50 is not None:
            put("lat_worker_hist_p50_le_s", h50)
            put("lat_worker_hist_p99_le_s", h99)
        log(f"latency: p50 {pct(lat, 50)} ms, p99 {pct(lat, 99)} ms")

        # -- floor: a plain consumer piped into a plain producer, same records, same broker.
        # The producer gets the settings of the worker's producer that cost CPU or time
        # (lz4, idempotence, linger.ms=5), so the difference is the worker's own work.
        log("floor: kcat -C | kcat -P")
        b_cpu0 = proc_cpu_s(broker or 0)
        t0 = time.monotonic()
        cons = subprocess.Popen(["kcat", "-C", "-b", boot, "-t", T["raw"], "-o", "beginning", "-e", "-q",
                                 "-f", "%s\n"], stdout=subprocess.PIPE)
        prod = subprocess.Popen(["kcat", "-P", "-b", boot, "-t", T["copy"], "-X", "compression.codec=lz4",
                                 "-X", "enable.idempotence=true", "-X", "linger.ms=5"], stdin=cons.stdout)
        started += [cons, prod]
        cons.stdout.close()
        timeout = max(120, n / 100)
        rc_c, cpu_c, rss_c = wait_rusage(cons, timeout)
        rc_p, cpu_p, rss_p = wait_rusage(prod, timeout)
        t1 = time.monotonic()
        if rc_c or rc_p:
            raise Fail(f"floor kcat exit codes {rc_c}, {rc_p}")
        got = count(boot, T["copy"], P)
        if got != n:
            raise Fail(f"floor: {got} of {n} records on {T['copy']}")
        ts = timestamps(boot, T["copy"])
        put("floor_wall_s", f"{t1 - t0:.3f}")
        put("floor_rate", f"{n / (t1 - t0):.0f}")
        put("floor_steady_rate", steady_rate(ts))
        put("floor_cpu_s", f"{cpu_c + cpu_p:.2f}")
        put("floor_rss_kb", max(rss_c, rss_p))
        if broker and b_cpu0 is not None:
            put("floor_broker_cpu_s", f"{proc_cpu_s(broker) - b_cpu0:.2f}")
        log(f"floor: {n} in {t1 - t0:.2f} s")

        # -- newsworker on the same full topic, fresh group, Redis dedupe on
        log("newsworker run")
        prefix = f"b{random.randrange(10**6):06d}:"[:8]
        if a.history:
            t_h = time.monotonic()
            seeded = older_buckets(prefix)
            fields = seed_history(seeded, a.history, a.workdir)
            put("e2e_history", a.history)
            put("e2e_history_fields", fields)
            put("e2e_history_redis_mb", f"{redis_used_mb():.0f}")
            log(f"history: {a.history} stories in each older band bucket, "
                f"{time.monotonic() - t_h:.1f} s")
        # The worker starts on a topic of its own, still empty, and reads the older buckets
        # into its filters first, as a replica that has been running has them; then the same
        # items are written to that topic at once and it works through them as a backlog.
        # The filters' cost (Redis CPU, time) is reported on its own line.
        w = Worker(a.worker, a.workdir, "throughput", T["raw2"], T["enriched"], T["dlq"], f"{run}-g",
                   prefix, boot)
        started.append(w)
        want = len(seeded) if a.history else 0
        if os.environ.get("NEWSWORKER_DEDUPE_NEAR", "true") == "false" or \
                os.environ.get("NEWSWORKER_DEDUPE_NEAR_FILTER_MB", "32") == "0":
            want = 0
        r_f0 = proc_cpu_s(redis or 0)
        deadline = time.monotonic() + 300
        while want and metric_value(w.metrics(), "newsworker_near_filters") < want:
            if time.monotonic() > deadline or not w.alive():
                raise Fail(f"the worker built no filters of the {want} older buckets in 300 s; "
                           f"see {w.logpath}")
            time.sleep(0.2)
        if want:
            wm0 = w.metrics()
            put("e2e_filters", f"{metric_value(wm0, 'newsworker_near_filters'):.0f}")
            put("e2e_filter_mb", f"{metric_value(wm0, 'newsworker_near_filter_bytes') / 1e6:.1f}")
            put("e2e_filter_build_s", f"{time.monotonic() - w.t0:.1f}")
            if redis:
                put("e2e_filter_redis_cpu_s", f"{proc_cpu_s(redis) - r_f0:.2f}")
            log(f"filters of {want} older buckets built in {time.monotonic() - w.t0:.1f} s")
        rcmd0 = redis_commands()
        b_cpu0, r_cpu0 = proc_cpu_s(broker or 0), proc_cpu_s(redis or 0)
        cpu_w0 = proc_cpu_s(w.p.pid)
        t_in = time.monotonic()
        with open(a.items, "rb") as f:
            subprocess.run(["kcat", "-P", "-b", boot, "-t", T["raw2"], "-X", "linger.ms=20"],
                           stdin=f, check=True, timeout=600)
        t_done = wait_count(boot, T["enriched"], P, n, max(300, n / 50), w, "throughput")
        cpu = proc_cpu_s(w.p.pid) - cpu_w0
        hwm = proc_status_kb(w.p.pid, "VmHWM")
        wm = w.metrics()
        b_cpu1, r_cpu1 = proc_cpu_s(broker or 0), proc_cpu_s(redis or 0)
        rcmd1 = redis_commands()
        wall = t_done - t_in
        samples = list(w.samples)
        stop = w.stop()
        if a.history:
            # a stack the caller exported keeps running: do not leave it the seeded buckets
            subprocess.run([*redis_cli_args(), "UNLINK", *seeded], check=False,
                           stdout=subprocess.DEVNULL, timeout=60)
        ts = timestamps(boot, T["enriched"])
        put("e2e_wall_s", f"{wall:.3f}")
        put("e2e_rate", f"{n / wall:.0f}")
        put("e2e_steady_rate", steady_rate(ts))
        put("e2e_first_output_s", f"{min(ts) / 1000 - (w.t0_epoch + (t_in - w.t0)):.2f}")
        put("e2e_cpu_s", f"{cpu:.2f}")
        put("e2e_peak_rss_kb", hwm)
        if samples:
            put("e2e_rss_samples_kb", ",".join(str(kb) for _, kb in samples))
            put("e2e_rss_start_mid_end_kb",
                f"{samples[0][1]}/{samples[len(samples) // 2][1]}/{samples[-1][1]}")
        if broker and b_cpu0 is not None:
            put("e2e_broker_cpu_s", f"{b_cpu1 - b_cpu0:.2f}")
        if redis and r_cpu0 is not None:
            put("e2e_redis_cpu_s", f"{r_cpu1 - r_cpu0:.2f}")
        if rcmd0 is not None and rcmd1 is not None:
            delta = {k: v - rcmd0.get(k, 0) for k, v in rcmd1.items() if v - rcmd0.get(k, 0) > 0}
            put("e2e_redis_server_commands", sum(delta.values()))
            put("e2e_redis_server_cmdstats",
                ",".join(f"{k}:{v}" for k, v in sorted(delta.items(), key=lambda x: -x[1])))
        # where the worker's time went, by its own histograms' sums
        with open(os.path.join(a.workdir, "metrics-throughput.txt"), "w") as f:
            f.write(wm)
        for name, key in (("newsworker_processing_seconds", "e2e_processing_s"),
                          ("newsworker_redis_round_trip_seconds", "e2e_redis_wait_s")):
            m = re.search(rf"^{name}_sum (\S+)", wm, re.M)
            if m:
                put(key, f"{float(m.group(1)):.2f}")
        for k in ("consumed", "published", "duplicates", "near_duplicates", "dlq", "claims",
                  "claim_batches", "redis_round_trips"):
            put(f"worker_{k}", stop.get(k, ""))
        if stop.get("published") != n or stop.get("dlq"):
            raise Fail(f"worker stop line {stop}: expected published={n}, dlq=0")
        log(f"newsworker: {n} in {wall:.2f} s, CPU {cpu:.2f} s, VmHWM {hwm} kB")

    finally:
        for p in started:
            try:
                if isinstance(p, Worker):
                    p.kill()
                elif p.poll() is None:
                    p.kill()
                    p.wait()
            except Exception:   # cleanup must reach every process
                pass
        if a.delete_topics:
            for t in T.values():
                admin("delete", boot, t, check=False)


# Writes `stories` stories' bands into one band bucket: NW_NEAR_BANDS (32) fields each, in
# the worker's field format ("<band>:<eight hex digits>"), the values distinct for each band
# (an odd multiplier of the story's number, mod 2^32). Lua's numbers are doubles: every
# product stays below 2^53, or the values would round onto a few thousand and collide.
HISTORY_LUA = """
local s, n = tonumber(ARGV[1]), tonumber(ARGV[2])
local fmt = string.format
for i = s, s + n - 1 do
  local a = {}
  for k = 0, 31 do
    a[2 * k + 1] = fmt('%d:%08x', k, (i * 40503 + k * 2654435761) % 4294967296)
    a[2 * k + 2] = 'history-' .. i
  end
  redis.call('HSET', KEYS[1], unpack(a))
end
return n
"""


def redis_cli_args():
    m = re.match(r"redis://(?:[^@]*@)?([^:/]+):(\d+)(?:/(\d+))?", os.environ.get("NW_REDIS_URL", ""))
    if not m:
        raise Fail(f"cannot read host and port from NW_REDIS_URL {os.environ.get('NW_REDIS_URL')!r}")
    return ["redis-cli", "-h", m.group(1), "-p", m.group(2), "-n", m.group(3) or "0"]


def older_buckets(prefix):
    """The keys of the two older band buckets the worker's claims read after the newest."""
    ttl = int(os.environ.get("NEWSWORKER_DEDUPE_TTL_S", "604800"))
    width = max((ttl + 1) // 2, 60)     # the worker's bucket width (nw_redis.c)
    now = int(time.time()) // width
    return [f"{prefix}bb:{now - 1}", f"{prefix}bb:{now - 2}"]


def seed_history(buckets, stories, workdir):
    """Redis as the worker finds it once a deployment has run longer than half the TTL: the
    older band buckets hold `stories` stories each. A fresh Redis has none, and its lookups
    then cost less than they will in production. Returns the number of fields written."""
    script = os.path.join(workdir, "history.lua")
    with open(script, "w") as f:
        f.write(HISTORY_LUA)
    step = 2000
    if stories > 10**7:
        raise Fail(f"--history {stories}: at most 10000000 stories a bucket")
    for j, key in enumerate(buckets):
        for s0 in range(0, stories, step):
            subprocess.run([*redis_cli_args(), "--eval", script, key, ",",
                            str(j * 10**7 + s0), str(min(step, stories - s0))],
                           check=True, stdout=subprocess.DEVNULL, timeout=600)
    return len(buckets) * stories * 32


def redis_used_mb():
    out = subprocess.run([*redis_cli_args(), "INFO", "memory"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    m = re.search(r"^used_memory:(\d+)", out, re.M)
    return int(m.group(1)) / 1e6 if m else float("nan")


def redis_commands():
    """Calls per command on the whole Redis server (other clients included), from INFO
    commandstats; commands a Lua script runs are counted too, which shows what one EVALSHA
    costs the server."""
    try:
        cli = redis_cli_args()
    except Fail:
        return None
    out = subprocess.run([*cli, "INFO", "commandstats"], capture_output=True, text=True,
                         timeout=10).stdout
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"cmdstat_([\w|]+):calls=(\d+)", out)}


# ---------------------------------------------------------------- table

def cmd_table(a):
    r = {}
    with open(a.results) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            r[k] = v

    def num(k, default=None):
        try:
            return float(r[k])
        except (KeyError, ValueError):
            return default

    rows = []

    def row(part, metric, value, note=""):
        rows.append((part, metric, value, note))

    if "core_articles" in r:
        try:
            mb, arts = num("core_in_mb"), num("core_articles")
            for st in ("decode", "normalize", "fingerprint", "extract", "serialize", "total"):
                c, w = num(f"core_{st}_cpu_s"), num(f"core_{st}_wall_s")
                row("core (1 thread)", st if st != "total" else "pipeline+serialize",
                    f"{mb / c:.1f} MB/s, {arts / c:.0f} art/s",
                    f"CPU time; wall {mb / w:.1f} MB/s" + ("" if st != "total" else f"; {arts:.0f} articles, {mb:.1f} MB"))
            row("core (1 thread)", "peak RSS", f"{num('core_peak_rss_kb') / 1024:.1f} MB",
                f"{num('core_loaded_rss_kb') / 1024:.1f} MB of it the input file held in memory")
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            row('core', "-", "incomplete", f"results file lacks a figure ({e})")
    else:
        row("core", "-", "skipped", r.get("core_skipped", ""))
    if "process_wall_s" in r:
        try:
            mb, arts = num("process_in_mb"), num("process_articles")
            w, c = num("process_wall_s"), num("process_cpu_s")
            row("newsworker process", "throughput", f"{mb / w:.1f} MB/s, {arts / w:.0f} art/s",
                f"wall, worker.threads={os.environ.get('NEWSWORKER_WORKER_THREADS', '0')} (0: one "
                f"per CPU, {os.cpu_count()} here); by CPU time "
                f"{mb / c:.1f} MB/s per core; {int(num('process_records', 0))} records out")
            row("newsworker process", "max RSS", f"{num('process_rss_kb') / 1024:.1f} MB", "/usr/bin/time -v")
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            row('newsworker process', "-", "incomplete", f"results file lacks a figure ({e})")
    if "e2e_rate" in r:
        try:
            n = int(num("e2e_items"))
            row("end to end", "newsworker", f"{num('e2e_rate'):.0f} art/s",
                f"{n} items in {num('e2e_wall_s'):.1f} s from the first written (first output after "
                f"{num('e2e_first_output_s'):.1f} s); {num('e2e_steady_rate'):.0f} art/s steady (10-90% of outputs)")
            row("end to end", "floor (kcat copy)", f"{num('floor_rate'):.0f} art/s",
                f"{num('floor_wall_s'):.1f} s; {num('floor_steady_rate'):.0f} art/s steady; "
                f"kcat CPU {num('floor_cpu_s'):.1f} s, max RSS {num('floor_rss_kb', 0) / 1024:.0f} MB; "
                "kcat -C (no group) | kcat -P (lz4, idempotent, linger.ms=5)")
            row("end to end", "ratio newsworker/floor", f"{num('e2e_rate') / num('floor_rate'):.2f}",
                f"steady: {num('e2e_steady_rate') / num('floor_steady_rate'):.2f}; goal >= 0.8")
            row("end to end", "worker CPU", f"{num('e2e_cpu_s'):.1f} s",
                f"{num('e2e_cpu_s') / num('e2e_wall_s'):.2f} cores; {num('e2e_cpu_s') * 1e6 / n:.0f} us/article; "
                f"broker {r.get('e2e_broker_cpu_s', '?')} s, redis {r.get('e2e_redis_cpu_s', '?')} s")
            if "e2e_processing_s" in r:
                busy = num("e2e_wall_s") - num("e2e_first_output_s", 0)
                row("end to end", "worker time", f"{busy:.1f} s from first output to last",
                    f"pipeline {r['e2e_processing_s']} s (sum over items, all threads), waiting on Redis "
                    f"{r.get('e2e_redis_wait_s', '?')} s; the rest is Kafka I/O and waiting")
            w_, rd_, b_ = num("e2e_cpu_s", 0), num("e2e_redis_cpu_s", 0), num("e2e_broker_cpu_s", 0)
            fk, fb = num("floor_cpu_s", 0), num("floor_broker_cpu_s", 0)
            row("end to end", "CPU per article", f"{(w_ + rd_ + b_) * 1e6 / n:.0f} us",
                f"worker {w_ * 1e6 / n:.0f} + Redis {rd_ * 1e6 / n:.0f} + broker {b_ * 1e6 / n:.0f} us; "
                f"floor: kcat {fk * 1e6 / n:.0f} + broker {fb * 1e6 / n:.0f} us")
            row("end to end", "worker peak RSS", f"{num('e2e_peak_rss_kb') / 1024:.1f} MB",
                f"VmHWM; RSS start/middle/end {r.get('e2e_rss_start_mid_end_kb', '?')} kB")
            if r.get("e2e_rss_samples_kb"):
                kb = [int(x) for x in r["e2e_rss_samples_kb"].split(",")]
                step = max(1, (len(kb) + 19) // 20)
                row("end to end", "worker RSS each second", f"max {max(kb) / 1024:.0f} MB",
                    ("MB: " if step == 1 else f"MB, every {step} s: ") +
                    " ".join(f"{x / 1024:.0f}" for x in kb[::step]) + f" (last {kb[-1] / 1024:.0f})")
            row("end to end", "latency p50 / p99", f"{r.get('lat_p50_ms')} / {r.get('lat_p99_ms')} ms",
                f"{r.get('lat_items')} items at {r.get('lat_rate')}/s, input to output LogAppendTime; max "
                f"{r.get('lat_max_ms')} ms; worker histogram p50 <= {r.get('lat_worker_hist_p50_le_s', '?')} s, "
                f"p99 <= {r.get('lat_worker_hist_p99_le_s', '?')} s (with 20 warm-up records)")
            if num("e2e_history"):
                row("redis", "state at start", f"{int(num('e2e_history'))} stories x 2 buckets",
                    f"the two older band buckets seeded as after half the TTL in production "
                    f"({int(num('e2e_history_fields'))} fields, Redis {r.get('e2e_history_redis_mb')} MB); "
                    "--history 0 starts from a fresh Redis")
            if "e2e_filters" in r:
                row("redis", "older-bucket filters", f"{int(num('e2e_filters'))} built before the run",
                    f"{num('e2e_filter_mb'):.1f} MB of worker memory, {num('e2e_filter_build_s'):.1f} s "
                    f"after start, Redis CPU {r.get('e2e_filter_redis_cpu_s', '?')} s (HLEN, HSCAN "
                    "by the first worker; the next ones copy its filters from Redis; not in the "
                    "figures above)")
            if not num("e2e_history"):
                row("redis", "state at start", "fresh",
                    "no older band buckets: lookups cost less than in a deployment older than "
                    "half the TTL (--history N seeds them)")
            cb = num("worker_claim_batches", 0)
            if cb:
                row("redis", "round trips per batch", f"{num('worker_redis_round_trips') / cb:.2f}",
                    f"{int(num('worker_redis_round_trips'))} round trips / {int(cb)} claim batches "
                    "(includes connect and script load)")
                stats = dict(kv.split(":", 1) for kv in
                             r.get("e2e_redis_server_cmdstats", "").split(",") if ":" in kv)
                evalsha = int(stats.get("evalsha", 0))
                if evalsha:
                    row("redis", "script calls per batch", f"{evalsha / cb:.1f}",
                        f"{evalsha} EVALSHA for {int(num('worker_claims'))} claims "
                        f"({num('worker_claims') / evalsha:.0f} per call): a batch's claims go out "
                        "in up to 8 parts, one script call each: at once for items run ahead, "
                        "else as the pipelines finish them")
                sc = num("e2e_redis_server_commands")
                if sc:
                    row("redis", "server commands per article", f"{sc / n:.1f}",
                        f"INFO commandstats delta, Lua's calls included: {r.get('e2e_redis_server_cmdstats', '')}")
            row("end to end", "worker counters", f"published {r.get('worker_published')}",
                f"near_duplicates {r.get('worker_near_duplicates')}, duplicates {r.get('worker_duplicates')}, "
                f"dlq {r.get('worker_dlq')}")
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            row('end to end', "-", "incomplete", f"results file lacks a figure ({e})")
    elif "e2e_skipped" in r:
        row("end to end", "-", "skipped", r["e2e_skipped"])

    # a "|" inside a cell would end it (script|load, shell pipes)
    rows = [tuple(str(c).replace("|", "\\|") for c in x) for x in rows]
    w1 = max(len(x[0]) for x in rows)
    w2 = max(len(x[1]) for x in rows)
    w3 = max(len(x[2]) for x in rows)
    print(f"| {'part':<{w1}} | {'measure':<{w2}} | {'value':<{w3}} | notes |")
    print(f"| {'-' * w1} | {'-' * w2} | {'-' * w3} | --- |")
    for p, m, v, note in rows:
        print(f"| {p:<{w1}} | {m:<{w2}} | {v:<{w3}} | {note} |")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("items")
    s.add_argument("--out", required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--reuters")
    s = sub.add_parser("e2e")
    s.add_argument("--worker", required=True)
    s.add_argument("--produce", required=True, help="the bench_produce binary")
    s.add_argument("--items", required=True)
    s.add_argument("--results", required=True)
    s.add_argument("--workdir", required=True)
    s.add_argument("--lat-items", type=int, default=2000)
    s.add_argument("--lat-rate", type=int, default=200)
    s.add_argument("--history", type=int, default=0)
    s.add_argument("--delete-topics", action="store_true")
    s = sub.add_parser("table")
    s.add_argument("--results", required=True)
    a = ap.parse_args()
    try:
        {"items": cmd_items, "e2e": cmd_e2e, "table": cmd_table}[a.cmd](a)
    except (Fail, subprocess.SubprocessError, OSError) as e:
        log(f"FAILED: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
