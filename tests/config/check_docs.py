#!/usr/bin/python3
"""check_docs.py -- keeps deploy/newsworker.conf.example and README.md's settings reference in
step with the binary's settings table (`newsworker settings`), its librdkafka defaults
(`newsworker check-config`, origin "default") and the metrics it serves (a /metrics scrape of a
worker started with nothing to talk to).

The generated parts sit between "settings:begin" / "settings:end" marker lines; the rest of
each file is written by hand. `check_docs.py --worker W` fails when a generated part is stale
or when the example, with every "# key = value" line switched on, is not a valid
configuration; `--write` regenerates the parts in place. Exit 0 pass, 1 fail."""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "deploy", "newsworker.conf.example")
README = os.path.join(ROOT, "README.md")
SECTIONS = {"topic": "Topics", "redis": "Redis", "dedupe": "Dedupe", "batch": "Batches",
            "input": "Input limits", "shutdown": "Shutdown", "delivery": "Delivery",
            "log": "Logging", "http": "HTTP: /metrics, /healthz, /readyz"}


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}


def settings(worker):
    out = subprocess.run([worker, "settings"], capture_output=True, text=True, check=True,
                         env=clean_env()).stdout.splitlines()
    head = out[0].split("\t")
    return [dict(zip(head, line.split("\t"))) for line in out[1:] if line]


# settings whose value changes other defaults (nw_config_finish()), and the value to try
MODES = [("dedupe.near", "false")]


def kafka_defaults(worker):
    """[(key, value, note)]: the librdkafka defaults check-config reports, with a note where a
    mode of MODES gives another default."""
    def read(*flags):
        out = subprocess.run([worker, "check-config", *flags], capture_output=True, text=True,
                             check=True, env=clean_env()).stdout.splitlines()
        return [m.groups() for m in (re.match(r"^(kafka\.\S+) = (.*)  # (default.*)$", line)
                                     for line in out) if m]
    res = [(k, v, "") for k, v, origin in read() if origin == "default"]
    for key, value in MODES:
        other = {k: (v, origin) for k, v, origin in read(f"--{key}={value}")}
        res = [(k, v, note or (f"{other[k][0]} with {key}={value}"
                               if k in other and other[k][0] != v else ""))
               for k, v, note in res]
    return res


# label names of metrics that have no sample until there is something to count
KNOWN_LABELS = {"newsworker_consumer_lag": ["partition"]}


def scrape_metrics(worker):
    """[(name, type, labels, help)] from the /metrics of a worker whose Kafka and Redis are
    closed ports: it starts, serves HTTP, and is stopped with SIGTERM."""
    def port():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    http = port()
    env = clean_env()
    env.update({"NEWSWORKER_HTTP_ADDRESS": "127.0.0.1", "NEWSWORKER_HTTP_PORT": str(http),
                "NEWSWORKER_REDIS_URL": f"redis://127.0.0.1:{port()}/0",
                "NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port()}",
                "NEWSWORKER_LOG_LEVEL": "error"})
    p = subprocess.Popen([worker, "run"], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    body = None
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http}/metrics", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.2)
    finally:
        p.terminate()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if body is None:
        raise SystemExit("could not scrape /metrics from a worker started without a stack")
    helps, types, labels, order = {}, {}, {}, []
    for line in body.splitlines():
        m = re.match(r"^# (HELP|TYPE) (\S+) (.*)$", line)
        if m:
            kind, name, rest = m.groups()
            if name not in order:
                order.append(name)
            (helps if kind == "HELP" else types)[name] = rest
            continue
        m = re.match(r"^([a-z_]+?)(_bucket|_sum|_count)?(\{[^}]*\})? ", line)
        if m and m.group(3):
            base = m.group(1) if m.group(1) in types else m.group(1) + (m.group(2) or "")
            for lab in re.findall(r'([a-z_]+)="', m.group(3)):
                if lab != "le":
                    labels.setdefault(base, [])
                    if lab not in labels[base]:
                        labels[base].append(lab)
    return [(n, types.get(n, ""), labels.get(n) or KNOWN_LABELS.get(n, []), helps.get(n, ""))
            for n in order]


def metrics_block(metrics):
    lines = ["| metric | type | labels | meaning |", "| --- | --- | --- | --- |"]
    for name, typ, labels, help_text in metrics:
        lab = ", ".join(f"`{x}`" for x in labels)
        lines.append(f"| `{name}` | {typ} | {lab} | {help_text.replace('|', chr(92) + '|')} |")
    return lines


