#!/usr/bin/python3
"""soak.py -- a long run: N items (default 1,000,000) through the worker against the local stack,
its resident memory sampled every few seconds; prints the samples and fails when the memory
keeps growing (last quarter's median above the second quarter's by more than --growth-mb) or an
item is lost. Bounded by --max-seconds; exit 77 without a stack."""
import argparse
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
from it_run import Fail, Scenario, check, items, log  # noqa: E402


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", required=True)
    ap.add_argument("--items", type=int, default=1000000)
    ap.add_argument("--chunk", type=int, default=20000)
    ap.add_argument("--sample-seconds", type=float, default=5)
    ap.add_argument("--growth-mb", type=float, default=10)
    ap.add_argument("--max-seconds", type=float, default=3600)
    args = ap.parse_args()
    if not os.environ.get("NW_KAFKA_BOOTSTRAP") or not os.environ.get("NW_REDIS_URL"):
        print("SKIPPED: no local stack; run deploy/local/stack.sh up first")
        return 77
    sc = Scenario("soak", os.path.abspath(args.worker))
    samples = []
    try:
        w = sc.start_worker()
        t0 = time.monotonic()

        def produce():
            # generated chunk by chunk so the harness itself stays small
            for start in range(0, args.items, args.chunk):
                n = min(args.chunk, args.items - start)
                values, _ = items(n, 0, 0, seed=start + 1)
                values = [v.replace(b'"id": "item-', b'"id": "soak-%d-' % start) for v in values]
                sc.produce(values)
        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        while True:
            done = sc.count(sc.out)
            samples.append((time.monotonic() - t0, done, rss_mb(w.pid)))
            if done >= args.items:
                break
            if w.poll() is not None:
                raise Fail(f"the worker exited with {w.returncode}")
            if time.monotonic() - t0 > args.max_seconds:
                raise Fail(f"not done after {args.max_seconds} s ({done} of {args.items})")
            time.sleep(args.sample_seconds)
        producer.join(60)
        rc, _ = sc.stop_worker(w)
        check(rc == 0, "the worker exits 0 after the soak")
        elapsed = samples[-1][0]
        for t, done, mb in samples[:: max(1, len(samples) // 20)] + [samples[-1]]:
            log(f"sample t={t:7.1f} s  output={done:8d}  rss={mb:6.1f} MB")
        q = len(samples) // 4
        second = statistics.median(s[2] for s in samples[q:2 * q]) if q else samples[0][2]
        last = statistics.median(s[2] for s in samples[3 * q:]) if q else samples[-1][2]
        log(f"RESULT soak: {args.items} items in {elapsed:.0f} s ({args.items / elapsed:.0f}/s); "
            f"rss start {samples[0][2]:.1f} MB, peak {max(s[2] for s in samples):.1f} MB, "
            f"second-quarter median {second:.1f} MB, last-quarter median {last:.1f} MB, "
            f"end {samples[-1][2]:.1f} MB")
        check(last - second <= args.growth_mb,
              f"memory flat: last quarter within {args.growth_mb} MB of the second")
        check(sc.count(sc.out) >= args.items, "every item published")
    except Fail as e:
        log(f"FAIL: {e}")
        return 1
    finally:
        sc.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
