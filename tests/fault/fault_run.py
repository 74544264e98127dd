#!/usr/bin/python3
"""fault_run.py -- the fault harness: the built worker against the real local Kafka and Redis
under crashes and outages, then a checker that reads the input, output and DLQ topics and
reports lost, duplicated and dead-lettered items by id.

Faults (each bounded and self-stopping):
  kills      N kill -9's of the worker at random moments, restarting it each time
  redis      Redis stopped for S seconds in the middle of the run
  broker     the Kafka broker stopped and restarted in the middle of the run
  replicas   two replicas in one group, one killed -9 and restarted (rebalances mid-batch)
Run all of them with `all`. --exactly-once runs the worker with a transactional.id; the checker
then requires no duplicates for a read_committed reader. Exit 0 when nothing was lost (and, for
exactly-once, nothing duplicated); 77 without a stack (deploy/local/stack.sh up)."""
import argparse
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
import it_run  # noqa: E402  (shares the scenario machinery with the integration tests)
from it_run import Fail, Scenario, check, items, log, stack_sh  # noqa: E402


def report(sc, ids, label, exactly_once):
    """The checker: every unique input id once in the output (or the DLQ)."""
    recs = sc.records()
    got = [r["id"] for r in recs]
    seen = set(got)
    dlq = sc.consume(sc.dlq)
    lost = sorted(ids - seen)
    twice = len(got) - len(seen)
    log(f"RESULT {label}: input {len(ids)} items, output {len(got)} records, "
        f"lost {len(lost)}, published twice {twice}, dead-lettered {len(dlq)}")
    if lost:
        log(f"lost ids (first 20): {lost[:20]}")
    check(not lost, f"{label}: no item lost")
    if exactly_once:
        check(twice == 0, f"{label}: exactly once for a read_committed reader")
    return len(lost), twice


def run_with_worker_faults(sc, args, values, ids, fault):
    """Produce the items as a stream while a fault thread acts on the worker(s)."""
    extra = {}
    if args.exactly_once:
        extra = {"NEWSWORKER_KAFKA_PRODUCER_TRANSACTIONAL_ID": f"{sc.group}-txn",
                 "NEWSWORKER_KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS": "10000"}
    workers = [sc.start_worker("w", extra)]
    if fault == "replicas":
        x2 = dict(extra)
        if args.exactly_once:
            x2["NEWSWORKER_KAFKA_PRODUCER_TRANSACTIONAL_ID"] = f"{sc.group}-txn-2"
        workers.append(sc.start_worker("r2", x2))
    # spread the input over the run so that every kill lands while items are flowing
    chunk = max(100, len(values) // 200)
    producer = sc.produce_stream(values, chunk=chunk, pause=0.3)
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.max_seconds
    n_faults = 0

    def alive():
        return [w for w in workers if w.poll() is None]

    if fault in ("kills", "replicas"):
        n_kills = args.kills if fault == "kills" else max(2, args.kills // 4)
        for k in range(n_kills):
            idx = 0 if fault == "kills" else rng.randrange(len(workers))
            w = workers[idx]
            # kill while it works: once its output has grown since it started, at a random moment
            base = sc.count(sc.out)
            sc.wait_for("the worker to publish before the kill",
                        lambda b=base: sc.count(sc.out) > b or sc.count(sc.raw) >= len(values), 60,
                        alive())
            time.sleep(rng.uniform(0.0, 1.0))
            w.kill()
            w.wait()
            w.logf.close()
            n_faults += 1
            log(f"kill -9 {n_faults}/{n_kills} of worker {w.pid} "
                f"({sc.count(sc.out)} output offsets so far)")
            x = dict(extra)
            if fault == "replicas" and args.exactly_once:
                x["NEWSWORKER_KAFKA_PRODUCER_TRANSACTIONAL_ID"] = f"{sc.group}-txn-{idx + 1}"
            workers[idx] = sc.start_worker(f"w{idx}", x)
            if time.monotonic() > deadline:
                raise Fail("the fault loop ran out of time")
    elif fault in ("redis", "broker"):
        service, seconds = ("redis", args.redis_seconds) if fault == "redis" \
            else ("kafka", args.broker_seconds)
        time.sleep(3)
        # Start the service again even when stopping it failed: the tests after this one
        # share the stack and would otherwise all fail for want of it.
        try:
            stack_sh(f"nw_{service}_stop")
            log(f"{service} stopped for {seconds} s")
            time.sleep(seconds)
        finally:
            stack_sh(f"nw_{service}_start")
        log(f"{service} started again")
        n_faults = 1
    producer.join(args.max_seconds)
    sc.wait_for("every item in the output", lambda: len({r["id"] for r in sc.records()}) >= len(ids),
                args.max_seconds, alive())
    time.sleep(2)
    for w in alive():
        rc, _ = sc.stop_worker(w)
        check(rc == 0, f"worker {w.pid} exits 0 on SIGTERM")
    return n_faults


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fault", choices=["kills", "redis", "broker", "replicas", "all"])
    ap.add_argument("--worker", required=True)
    ap.add_argument("--items", type=int, default=100000)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--redis-seconds", type=float, default=30)
    ap.add_argument("--broker-seconds", type=float, default=10)
    ap.add_argument("--max-seconds", type=float, default=900)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--exactly-once", action="store_true")
    args = ap.parse_args()
    if not os.environ.get("NW_KAFKA_BOOTSTRAP") or not os.environ.get("NW_REDIS_URL"):
        print("SKIPPED: no local stack; run deploy/local/stack.sh up first")
        return 77
    faults = ["kills", "redis", "broker", "replicas"] if args.fault == "all" else [args.fault]
    lost_total = twice_total = 0
    for fault in faults:
        sc = Scenario(f"fault-{fault}", os.path.abspath(args.worker))
        values, ids = items(args.items, 0, 0, seed=args.seed)
        t0 = time.monotonic()
        try:
            n = run_with_worker_faults(sc, args, values, ids, fault)
            lost, twice = report(sc, ids, f"{fault} ({n} faults, "
                                 f"{'exactly-once' if args.exactly_once else 'at-least-once'})",
                                 args.exactly_once)
            lost_total += lost
            twice_total += twice
        except Fail as e:
            log(f"FAIL: {e}")
            return 1
        finally:
            sc.cleanup()
        log(f"{fault}: {time.monotonic() - t0:.0f} s")
    log(f"fault harness: {len(faults)} runs, lost {lost_total}, published twice {twice_total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
