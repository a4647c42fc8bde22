import Foundation
import Replica
import SyncCore
import TestSupport
import Testing

/// The hub's one way in (`protocol/PROTOCOL.md` §14.3) at the level of the replica: relayed runs bound
/// to their writer's checkpoint through what the hub already holds, the anchors a renewal or a
/// revocation records, and the enrolment log's order-free replay.
@Suite struct IngestTests {
    static let writerSeed = [UInt8](repeating: 3, count: 32)
    static let hubSeed = [UInt8](repeating: 5, count: 32)
    static let everything = WritePolicy(
        rules: [WriteRule("all", who: .init(rawValue: "commune"), table: nil, rows: .any)], slug: { $0 })

    /// A chained run of `count` operations of `origin`, the first after `previous`.
    static func run(
        _ origin: String, from first: UInt64, count: Int, after previous: SyncOperation? = nil, tag: String = ""
    )
        -> [SyncOperation]
    {
        var ops: [SyncOperation] = []
        var prev = previous?.hash
        for index in 0..<UInt64(count) {
            let seq = first + index
            let op = SyncOperation(
                dot: Dot(origin: origin, seq: seq), key: FieldKey(table: "t", row: "g/\(seq)", column: "a"),
                value: .text("v\(seq)\(tag)"), context: VersionVector(), author: origin, wallMs: Int64(seq), prev: prev)
            ops.append(op)
            prev = op.hash
        }
        return ops
    }

    func rules(anchors: [UInt64: [UInt8]] = [:], revokedAfter: UInt64? = nil) throws -> IngestRules {
        let writer = IngestWriter(
            role: Role(kind: "commune", argument: "g"), key: try Checkpoint.publicKey(seed: Self.writerSeed),
            revoked: revokedAfter != nil, revokedAfter: revokedAfter, anchors: anchors)
        return IngestRules(policy: Self.everything, writers: ["xa-1": writer])
    }

    func checkpoint(_ op: SyncOperation, seed: [UInt8] = writerSeed) throws -> Checkpoint {
        try Checkpoint.sign(origin: op.dot.origin, seq: op.dot.seq, head: op.hash, seed: seed)
    }

    func ingest(_ hub: ReplicaStore, _ ops: [SyncOperation], _ checkpoints: [Checkpoint], _ rules: IngestRules)
        throws -> IngestReport
    {
        try hub.ingest(ops, from: .bundle(vouched: nil), sender: "xa-2", checkpoints: checkpoints, rules: rules)
    }

    /// A hub that holds a writer's operations with a hole (1–3 and 6–8, as an older hub that imported
    /// bundles without the gap check may): the genuine 4–5 go in and reach the checkpoint at 8 through
    /// what it holds; forged 4–5 are refused, as they do not lead to the 6 the hub holds.
    @Test func aRunReachesItsCheckpointThroughAHoleTheHubHeldAndForgeriesDoNot() throws {
        let folder = TemporaryDirectory("ingest-hole")
        let genuine = Self.run("xa-1", from: 1, count: 8)
        let forged = Self.run("xa-1", from: 4, count: 2, after: genuine[2], tag: "!")
        for (candidate, ok) in [(forged, false), (Array(genuine[3...4]), true)] {
            let hub = try makeReplica(folder, "hub-\(ok)")
            try hub.apply(Array(genuine[0...2]) + Array(genuine[5...7]))
            let work = candidate + Array(genuine[5...7])
            do {
                let report = try ingest(hub, work, [try checkpoint(genuine[7])], try rules())
                #expect(ok && report.applied == 2, "\(report)")
                #expect(try hub.operation(Dot(origin: "xa-1", seq: 4)) == genuine[3])
            } catch let error as IngestError {
                #expect(!ok && error.kind == .badSignature, "\(error)")
                #expect(try hub.operation(Dot(origin: "xa-1", seq: 4)) == nil)
            }
            // The run alone (what a relay sends: it stops at the held block) reaches the checkpoint too.
            if ok {
                let again = try makeReplica(folder, "hub-alone")
                try again.apply(Array(genuine[0...2]) + Array(genuine[5...7]))
                let report = try ingest(again, Array(genuine[3...4]), [try checkpoint(genuine[7])], try rules())
                #expect(report.applied == 2)
            }
        }
    }

