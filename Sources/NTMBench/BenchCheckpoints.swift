import Foundation
import Replica
import SyncCore

/// What signing chain heads costs (issue 15): verifying one checkpoint per 256 operations against the
/// baseline of verifying a signature on every operation, per million operations, on this machine.
enum BenchCheckpoints {
    static func run(count: Int) throws {
        let seed = [UInt8](repeating: 42, count: 32)
        let publicKey = try Checkpoint.publicKey(seed: seed)
        var checkpoints: [Checkpoint] = []
        checkpoints.reserveCapacity(count)
        let signing = Date()
        for index in 0..<count {
            let head = Hex.bytes(FileManifest.digest(Array("head \(index)".utf8)))!
            checkpoints.append(
                try Checkpoint.sign(origin: "xa-dan-ly-1", seq: UInt64(index + 1), head: head, seed: seed))
        }
        let signSeconds = Date().timeIntervalSince(signing)
        let verifying = Date()
        let valid = checkpoints.filter { $0.verify(publicKey: publicKey) }.count
        let verifySeconds = Date().timeIntervalSince(verifying)
        guard valid == count else {
            FileHandle.standardError.write(Data("\(count - valid) checkpoints did not verify\n".utf8))
            exit(1)
        }
        let verifyMs = verifySeconds / Double(count) * 1000
        func rounded(_ value: Double, _ scale: Double) -> JSONValue { .double((value * scale).rounded() / scale) }
        print(
            JSONWriter.string(
                .object([
                    "name": .string("checkpoint_verify"), "checkpoints": .int(Int64(count)),
                    "sign_ms_each": rounded(signSeconds / Double(count) * 1000, 10000),
                    "verify_ms_each": rounded(verifyMs, 10000),
                    "seconds_per_million_ops_one_per_256": rounded(verifyMs * 1_000_000 / 256 / 1000, 1000),
                    "baseline_seconds_per_million_ops_one_per_op": rounded(verifyMs * 1_000_000 / 1000, 100),
                ])))
    }

    /// The key of a generated origin: a seed made from its name.
    static func seed(_ origin: String) -> [UInt8] { Hex.bytes(FileManifest.digest(Array("bench key \(origin)".utf8)))! }

    /// A bundle imported at a hub through its one way in (§14), every origin an enrolled writer whose
    /// checkpoint in the header vouches for its whole run: the same workload as `apply`, whose figure
    /// from the same run is the baseline (`hub_import_vs_apply` in bench.sh).
    static func hubImport(generator: BenchGenerator, schema: ReplicatedSchema, db: String, bundle: String) throws {
        // Each origin's head, then one checkpoint each, signed with its key.
        var heads: [String: (seq: UInt64, hash: [UInt8])] = [:]
        generator.forEach { op in heads[op.dot.origin] = (op.dot.seq, op.hash) }
        let checkpoints = try heads.sorted { $0.key < $1.key }.map { origin, head in
            try Checkpoint.sign(origin: origin, seq: head.seq, head: head.hash, seed: seed(origin))
        }
        try generator.writeBundle(to: bundle, schemaTag: schema.tag, checkpoints: checkpoints)
        let hub = try ReplicaStore.create(at: db, replicaID: "bench-hub", schema: schema)
        let role = Role(kind: "bench", argument: nil)
        for origin in heads.keys.sorted() {
            try hub.enrol(replica: origin, role: role, publicKey: try Checkpoint.publicKey(seed: seed(origin)))
        }
        let policy = WritePolicy(
            rules: [WriteRule("bench writes everything", who: .init(rawValue: "bench"), table: nil, rows: .any)],
            slug: { $0 })
        let hubKey = try Checkpoint.publicKey(seed: [UInt8](repeating: 7, count: 32))
        let started = Date()
        let (stats, ingest) = try hub.importBundle(
            from: bundle, policy: policy, hubKey: hubKey, hubName: "bench-hub", vouched: nil)
        let seconds = Date().timeIntervalSince(started)
        guard ingest.applied == stats.operations, ingest.waitingCount == 0, ingest.refused.isEmpty else {
            FileHandle.standardError.write(Data("hub import did not take the whole bundle: \(ingest)\n".utf8))
            exit(1)
        }
        Bench.report(
            "hub_import", operations: stats.operations, seconds: seconds,
            extra: ["checkpoints_verified": .int(Int64(ingest.checkpoints)), "writers": .int(Int64(heads.count))])
    }
}