def example_block(rows, kdefs):
    lines = []
    section = None
    for r in rows:
        top = r["name"].split(".")[0]
        if top != section:
            section = top
            lines += ["", f"# ---- {SECTIONS.get(top, top)} " + "-" * (80 - len(SECTIONS.get(top, top)))]
        desc = r["description"] + (" [secret: masked in check-config, never logged]"
                                   if r["secret"] == "yes" else "")
        lines.append("")
        lines += textwrap.wrap(desc, 92, initial_indent="# ", subsequent_indent="# ")
        lines.append(f"#   {r['type']}, environment {r['env']}")
        lines.append(f"# {r['name']} = {r['default']}".rstrip())
    lines += ["", "# ---- librdkafka properties the worker sets unless told otherwise " + "-" * 14, ""]
    lines += [f"# {k} = {v}" + (f"  # {note}" if note else "") for k, v, note in kdefs]
    return lines


def readme_block(rows, kdefs):
    lines = ["| setting | type | default | environment | description |",
             "| --- | --- | --- | --- | --- |"]
    for r in rows:
        default = f"`{r['default']}`" if r["default"] else "(empty)"
        desc = r["description"].replace("|", "\\|")
        if r["secret"] == "yes":
            desc += "; **secret**: masked in `check-config`, never logged"
        lines.append(f"| `{r['name']}` | {r['type']} | {default} | `{r['env']}` | {desc} |")
    lines.append("")
    lines.append("librdkafka defaults the worker sets (each can be overridden the same way): " +
                 ", ".join(f"`{k}={v}`" + (f" ({note})" if note else "")
                           for k, v, note in kdefs) + ".")
    return lines


def splice(path, block, begin, end):
    """(current file text, text with the generated block replaced)."""
    with open(path) as f:
        text = f.read()
    lines = text.split("\n")
    try:
        b = next(i for i, line in enumerate(lines) if begin in line)
        e = next(i for i, line in enumerate(lines) if end in line and i > b)
    except StopIteration:
        raise SystemExit(f"{path}: marker lines \"{begin}\" / \"{end}\" not found")
    return text, "\n".join(lines[:b + 1] + block + lines[e:])


def uncommented(example, tmp):
    """The example with every "# key = value" line switched on; *_file paths point at a
    throw-away secret so that the files exist."""
    secret = os.path.join(tmp, "secret")
    with open(secret, "w") as f:
        f.write("example-secret\n")
    out = []
    for line in example.split("\n"):
        m = re.match(r"^# ([a-z][a-z0-9_.]*) = (.*)$", line)
        if m:
            key, value = m.group(1), m.group(2)
            if key.endswith("_file") and value:
                value = secret
            line = f"{key} = {value}"
        out.append(line)
    path = os.path.join(tmp, "example.conf")
    with open(path, "w") as f:
        f.write("\n".join(out))
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", required=True)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    rows = settings(args.worker)
    kdefs = kafka_defaults(args.worker)
    metrics = scrape_metrics(args.worker)
    fails = []
    for path, block, begin, end in (
            (EXAMPLE, example_block(rows, kdefs), "# ---- settings:begin", "# ---- settings:end"),
            (README, readme_block(rows, kdefs), "<!-- settings:begin", "<!-- settings:end"),
            (README, metrics_block(metrics), "<!-- metrics:begin", "<!-- metrics:end")):
        old, new = splice(path, block, begin, end)
        if args.write:
            if old != new:
                with open(path, "w") as f:
                    f.write(new)
                print(f"rewrote the generated part of {path}")
        elif old != new:
            fails.append(f"{os.path.relpath(path, ROOT)}: the part after \"{begin}\" is stale; run "
                         f"tests/config/check_docs.py --worker build/newsworker --write")
        else:
            print(f"ok: {os.path.relpath(path, ROOT)}: the part between \"{begin}\" and "
                  f"\"{end}\" is what the binary says")
    if not args.write:
        env = clean_env()
        p = subprocess.run([args.worker, "check-config", "--config", EXAMPLE], capture_output=True,
                           text=True, env=env)
        if p.returncode != 0:
            fails.append(f"the example as shipped is not valid: {p.stderr.strip()}")
        else:
            print("ok: the example config as shipped passes check-config")
        with tempfile.TemporaryDirectory() as tmp:
            with open(EXAMPLE) as f:
                path = uncommented(f.read(), tmp)
            p = subprocess.run([args.worker, "check-config", "--config", path],
                               capture_output=True, text=True, env=env)
            if p.returncode != 0:
                fails.append(f"the example with every setting switched on is not valid: "
                             f"{p.stderr.strip()}")
            else:
                print("ok: the example with every \"# key = value\" line switched on passes check-config")
    for f in fails:
        print(f"FAIL: {f}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