    /// What a hub recorded of a writer at a revocation (its last accepted operation's hash) holds
    /// against a thief with the stolen key: other operations under those sequence numbers are refused,
    /// and the genuine ones pass; what comes after the cutoff is quarantined.
    @Test func aRevocationsCutoffHeadStopsOperationsForgedWithAStolenKey() throws {
        let folder = TemporaryDirectory("ingest-anchor")
        let genuine = Self.run("xa-1", from: 1, count: 5)
        let forged = Self.run("xa-1", from: 3, count: 3, after: genuine[1], tag: "!")
        let rules = try rules(anchors: [4: genuine[3].hash], revokedAfter: 4)
        let thief = try makeReplica(folder, "hub-thief")
        try thief.apply(Array(genuine[0...1]))
        #expect(throws: IngestError.self) {
            _ = try ingest(thief, forged, [try checkpoint(forged[2])], rules)
        }
        #expect(try thief.operationCount() == 2)
        let honest = try makeReplica(folder, "hub-honest")
        try honest.apply(Array(genuine[0...1]))
        let report = try ingest(honest, Array(genuine[2...4]), [try checkpoint(genuine[4])], rules)
        #expect(report.applied == 2 && report.newlyRefused == 1, "\(report)")
        #expect(try honest.quarantined(Dot(origin: "xa-1", seq: 5))?.reason.hasPrefix("revoked") == true)
    }

    /// The enrolment log gives the same enrolments whatever order its entries arrive in, and a renewal
    /// given back after a later revocation does not undo it.
    @Test func theLogReplaysToTheSameEnrolmentsInAnyOrder() throws {
        let folder = TemporaryDirectory("ingest-log")
        let first = try Checkpoint.publicKey(seed: [UInt8](repeating: 1, count: 32))
        let second = try Checkpoint.publicKey(seed: [UInt8](repeating: 2, count: 32))
        let enrol = try EnrolmentRecord.sign(
            after: nil, hub: "huyen-1", kind: .enrol, replica: "xa-1", role: "commune:g", publicKey: first,
            serial: 1, issuedMs: 10, hubSeed: Self.hubSeed)
        let renew = try EnrolmentRecord.sign(
            after: enrol, hub: "huyen-1", kind: .enrol, replica: "xa-1", role: "commune:g", publicKey: second,
            serial: 2, cutoffSeq: 3, cutoffHead: [UInt8](repeating: 9, count: 32), issuedMs: 20, hubSeed: Self.hubSeed)
        // Revoked after the renewal, naming the first key (a hub restored before the renewal).
        let revoke = try EnrolmentRecord.sign(
            after: enrol, hub: "huyen-1", kind: .revoke, replica: "xa-1", role: "", publicKey: first, serial: 0,
            cutoffSeq: 4, cutoffHead: [UInt8](repeating: 8, count: 32), issuedMs: 30, hubSeed: Self.hubSeed)
        var seen: Set<String> = []
        for (index, order) in [[enrol, renew, revoke], [revoke, renew, enrol], [enrol, revoke, renew]].enumerated() {
            let hub = try makeReplica(folder, "hub-\(index)")
            for record in order { try hub.takeEnrolmentRecords([record], apply: true) }
            let enrolled = try #require(try hub.enrolment(of: "xa-1"))
            #expect(enrolled.publicKey == second && enrolled.serial == 2)
            #expect(enrolled.isRevoked && enrolled.revokedSeq == 4, "order \(index)")
            seen.insert("\(enrolled.publicKey.hexString) \(enrolled.revokedSeq ?? 0)")
            // Taking them again changes nothing.
            #expect(try hub.takeEnrolmentRecords(order, apply: true).isEmpty)
        }
        #expect(seen.count == 1)
    }

    /// A laptop keeps the checkpoints a bundle carries, except those of a writer whose key it knows
    /// from the hub's log that no key of it signed.
    @Test func aLaptopDropsACheckpointItCanTellIsForged() throws {
        let folder = TemporaryDirectory("ingest-laptop")
        let writer = try makeReplica(folder, "xa-1")
        try writer.write([RowChange(table: "t", row: "g/1", values: ["a": .text("x")])], author: "A")
        try writer.signCheckpoints(seed: Self.writerSeed)
        let bundle = folder.file("a.ndjson")
        try writer.exportBundle(to: bundle)
        let forged = folder.file("forged.ndjson")
        // The same head re-signed by another key, in the bundle's header.
        let head = try #require(try writer.checkpoints(origin: "xa-1").last)
        let resigned = try Checkpoint.sign(
            origin: "xa-1", seq: head.seq, head: head.head, seed: [UInt8](repeating: 7, count: 32))
        var text = try String(contentsOfFile: bundle, encoding: .utf8)
        text = text.replacingOccurrences(of: JSONWriter.string(head.json), with: JSONWriter.string(resigned.json))
        try text.write(toFile: forged, atomically: true, encoding: .utf8)
        for (knows, file, kept) in [(false, forged, true), (true, forged, false), (true, bundle, true)] {
            let laptop = try makeReplica(folder, "laptop-\(knows)-\(kept)")
            if knows {
                let enrol = try EnrolmentRecord.sign(
                    after: nil, hub: "huyen-1", kind: .enrol, replica: "xa-1", role: "commune:g",
                    publicKey: try Checkpoint.publicKey(seed: Self.writerSeed), serial: 1, issuedMs: 1,
                    hubSeed: Self.hubSeed)
                try laptop.setMetadata(.syncHubKey, try Checkpoint.publicKey(seed: Self.hubSeed).hexString)
                try laptop.takeEnrolmentRecords([enrol], apply: false)
            }
            try laptop.importBundle(from: file)
            #expect(try !laptop.checkpoints(origin: "xa-1").isEmpty == kept, "knows \(knows), \(file)")
        }
    }
}
