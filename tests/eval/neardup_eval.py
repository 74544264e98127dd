#!/usr/bin/python3
"""neardup_eval.py -- near-duplicate detection on the development pairs (../shared/eval-dev).

Each pair goes through `newsworker process` alone (fresh in-memory dedupe): text a, then text b,
as plain-text items (first line the title), no URLs. Prints recall on the duplicate pairs and
the distinct pairs wrongly flagged; fails below 9 of 10 found or above 1 of 10 flagged.
Exit 77 (skipped) when ../shared is not there."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAIRS = os.path.join(os.path.dirname(ROOT), "shared", "eval-dev", "neardup.jsonl")


def main():
    worker = sys.argv[1]
    if not os.path.exists(PAIRS):
        print(f"SKIPPED: {PAIRS} not found (the development set lives in ../shared)")
        return 77
    rows = [json.loads(line) for line in open(PAIRS, encoding="utf-8") if line.strip()]
    found = flagged = 0
    n_dup = n_dist = 0
    print(f"{'pair':6} {'label':10} {'difficulty':10} {'flagged':8} {'similarity':>10}  {'containment_word5':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        for r in rows:
            items = []
            for side in ("a", "b"):
                text = r[f"{side}_text"]
                lines = text.split("\n", 1)
                items.append(json.dumps({"id": f"{r['pair_id']}-{side}", "title": lines[0],
                                         "body": lines[1] if len(lines) > 1 else ""}))
            path = os.path.join(tmp, "pair.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(items) + "\n")
            out = subprocess.run([worker, "process", path], capture_output=True, text=True,
                                 check=True)
            recs = [json.loads(x) for x in out.stdout.splitlines() if x.strip()]
            b = [x for x in recs if x["id"].endswith("-b")]
            status = b[0]["dedupe"] if b else {"status": "exact_duplicate"}
            near = status.get("status") in ("near_duplicate", "exact_duplicate")
            sim = status.get("similarity")
            if r["label"] == "duplicate":
                n_dup += 1
                found += near
            else:
                n_dist += 1
                flagged += near
            print(f"{r['pair_id']:6} {r['label']:10} {r['difficulty']:10} {str(near):8} "
                  f"{'' if sim is None else f'{sim:.3f}':>10}  {r['containment_word5']:>17}")
    print(f"duplicate pairs recognized: {found} of {n_dup} (recall {found / max(n_dup, 1):.2f})")
    print(f"distinct pairs wrongly flagged: {flagged} of {n_dist}")
    ok = found >= 9 and flagged <= 1
    print("near-duplicate eval:", "PASS" if ok else "FAIL (need >= 9 found and <= 1 flagged)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
