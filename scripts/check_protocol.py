#!/usr/bin/env python3
"""Validates the protocol contract: the JSON Schemas in protocol/schema/ and every example in
protocol/examples/*.ndjson, plus any extra files given as arguments (bundles written by tests, say).

  python3 scripts/check_protocol.py [FILE ...]

Each line is parsed as strictly as the Swift reader does (UTF-8, RFC 8259, no duplicate keys, depth
at most 32, finite numbers, at most 1 MiB) and validated against the schema its "type" picks:
op -> operation, bundle -> bundle-header, end -> bundle-trailer, summary -> summary, file -> file,
chunk -> chunk, files-end -> files-end, session messages
(hello, challenge, auth, welcome, push, pushed, pull, batch, done, error, probe, probed, the file
messages, enrolments, enrolments-taken) -> session. Outside bundles
a line may carry a speaker tag ("> " client, "< " hub) for session transcripts, or ">! " for a
client line that is malformed on purpose (shown in bad-input transcripts, never validated). A file whose first line is a
bundle header is also checked as a bundle: header first, trailer last, count and sha256 right; in a
version 2 bundle the file section after the trailer (§7.6): each file's manifest line then its chunk
lines in index order, each chunk of the manifest's length and hash, the chunks making the file's
SHA-256 and size, and files-end last with the right counts.
Rules no schema can state (byte lengths, canonical order, sorted ranges, assessment.value a real) are
checked here too, and
the hash chains (PROTOCOL.md §4.6): in a bundle every operation line must be its canonical line, and
every operation after an origin's first whose predecessor is in the file must name the SHA-256 of the
predecessor's line as its prev. In a session transcript each batch's operation lines are completed
(defaults, and the prev a left-out prev takes from the line before, §11.2), pulled operations must be
byte for byte the lines of the example bundle the transcripts' hub holds, every chain must continue
what the hub holds or the session showed before, and a push that breaks one must be answered with
broken-chain (and only such a push). In a
session transcript the handshake order is checked (the hub answers hello with challenge or error,
welcome comes only after auth), pushed must account for every operation of its push, and, the auth signature of a session whose hello names the
replica of protocol/examples/*.credential is verified with that credential's key.

Exit status: 0 when everything is valid, 1 when some file or schema is not, 2 when the checks
could not run (a package of scripts/requirements.txt missing: pip install -r scripts/requirements.txt).

An independent checker: it shares no code with the Swift reader and writer, so that the two can
disagree and be caught. Its own tests: python3 -m unittest discover -s scripts -p "test_*.py".
"""
import base64
import binascii
import glob
import hashlib
import json
import math
import os
import re
import sys

try:
    from jsonschema import Draft202012Validator, validators
except ImportError:
    print("check-protocol: the Python package jsonschema is missing; install the pinned requirements:"
          " python3 -m pip install -r scripts/requirements.txt", file=sys.stderr)
    sys.exit(2)
try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
except ImportError:
    print("check-protocol: the Python package cryptography is missing (the signatures cannot be checked);"
          " install the pinned requirements: python3 -m pip install -r scripts/requirements.txt", file=sys.stderr)
    sys.exit(2)

