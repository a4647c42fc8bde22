#!/usr/bin/env bash
# Validates the protocol contract: the JSON Schemas in protocol/schema/ and every example in
# protocol/examples/*.ndjson, plus any extra files given as arguments (bundles written by tests, say).
#
#   scripts/check-protocol.sh [FILE ...]
#
# Each line is parsed as strictly as the Swift reader does (UTF-8, RFC 8259, no duplicate keys, depth
# at most 32, finite numbers, at most 1 MiB) and validated against the schema its "type" picks:
# op -> operation, bundle -> bundle-header, end -> bundle-trailer, summary -> summary. Outside bundles
# a line may carry a speaker tag ("> " client, "< " hub) for session transcripts, or ">! " for a
# client line that is malformed on purpose (shown in bad-input transcripts, never validated). A file whose first line is a
# bundle header is also checked as a bundle: header first, trailer last, count and sha256 right.
# Rules no schema can state (byte lengths, canonical order, sorted ranges) are checked here too.
#
# Exit status: 0 when everything is valid, 1 when some file or schema is not, 2 when the checks
# could not run (python3 or the jsonschema package missing).
set -euo pipefail

# Extra files are named relative to the caller's directory; remember where that was before moving.
caller_dir="$PWD"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v python3 >/dev/null 2>&1; then
    echo "check-protocol: python3 is required but was not found on PATH" >&2
    exit 2
fi
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
    echo "check-protocol: installing the Python package jsonschema (pip install jsonschema)" >&2
    python3 -m pip install --quiet jsonschema >&2 || true
    if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
        echo "check-protocol: the Python package jsonschema is missing and could not be installed;" \
            "install it with: python3 -m pip install jsonschema" >&2
        exit 2
    fi
fi

python3 - "$caller_dir" "$@" <<'PYTHON'
import glob
import hashlib
import json
import math
import os
import re
import sys

from jsonschema import Draft202012Validator, validators

MAX_LINE = 1_048_576  # bytes, newline included
MAX_DEPTH = 32
MAX_SEQ = 2**53 - 1
SCHEMA_DIR = "protocol/schema"
SCHEMA_FOR_TYPE = {
    "op": "operation",
    "bundle": "bundle-header",
    "end": "bundle-trailer",
    "summary": "summary",
    "hello": "session", "welcome": "session", "push": "session", "pushed": "session", "pull": "session",
    "batch": "session", "done": "session", "error": "session",
}
# Member order writers use (readers accept any order; unknown members may appear anywhere).
WRITE_ORDER = {
    "op": ["type", "origin", "seq", "table", "row", "column", "value", "context", "author", "wall_ms", "note"],
    "bundle": ["type", "version", "from", "created_ms", "schema", "since"],
    "end": ["type", "count", "sha256"],
    "summary": ["type", "replica", "schema", "origins"],
    "hello": ["type", "protocol", "replica", "commune", "schema", "epoch"],
    "welcome": ["type", "protocol", "hub", "epoch", "holds", "end", "district", "shared"],
    "push": ["type", "batch", "count", "defaults"],
    "pushed": ["type", "batch", "applied", "duplicates"],
    "pull": ["type", "cursor", "limit"],
    "batch": ["type", "to", "count", "defaults"],
    "done": ["type", "cursor"],
    "error": ["type", "code", "message"],
}
REPLICA_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

errors = 0


def report(where, message):
    global errors
    errors += 1
    print(f"{where}: {message}")


# Integers as the Swift reader sees them: only numbers written without fraction or exponent
# (1.0 and 1e3 are reals there, so they are refused where an integer is required).
def is_strict_integer(checker, instance):
    return isinstance(instance, int) and not isinstance(instance, bool)


StrictValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", is_strict_integer),
)


