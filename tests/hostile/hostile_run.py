#!/usr/bin/python3
"""hostile_run.py -- issue 6's hostile corpus through the built worker against the local stack:
every malformed value must reach the dead-letter topic with its nw.error.code and a reason (the
few that are valid input after all must become records), the worker must keep running, process
a normal item afterwards, and exit 0 on SIGTERM.

Exit 0 pass, 1 fail, 77 skipped (no stack: start one with deploy/local/stack.sh)."""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MULT = float(os.environ.get("NW_TEST_TIMEOUT_MULT", "1"))
# Kafka's 1 MB default would refuse the 1.5 MiB value: the test topics and both producers
# (ours and the worker's, which copies the original into the DLQ) allow 4 MiB.
MAX_BYTES = "4194304"


class Fail(Exception):
    pass


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def consume(bootstrap, topic):
    """Every message of a topic as (key, headers dict, value bytes), via kcat's JSON envelope."""
    out = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e",
                          "-q", "-J", "-X", "fetch.message.max.bytes=" + MAX_BYTES],
                         check=True, capture_output=True)
    msgs = []
    for line in out.stdout.splitlines():
        if not line.strip():
            continue
        env = json.loads(line.decode("utf-8", "replace"), strict=False)
        hdrs = env.get("headers") or []
        headers = dict(zip(hdrs[0::2], hdrs[1::2])) if isinstance(hdrs, list) else {}
        msgs.append((env.get("key"), headers, env.get("payload")))
    return msgs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", required=True)
    ap.add_argument("--producer", required=True)
    args = ap.parse_args()
    if not os.environ.get("NW_KAFKA_BOOTSTRAP") or not os.environ.get("NW_REDIS_URL"):
        print("skipped: no local stack (deploy/local/stack.sh up)")
        return 77
    bootstrap = os.environ["NW_KAFKA_BOOTSTRAP"]
    run = f"hostile-{os.getpid()}-{int(time.time())}"
    raw, out, dlq = f"it.{run}.raw", f"it.{run}.enriched", f"it.{run}.dlq"
    work = tempfile.mkdtemp(prefix="nw-hostile-", dir=os.environ.get("NW_STACK_DIR"))
    corpus = os.path.join(work, "corpus")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), corpus], check=True)
    expect = {}
    with open(os.path.join(corpus, "expect.tsv")) as f:
        for line in f:
            name, want = line.rstrip("\n").split("\t")
            expect[name] = want.split()
    # one input partition: the normal item produced last is consumed after every hostile one
    subprocess.run([args.producer, "--create", bootstrap, MAX_BYTES, f"{raw}:1", f"{out}:1",
                    f"{dlq}:1"], check=True)

    env = dict(os.environ)
    env.update({
        "NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "NEWSWORKER_KAFKA_CONSUMER_GROUP_ID": f"it-{run}",
        "NEWSWORKER_TOPIC_INPUT": raw,
        "NEWSWORKER_TOPIC_OUTPUT": out,
        "NEWSWORKER_TOPIC_DLQ": dlq,
        "NEWSWORKER_REDIS_URL": os.environ["NW_REDIS_URL"],
        "NEWSWORKER_REDIS_KEY_PREFIX": f"h{os.getpid() % 100000:05d}:"[:8],
        "NEWSWORKER_KAFKA_PRODUCER_MESSAGE_MAX_BYTES": MAX_BYTES,
        "NEWSWORKER_HTTP_ADDRESS": "127.0.0.1",
        "NEWSWORKER_HTTP_PORT": str(free_port()),
    })
    logpath = os.path.join(work, "worker.log")
    logf = open(logpath, "wb")
    proc = subprocess.Popen([args.worker, "run"], env=env, stdout=logf, stderr=subprocess.STDOUT)
    log(f"worker pid {proc.pid}, log {logpath}, corpus {corpus}")
    try:
        names = sorted(n for n in os.listdir(corpus) if n != "expect.tsv")
        subprocess.run([args.producer, bootstrap, raw] + [os.path.join(corpus, n) for n in names],
                       check=True)
        log(f"produced {len(names)} hostile values")
        n_dlq = sum(1 for w in expect.values() if w[0] == "dlq")
        n_out = len(expect) - n_dlq
        deadline = time.monotonic() + 180 * MULT
        while True:
            if proc.poll() is not None:
                raise Fail(f"the worker exited ({proc.returncode}) on the hostile corpus; see {logpath}")
            d, o = consume(bootstrap, dlq), consume(bootstrap, out)
            if len(d) >= n_dlq and len(o) >= n_out:
                break
            if time.monotonic() > deadline:
                raise Fail(f"after 180 s: {len(d)}/{n_dlq} in the DLQ, {len(o)}/{n_out} records")
            time.sleep(1)
        by_key = {k: (h, v) for k, h, v in d}
        records = [json.loads(v, parse_int=str, parse_float=str) for _, _, v in o]
        titles = {r["title"] for r in records}
        failures = []
        print(f"{'item':36} {'expected':28} result")
        for name in names:
            want = expect[name]
            if want[0] == "dlq":
                got = by_key.get(name)
                code = got[0].get("nw.error.code") if got else None
                reason = got[0].get("nw.error.reason") if got else None
                res = f"DLQ {code}: {reason}" if got else "missing from the DLQ"
                if code != want[1] or not reason:
                    failures.append(name)
            else:
                # the titles the generator gave the valid ones; the 500 KB one by its length
                ok = any(len(t) == 500000 for t in titles) if name.startswith("title-500kb") else \
                    bool(titles & {"huge number", "long number", "long numeric id", "huge array",
                                   "many keys", "wide html", "one word"})
                res = "record" if ok and name not in by_key else "missing from the output"
                if res != "record":
                    failures.append(name)
            print(f"{name:36} {' '.join(want):28} {res[:150]}")
        want_titles = {"huge number", "long number", "long numeric id", "huge array", "many keys",
                       "wide html", "one word"}
        if not want_titles <= titles:
            failures.append("records: missing " + ", ".join(sorted(want_titles - titles)))
        if failures:
            raise Fail("not as expected: " + "; ".join(failures))
        log(f"ok: {n_dlq} hostile values dead-lettered with code and reason, {n_out} became records")

        # still running, and still working
        if proc.poll() is not None:
            raise Fail("the worker is not running after the corpus")
        normal = os.path.join(work, "normal-after")
        with open(normal, "w") as f:
            json.dump({"id": f"normal-{run}", "title": "Port reopens after storm",
                       "body": "The port reopened on Tuesday, officials said."}, f)
        subprocess.run([args.producer, bootstrap, raw, normal], check=True)
        deadline = time.monotonic() + 60 * MULT
        while not any(json.loads(v, parse_int=str).get("id") == f"normal-{run}" for _, _, v in consume(bootstrap, out)):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise Fail("the normal item after the corpus was not published")
            time.sleep(0.5)
        log("ok: a normal item afterwards became a record")
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=30 * MULT)
        except subprocess.TimeoutExpired:
            raise Fail("the worker did not stop within 30 s of SIGTERM")
        if rc != 0:
            raise Fail(f"the worker exited {rc} on SIGTERM")
        log("ok: exit 0 on SIGTERM")
        return 0
    except Fail as e:
        log(f"FAIL: {e}")
        subprocess.run(["tail", "-n", "30", logpath])
        return 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        logf.close()


if __name__ == "__main__":
    sys.exit(main())
