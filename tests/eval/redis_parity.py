#!/usr/bin/python3
"""redis_parity.py -- the dedupe decisions made through Redis are the in-memory ones.

Runs `newsworker process` over all of Reuters-21578 twice: once with its in-memory exact and
near-duplicate index, once claiming in the stack's Redis (`--redis`, a fresh key prefix), and
requires the two outputs to be the same record for record (processed_at aside), with near
duplicates among them. The Redis script only finds candidates; the worker compares them with
the same C function as the in-memory index, so any difference is a bug in one of the paths.
Then again in two halves, with the first half's band bucket moved back in time in between:
found through an older bucket (whose filter spares most lookups), and no longer past the TTL,
when the worker has unlinked it.
Exit 0 pass, 1 fail, 77 skipped (no NW_REDIS_URL, or no ../shared data)."""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REUTERS = os.path.join(os.path.dirname(ROOT), "shared", "data", "reuters21578",
                       "reuters21578.jsonl.gz")
STAMP = re.compile(rb'"processed_at":"[^"]*"')
DUP_OF = re.compile(rb'"duplicate_of":"([^"]*)"')
# band buckets at a TTL of 7 days (the default, set for these runs): half of it wide, rounded
# up, as nw_redis.c makes them; the worker unlinks the bucket past the last one it reads once
# a minute of the new period has passed
TTL, GRACE = 604800, 60
WIDTH = (TTL + 1) // 2


def run(worker, path, extra, env):
    out = subprocess.run([worker, "process", *extra, path], capture_output=True, env=env,
                         timeout=600)
    if out.returncode != 0:
        sys.stderr.write(out.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(f"FAIL: newsworker process {' '.join(extra)} exited {out.returncode}")
    stats = re.findall(rb"near_duplicates=(\d+)", out.stderr)
    skipped = re.findall(rb"near_filter_skipped=(\d+)", out.stderr)
    copied = re.findall(rb"near_filters_copied=(\d+)", out.stderr)
    run.skipped = int(skipped[-1]) if skipped else -1
    run.copied = int(copied[-1]) if copied else -1
    return [STAMP.sub(b"", line) for line in out.stdout.splitlines()], int(stats[-1]) if stats else -1


def main():
    worker = sys.argv[1]
    url = os.environ.get("NW_REDIS_URL")
    if not url:
        print("SKIPPED: NW_REDIS_URL is not set (start deploy/local/stack.sh)")
        return 77
    if not os.path.exists(REUTERS):
        print(f"SKIPPED: {REUTERS} not found (the data lives in ../shared)")
        return 77
    env = dict(os.environ, NEWSWORKER_REDIS_KEY_PREFIX=f"rp{int(time.time()) % 100000}:")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "reuters.jsonl")
        with gzip.open(REUTERS, "rb") as src, open(path, "wb") as dst:
            dst.write(src.read())
        mem, mem_near = run(worker, path, [], env)
        red, red_near = run(worker, path, ["--redis", url], env)
    print(f"in memory: {len(mem)} records, {mem_near} near duplicates; "
          f"Redis: {len(red)} records, {red_near} near duplicates")
    differ = [i for i, (a, b) in enumerate(zip(mem, red)) if a != b]
    ok = True
    if len(mem) != len(red) or differ:
        first = differ[0] if differ else min(len(mem), len(red))
        print(f"FAIL: the outputs differ ({len(differ)} records differ, lengths {len(mem)} and "
              f"{len(red)}; first at record {first})")
        ok = False
    if mem_near <= 0 or mem_near != red_near:
        print(f"FAIL: near duplicates {mem_near} in memory, {red_near} through Redis")
        ok = False
    if ok:
        ok = aged(worker, url, mem)
    if ok:
        print("ok: Redis and in-memory dedupe give the same records")
    return 0 if ok else 1


def redis_cli(url, *args):
    m = re.match(r"redis://(?:[^@]*@)?([^:/]+):(\d+)(?:/(\d+))?", url)
    cmd = ["redis-cli", "-h", m.group(1), "-p", m.group(2), "-n", m.group(3) or "0", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60).stdout