def load_schemas():
    schemas = {}
    paths = sorted(glob.glob(os.path.join(SCHEMA_DIR, "*.json")))
    for path in paths:
        try:
            with open(path, "rb") as handle:
                document = json.loads(handle.read().decode("utf-8"))
            Draft202012Validator.check_schema(document)
        except Exception as problem:  # noqa: BLE001 - every failure is reported the same way
            report(path, f"not a valid draft 2020-12 schema: {problem}")
            continue
        if document.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            report(path, '"$schema" must be "https://json-schema.org/draft/2020-12/schema"')
        name = os.path.basename(path)[: -len(".schema.json")]
        schemas[name] = StrictValidator(document)  # no format checker: formats are not asserted
    for name in SCHEMA_FOR_TYPE.values():
        if name not in schemas and not os.path.exists(os.path.join(SCHEMA_DIR, f"{name}.schema.json")):
            report(os.path.join(SCHEMA_DIR, f"{name}.schema.json"), "missing")
    return schemas


class LineError(Exception):
    pass


def refuse_constant(name):
    raise LineError(f"non-finite number {name}")


def parse_real(text):
    value = float(text)
    if not math.isfinite(value):
        raise LineError(f"number out of range: {text}")
    return value


def no_duplicates(pairs):
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise LineError(f'duplicate key "{key}"')
        seen.add(key)
    return Keyed(pairs)


class Keyed(dict):
    """A JSON object that remembers its members' document order."""

    def __init__(self, pairs):
        super().__init__(pairs)
        self.order = [key for key, _ in pairs]


def check_tree(value, depth=0):
    """Nesting depth (the outermost object or array is level 1) and unpaired surrogates."""
    if isinstance(value, (dict, list)):
        depth += 1
        if depth > MAX_DEPTH:
            raise LineError(f"nesting deeper than {MAX_DEPTH}")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str):
                check_text(key)
            check_tree(item, depth)
    elif isinstance(value, str):
        check_text(value)


