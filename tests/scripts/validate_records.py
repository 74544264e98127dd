#!/usr/bin/python3
# Validate JSON lines (enriched records or raw items) against a newsworker JSON Schema (2020-12).
"""Usage: validate_records.py --schema SCHEMA [--min N] [--expect N] [--all-errors] FILE|-

Reads one JSON record per line (blank lines are ignored) from FILE, or from
standard input when FILE is "-", and validates each with jsonschema's
Draft202012Validator and a FormatChecker. Prints one line per invalid record
(line number, id, error path and message), then
"validated N records: V valid, M invalid".

Exit status: 0 when every record is valid and the count constraints hold,
1 otherwise, 2 on a usage error (bad arguments, unreadable or invalid schema).

Formats: Debian 12's python3-jsonschema (4.10.3) checks "date" but skips
"date-time" unless rfc3339-validator is installed, so a strict RFC 3339
checker is registered here when the library has none. The schemas also carry a
pattern for date-times, so other validators enforce the shape too.
"""

import argparse
import datetime
import json
import re
import sys

try:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import SchemaError, best_match
except ImportError as exc:  # pragma: no cover - depends on the machine
    sys.stderr.write("validate_records.py: needs python3-jsonschema >= 4 (%s)\n" % exc)
    sys.exit(2)

RFC3339_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def check_rfc3339_date_time(instance):
    """True for an RFC 3339 date-time with a real calendar date and time."""
    if not isinstance(instance, str):
        return True  # formats apply to strings only
    m = RFC3339_DATE_TIME.match(instance)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    offset = m.group(8)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    # RFC 3339 allows a leap second (:60); datetime does not, so check it apart.
    if hour > 23 or minute > 59 or second > 60:
        return False
    if offset not in ("Z", "z"):
        oh, om = int(offset[1:3]), int(offset[4:6])
        if oh > 23 or om > 59:
            return False
    return True


def make_format_checker():
    checker = FormatChecker()
    if "date-time" not in checker.checkers:
        checker.checks("date-time")(check_rfc3339_date_time)
    return checker


def nonnegative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not an integer: %r" % text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0: %r" % text)
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="validate_records.py",
        description="Validate JSON lines against a newsworker JSON Schema (2020-12).")
    parser.add_argument("--schema", required=True, help="schema file (JSON)")
    parser.add_argument("--min", type=nonnegative_int, dest="min_count", metavar="N",
                        help="fail unless there are at least N records")
    parser.add_argument("--expect", type=nonnegative_int, dest="expect_count", metavar="N",
                        help="fail unless there are exactly N records")
    parser.add_argument("--all-errors", action="store_true",
                        help="after each invalid record's line, list every error, indented")
    parser.add_argument("file", help="JSON lines file, or - for standard input")
    return parser.parse_args(argv)


def load_validator(path):
    """Returns a validator, or exits 2 when the schema cannot be used."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as exc:
        sys.stderr.write("validate_records.py: cannot read schema %s: %s\n" % (path, exc))
        sys.exit(2)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        sys.stderr.write("validate_records.py: %s is not a valid 2020-12 schema: %s\n"
                         % (path, exc.message))
        sys.exit(2)
    return Draft202012Validator(schema, format_checker=make_format_checker())


def error_path(err):
    return "$" + "".join("[%d]" % p if isinstance(p, int) else ".%s" % p
                         for p in err.absolute_path)


def most_specific(errors):
    """The error to report for a record: jsonschema's best match, and inside a
    oneOf/anyOf ("x or null") the alternative that says what is wrong, rather
    than "is not valid under any of the given schemas"."""
    best = best_match(errors)
    while best.context:
        informative = [e for e in best.context if e.validator != "type"]
        best = best_match(informative or best.context)
    return best


def describe_id(record):
    if isinstance(record, dict) and isinstance(record.get("id"), str):
        return record["id"]
    return "-"


def open_input(name):
    if name == "-":
        return sys.stdin.buffer
    try:
        return open(name, "rb")
    except OSError as exc:
        sys.stderr.write("validate_records.py: cannot read %s: %s\n" % (name, exc))
        sys.exit(2)


def main(argv):
    args = parse_args(argv)
    validator = load_validator(args.schema)
    stream = open_input(args.file)

    total = valid = 0
    for lineno, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        total += 1
        try:
            record = json.loads(raw.decode("utf-8").strip())
        except UnicodeDecodeError as exc:
            print("line %d id=-: not UTF-8: %s" % (lineno, exc))
            continue
        except ValueError as exc:
            print("line %d id=-: not JSON: %s" % (lineno, exc))
            continue
        errors = sorted(validator.iter_errors(record),
                        key=lambda e: (list(map(str, e.absolute_path)), e.message))
        if not errors:
            valid += 1
            continue
        best = most_specific(errors)
        more = " (+%d more)" % (len(errors) - 1) if len(errors) > 1 else ""
        print("line %d id=%s: %s: %s%s" % (lineno, describe_id(record), error_path(best),
                                           best.message, more))
        if args.all_errors:
            for err in errors:
                err = most_specific([err])
                print("    %s: %s" % (error_path(err), err.message))
    if stream is not sys.stdin.buffer:
        stream.close()

    invalid = total - valid
    print("validated %d records: %d valid, %d invalid" % (total, valid, invalid))
    ok = invalid == 0
    if args.expect_count is not None and total != args.expect_count:
        print("expected exactly %d records, got %d" % (args.expect_count, total))
        ok = False
    if args.min_count is not None and total < args.min_count:
        print("expected at least %d records, got %d" % (args.min_count, total))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
