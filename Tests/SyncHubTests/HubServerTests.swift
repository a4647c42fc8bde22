import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// The real TCP server on loopback, real replicas on disk, clients on threads of their own.
@Suite struct HubServerTests {
    /// Syncs every replica at once, on its own thread; returns the failures.
    func syncAll(_ hub: HubFixture, _ replicas: [CommuneReplica]) -> [String] {
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: replicas.count) { index in
            do { _ = try hub.sync(replicas[index]) } catch {
                failures.add("\(replicas[index].store.replicaID): \(error)")
            }
        }
        return failures.all
    }

    @Test(arguments: 0..<4)
    func communesAndDistrictStaffEditingAtOnceConverge(seed: UInt64) throws {
        let hub = try HubFixture("hub-converge-\(seed)", .served)
        defer { hub.server.stop() }
        var random = SeededRandom(seed: seed)
        let laptops = try [
            hub.commune("dan-ly", replica: "xa-dan-ly-1"), hub.commune("dan-ly", replica: "xa-dan-ly-2"),
            hub.commune("tan-ninh"),
            hub.commune("tho-the"),
        ]
        let staff = try hub.database.commune("trieu-son")
        let codes = ["17.1", "15.1", "5", "2.1", "13.1"]
        let statuses = ["dat", "chua-dat", "dang-thuc-hien"]
        for round in 0..<4 {
            for laptop in laptops {
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let code = codes.randomElement(using: &random)!
                    try laptop.assess(code: code, status: statuses.randomElement(using: &random)!, author: "x")
                }
                if Bool.random(using: &random) {
                    try laptop.addEvidence(code: "17.1", title: "Biên bản \(round)", author: "x")
                }
            }
            // District staff write at the hub itself meanwhile: the district's own criteria, and a
            // verification of a commune's criterion (the hub writes in every commune's scope).
            try staff.assess(code: "5.3", status: statuses.randomElement(using: &random)!, author: "Phòng GD&ĐT")
            if round > 0 {
                try hub.database.commune("dan-ly").verify(
                    criterion: "5", result: round % 2 == 0 ? "dat" : "khong-dat", date: "01/11/2020",
                    author: "Phòng GD&ĐT")
            }
            #expect(syncAll(hub, laptops.shuffled(using: &random)) == [])
        }
        // Two quiet rounds carry the last changes everywhere.
        for _ in 0..<2 { #expect(syncAll(hub, laptops) == []) }
        for laptop in laptops {
            let commune = laptop.commune
            #expect(try communeDump(laptop.store, commune) == communeDump(hub.database.store, commune))
            // The district's shared rows reached every commune; no other commune's rows did.
            #expect(try communeDump(laptop.store, "trieu-son") == communeDump(hub.database.store, "trieu-son"))
            for other in ["dan-ly", "tan-ninh", "tho-the"] where other != commune {
                #expect(try communeDump(laptop.store, other).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            }
        }
        // The two Dân Lý laptops see the same conflicts as the hub.
        // (Compared without the time each conflict opened, which is each replica's own.)
        func shared(_ records: [ConflictRecord]) -> [String] { records.map { "\($0.key) \($0.kind) \($0.values)" } }
        let hubConflicts = shared(try hub.database.store.conflicts().filter { $0.key.row.hasPrefix("dan-ly/") })
        #expect(shared(try laptops[0].store.conflicts()) == hubConflicts)
        #expect(shared(try laptops[1].store.conflicts()) == hubConflicts)
    }

    @Test func aBadClientIsAnsweredAndClosedWhileAGoodOneSyncs() throws {
        let hub = try HubFixture("hub-bad-client", .served)
        defer { hub.server.stop() }
        let good = try hub.commune("dan-ly")
        var changes: [RowChange] = []
        for index in 0..<2500 {
            changes.append(
                RowChange(
                    table: NTMSchema.Table.evidence, row: "dan-ly/\(String(format: "%012x", index))",
                    values: ["indicator": .text("17.1"), "title": .text("Văn bản \(index)")]))
        }
        try good.store.write(changes, author: "x")
        let written = try good.store.localOperationCount()
        let badLines: [[UInt8]] = [
            Array("garbage".utf8), Array("[1,2]".utf8), Array(#"{"type":"launch"}"#.utf8),
            Array(#"{"type":"push","batch":1,"count":1}"#.utf8), [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D],
            [UInt8](repeating: 0x61, count: LineLimit.maximumBytes + 9),
            Array(
                #"{"type":"hello","protocol":1,"replica":"x","commune":"dan-ly","schema":"ntm-2","epoch":null}"#.utf8),
        ]
        let expected: [WireError.Code] = [
            .badJSON, .notAnObject, .unknownType, .outOfOrder, .badJSON, .lineTooLong, .unsupportedVersion,
        ]
        let answers = Answers()
        let before = try hub.database.store.operationCount()
        DispatchQueue.concurrentPerform(iterations: badLines.count + 1) { index in
            if index == badLines.count {
                do { answers.set(-1, "\(try hub.sync(good).counts.sent.new)") } catch { answers.set(-1, "\(error)") }
                return
            }
            do {
                let transport = try LineTransport.connect(to: "127.0.0.1:\(hub.port)")
                defer { transport.close() }
                var bytes = badLines[index]
                bytes.append(0x0A)
                try transport.send(bytes: bytes)
                if let line = try transport.receive(), case .message(.error(let error)) = try WireLine(bytes: line) {
                    answers.set(index, error.code.rawValue)
                    // The hub closed the session after the error.
                    answers.set(100 + index, (try? transport.receive()) == nil ? "closed" : "open")
                }
            } catch {
                answers.set(index, "\(error)")
            }
        }
        #expect(answers.get(-1) == "\(written)")
        for (index, code) in expected.enumerated() {
            #expect(answers.get(index) == code.rawValue, "bad line \(index)")
            #expect(answers.get(100 + index) == "closed", "bad line \(index)")
        }
        #expect(try hub.database.store.operationCount() == before + written)
    }

    /// The one line limit (``LineLimit``: 1 MiB, the `\n` included) at its boundary, on both sides of a
    /// session: the hub's TCP decoder and the client's transport read a line of exactly the limit and
    /// refuse one byte more.
    @Test func aLineOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() throws {
        let hub = try HubFixture("hub-line-limit", .served)
        defer { hub.server.stop() }
        // Spaces are not JSON: a line the decoder let through is answered bad-json, a longer one line-too-long.
        for (length, expected) in [
            (LineLimit.maximumBytes, WireError.Code.badJSON), (LineLimit.maximumBytes + 1, .lineTooLong),
        ] {
            let transport = try LineTransport.connect(to: "127.0.0.1:\(hub.port)")
            defer { transport.close() }
            try transport.send(bytes: [UInt8](repeating: 0x20, count: length - 1) + [0x0A])
            let answer = try #require(try transport.receive())
            guard case .message(.error(let error)) = try WireLine(bytes: answer) else {
                Issue.record("not an error: \(String(decoding: answer, as: UTF8.self))")
                continue
            }
            #expect(error.code == expected, "a line of \(length) bytes")
        }
        let folder = TemporaryDirectory("transport-line-limit")
        for length in [LineLimit.maximumBytes, LineLimit.maximumBytes + 1] {
            let path = folder.file("line-\(length)")
            try Data([UInt8](repeating: 0x20, count: length - 1) + [0x0A]).write(to: URL(fileURLWithPath: path))
            let descriptor = open(path, O_RDONLY)
            let transport = LineTransport(input: descriptor, output: -1, onClose: { _ = close(descriptor) })
            defer { transport.close() }
            if length == LineLimit.maximumBytes {
                #expect(try transport.receive()?.count == length - 1)
            } else {
                #expect(throws: WireError.lineOverLimit) { try transport.receive() }
            }
        }
    }

    @Test func anInterruptedPushAppliesNothingAndTheNextSyncCompletes() throws {
        let hub = try HubFixture("hub-interrupted", .served)
        defer { hub.server.stop() }
        let replica = try hub.commune("dan-ly")
        try replica.assess(code: "17.1", status: "dat", author: "x")
        let before = try hub.database.store.operationCount()
        let transport = try LineTransport.connect(to: "127.0.0.1:\(hub.port)")
        try transport.send([
            WireMessage.hello(
                .init(
                    protocolVersion: 2, replica: replica.store.replicaID, commune: "dan-ly", schema: "ntm-2", epoch: nil
                )
            ).line
        ])
        _ = try transport.receive()
        let ops = try replica.store.operations(origin: replica.store.replicaID, after: 0, limit: 10)
        try transport.send(
            [WireMessage.push(batch: 1, count: ops.count).line] + ops.dropLast().map { WireLine.operation($0).text })
        transport.close()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try hub.database.store.operationCount() == before)
        let result = try hub.sync(replica)
        #expect(result.counts.sent.new == ops.count)
        #expect(try communeDump(replica.store, "dan-ly") == communeDump(hub.database.store, "dan-ly"))
    }

    @Test func aHubRestoredFromAnOlderBackupLosesNothing() throws {
        let night = try HubFixture("hub-restore")
        let first = try night.commune("dan-ly", replica: "xa-dan-ly-1")
        let second = try night.commune("dan-ly", replica: "xa-dan-ly-2")
        try first.assess(code: "17.1", status: "dat", author: "a")
        _ = try night.syncInMemory(first)
        try night.store.backup(to: night.folder.file("backup.sqlite"))
        // After the backup: more work reaches the hub and the first laptop's cursor moves far on.
        for code in ["15.1", "5", "2.1", "13.1", "16", "12"] {
            try second.assess(code: code, status: "dat", author: "b")
        }
        _ = try night.syncInMemory(second)
        _ = try night.syncInMemory(first)
        // The hub's disk fails; the district restores last night's backup (same epoch).
        let restored = try ReplicaStore.open(at: night.folder.file("backup.sqlite"), schema: NTMSchema.schema)
        var restoredNight = night
        restoredNight.replaceHub(
            HubIdentity(
                store: restored, epoch: night.hub.epoch, district: "trieu-son", sharedTables: ["catalogue"],
                policy: NTMSchema.writePolicy, scope: .ntm))
        // A third laptop syncs first: the restored hub gives its operations the log positions the first
        // laptop's cursor already passed, with other dots there.
        let third = try restoredNight.commune("dan-ly", replica: "xa-dan-ly-3")
        for code in ["17.2", "17.3", "17.4", "17.5", "17.6", "17.7", "17.8", "18.1"] {
            try third.assess(code: code, status: "chua-dat", author: "c")
        }
        _ = try restoredNight.syncInMemory(third)
        let result = try restoredNight.syncInMemory(first)
        #expect(result.counts.received.new > 0)
        for _ in 0..<2 {
            for laptop in [second, third, first] { _ = try restoredNight.syncInMemory(laptop) }
        }
        for laptop in [first, second, third] {
            #expect(try communeDump(laptop.store, "dan-ly") == communeDump(restored, "dan-ly"))
        }
        #expect(try restored.operationCount() == (try first.store.operationCount()))
    }
}