def aged(worker, url, mem):
    """The first half of Reuters claimed, then its band bucket moved back in time (as when a
    bucket's period ends), then the second half: its near duplicates of first-half stories
    are found through the older bucket, so the records are the in-memory ones again. Moved
    back past the TTL, the bucket is no longer read, and those near duplicates are not
    found."""
    with gzip.open(REUTERS, "rb") as src:
        lines = src.read().splitlines(keepends=True)
    half = len(lines) // 2
    first_ids = {json.loads(x)["id"] for x in lines[:half]}
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, "first.jsonl"), os.path.join(tmp, "second.jsonl")]
        for path, part in zip(paths, (lines[:half], lines[half:])):
            with open(path, "wb") as f:
                f.writelines(part)
        for back, found in ((1, True), (2, True), (3, False)):
            prefix = f"ra{back}{int(time.time()) % 10000}:"
            env = dict(os.environ, NEWSWORKER_REDIS_KEY_PREFIX=prefix,
                       NEWSWORKER_DEDUPE_TTL_S=str(TTL))
            out1, _ = run(worker, paths[0], ["--redis", url], env)
            buckets = redis_cli(url, "--scan", "--pattern", f"{prefix}bb:*").split()
            if len(buckets) != 1:
                print(f"FAIL: {len(buckets)} band buckets under {prefix} after the first half, "
                      "expected one")
                return False
            number = int(buckets[0].rsplit(":", 1)[1])
            # it expires one period after the last one it is read in (the three from its
            # own), whenever it was written: after the worker's unlink, never before it
            ttl = int(redis_cli(url, "TTL", buckets[0]))
            expect = (number + 4) * WIDTH - time.time()
            if abs(ttl - expect) > 5:
                print(f"FAIL: the band bucket expires in {ttl} s, expected {expect:.0f}")
                return False
            moved = f"{prefix}bb:{number - back}"
            redis_cli(url, "RENAME", buckets[0], moved)
            # the first half's run filtered the older bucket numbers while they were empty;
            # history rewritten, those filters (shared through Redis) are wrong, so they go
            stale = redis_cli(url, "--scan", "--pattern", f"{prefix}nf*").split()
            if stale:
                redis_cli(url, "DEL", *stale)
            if back == 2:
                # a newer older bucket whose filter rules out every band of these stories:
                # the script must still look in the older one behind it
                redis_cli(url, "HSET", f"{prefix}bb:{number - 1}", "0:00000000", "nobody")
            # in the grace minute after a period ends the worker spares one bucket more, and
            # it filters an older bucket only two graces into the period
            into = time.time() % WIDTH
            if into < 2 * GRACE + 5:
                time.sleep(2 * GRACE + 5 - into)
            out2, _ = run(worker, paths[1], ["--redis", url], env)
            # the older bucket takes no more bands, so the worker filtered it first and the
            # script looked up in it only the bands it may hold (the records below show
            # that none was missed)
            if found and run.skipped <= 0:
                print(f"FAIL: bucket {back} back: no lookup in it spared by a filter "
                      f"(near_filter_skipped={run.skipped})")
                ok = False
            elif found:
                print(f"bucket {back} back: {run.skipped} bands ruled out of it by its filter")
                # the next worker on this prefix copies the filter instead of reading the
                # bucket again
                one = os.path.join(tmp, "one.jsonl")
                with open(one, "wb") as f:
                    f.write(lines[half])
                run(worker, one, ["--redis", url], env)
                if run.copied < 1:
                    print(f"FAIL: bucket {back} back: the next worker copied "
                          f"{run.copied} filters from Redis, expected its filter")
                    ok = False
                else:
                    print(f"bucket {back} back: the next worker copied {run.copied} filters")
            # a bucket no longer read is unlinked by the worker (freed without stalling
            # Redis), not left to expire; one still read is kept
            kept = redis_cli(url, "EXISTS", moved).strip() == "1"
            if kept != found:
                print(f"FAIL: bucket {back} back {'unlinked' if found else 'not unlinked'} "
                      "by the second half's claims")
                ok = False
            # the records lost processed_at in run(), so they are read with a pattern
            of = [DUP_OF.search(r) for r in out2 if b'"status":"near_duplicate"' in r]
            across = [m for m in of if m and m.group(1).decode() in first_ids]
            label = f"bucket {back} back"
            if found:
                differ = sum(a != b for a, b in zip(mem, out1 + out2))
                if len(out1) + len(out2) != len(mem) or differ:
                    print(f"FAIL: {label}: {differ} records differ from the in-memory run "
                          f"({len(out1) + len(out2)} records, {len(mem)} expected)")
                    ok = False
                if not across:
                    print(f"FAIL: {label}: no near duplicate of a first-half story found")
                    ok = False
            elif across:
                print(f"FAIL: {label} (past the TTL): {len(across)} near duplicates of "
                      "first-half stories still found")
                ok = False
            print(f"{label}: {len(across)} near duplicates of first-half stories")
    return ok


if __name__ == "__main__":
    sys.exit(main())
