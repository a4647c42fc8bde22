import Foundation
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// A database copied to a second laptop (the same replica id) and written on both: the hub sees the
/// fork, applies nothing of it, and the copy recovers under a new id with nothing lost.
@Suite struct ForkTests {
    static let row = "dan-ly/qd1980-2016/17.1"

    /// Copies a replica's database, consistently, as a person copies the file to another laptop.
    func copy(_ store: ReplicaStore, to path: String) throws -> ReplicaStore {
        try store.backup(to: path)
        return try NTMDatabase.open(at: path).store
    }

    func write(_ store: ReplicaStore, _ column: String, _ value: FieldValue, row: String = row) throws {
        try store.write([RowChange(table: "assessment", row: row, values: [column: value])], author: "t")
    }

    func sync(_ night: HubFixture, _ store: ReplicaStore) throws -> SyncResult {
        try SyncClient(store: store, commune: "dan-ly", credential: try Credential.installed(in: store, roles: .ntm))
            .run(over: try night.transport())
    }

    func fork(_ body: () throws -> Void) -> ForkRecord? {
        do {
            try body()
        } catch SyncError.fork(let record) {
            return record
        } catch {
            Issue.record("expected a fork, got \(error)")
        }
        return nil
    }

    /// Recovers a forked store under `id`, enrolled at the hub, and opens it again.
    func recover(_ night: HubFixture, _ store: ReplicaStore, as id: String) throws -> ReplicaStore {
        let record = try #require(try ForkRecord.recorded(in: store))
        let credential = try night.enrol(id, as: .commune("dan-ly"))
        _ = try store.recoverFork(
            from: record.seq, newReplicaID: id,
            metadata: [
                MetadataKey.credential.rawValue: credential.fileContents, MetadataKey.syncFork.rawValue: nil,
                "sync_cursor": nil,
            ])
        return try NTMDatabase.open(at: store.path).store
    }

    func hubOperations(_ night: HubFixture) throws -> Int { try night.store.operationCount() }

