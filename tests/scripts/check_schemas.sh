#!/usr/bin/env bash
# Check the JSON Schemas in schemas/ and the bundled samples against them (a ctest test; needs python3-jsonschema).
# Exits non-zero, naming each failure, when a schema is not a valid 2020-12 schema, a raw sample
# does not validate, the malformed sample parses, 05 is not an exact duplicate of 01, the
# enriched example does not validate, or a deliberately broken enriched record is accepted.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
py=${NW_PYTHON:-/usr/bin/python3}
validate="$root/tests/scripts/validate_records.py"
raw_schema="$root/schemas/raw-news.schema.json"
enriched_schema="$root/schemas/enriched-news.schema.json"
examples="$root/schemas/examples"
failures=0

pass() { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }

# Runs the validator on standard input; on failure prints its output indented.
# Call it with a redirection, not at the end of a pipeline, so that fail() counts.
validate_stdin() { # schema expect-count label
    local out
    if out=$("$py" "$validate" --schema "$1" --expect "$2" - 2>&1); then
        pass "$3"
    else
        fail "$3"
        printf '%s\n' "$out" | sed 's/^/     /'
    fi
}

# Prints a JSON file as one line (samples may be pretty-printed).
compact() {
    "$py" -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1], encoding="utf-8"))))' "$1"
}

# Prints a plain-text item as the JSON raw item the worker reads it as:
# the first non-empty line is the title, the rest the body.
text_item() {
    "$py" -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next((n for n, line in enumerate(lines) if line.strip()), len(lines))
title = lines[i].strip() if i < len(lines) else ""
print(json.dumps({"title": title, "body": "\n".join(lines[i + 1:]).strip()}))' "$1"
}

# 1. Both schemas are valid 2020-12 schemas.
for schema in "$raw_schema" "$enriched_schema"; do
    if out=$("$py" - "$schema" 2>&1 <<'PY'
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1], encoding="utf-8"))
if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
    sys.exit("$schema is %r, not 2020-12" % schema.get("$schema"))
Draft202012Validator.check_schema(schema)
PY
    ); then
        pass "schema ${schema#$root/} is a valid 2020-12 schema"
    else
        fail "schema ${schema#$root/}: $out"
    fi
done

# 2. Every raw sample validates (plain-text ones as {title, body}); malformed ones must not parse.
nsamples=0
for f in "$examples"/[0-9]*; do
    name=${f#$root/}
    base=$(basename "$f")
    nsamples=$((nsamples + 1))
    grep -qF "\`$base\`" "$examples/README.md" || fail "$name is not described in schemas/examples/README.md"
    case "$base" in
    *malformed*)
        if "$py" -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$f" 2>/dev/null; then
            fail "$name parses as JSON but must be malformed"
        else
            pass "$name does not parse (goes to the DLQ)"
        fi
        ;;
    *.json)
        validate_stdin "$raw_schema" 1 "$name against raw-news.schema.json" < <(compact "$f")
        ;;
    *.txt)
        # The plain-text form: first non-empty line is the title, the rest the body.
        validate_stdin "$raw_schema" 1 "$name (plain text) against raw-news.schema.json" < <(text_item "$f")
        ;;
    *)
        fail "$name: unknown sample type (want NN-name.json or NN-name.txt)"
        ;;
    esac
done
[ "$nsamples" -ge 6 ] || fail "only $nsamples samples in schemas/examples (want at least 6)"

# 3. 05 is an exact duplicate of 01 (same title and body).
if out=$("$py" - "$examples/01-xinhua-signing.json" "$examples/05-duplicate-of-01.json" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
for key in ("title", "body"):
    if a.get(key) != b.get(key):
        sys.exit("%s differs" % key)
PY
); then
    pass "05-duplicate-of-01.json repeats 01's title and body"
else
    fail "05-duplicate-of-01.json is not an exact duplicate of 01: $out"
fi

# 4. The enriched example validates.
validate_stdin "$enriched_schema" 1 "schemas/examples/enriched-example.json against enriched-news.schema.json" \
    < <(compact "$examples/enriched-example.json")

# 5. Broken records derived from the example are rejected, each one of them.
broken_file=$(mktemp "${TMPDIR:-/tmp}/nw-broken.XXXXXX") || exit 1
trap 'rm -f "$broken_file"' EXIT
"$py" - "$examples/enriched-example.json" > "$broken_file" <<'PY'
import copy, json, sys
good = json.load(open(sys.argv[1], encoding="utf-8"))
def broken(change):
    rec = copy.deepcopy(good)
    change(rec)
    print(json.dumps(rec))
broken(lambda r: r.pop("dedupe"))                                     # missing required field
broken(lambda r: r["fingerprint"].update(sha256="ABC123"))            # bad sha256
broken(lambda r: r["fingerprint"].update(simhash="0123456789abcdeg")) # bad simhash
broken(lambda r: r.update(processed_at="2021-05-20 10:00"))           # not RFC 3339
broken(lambda r: r.update(processed_at="2021-02-30T10:00:00Z"))       # no such day
broken(lambda r: r.update(published_at="2021-05-20T25:00:00+08:00"))  # no such hour
broken(lambda r: r["events"][0].update(date="2021-13-19"))            # no such month
broken(lambda r: r["investments"][0]["amount"].update(currency="yuan"))
broken(lambda r: r["statistics"][0].update(qualifier="over"))         # not in the enum
broken(lambda r: r["dedupe"].update(status="near_duplicate"))         # duplicate_of is null
broken(lambda r: r.update(schema="newsworker.enriched/v2"))
broken(lambda r: r.update(language="english"))
broken(lambda r: r["source"].pop("canonical_url"))                    # renamed or dropped field
broken(lambda r: r["people"][0].update(name=""))
PY
nbroken=$(grep -c . "$broken_file")
out=$("$py" "$validate" --schema "$enriched_schema" "$broken_file" 2>&1)
rc=$?
if [ "$nbroken" -gt 0 ] && [ "$rc" -eq 1 ] \
    && printf '%s\n' "$out" | grep -qx "validated $nbroken records: 0 valid, $nbroken invalid"; then
    pass "all $nbroken deliberately broken enriched records are rejected"
else
    fail "deliberately broken enriched records: want $nbroken of $nbroken invalid and exit 1, got exit $rc"
    printf '%s\n' "$out" | sed 's/^/     /'
fi

# 6. Usage errors exit 2.
"$py" "$validate" >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then pass "validate_records.py without arguments exits 2"; else fail "validate_records.py without arguments exits $rc, want 2"; fi

if [ "$failures" -ne 0 ]; then
    printf '%d check(s) failed\n' "$failures"
    exit 1
fi
printf 'all schema checks passed\n'
