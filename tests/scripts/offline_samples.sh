#!/usr/bin/env bash
# offline_samples.sh -- runs `newsworker process` over the bundled samples and checks the result.
set -euo pipefail
worker=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one raw item per line, in file order; the .txt sample is a separate plain-text file
for f in "$root"/schemas/examples/[0-9][0-9]-*.json; do
    tr -d '\n' <"$f"
    echo
done >"$tmp/items.jsonl"
"$worker" process --dlq "$tmp/dlq.jsonl" "$tmp/items.jsonl" "$root"/schemas/examples/[0-9][0-9]-*.txt \
    >"$tmp/out.jsonl" 2>"$tmp/err.log"

fail() { echo "FAIL: $*" >&2; cat "$tmp/err.log" >&2; exit 1; }
n_json=$(ls "$root"/schemas/examples/[0-9][0-9]-*.json | wc -l)
n_txt=$(ls "$root"/schemas/examples/[0-9][0-9]-*.txt | wc -l)
n_out=$(wc -l <"$tmp/out.jsonl")
n_dlq=$(wc -l <"$tmp/dlq.jsonl")
# every sample but the exact duplicate and the malformed item becomes a record
expected=$((n_json + n_txt - 2))
[ "$n_out" -eq "$expected" ] || fail "expected $expected records, got $n_out"
[ "$n_dlq" -eq 1 ] || fail "expected 1 dead-letter line, got $n_dlq"
grep -q '"error_code":"NW_ERR_BAD_JSON"' "$tmp/dlq.jsonl" || fail "the malformed sample is not NW_ERR_BAD_JSON"
/usr/bin/python3 "$root/tests/scripts/validate_records.py" --schema "$root/schemas/enriched-news.schema.json" \
    --expect "$expected" "$tmp/out.jsonl" || fail "records do not validate"
# the Xinhua sample's URL comes out canonical: tracking parameters and fragment gone
grep -q '"canonical_url":"https://sc.xinhua.example.com/english/2021-05/20/c_1127469.htm?lang=en&page=1"' \
    "$tmp/out.jsonl" || fail "canonical URL of the Xinhua sample"
# full-width digits became ASCII through NFKC, control characters are gone
if grep -qP '[\x{FF10}-\x{FF19}]' "$tmp/out.jsonl"; then fail "full-width digits left in the output"; fi
echo "offline samples: $n_out records, $n_dlq dead-lettered, duplicate dropped: ok"