    @Test func aCopiedDatabaseIsAForkFoundAtHelloAndRecoveredWithNothingLost() throws {
        let night = try HubFixture("fork-copy")
        let a = try night.commune("dan-ly").store
        try write(a, "status", .text("dang-thuc-hien"))
        let base = try #require(try a.chainHead()).seq
        _ = try sync(night, a)
        var b = try copy(a, to: night.folder.file("copy.sqlite"))
        #expect(b.replicaID == a.replicaID)
        // Both laptops go on writing under the same id.
        try write(a, "status", .text("dat"))
        try write(a, "value", .double(96.5))
        try write(b, "status", .text("chua-dat"))
        try write(b, "note", .text("thôn 3 chưa có nước"))
        _ = try sync(night, a)
        let held = try hubOperations(night)
        let record = fork { _ = try sync(night, b) }
        #expect(record?.seq == base + 1)
        #expect(record?.hubSeq == base + 2)
        #expect(record?.localSeq == base + 2)
        // Nothing of the forked part reached the hub, and the copy refuses to sync again at once.
        #expect(try hubOperations(night) == held)
        #expect(fork { _ = try sync(night, b) }?.seq == base + 1)

        b = try recover(night, b, as: "xa-dan-ly-3")
        #expect(b.replicaID == "xa-dan-ly-3")
        #expect(try b.verifyIntegrity().problems.isEmpty)
        _ = try sync(night, b)
        _ = try sync(night, a)
        let hubDump = try communeDump(night.store, "dan-ly")
        #expect(try communeDump(a, "dan-ly") == hubDump)
        #expect(try communeDump(b, "dan-ly") == hubDump)
        // Both statuses are kept, as one conflict everywhere; the copy's note arrived.
        let conflicts = try night.store.conflicts()
        #expect(conflicts.map(\.key.column) == ["status"])
        #expect(Set(conflicts.first?.values.map(\.value) ?? []) == [.text("dat"), .text("chua-dat")])
        #expect(try a.conflicts().map(\.key.column) == ["status"])
        let note = try #require(try night.store.rowState(table: "assessment", row: Self.row)?.fields["note"])
        #expect(note.siblings.map(\.value) == [.text("thôn 3 chưa có nước")])
        for store in [a, b, night.store] { #expect(try store.verifyIntegrity().problems.isEmpty) }
    }

    @Test func aPushThatContradictsTheHubIsAForkAndChangesNothing() throws {
        let night = try HubFixture("fork-push")
        let a = try night.commune("dan-ly").store
        try write(a, "status", .text("dat"))
        _ = try sync(night, a)
        let b = try copy(a, to: night.folder.file("copy.sqlite"))
        try write(a, "status", .text("chua-dat"))
        _ = try sync(night, a)
        try write(b, "value", .double(80))
        try write(b, "value", .double(81))
        // A client that does not compare chains (an older one) pushes b's seq 2 and 3 after the hub's 1:
        // the hub finds seq 2 held with other content.
        let held = try hubOperations(night)
        let session = night.session()
        let credential = try #require(try Credential.installed(in: b, roles: .ntm))
        let hello = WireMessage.hello(
            .init(protocolVersion: 3, replica: b.replicaID, commune: "dan-ly", schema: b.schema.tag, epoch: nil))
        _ = session.receive(Array(hello.line.utf8))
        _ = session.receive(Array(try night.auth(credential).utf8))
        let ops = try b.operations(origin: b.replicaID, after: 0, limit: 100)
        var out: [String] = []
        for line in [WireMessage.push(batch: 1, count: ops.count).line] + ops.map(\.jsonLine) {
            out += session.receive(Array(line.utf8))
        }
        #expect(out.count == 1)
        #expect(out.first?.contains("\"code\":\"fork\"") == true)
        #expect(try hubOperations(night) == held)
        // The same with only the new operations: seq 3 names b's seq 2, which is not the hub's.
        let second = night.session()
        _ = second.receive(Array(hello.line.utf8))
        _ = second.receive(Array(try night.auth(credential).utf8))
        var answer: [String] = []
        for line in [WireMessage.push(batch: 1, count: 1).line, ops[ops.count - 1].jsonLine] {
            answer += second.receive(Array(line.utf8))
        }
        #expect(answer.first?.contains("\"code\":\"fork\"") == true)
        #expect(try hubOperations(night) == held)
    }

    @Test func aHelloWhoseHeadDiffersIsRefusedAtPushAndPullButAnswersProbes() throws {
        let night = try HubFixture("fork-hello")
        let a = try night.commune("dan-ly").store
        try write(a, "status", .text("dat"))
        try write(a, "value", .double(90))
        _ = try sync(night, a)
        let b = try copy(a, to: night.folder.file("copy.sqlite"))
        try write(a, "status", .text("chua-dat"))
        _ = try sync(night, a)
        try write(b, "value", .double(91))
        let head = try #require(try b.chainHead())
        let session = night.session()
        let hello = WireMessage.hello(
            .init(
                protocolVersion: 3, replica: b.replicaID, commune: "dan-ly", schema: b.schema.tag, epoch: nil,
                head: ChainHead(seq: head.seq, hash: head.hash)))
        _ = session.receive(Array(hello.line.utf8))
        let welcome = session.receive(
            Array(try night.auth(try #require(try Credential.installed(in: b, roles: .ntm))).utf8))
        guard case .message(.welcome(let message)) = try WireLine(bytes: Array(welcome[0].utf8)) else {
            Issue.record("expected welcome")
            return
        }
        #expect(message.head?.seq == head.seq)
        let probed = session.receive(Array(WireMessage.probe(seq: head.seq).line.utf8))
        #expect(
            probed == [
                WireMessage.probed(seq: head.seq, hash: try a.operation(Dot(origin: a.replicaID, seq: head.seq))?.hash)
                    .line
            ])
        #expect(probed.first?.contains(head.hash.hexString) == false)
        let refused = session.receive(Array(WireMessage.pull(cursor: .start, limit: 10).line.utf8))
        #expect(refused.first?.contains("\"code\":\"fork\"") == true)
    }

    @Test func aDatabaseRestoredFromAnOlderBackupIsBehindItsHubAndRecovers() throws {
        let night = try HubFixture("fork-behind")
        let a = try night.commune("dan-ly").store
        try write(a, "status", .text("dat"))
        let base = try #require(try a.chainHead()).seq
        let backup = try copy(a, to: night.folder.file("backup.sqlite"))
        try write(a, "value", .double(90))
        _ = try sync(night, a)
        // The laptop dies; its backup comes back without seq 2, which the hub holds.
        let record = fork { _ = try sync(night, backup) }
        #expect(record?.seq == base + 1)
        #expect(record?.localSeq == base)
        let restored = try recover(night, backup, as: "xa-dan-ly-9")
        _ = try sync(night, restored)
        #expect(try communeDump(restored, "dan-ly") == (try communeDump(night.store, "dan-ly")))
        #expect(
            try restored.rowState(table: "assessment", row: Self.row)?.fields["value"]?.siblings.map(\.value)
                == [.double(90)])
    }

    /// Random copies, writes and syncs: every copy that forks recovers under a fresh id, and in the end
    /// every database equals the hub and every write ever made is in the hub's log.
    @Test(arguments: 1...8 as ClosedRange<UInt64>)
    func copiesWritesAndSyncsInAnyOrderLoseNothing(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let night = try HubFixture("fork-law-\(seed)")
        var stores = [try night.commune("dan-ly").store]
        var written: [Double] = []
        var fresh = 0
        let rows = (1...4).map { "dan-ly/qd1980-2016/17.\($0)" }
        func syncOrRecover(_ index: Int) throws {
            do {
                _ = try sync(night, stores[index])
            } catch SyncError.fork {
                fresh += 1
                stores[index] = try recover(night, stores[index], as: "xa-dan-ly-r\(fresh)")
                _ = try sync(night, stores[index])
            }
        }
        for step in 0..<40 {
            let index = Int.random(in: 0..<stores.count, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let value = Double(step) + 0.5
                written.append(value)
                try write(stores[index], "value", .double(value), row: rows.randomElement(using: &random)!)
            case 5..<7 where stores.count < 5:
                stores.append(try copy(stores[index], to: night.folder.file("copy-\(step).sqlite")))
            default:
                try syncOrRecover(index)
            }
        }
        for _ in 0..<2 { for index in stores.indices { try syncOrRecover(index) } }
        // Every seed here makes copies that write, so forks were found and recovered.
        #expect(stores.count == 1 || fresh > 0)
        let hubDump = try communeDump(night.store, "dan-ly")
        for store in stores {
            #expect(try communeDump(store, "dan-ly") == hubDump)
            #expect(try store.verifyIntegrity().problems.isEmpty)
            #expect(try ForkRecord.recorded(in: store) == nil)
        }
        let logged = try night.store.read { db in
            try String.fetchAll(db, sql: "SELECT value FROM oplog WHERE tbl = 'assessment' AND col = 'value'")
        }
        let values = Set(try logged.map { FieldValue(json: try JSONParser.parse(Array($0.utf8)))?.number ?? -1 })
        for value in written { #expect(values.contains(value), "write \(value) was lost") }
    }
}
