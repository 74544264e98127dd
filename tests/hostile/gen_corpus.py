#!/usr/bin/python3
"""gen_corpus.py DIR -- writes the hostile corpus of issue 6 into DIR, one file per Kafka message
value, and DIR/expect.tsv: file name, then "dlq CODE" (the worker must dead-letter it with that
nw.error.code) or "out" (valid input after all: it must become a record).

Only the standard library; nothing is copied from elsewhere: every value is built here."""
import json
import os
import random
import sys

LIMIT = 1048576         # input.max_bytes default


def items():
    ok_title = '"title":"Hostile corpus control"'
    # ---- encoding
    yield "utf8-invalid-byte", b'{"title":"bad \xff byte","body":"x"}', "dlq NW_ERR_BAD_UTF8"
    yield "utf8-overlong-2byte-slash", b'{"title":"over\xc0\xaflong"}', "dlq NW_ERR_BAD_UTF8"
    yield "utf8-overlong-3byte-slash", b'{"title":"over\xe0\x80\xaflong"}', "dlq NW_ERR_BAD_UTF8"
    yield "utf8-overlong-4byte", b"Title\n\xf0\x80\x80\xafbody", "dlq NW_ERR_BAD_UTF8"
    yield "utf8-lone-surrogate-raw", b'{"title":"half \xed\xa0\x80 pair"}', "dlq NW_ERR_BAD_UTF8"
    yield "utf8-lone-surrogate-escape", b'{"title":"half \\udc00 pair"}', "dlq NW_ERR_BAD_UTF8"
    yield "utf8-past-10ffff", b"Title\n\xf4\x90\x80\x80", "dlq NW_ERR_BAD_UTF8"
    yield "utf8-truncated-at-end", b'Title\nbody \xe4\xb8', "dlq NW_ERR_BAD_UTF8"
    # ---- NUL bytes
    yield "nul-escape-in-title", b'{"title":"a\\u0000b","body":"x"}', "dlq NW_ERR_NUL_BYTE"
    yield "nul-raw-in-json", b'{"title":"a\x00b"}', "dlq NW_ERR_NUL_BYTE"
    yield "nul-raw-in-text", b"Title\x00\nbody", "dlq NW_ERR_NUL_BYTE"
    # ---- size
    big = b'{"title":"too big","body":"' + b"a" * (LIMIT + 512 * 1024) + b'"}'
    yield "over-size-limit-1.5mib", big, "dlq NW_ERR_TOO_BIG"
    # ---- JSON structure
    yield "json-nested-100000", b'{"x":' + b"[" * 100000 + b"]" * 100000 + b"}", \
        "dlq NW_ERR_TOO_DEEP"
    yield "json-nested-100000-unclosed", b"[" * 100000, "dlq NW_ERR_NOT_OBJECT"
    yield "json-number-1e999999", b'{"title":"huge number","n":1e999999}', "out"
    yield "json-number-10000-digits", b'{"title":"long number","n":' + b"9" * 10000 + b"}", "out"
    yield "json-id-10000-digits", b'{"title":"long numeric id","id":' + b"7" * 10000 + b"}", "out"
    yield "json-array-100000", b'{"title":"huge array","a":[' + b",".join(b"1" for _ in range(100000)) + b"]}", "out"
    keys = b",".join(b'"k%d":%d' % (i, i) for i in range(60000))
    yield "json-bomb-60000-keys", b'{"title":"many keys",' + keys + b"}", "out"
    yield "json-array-top-level", b"[1,2,3]", "dlq NW_ERR_NOT_OBJECT"
    yield "json-truncated", b'{"title":"cut', "dlq NW_ERR_BAD_JSON"
    yield "json-title-not-string", b'{"title":{"a":1}}', "dlq NW_ERR_BAD_FIELD"
    # ---- empty and noise
    yield "empty-value", b"", "dlq NW_ERR_EMPTY"
    yield "whitespace-only", b" \t\r\n  \n", "dlq NW_ERR_EMPTY"
    rnd = random.Random(6)
    # no zero byte, so the first fault is the encoding (NUL has its own items above)
    noise = bytes(rnd.randrange(1, 256) for _ in range(4096))
    yield "binary-noise", noise, "dlq NW_ERR_BAD_UTF8"
    yield "empty-object", b"{}", "dlq NW_ERR_NO_CONTENT"
    # ---- HTML bombs (within the size limit)
    deep = "<div>" * 150000
    yield "html-nested-150000", json.dumps({"title": "html bomb", "body": deep}).encode(), \
        "dlq NW_ERR_TOO_DEEP"
    stray = "<div></b>" * 100000
    yield "html-div-stray-close-100000", json.dumps({"title": "html bomb", "body": stray}).encode(), \
        "dlq NW_ERR_TOO_DEEP"
    reopen = "<p><b>x</p>y" * 60000
    yield "html-formatting-reopen-60000", json.dumps({"title": "html bomb", "body": reopen}).encode(), \
        "dlq NW_ERR_TOO_DEEP"
    many = "<br>" * 200000
    yield "html-200000-elements", json.dumps({"title": "html bomb", "body": many}).encode(), \
        "dlq NW_ERR_TOO_BIG"
    flat = "<p>paragraph</p>" * 40000
    yield "html-40000-flat-paragraphs", json.dumps({"title": "wide html", "body": flat}).encode(), "out"
    # ---- long text without spaces
    yield "title-500kb-no-spaces", json.dumps({"title": "x" * 500000, "body": "short"}).encode(), "out"
    yield "body-900kb-one-word", json.dumps({"title": "one word", "body": "y" * 900000}).encode(), "out"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "expect.tsv"), "w") as exp:
        for name, value, want in items():
            with open(os.path.join(out, name), "wb") as f:
                f.write(value)
            exp.write(f"{name}\t{want}\n")


if __name__ == "__main__":
    main()
