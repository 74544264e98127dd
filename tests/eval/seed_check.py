#!/usr/bin/python3
"""seed_check.py -- the seed article (../shared/data/seed-article.txt, published 2021-05-20)
through `newsworker process` must yield DESIGN.md's worked example field by field, and the
record must stay valid against the schema. Exit 77 (ctest SKIP) when the file is absent."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", required=True)
    ap.add_argument("--seed", default=os.path.join(ROOT, "..", "shared", "data", "seed-article.txt"))
    args = ap.parse_args()
    if not os.path.exists(args.seed):
        print("SKIPPED: %s not found" % args.seed)
        return 77
    text = open(args.seed, encoding="utf-8").read()
    title, body = text.split("\n", 1)
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "seed.jsonl")
        with open(inp, "w") as f:
            f.write(json.dumps({"id": "seed", "title": title.strip(), "body": body,
                                "published_at": "2021-05-20"}) + "\n")
        out = subprocess.run([args.worker, "process", inp], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            print(out.stderr)
            return 1
        rec_path = os.path.join(tmp, "seed.out.jsonl")
        open(rec_path, "w").write(out.stdout)
        val = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "scripts", "validate_records.py"),
                              "--schema", os.path.join(ROOT, "schemas", "enriched-news.schema.json"),
                              rec_path], capture_output=True, text=True)
    rec = json.loads(out.stdout.splitlines()[0])
    failures = []

    def check(what, got, want):
        if got != want:
            failures.append("%s: got %r, want %r" % (what, got, want))

    if val.returncode != 0:
        failures.append("schema: " + (val.stdout + val.stderr).strip()[:500])
    evs = rec["events"]
    check("event count >= 1", len(evs) >= 1, True)
    if evs:
        ev = evs[0]
        check("event.name", ev["name"], "2021 Expatriate Elites Sichuan-Chongqing Exchange")
        check("event.type", ev["type"], "conference")
        check("event.location", ev["location"], "Chengdu")
        check("event.date", ev["date"], "2021-05-19")
        check("event.date_text", ev["date_text"], "the 19th")
        check("event.organizers", ev["organizers"], ["Sichuan Provincial People's Government",
                                                     "China Federation of Overseas Chinese Entrepreneurs"])
        att = ev["attendance"] or {}
        check("event.attendance", (att.get("value"), att.get("qualifier")), (200, "more_than"))
        check("event.theme present", bool(ev["theme"]), True)
    invs = [i for i in rec["investments"] if i["amount"]]
    check("investment count", len(invs), 1)
    if invs:
        inv = invs[0]
        check("investment.deal_count", inv["deal_count"], 37)
        check("investment.deal_unit", inv["deal_unit"], "projects")
        check("investment.amount", (inv["amount"]["value"], inv["amount"]["currency"],
                                    inv["amount"]["qualifier"], inv["amount"]["text"]),
              (6150000000, "CNY", "exact", "6.15 billion yuan"))
        check("investment.sectors", inv["sectors"], ["headquarters economy", "electronic information",
                                                     "new materials", "intelligent manufacturing",
                                                     "energy and chemical industries"])
        check("investment.status", inv["status"], "signed")
    st = {(s["value"], s["unit"], s["qualifier"]): s for s in rec["statistics"]}
    s8 = st.get((8000, "enterprises", "more_than"))
    check("statistic 8000 enterprises", bool(s8), True)
    if s8:
        check("statistic 8000 subject", s8["subject"], "overseas Chinese-funded enterprises")
        check("statistic 8000 location", s8["location"], "Sichuan")
    check("statistic 60 percent", (60, "percent", "more_than") in st, True)
    people = {p["name"]: p for p in rec["people"]}
    check("Chen Bin", people.get("Chen Bin"), {
        "name": "Chen Bin", "title": "executive vice chairman",
        "organization": "China Federation of Overseas Chinese Entrepreneurs"})
    check("Liao Honghai", people.get("Liao Honghai"), {
        "name": "Liao Honghai", "title": "executive vice president and secretary general",
        "organization": "Chongqing Federation of Overseas Chinese Entrepreneurs"})
    # the dateline and the authors belong to the normalizer; assert them once it sets them
    if rec.get("dateline"):
        check("dateline", rec["dateline"], {"agency": "Xinhua News Agency", "location": "Sichuan",
                                            "date": "2021-05-20"})
        check("authors", rec["authors"], ["Chen Juwei", "Feng Lei"])
    for f in failures:
        print("FAIL " + f)
    print("seed article: %d checks failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
