"""The peers of ntm's merge benchmark: the `apply` workload of scripts/bench.sh done by Loro and by Yrs.

The workload is the one `ntm-bench gen` writes (Sources/NTMBench/BenchGenerator.swift), generated here
by the same rule from the same seed, operation for operation (`--check BUNDLE` proves it against a
bundle the Swift generator wrote):
  OPS operations from ORIGINS origins. Origins take turns in sessions of 20-200 operations (a commune's
  sync); each edit writes 1-4 consecutive fields (of a, b, c, d) of one row; 10% of the edits go to rows
  shared by groups of four origins (s{origin/4}/r{0..19}), the rest to the origin's own rows
  (c{origin}/r{0..99}). Field b holds the operation's number, the others the text "giá trị N % 977".
  The random numbers are SplitMix64 from seed 42, drawn in the generator's order: origin, session
  length, shared or not, row, width, first field.

Each peer keeps one document per origin (as each laptop keeps its replica), commits each session as one
transaction and exports it as an update (what a laptop would send). The hub then merges every update in
session order and writes its state to disk with fsync: a durable merge, as `apply` is (ntm commits each
batch with synchronous=FULL). Timed: the merge and the durable write, not the laptops' work. Each peer
runs in its own process, so that its peak memory (ru_maxrss) is its own.
  Loro 1.x: one import_batch of every update (its fastest path), then a snapshot.
  Yrs (pycrdt): apply_update of each update in order, then the whole document's update.

Usage: python3 scripts/peer_bench.py loro|yrs [OPS] [ORIGINS]     one JSON line
       python3 scripts/peer_bench.py --check BUNDLE OPS ORIGINS      exit 0 when the workloads match
Needs: pip install loro pycrdt"""
import json, os, resource, sys, tempfile, time

COLUMNS = "abcd"
MASK = 0xFFFFFFFFFFFFFFFF


class SplitMix:
    """SplitMix64, as BenchGenerator's SplitMix."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def sessions(ops, origins, share=0.10, seed=42):
    """Yields (origin, [(row, column, value), ...]) per session, exactly as BenchGenerator.forEach
    emits operations: the last edit of a session may run past its length (an edit is never split)."""
    random, emitted = SplitMix(seed), 0
    while emitted < ops:
        origin = random.next() % origins
        length = 20 + random.next() % 181
        writes = []
        while len(writes) < length and emitted < ops:
            shared = (random.next() % 10_000) / 10_000 < share
            row = f"s{origin // 4}/r{random.next() % 20}" if shared else f"c{origin}/r{random.next() % 100}"
            width, first = 1 + random.next() % 4, random.next() % 4
            for offset in range(width):
                if emitted >= ops:
                    break
                column = COLUMNS[(first + offset) % 4]
                writes.append((row, column, emitted if column == "b" else f"giá trị {emitted % 977}"))
                emitted += 1
        yield origin, writes


def durable(path, data):
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def loro_peer(ops, origins, folder):
    import loro

    docs, updates, size = {}, [], 0
    for origin, writes in sessions(ops, origins):
        doc = docs.get(origin)
        if doc is None:
            doc = docs[origin] = loro.LoroDoc()
        before = doc.oplog_vv
        fields = doc.get_map("fields")
        for row, column, value in writes:
            fields.insert(f"{row}/{column}", value)
        doc.commit()
        update = doc.export(loro.ExportMode.Updates(before))
        updates.append(update)
        size += len(update)
    del docs
    hub = loro.LoroDoc()
    start = time.perf_counter()
    hub.import_batch(updates)
    merged = time.perf_counter()
    durable(os.path.join(folder, "loro.snapshot"), hub.export(loro.ExportMode.Snapshot()))
    end = time.perf_counter()
    return start, merged, end, size, len(updates)


def yrs_peer(ops, origins, folder):
    import pycrdt

    docs, updates, size = {}, [], 0
    for origin, writes in sessions(ops, origins):
        doc = docs.get(origin)
        if doc is None:
            doc = docs[origin] = pycrdt.Doc(client_id=origin + 1)
            doc["fields"] = pycrdt.Map()
        before = doc.get_state()
        fields = doc["fields"]
        with doc.transaction():
            for row, column, value in writes:
                fields[f"{row}/{column}"] = value
        update = doc.get_update(before)
        updates.append(update)
        size += len(update)
    del docs
    hub = pycrdt.Doc()
    hub["fields"] = pycrdt.Map()
    start = time.perf_counter()
    for update in updates:
        hub.apply_update(update)
    merged = time.perf_counter()
    durable(os.path.join(folder, "yrs.update"), hub.get_update())
    end = time.perf_counter()
    return start, merged, end, size, len(updates)


def check(bundle, ops, origins):
    """Whether the bundle's operations are the workload's, in order (row, column and value)."""
    expected = (w for _, writes in sessions(ops, origins) for w in writes)
    count = 0
    with open(bundle, encoding="utf-8") as f:
        for line in f:
            op = json.loads(line)
            if op.get("type") != "op":
                continue
            want = next(expected, None)
            if want != (op["row"], op["column"], op["value"]):
                print(f"operation {count}: bundle has {(op['row'], op['column'], op['value'])}, peers {want}")
                return False
            count += 1
    if count != ops or next(expected, None) is not None:
        print(f"the bundle has {count} operations, the workload {ops}")
        return False
    return True


def main(argv):
    if argv[:1] == ["--check"]:
        ok = check(argv[1], int(argv[2]), int(argv[3]))
        print(json.dumps({"name": "peer_workload_check", "bundle": argv[1], "same_workload": ok}))
        return 0 if ok else 1
    peer = argv[0] if argv else "loro"
    ops = int(argv[1]) if len(argv) > 1 else 1_000_000
    origins = int(argv[2]) if len(argv) > 2 else 500
    run = {"loro": loro_peer, "yrs": yrs_peer}[peer]
    with tempfile.TemporaryDirectory() as folder:
        start, merged, end, size, updates = run(ops, origins, folder)
    print(json.dumps({
        "name": f"peer_{peer}", "ops": ops, "origins": origins, "updates": updates,
        "merge_seconds": round(merged - start, 3), "durable_write_seconds": round(end - merged, 3),
        "ops_per_s": round(ops / (end - start)), "bytes_per_op": round(size / ops, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
