#!/usr/bin/python3
"""redis_parity.py -- the dedupe decisions made through Redis are the in-memory ones.

Runs `newsworker process` over all of Reuters-21578 twice: once with its in-memory exact and
near-duplicate index, once claiming in the stack's Redis (`--redis`, a fresh key prefix), and
requires the two outputs to be the same record for record (processed_at aside), with near
duplicates among them. The Redis script only finds candidates; the worker compares them with
the same C function as the in-memory index, so any difference is a bug in one of the paths.
Exit 0 pass, 1 fail, 77 skipped (no NW_REDIS_URL, or no ../shared data)."""
import gzip
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


def run(worker, path, extra, env):
    out = subprocess.run([worker, "process", *extra, path], capture_output=True, env=env,
                         timeout=600)
    if out.returncode != 0:
        sys.stderr.write(out.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(f"FAIL: newsworker process {' '.join(extra)} exited {out.returncode}")
    stats = re.findall(rb"near_duplicates=(\d+)", out.stderr)
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
        print("ok: Redis and in-memory dedupe give the same records")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