def check_text(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise LineError("string holds an unpaired surrogate (\\uD800-\\uDFFF escape)") from None


def parse_line(raw):
    """One JSON text (bytes, without the newline), parsed as strictly as the Swift reader."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise LineError(f"invalid UTF-8 at byte {problem.start}") from None
    try:
        value = json.loads(
            text, object_pairs_hook=no_duplicates, parse_constant=refuse_constant, parse_float=parse_real
        )
    except json.JSONDecodeError as problem:
        raise LineError(f"not valid JSON: {problem.msg} at column {problem.colno}") from None
    check_tree(value)
    return value


def utf8_length(text):
    return len(text.encode("utf-8"))


def check_ranges(where, origins, what):
    """Writer rules for an `origins` object: origins sorted, ranges sorted, disjoint, non-adjacent."""
    if not isinstance(origins, dict):
        return
    keys = list(origins.order) if isinstance(origins, Keyed) else list(origins)
    if keys != sorted(keys):
        report(where, f"{what}: origins must be written sorted")
    for origin in keys:
        if not REPLICA_ID.fullmatch(origin):
            report(where, f'{what}: "{origin}" is not a replica id')
        ranges = origins[origin]
        if not isinstance(ranges, list):
            continue
        if not ranges:
            report(where, f'{what}: "{origin}" has an empty list of ranges (writers omit the origin)')
        previous = None
        for pair in ranges:
            if not (isinstance(pair, list) and len(pair) == 2 and all(is_strict_integer(None, n) for n in pair)):
                continue
            first, last = pair
            if first > last:
                report(where, f'{what}: range [{first}, {last}] of "{origin}" has first > last')
            elif previous is not None and first <= previous + 1:
                report(where, f'{what}: ranges of "{origin}" must be sorted, disjoint and non-adjacent'
                              f" ([{first}, {last}] follows a range ending at {previous})")
            previous = max(last, previous or 0)


def check_rules(where, kind, value):
    """Rules the schemas cannot express."""
    if isinstance(value, Keyed):
        known = [key for key in value.order if key in WRITE_ORDER[kind]]
        expected = [key for key in WRITE_ORDER[kind] if key in value]
        if known != expected:
            report(where, f"members must be written in the order {', '.join(expected)}")
    if kind == "op":
        for member, pattern in (("origin", REPLICA_ID), ("table", NAME), ("column", NAME)):
            if isinstance(value.get(member), str) and not pattern.fullmatch(value[member]):
                report(where, f'"{member}" is not a valid {"replica id" if pattern is REPLICA_ID else "name"}')
        row = value.get("row")
        if isinstance(row, str) and (utf8_length(row) > 512 or CONTROL.search(row)):
            report(where, '"row" must be 1-512 bytes of UTF-8 without control characters')
        author = value.get("author")
        if isinstance(author, str) and utf8_length(author) > 256:
            report(where, f'"author" is {utf8_length(author)} bytes long; the limit is 256')
        context = value.get("context")
        if isinstance(context, Keyed):
            for replica in context.order:
                if not REPLICA_ID.fullmatch(replica):
                    report(where, f'"context": "{replica}" is not a replica id')
            if context.order != sorted(context.order):
                report(where, '"context" entries must be written sorted by replica id')
        if value.get("column") == "_deleted" and not isinstance(value.get("value"), bool):
            report(where, '"_deleted" must be written with a boolean value')
        if value.get("note", "") is None:
            report(where, '"note" is written as null; writers omit it instead')
    elif kind == "bundle":
        if isinstance(value.get("from"), str) and not REPLICA_ID.fullmatch(value["from"]):
            report(where, '"from" is not a replica id')
        check_schema_string(where, value.get("schema"))
        check_ranges(where, value.get("since"), '"since"')
    elif kind == "summary":
        if isinstance(value.get("replica"), str) and not REPLICA_ID.fullmatch(value["replica"]):
            report(where, '"replica" is not a replica id')
        check_schema_string(where, value.get("schema"))
        check_ranges(where, value.get("origins"), '"origins"')


def check_schema_string(where, schema):
    if isinstance(schema, str) and (utf8_length(schema) > 256 or CONTROL.search(schema)):
        report(where, '"schema" must be 1-256 bytes of UTF-8 without control characters')


def validate_object(where, value, schemas):
    """Schema and extra rules for one parsed line. Returns its type, or None when it has none."""
    if not isinstance(value, dict):
        report(where, "a line must hold a JSON object")
        return None
    kind = value.get("type")
    if kind not in SCHEMA_FOR_TYPE:
        report(where, f"unknown type {json.dumps(kind, ensure_ascii=False)}"
                      f" (expected one of {', '.join(SCHEMA_FOR_TYPE)})")
        return None
    validator = schemas.get(SCHEMA_FOR_TYPE[kind])
    if validator is None:
        report(where, f"no schema {SCHEMA_FOR_TYPE[kind]}.schema.json to check it against")
        return kind
    for problem in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(part) for part in problem.absolute_path)
        report(where, f"{SCHEMA_FOR_TYPE[kind]}: {'/' + path + ': ' if path else ''}{problem.message}")
    check_rules(where, kind, value)
    return kind


def split_lines(data):
    """(line number, bytes without newline, ended by a newline) for every line of the file."""
    lines = data.split(b"\n")
    tail = lines.pop()  # after the last newline: empty in a well-formed file
    result = [(number, line, True) for number, line in enumerate(lines, start=1)]
    if tail:
        result.append((len(lines) + 1, tail, False))
    return result


def check_file(display, path, schemas):
    """Checks one file; returns the number of JSON lines it holds."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as problem:
        report(display, f"cannot read: {problem.strerror}")
        return 0
    lines = split_lines(data)
    if not lines:
        report(display, "empty file")
        return 0
    try:
        first = parse_line(lines[0][1])
        is_bundle = isinstance(first, dict) and first.get("type") == "bundle"
    except LineError:
        is_bundle = False
    before = errors
    count = check_bundle(display, lines, schemas) if is_bundle else check_transcript(display, lines, schemas)
    if errors == before:
        print(f"ok  {display} ({count} lines)")
    return count


def check_line_frame(where, raw, ended):
    if len(raw) + 1 > MAX_LINE:
        report(where, f"line is {len(raw) + int(ended)} bytes long; the limit is {MAX_LINE} including the newline")
        return False
    if not ended:
        report(where, "line does not end with a newline (truncated file?)")
    return True


def check_transcript(display, lines, schemas):
    """Files of objects, one a line, optionally tagged "> " or "< " by speaker; blank lines skipped."""
    count = 0
    defaults, left = {}, 0
    for number, raw, ended in lines:
        where = f"{display}:{number}"
        if not raw.strip():
            continue
        if not check_line_frame(where, raw, ended):
            continue
        if raw[:3] == b">! ":
            # A deliberately malformed client line (transcripts of bad input): framed, not validated.
            count += 1
            continue
        if raw[:2] in (b"> ", b"< "):
            raw = raw[2:]
        count += 1
        try:
            value = parse_line(raw)
        except LineError as problem:
            report(where, str(problem))
            continue
        kind = value.get("type") if isinstance(value, dict) else None
        if kind in ("push", "batch"):
            # The next "count" operation lines may leave out what "defaults" gives (PROTOCOL.md §11.2).
            defaults, left = value.get("defaults") or {}, value.get("count", 0)
        elif kind == "op" and left > 0:
            left -= 1
            if isinstance(value, Keyed) and any(key not in value for key in defaults):
                check_rules(where, "op", Keyed([(key, value[key]) for key in value.order]))
                pairs = [(key, value[key] if key in value else defaults[key])
                         for key in WRITE_ORDER["op"] if key in value or key in defaults]
                pairs += [(key, value[key]) for key in value.order if key not in WRITE_ORDER["op"]]
                value = Keyed(pairs)
        validate_object(where, value, schemas)
    return count


def check_bundle(display, lines, schemas):
    """A bundle file: header, operation lines, trailer; nothing else, no tags, no blank lines."""
    digest = hashlib.sha256()
    operations = 0
    trailer = None
    dots = {}
    for number, raw, ended in lines:
        where = f"{display}:{number}"
        if not check_line_frame(where, raw, ended):
            continue
        if trailer is not None:
            report(where, f"data after the trailer (line {trailer[0]}); nothing may follow it")
            break
        if not raw.strip():
            report(where, "blank line (bundle files have none)")
            continue
        try:
            value = parse_line(raw)
        except LineError as problem:
            tag = " (speaker tags are not allowed in bundle files)" if raw[:2] in (b"> ", b"< ") else ""
            report(where, f"{problem}{tag}")
            if number > 1:
                digest.update(raw + b"\n")
                operations += 1
            continue
        kind = validate_object(where, value, schemas)
        if number == 1:
            continue  # the header: is_bundle established its type
        if kind == "end":
            trailer = (number, value)
        elif kind == "bundle":
            report(where, "a second bundle header; the header comes once, on the first line")
        else:
            if kind is not None and kind != "op":
                report(where, f'a "{kind}" line inside a bundle; only operation lines go between header and trailer')
            digest.update(raw + b"\n")
            operations += 1
            if kind == "op" and isinstance(value.get("origin"), str) and isinstance(value.get("seq"), int):
                dot = (value["origin"], value["seq"])
                if dot in dots:
                    report(where, f"dot {dot[0]}:{dot[1]} already appears on line {dots[dot]}")
                else:
                    dots[dot] = number
    last = lines[-1][0]
    if trailer is None:
        report(f"{display}:{last}", 'no trailer {"type":"end",…} (truncated bundle?)')
    else:
        number, value = trailer
        where = f"{display}:{number}"
        if is_strict_integer(None, value.get("count")) and value["count"] != operations:
            report(where, f"count is {value['count']} but the bundle holds {operations} operation lines")
        actual = digest.hexdigest()
        if isinstance(value.get("sha256"), str) and value["sha256"] != actual:
            report(where, f"sha256 is {value['sha256']} but the operation lines hash to {actual}")
    return len(lines)


def main():
    caller_dir, extra = sys.argv[1], sys.argv[2:]
    schemas = load_schemas()
    files = [(path, path) for path in sorted(glob.glob("protocol/examples/*.ndjson"))]
    if not files:
        report("protocol/examples", "no *.ndjson example files")
    for name in extra:
        files.append((name, os.path.join(caller_dir, name)))
    total = 0
    for display, path in files:
        total += check_file(display, path, schemas)
    print(f"check-protocol: {len(files)} files, {total} lines, {errors} errors")
    return 1 if errors else 0


sys.exit(main())
PYTHON
