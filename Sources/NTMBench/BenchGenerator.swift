import Foundation
import Replica
import SyncCore

/// Generates the `apply` benchmark's workload: operations from many origins in a causal order, most of
/// them each origin rewriting its own rows, a share of them concurrent writes to shared fields.
struct BenchGenerator {
    let operations: Int
    let origins: Int
    /// The fraction of operations that are concurrent writes to shared fields.
    let concurrentShare: Double
    let seed: UInt64

    static let columns = ["a", "b", "c", "d"]

    /// Calls `body` with each operation, in generation (causal) order.
    ///
    /// The log is shaped like a district hub's: origins take turns in sessions of 20–200 operations (a
    /// commune's sync), and each edit writes 1–4 fields of one row (as one `ntm` command does). A share
    /// of the edits (`concurrentShare` of the operations) go to rows shared by a group of four replicas
    /// (two commune laptops, the district office, a department) and did not see the field's latest
    /// write, so that they conflict with it.
    func forEach(_ body: (SyncOperation) throws -> Void) rethrows {
        var random = SplitMix(seed: seed)
        var counters = [UInt64](repeating: 0, count: origins)
        // Each origin's chain: the hash of its last operation, named by its next one.
        var heads = [[UInt8]?](repeating: nil, count: origins)
        var vectors: [FieldKey: VersionVector] = [:]
        var latest: [FieldKey: Dot] = [:]
        let originNames = (0..<origins).map { "commune-\($0)" }
        var emitted = 0
        while emitted < operations {
            let origin = Int(random.next() % UInt64(origins))
            let session = 20 + Int(random.next() % 181)
            var inSession = 0
            while inSession < session, emitted < operations {
                let concurrent = Double(random.next() % 10_000) / 10_000 < concurrentShare
                let row = concurrent ? "s\(origin / 4)/r\(random.next() % 20)" : "c\(origin)/r\(random.next() % 100)"
                let width = 1 + Int(random.next() % 4)
                let first = Int(random.next() % 4)
                for offset in 0..<width where emitted < operations {
                    let column = Self.columns[(first + offset) % 4]
                    counters[origin] += 1
                    let dot = Dot(origin: originNames[origin], seq: counters[origin])
                    let key = FieldKey(table: "t", row: row, column: column)
                    let current = vectors[key] ?? VersionVector()
                    var context = current
                    // (A replica's own writes to a field are always ordered: it never misses its own write.)
                    if concurrent, let last = latest[key], last.origin != dot.origin {
                        context = VersionVector(
                            current.entries.map { ($0.replica, $0.replica == last.origin ? last.seq - 1 : $0.seq) })
                    }
                    var updated = current
                    updated.add(dot)
                    vectors[key] = updated
                    latest[key] = dot
                    let value: FieldValue = column == "b" ? .int(Int64(emitted)) : .text("giá trị \(emitted % 977)")
                    let op = SyncOperation(
                        dot: dot, key: key, value: value, context: context, author: "Người dùng \(origin)",
                        wallMs: 1_700_000_000_000 + Int64(emitted), prev: heads[origin])
                    heads[origin] = op.hash
                    try body(op)
                    emitted += 1
                    inSession += 1
                }
            }
        }
    }

    /// Writes the workload as a bundle file; `checkpoints` go in its header.
    func writeBundle(to path: String, schemaTag: String, checkpoints: [Checkpoint] = []) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var bundle = try BundleWriter(
            handle: handle, from: "bench", createdMs: 0, schemaTag: schemaTag, checkpoints: checkpoints)
        try forEach { op in try bundle.appendOperation { op.write(to: &$0) } }
        try bundle.finish()
    }
}

/// SplitMix64, so that the workload is the same in every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