MAX_LINE = 1_048_576  # bytes, newline included
MAX_DEPTH = 32
MAX_SEQ = 2**53 - 1
SCHEMA_DIR = "protocol/schema"
SCHEMA_FOR_TYPE = {
    "op": "operation",
    "bundle": "bundle-header",
    "end": "bundle-trailer",
    "summary": "summary",
    "file": "file", "chunk": "chunk", "files-end": "files-end",
    "hello": "session", "challenge": "session", "auth": "session", "welcome": "session", "push": "session",
    "pushed": "session", "pull": "session", "batch": "session", "done": "session", "error": "session",
    "probe": "session", "probed": "session",
    "offer": "session", "accept": "session", "decline": "session", "fetch": "session", "get": "session",
    "stored": "session", "bye": "session", "enrolments": "session", "enrolments-taken": "session",
}
# Member order writers use (readers accept any order; unknown members may appear anywhere).
WRITE_ORDER = {
    "op": ["type", "origin", "seq", "table", "row", "column", "value", "context", "author", "wall_ms", "note", "prev"],
    "bundle": ["type", "version", "from", "created_ms", "schema", "since"],
    "end": ["type", "count", "sha256"],
    "summary": ["type", "replica", "schema", "origins", "files"],
    "file": ["type", "sha256", "size", "chunks"],
    "chunk": ["type", "sha256", "index", "data"],
    "files-end": ["type", "files", "chunks"],
    "hello": ["type", "protocol", "replica", "commune", "schema", "epoch", "head", "enrolments", "lower_hub",
              "compress"],
    "challenge": ["type", "hub", "nonce"],
    "auth": ["type", "signature"],
    "welcome": ["type", "protocol", "hub", "epoch", "holds", "end", "district", "shared", "role", "whole", "refused",
                "head", "file_limit", "hub_key", "enrolments", "enrolments_wanted", "above", "scope_digest",
                "compress"],
    "push": ["type", "batch", "count", "defaults"],
    "pushed": ["type", "batch", "applied", "duplicates", "refused"],
    "pull": ["type", "cursor", "limit"],
    "batch": ["type", "to", "count", "defaults"],
    "done": ["type", "cursor"],
    "error": ["type", "code", "message"],
    "probe": ["type", "seq"],
    "probed": ["type", "seq", "hash"],
    "offer": ["type", "sha256", "size", "chunks"],
    "accept": ["type", "sha256", "need"],
    "decline": ["type", "sha256", "code", "reason"],
    "fetch": ["type", "sha256"],
    "get": ["type", "sha256", "index"],
    "stored": ["type", "sha256", "index", "ok", "complete"],
    "bye": ["type"],
    "enrolments": ["type", "records"],
    "enrolments-taken": ["type", "taken"],
}
REFUSAL_ORDER = ["origin", "seq", "reason"]
CREDENTIAL_FORMAT = "ntm-credential/1"
CREDENTIAL_ORDER = ["format", "replica", "role", "hub", "key", "district"]
REPLICA_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")
ROLE = re.compile(r"commune:[a-z0-9-]{1,64}|department:.+|district(?::[a-z0-9-]{1,64})?|sector:.+|province")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Columns of the NTM tables (appendix B) that hold real numbers: an integer there is not canonical.
REAL_COLUMNS = {("assessment", "value")}
HASH = re.compile(r"[0-9a-f]{64}")
CHUNK_SIZE = 262_144  # bytes in every chunk of a file but the last (§7.6, §13.1)
FILE_PREFIX = 16  # hex digits of a file's SHA-256 in a summary's "files" (§6)
HUB_BUNDLE = "protocol/examples/concurrent-edit.bundle.ndjson"  # what the transcripts' hub holds (§11.10)
HUB_OPERATIONS = {}  # its operations, dot -> exact line bytes (load_hub_operations)

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
        real = value.get("value")
        if (value.get("table"), value.get("column")) in REAL_COLUMNS and isinstance(real, int) and not isinstance(real, bool):
            report(where, f'{value["table"]}.{value["column"]} is a real number: write {real} as {float(real)!r} (appendix B)')
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
        files = value.get("files")
        if isinstance(files, list):
            if files != sorted(files):
                report(where, '"files" must be written sorted')
            if any(isinstance(name, str) and len(name) != FILE_PREFIX for name in files):
                report(where, f'"files": writers write the first {FILE_PREFIX} hex digits of each SHA-256')
            if not files:
                report(where, '"files" is empty; writers omit it when no file is present')
    elif kind == "welcome":
        check_ranges(where, value.get("holds"), '"holds"')
    if kind in ("welcome", "pushed") and isinstance(value.get("refused"), list):
        for index, refusal in enumerate(value["refused"]):
            if isinstance(refusal, Keyed):
                known = [key for key in refusal.order if key in REFUSAL_ORDER]
                if known != [key for key in REFUSAL_ORDER if key in refusal]:
                    report(where, f'"refused"/{index}: members must be written in the order {", ".join(REFUSAL_ORDER)}')
            if isinstance(refusal, dict) and isinstance(refusal.get("reason"), str) \
                    and utf8_length(refusal["reason"]) > 1024:
                report(where, f'"refused"/{index}: "reason" is longer than 1024 bytes')


def check_schema_string(where, schema):
    if isinstance(schema, str) and (utf8_length(schema) > 256 or CONTROL.search(schema)):
        report(where, '"schema" must be 1-256 bytes of UTF-8 without control characters')


# The canonical line of an operation (PROTOCOL.md §4.6): what the reference writer
# (SyncOperation.jsonLine) writes, whose SHA-256 the origin's next operation names as its prev.
def canonical_string(text):
    r"""A JSON string escaped as JSONWriter does: quote, backslash, \n \r \t, other controls as \u00xx."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def canonical_scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if -(2**63) <= value < 2**63:
            return str(value)
        value = float(value)  # an integer literal outside 64 bits is a real (§2.3)
    if isinstance(value, float):
        # Shortest round-trip digits; Python's repr agrees with Swift's description for the values the
        # examples use (96.5, 100.0, 1e-05, 1e+16), not necessarily at the edges of decimal notation.
        return repr(value)
    if isinstance(value, str):
        return canonical_string(value)
    raise ValueError("not a scalar")


def canonical_line(op):
    """The canonical line of a complete operation object, or None when it cannot have one."""
    try:
        parts = ['{"type":"op"']
        parts.append(f',"origin":{canonical_string(op["origin"])}')
        parts.append(f',"seq":{op["seq"]}')
        for member in ("table", "row", "column"):
            parts.append(f',"{member}":{canonical_string(op[member])}')
        parts.append(f',"value":{canonical_scalar(op["value"])}')
        context = op["context"]
        entries = ",".join(f"{canonical_string(replica)}:{context[replica]}"
                           for replica in sorted(context, key=lambda r: r.encode("utf-8")))
        parts.append(f',"context":{{{entries}}}')
        parts.append(f',"author":{canonical_string(op["author"])}')
        parts.append(f',"wall_ms":{op["wall_ms"]}')
        if op.get("note") is not None:
            parts.append(f',"note":{canonical_string(op["note"])}')
        if op.get("prev") is not None:
            parts.append(f',"prev":"{op["prev"]}"')
        parts.append("}")
        return "".join(parts).encode("utf-8")
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def is_operation(value):
    """Whether a parsed op line is complete enough to hash (the schema reports what is wrong otherwise)."""
    return (isinstance(value, dict) and isinstance(value.get("origin"), str)
            and is_strict_integer(None, value.get("seq")) and value["seq"] >= 1
            and isinstance(value.get("context"), dict) and isinstance(value.get("author"), str)
            and is_strict_integer(None, value.get("wall_ms"))
            and (value.get("prev") is None or (isinstance(value["prev"], str) and HASH.fullmatch(value["prev"]))))


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


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


def check_file(display, path, schemas, credentials):
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
    count = check_bundle(display, lines, schemas) if is_bundle else check_transcript(display, lines, schemas, credentials)
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


def load_credentials():
    """The example credentials (protocol/examples/*.credential), checked; replica id -> credential."""
    credentials = {}
    for path in sorted(glob.glob("protocol/examples/*.credential")):
        with open(path, "rb") as handle:
            data = handle.read()
        lines = split_lines(data)
        if len(lines) != 1 or not lines[0][2]:
            report(path, "a credential file is one line ended by a newline")
            continue
        try:
            value = parse_line(lines[0][1])
        except LineError as problem:
            report(f"{path}:1", str(problem))
            continue
        before = errors
        if not isinstance(value, dict) or value.get("format") != CREDENTIAL_FORMAT:
            report(f"{path}:1", f'not a credential: "format" must be "{CREDENTIAL_FORMAT}"')
            continue
        for member in ("replica", "hub"):
            if not (isinstance(value.get(member), str) and REPLICA_ID.fullmatch(value[member])):
                report(f"{path}:1", f'"{member}" is not a replica id')
        role = value.get("role")
        if not (isinstance(role, str) and ROLE.fullmatch(role)):
            report(f"{path}:1", '"role" must be commune:SLUG, department:NAME, district, district:SLUG, sector:NAME'
                                ' or province')
        if not (isinstance(value.get("key"), str) and re.fullmatch(r"[0-9a-f]{64}", value["key"])):
            report(f"{path}:1", '"key" must be 32 bytes in lowercase hex (the Ed25519 private seed)')
        if "district" in value and not isinstance(value["district"], str):
            report(f"{path}:1", '"district" must be a string')
        if isinstance(value, Keyed):
            known = [key for key in value.order if key in CREDENTIAL_ORDER]
            if known != [key for key in CREDENTIAL_ORDER if key in value]:
                report(f"{path}:1", f"members must be written in the order {', '.join(CREDENTIAL_ORDER)}")
        if errors == before:
            credentials[value["replica"]] = value
            print(f"ok  {path} (credential of {value['replica']})")
    return credentials


def challenge_message(hub, nonce_hex, replica):
    """The bytes a replica signs (PROTOCOL.md §11.4.2)."""
    return f"ntm-auth/1\n{hub}\n{nonce_hex.lower()}\n{replica}\n".encode("utf-8")


def verify_signature(credential, hub, nonce_hex, replica, signature_hex):
    """None when the signature is right; else what is wrong."""
    try:
        key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(credential["key"])).public_key()
        key.verify(bytes.fromhex(signature_hex), challenge_message(hub, nonce_hex, replica))
    except InvalidSignature:
        return (f"the signature does not verify with the key of {replica}'s credential over"
                f' "ntm-auth/1\\n{hub}\\n<nonce>\\n{replica}\\n"')
    except ValueError as problem:
        return f"cannot check the signature: {problem}"
    return None


class Handshake:
    """The order of a session's start (PROTOCOL.md §11.3), followed line by line in a transcript."""

    def __init__(self, display, credentials):
        self.display = display
        self.credentials = credentials
        self.state = "start"  # start, hello, challenged, authenticated, welcomed, ended
        self.hello = None
        self.challenge = None
        self.push = None  # (where, count) of the push waiting for its pushed

    def see(self, where, kind, value):
        if kind == "op" or not isinstance(value, dict):
            return
        state = self.state
        if kind == "hello":
            if state != "start":
                report(where, "a second hello; hello is the first line of a session, once")
            self.hello, self.state = value, "hello"
        elif state == "hello":
            if kind == "challenge":
                self.challenge, self.state = value, "challenged"
            elif kind == "error":
                self.state = "ended"
            else:
                report(where, f'the hub answers hello with challenge or error, not "{kind}"')
                self.state = "ended"
        elif kind == "auth":
            if state != "challenged":
                report(where, "auth without a challenge to answer")
            else:
                self.state = "authenticated"
                self.check_signature(where, value)
        elif kind == "welcome":
            if state != "authenticated":
                report(where, "welcome before auth: the hub welcomes only a client that answered its challenge")
            self.state = "welcomed"
        elif kind == "challenge":
            report(where, "challenge is the hub's answer to hello, nothing else")
        elif kind in ("push", "pull", "probe") and state not in ("welcomed", "start"):
            if state != "ended":
                report(where, f"{kind} before welcome")
        if kind == "push":
            self.push = (where, value.get("count"))
        elif kind == "pushed" and self.push is not None:
            counts = [value.get(member) for member in ("applied", "duplicates")]
            refused = value.get("refused", [])
            push_where, count = self.push
            if all(is_strict_integer(None, n) for n in counts + [count]) and isinstance(refused, list) \
                    and sum(counts) + len(refused) != count:
                report(where, f"applied + duplicates + refused is {sum(counts) + len(refused)}, but the push"
                              f" ({push_where}) sent {count} operations")
            self.push = None

    def check_signature(self, where, auth):
        replica = self.hello.get("replica") if isinstance(self.hello, dict) else None
        credential = self.credentials.get(replica)
        if credential is None:
            return
        hub, nonce = self.challenge.get("hub"), self.challenge.get("nonce")
        signature = auth.get("signature")
        if not all(isinstance(text, str) and re.fullmatch(r"(?:[0-9a-f]{2})+", text) for text in (nonce, signature)):
            return  # the schema already reports a malformed nonce or signature
        if hub != credential.get("hub"):
            report(where, f"the challenge names hub {hub} but {replica}'s credential is for {credential.get('hub')};"
                          " the client must answer an error, not auth")
            return
        problem = verify_signature(credential, hub, nonce, replica, signature)
        if problem:
            report(where, problem)


def check_transcript(display, lines, schemas, credentials):
    """Files of objects, one a line, optionally tagged "> " or "< " by speaker; blank lines skipped."""
    count = 0
    defaults, left = {}, 0
    handshake = Handshake(display, credentials)
    chain = Chains(display, HUB_OPERATIONS)
    files = FileTransfers()
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
            if not isinstance(defaults, dict):
                defaults = {}
            chain.start(where, kind)
        elif kind == "op" and left > 0:
            left -= 1
            if isinstance(value, Keyed):
                original = value
                filled = dict(defaults)
                if "seq" not in value:
                    # Version 7: seq left out after the same origin's previous operation (§11.2).
                    origin = value.get("origin", defaults.get("origin"))
                    if chain.previous is not None and chain.previous[0][0] == origin:
                        filled["seq"] = chain.previous[0][1] + 1
                    else:
                        report(where, "an operation line leaves out seq but the line before is not of its origin")
                if any(key not in value for key in filled):
                    check_rules(where, "op", Keyed([(key, value[key]) for key in value.order]))
                pairs = [(key, value[key] if key in value else filled[key])
                         for key in WRITE_ORDER["op"] if key in value or key in filled]
                pairs += [(key, value[key]) for key in value.order if key not in WRITE_ORDER["op"]]
                value = chain.operation(where, original, Keyed(pairs))
        elif kind in ("pushed", "error"):
            chain.answer(where, kind, value)
        elif kind in ("offer", "chunk"):
            files.see(where, kind, value)
        kind = validate_object(where, value, schemas)
        handshake.see(where, kind, value)
    return count


class FileTransfers:
    """The file messages of a transcript (PROTOCOL.md §13): every manifest has one chunk hash per 256 KiB
    of its size, and every chunk is base64 of bytes that hash to its manifest's chunk hash."""

    def __init__(self):
        self.manifests = {}  # sha256 -> list of chunk hashes
        self.received = {}  # sha256 -> {index: bytes}

    def see(self, where, kind, value):
        sha = value.get("sha256")
        if kind == "offer":
            size, chunks = value.get("size"), value.get("chunks")
            if not (is_strict_integer(None, size) and isinstance(chunks, list)):
                return  # the schema reports it
            if len(chunks) != -(-size // CHUNK_SIZE):
                report(where, f"a file of {size} bytes has {-(-size // CHUNK_SIZE)} chunks, the manifest lists"
                              f" {len(chunks)}")
            self.manifests[sha] = chunks
            return
        chunks, index = self.manifests.get(sha), value.get("index")
        if chunks is None:
            report(where, "a chunk of a file no offer in this transcript described")
            return
        try:
            data = base64.b64decode(value.get("data", ""), validate=True)
        except (binascii.Error, TypeError):
            report(where, "chunk data is not base64")
            return
        if not is_strict_integer(None, index) or not 0 <= index < len(chunks):
            report(where, f"chunk index {index} is outside the file's {len(chunks)} chunks")
        elif sha256_hex(data) != chunks[index]:
            report(where, f"chunk {index} does not hash to its manifest's chunk hash")
        else:
            held = self.received.setdefault(sha, {})
            held[index] = data
            if len(held) == len(chunks) and sha256_hex(b"".join(held[i] for i in range(len(chunks)))) != sha:
                report(where, "the chunks do not make a file with the manifest's sha256")


class Chains:
    """The batch rule for prev (§11.2) and the hash chains (§4.6) along one transcript, whose hub holds
    the example bundle (§11.10)."""

    def __init__(self, display, held):
        self.display = display
        self.hub = held  # dot -> exact line bytes of what the hub holds before the session
        self.known = dict(held)  # dot -> canonical line, of every operation seen so far
        self.kind = None  # "push" or "batch"
        self.previous = None  # (dot, canonical line) of the batch's line before
        self.push = None  # where the push waiting for its answer began
        self.problem = None  # (where, message): the first broken chain of that push

    def start(self, where, kind):
        self.kind, self.previous = kind, None
        if kind == "push":
            self.push, self.problem = where, None

    def operation(self, where, original, value):
        """The operation completed by the batch rule for prev; checks its chain."""
        if not is_operation(value):
            self.previous = None
            return value
        dot = (value["origin"], value["seq"])
        before = (dot[0], dot[1] - 1)
        follows = self.previous is not None and self.previous[0] == before
        if "prev" not in original:
            if follows:
                value = insert_prev(value, sha256_hex(self.previous[1]))
        elif original["prev"] is None:
            if not follows:
                report(where, '"prev":null where the line before is not this operation\'s predecessor:'
                              " writers leave prev out there (null only overrides the hash the line before implies)")
            value = Keyed([(key, value[key]) for key in value.order if key != "prev"])
        elif follows and original["prev"] == sha256_hex(self.previous[1]):
            report(where, '"prev" is the hash of the line before, which is this operation\'s predecessor:'
                          " writers leave it out in a batch")
        line = canonical_line(value)
        if line is None:
            self.previous = None
            return value
        if dot[1] > 1:
            predecessor = self.previous[1] if follows else self.known.get(before)
            if predecessor is not None:
                expected = sha256_hex(predecessor)
                prev = value.get("prev")
                if prev != expected:
                    message = (f"{dot[0]}:{dot[1]} {'names no prev' if prev is None else 'has prev ' + prev},"
                               f" but the SHA-256 of {before[0]}:{before[1]} is {expected}")
                    if self.kind == "push":
                        if self.problem is None:
                            self.problem = (where, message)
                    else:
                        report(where, f"the hub sends a broken chain: {message}")
        if self.kind == "batch" and dot in self.hub and self.hub[dot] != line:
            report(where, f"{dot[0]}:{dot[1]}, completed from the batch, is not the line the hub holds"
                          f" ({HUB_BUNDLE}): {self.hub[dot].decode('utf-8', 'replace')}")
        self.known.setdefault(dot, line)
        self.previous = (dot, line)
        return value

    def answer(self, where, kind, value):
        if self.push is None:
            return
        code = value.get("code") if kind == "error" else None
        if kind == "pushed" and self.problem is not None:
            report(self.problem[0], f"the hub must refuse this push with broken-chain, yet answers pushed"
                                    f" ({where}): {self.problem[1]}")
        elif code == "broken-chain" and self.problem is None:
            report(where, f"broken-chain, but every operation of the push ({self.push}) continues its chain")
        self.push, self.problem = None, None


def insert_prev(value, prev):
    """The operation with prev set, members in writer order."""
    pairs = [(key, value[key]) for key in value.order if key != "prev"]
    position = next((index for index, (key, _) in enumerate(pairs) if key not in WRITE_ORDER["op"]), len(pairs))
    return Keyed(pairs[:position] + [("prev", prev)] + pairs[position:])


def check_chains(display, dots):
    """Every operation after an origin's first whose predecessor is in the file names its hash (§4.6)."""
    for (origin, seq), (number, _, value) in sorted(dots.items(), key=lambda item: item[1][0]):
        before = dots.get((origin, seq - 1)) if seq > 1 else None
        if before is None or not isinstance(value, dict):
            continue
        expected = sha256_hex(before[1])
        prev = value.get("prev")
        if prev is None:
            report(f"{display}:{number}", f"{origin}:{seq} names no prev, but its predecessor {origin}:{seq - 1}"
                                          f" is on line {before[0]}: prev must be {expected}")
        elif prev != expected:
            report(f"{display}:{number}", f"{origin}:{seq} has prev {prev}, but the SHA-256 of {origin}:{seq - 1}"
                                          f" (line {before[0]}) is {expected}: the chain is broken")


def load_hub_operations():
    """The transcripts' hub holds the example bundle (§11.10): dot -> its exact line bytes."""
    held = {}
    try:
        with open(HUB_BUNDLE, "rb") as handle:
            data = handle.read()
    except OSError:
        return held
    for _, raw, _ in split_lines(data)[1:]:
        try:
            value = parse_line(raw)
        except LineError:
            continue
        if isinstance(value, dict) and value.get("type") == "op" and is_operation(value):
            held[(value["origin"], value["seq"])] = raw
    return held


def check_bundle(display, lines, schemas):
    """A bundle file: header, operation lines, trailer; nothing else, no tags, no blank lines."""
    digest = hashlib.sha256()
    operations = 0
    trailer = None
    dots = {}
    try:
        version = parse_line(lines[0][1]).get("version")
    except LineError:
        version = None
    file_section = None
    for index, (number, raw, ended) in enumerate(lines):
        where = f"{display}:{number}"
        if trailer is not None and version == 2:
            file_section = lines[index:]
            break
        if not check_line_frame(where, raw, ended):
            continue
        if trailer is not None:
            report(where, f"data after the trailer (line {trailer[0]}); nothing may follow it in a version 1 bundle")
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
            if kind in ("file", "chunk", "files-end"):
                report(where, f'a "{kind}" line before the trailer; the file section follows the trailer (§7.6)')
            elif kind is not None and kind != "op":
                report(where, f'a "{kind}" line inside a bundle; only operation lines go between header and trailer')
            digest.update(raw + b"\n")
            operations += 1
            if kind == "op" and isinstance(value.get("origin"), str) and isinstance(value.get("seq"), int):
                dot = (value["origin"], value["seq"])
                if dot in dots:
                    report(where, f"dot {dot[0]}:{dot[1]} already appears on line {dots[dot][0]}")
                else:
                    dots[dot] = (number, raw, value)
                if "prev" in value and value["prev"] is None:
                    report(where, '"prev" is written as null; outside a batch writers omit it instead')
                if is_operation(value) and canonical_line(value) != raw:
                    report(where, "not the operation's canonical line (§4.6): writers write exactly that,"
                                  " so that the line's SHA-256 is the hash the next operation names")
    check_chains(display, dots)
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
        if version == 2:
            check_file_section(display, number, file_section or [], schemas)
    return len(lines)


def decode_base64(text):
    """Standard base64 with padding (RFC 4648 §4), strictly; None when it is not."""
    if not isinstance(text, str) or len(text) % 4:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def check_file_section(display, trailer_line, lines, schemas):
    """A version 2 bundle's file section (§7.6): for each file its manifest line and its chunk lines in
    index order, each chunk the manifest's hash and length, the chunks making the file; then files-end
    with the right counts, last and once."""
    if not lines:
        report(f"{display}:{trailer_line}", "a version 2 bundle has a file section after its trailer; none found"
                                            " (truncated bundle?)")
        return
    files = chunks = 0
    seen = {}
    current = None  # [where, manifest, next index, whole-file hasher, bytes]
    end = None

    def close():
        if current is None:
            return
        where, manifest, index, whole, size = current
        if index != len(manifest["chunks"]):
            report(where, f"the file has {len(manifest['chunks'])} chunks but {index} chunk lines follow it")
        elif whole.hexdigest() != manifest["sha256"] or size != manifest["size"]:
            report(where, "the chunks do not make the file: their bytes do not hash to its sha256 or size")

    for number, raw, ended in lines:
        where = f"{display}:{number}"
        if not check_line_frame(where, raw, ended):
            continue
        if end is not None:
            report(where, f"data after the files-end line (line {end}); nothing may follow it")
            break
        try:
            value = parse_line(raw)
        except LineError as problem:
            report(where, str(problem))
            continue
        kind = validate_object(where, value, schemas)
        if kind == "file":
            close()
            current = None
            files += 1
            sha, size, hashes = value.get("sha256"), value.get("size"), value.get("chunks")
            if not (isinstance(sha, str) and HASH.fullmatch(sha) and is_strict_integer(None, size) and size >= 0
                    and isinstance(hashes, list) and all(isinstance(h, str) and HASH.fullmatch(h) for h in hashes)):
                continue  # the schema said what is wrong
            expected = (size + CHUNK_SIZE - 1) // CHUNK_SIZE
            if len(hashes) != expected:
                report(where, f"a file of {size} bytes has {expected} chunks of {CHUNK_SIZE} bytes, not {len(hashes)}")
                continue
            if sha in seen:
                report(where, f"the file {sha[:12]}… already appears on line {seen[sha]}")
            seen[sha] = number
            current = [where, value, 0, hashlib.sha256(), 0]
        elif kind == "chunk":
            chunks += 1
            if current is None or value.get("sha256") != current[1]["sha256"]:
                report(where, "a chunk line must follow its file's manifest line and that file's earlier chunks")
                continue
            manifest, index = current[1], current[2]
            if value.get("index") != index:
                report(where, f"chunk index {value.get('index')} where chunk {index} comes next (chunks go in order)")
                continue
            if index >= len(manifest["chunks"]):
                report(where, f"the file has only {len(manifest['chunks'])} chunks")
                continue
            data = decode_base64(value.get("data"))
            if data is None:
                report(where, '"data" is not standard base64 with padding')
                current[2] += 1
                continue
            length = min(CHUNK_SIZE, manifest["size"] - index * CHUNK_SIZE)
            if len(data) != length:
                report(where, f"chunk {index} holds {len(data)} bytes; it must hold {length}")
            elif sha256_hex(data) != manifest["chunks"][index]:
                report(where, f"chunk {index} does not hash to the manifest's chunk hash")
            current[2] += 1
            current[3].update(data)
            current[4] += len(data)
        elif kind == "files-end":
            close()
            current = None
            end = number
            for member, count in (("files", files), ("chunks", chunks)):
                if is_strict_integer(None, value.get(member)) and value[member] != count:
                    report(where, f"{member} is {value[member]} but the section holds {count} {member[:-1]} lines")
        elif kind is not None:
            report(where, f'a "{kind}" line in the file section; only file, chunk and files-end lines go there')
    if end is None:
        close()
        report(f"{display}:{lines[-1][0]}", 'no files-end line {"type":"files-end",…} (truncated bundle?)')
    elif files == 0:
        report(f"{display}:{end}", "a file section with no file; writers write a version 1 bundle instead")


def main(arguments):
    # Extra files are named relative to the caller's directory; the examples relative to the repository.
    caller_dir = os.getcwd()
    os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    extra = arguments
    global HUB_OPERATIONS
    schemas = load_schemas()
    credentials = load_credentials()
    HUB_OPERATIONS = load_hub_operations()
    files = [(path, path) for path in sorted(glob.glob("protocol/examples/*.ndjson"))]
    if not files:
        report("protocol/examples", "no *.ndjson example files")
    for name in extra:
        files.append((name, os.path.join(caller_dir, name)))
    total = 0
    for display, path in files:
        total += check_file(display, path, schemas, credentials)
    print(f"check-protocol: {len(files)} files, {total} lines, {errors} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
