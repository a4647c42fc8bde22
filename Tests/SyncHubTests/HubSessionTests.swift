import Foundation
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

@Suite struct WireMessageTests {
    @Test func everyMessageReadsBackAsWritten() throws {
        let cursor = HubCursor(position: 42, dot: Dot(origin: "xa-dan-ly-1", seq: 7))
        var holds = Summary()
        holds.insert(Dot(origin: "xa-dan-ly-1", seq: 1))
        let messages: [WireMessage] = [
            .hello(.init(protocolVersion: 2, replica: "xa-dan-ly-1", commune: "dan-ly", schema: "ntm-2", epoch: nil)),
            .hello(.init(protocolVersion: 3, replica: "xa-dan-ly-1", commune: "dan-ly", schema: "ntm-2", epoch: "ab")),
            .welcome(
                .init(
                    protocolVersion: 3, hub: "huyen", epoch: "ab", holds: holds, end: cursor, district: "trieu-son",
                    shared: ["catalogue"], role: "commune:dan-ly",
                    refused: [Refusal(dot: Dot(origin: "xa-dan-ly-1", seq: 2), reason: "forbidden: x")])),
            .welcome(
                .init(
                    protocolVersion: 3, hub: "h", epoch: "ab", holds: Summary(), end: .start, district: nil, shared: [],
                    role: "district", whole: true)
            ),
            // A compressed session's offer and choice (§11.13).
            .hello(
                .init(
                    protocolVersion: 7, replica: "xa-dan-ly-1", commune: "dan-ly", schema: "ntm-2", epoch: nil,
                    compress: ["deflate", "zstd"])),
            .welcome(
                .init(
                    protocolVersion: 7, hub: "h", epoch: "ab", holds: Summary(), end: .start, district: nil, shared: [],
                    role: "district", compress: "deflate")),
            .challenge(hub: "huyen", nonce: [UInt8](repeating: 9, count: 32)),
            .auth(signature: [UInt8](repeating: 3, count: 64)),
            .push(batch: 1, count: 0), .pushed(batch: 3, applied: 2, duplicates: 1),
            .pushed(
                batch: 4, applied: 0, duplicates: 0, refused: [Refusal(dot: Dot(origin: "a", seq: 1), reason: "r")]),
            .pull(cursor: .start, limit: 100), .batch(to: cursor, count: 5), .done(cursor: cursor),
            .error(WireError(.gap, "x")),
        ]
        for message in messages {
            guard case .message(let read) = try WireLine(bytes: Array(message.line.utf8)) else {
                Issue.record("not a message")
                continue
            }
            #expect(read == message)
        }
    }

    @Test(arguments: [
        ("{", WireError.Code.badJSON), ("[1]", .notAnObject), ("{\"type\":\"hola\"}", .unknownType),
        ("{\"x\":1}", .badMessage), ("{\"type\":\"push\",\"batch\":1,\"count\":-1}", .badMessage),
        ("{\"type\":\"push\",\"batch\":1,\"count\":999999}", .badMessage),
        ("{\"type\":\"pull\",\"cursor\":{\"pos\":5},\"limit\":10}", .badMessage),
        ("{\"type\":\"op\",\"origin\":\"x\",\"author\":\"a\",\"wall_ms\":1}", .badOperation),
        ("\"text\"", .notAnObject),
    ])
    func badLinesAreNamed(line: String, expected: WireError.Code) {
        #expect(code(Array(line.utf8)) == expected, "\(line)")
    }

    func code(_ bytes: [UInt8]) -> WireError.Code? {
        do {
            _ = try WireLine(bytes: bytes)
            return nil
        } catch { return error.code }
    }

    /// Whatever the batch (origins interleaved, chains starting mid-batch, operations without `prev`),
    /// the reader gives back exactly the operations the writer was given, and a line leaves `prev`
    /// out only where the line before is its origin's previous operation.
    @Test(arguments: 0..<20, [false, true])
    func batchLinesReadBackAsWritten(seed: UInt64, omitsSeq: Bool) throws {
        var random = SeededRandom(seed: seed)
        var heads: [String: SyncOperation] = [:]
        var batch: [SyncOperation] = []
        for index in 0..<200 {
            let origin = ["xa-a-1", "xa-b-1", "xa-c-1"][Int(random.next() % 3)]
            let seq = (heads[origin]?.dot.seq ?? UInt64(random.next() % 5)) + 1
            let chained = random.next() % 10 != 0
            let op = SyncOperation(
                dot: Dot(origin: origin, seq: seq), key: FieldKey(table: "t", row: "g/\(index % 7)", column: "a"),
                value: .text("giá trị \(index)"), context: VersionVector(),
                author: random.next() % 2 == 0 ? "Lan" : "Hùng",
                wallMs: 1_700_000_000_000 + Int64(random.next() % 3),
                prev: seq == 1 ? nil : chained ? (heads[origin]?.hash ?? [UInt8](repeating: 7, count: 32)) : nil)
            heads[origin] = op
            batch.append(op)
        }
        let defaults = OperationDefaults.common(batch)
        var writer = BatchWriter(defaults: defaults, omitsSeq: omitsSeq)
        var reader = BatchReader(defaults: defaults)
        var before: SyncOperation?
        for op in batch {
            let line = writer.line(op)
            let follows = before.map { $0.dot.origin == op.dot.origin && $0.dot.seq + 1 == op.dot.seq } ?? false
            // Version 7: `seq` left out exactly after the origin's previous operation.
            #expect(line.contains(#""seq":"#) == !(omitsSeq && follows))
            #expect(
                line.contains("\"prev\"") == (op.prev != nil && !(follows && op.prev == before!.hash))
                    || (follows && op.prev == nil))
            #expect(try reader.read(try WireLine(bytes: Array(line.utf8))) == op)
            // Linked: `prev` left out and taken from the line before, so the hub need not hash it again.
            #expect(reader.lastLinked == (follows && op.prev != nil && !line.contains("\"prev\"")))
            before = op
        }
    }

    @Test func aLineLeavingOutSeqMustFollowItsOriginsPreviousOperation() throws {
        let defaults = OperationDefaults(origin: "xa-a-1", author: "Lan", wallMs: 1)
        let line = Array(#"{"type":"op","table":"t","row":"g/1","column":"a","value":1,"context":{}}"#.utf8)
        var first = BatchReader(defaults: defaults)
        #expect(throws: WireError.self) { try first.read(try WireLine(bytes: line)) }
        var after = BatchReader(defaults: defaults)
        let other =
            #"{"type":"op","origin":"xa-b-1","seq":4,"table":"t","row":"g/1","column":"a","value":1,"context":{}}"#
        _ = try after.read(try WireLine(bytes: Array(other.utf8)))
        do {
            _ = try after.read(try WireLine(bytes: line))
            Issue.record("a line leaving out seq after another origin's is refused")
        } catch { #expect(error.code == .badOperation) }
        var follows = BatchReader(defaults: defaults)
        let start = #"{"type":"op","seq":7,"table":"t","row":"g/1","column":"a","value":1,"context":{}}"#
        _ = try follows.read(try WireLine(bytes: Array(start.utf8)))
        #expect(try follows.read(try WireLine(bytes: line)).dot == Dot(origin: "xa-a-1", seq: 8))
        // Every member given but seq, with a context naming its own origin's earlier writes.
        let whole =
            #"{"type":"op","origin":"xa-a-1","table":"t","row":"g/1","column":"a","value":2,"context":{"xa-a-1":8},"author":"Hùng","wall_ms":5}"#
        #expect(try follows.read(try WireLine(bytes: Array(whole.utf8))).dot == Dot(origin: "xa-a-1", seq: 9))
    }

    @Test func invalidUTF8AndLongLinesAreRefused() {
        #expect(code([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]) == .badJSON)
        // The limit counts the `\n`: content of one byte less than 1 MiB is read (spaces are not JSON), 1 MiB is not.
        #expect(code([UInt8](repeating: 0x20, count: LineLimit.maximumBytes - 1)) == .badJSON)
        #expect(code([UInt8](repeating: 0x20, count: LineLimit.maximumBytes)) == .lineTooLong)
        #expect(code(Array(#"{"type":"done","cursor":{"pos":0}}"#.utf8)) == nil)
    }
}

@Suite struct HubSessionTests {
    func hello(
        _ replica: String = "xa-dan-ly-1", commune: String = "dan-ly", version: Int = WireLimits.protocolVersion,
        schema: String = "ntm-2"
    )
        -> String
    {
        WireMessage.hello(
            .init(protocolVersion: version, replica: replica, commune: commune, schema: schema, epoch: nil)
        ).line
    }

    func run(_ session: HubSession, _ lines: [String]) -> [String] {
        lines.flatMap { session.receive(Array($0.utf8)) }
    }

    func code(_ line: String?) -> String? {
        guard let line, case .message(.error(let error)) = try? WireLine(bytes: Array(line.utf8)) else { return nil }
        return error.code.rawValue
    }

    /// Each bad session ends in one error object with its code, and the hub applies nothing of it.
    @Test(arguments: [
        (["{\"type\":\"push\",\"batch\":1,\"count\":1}"], "out-of-order"),
        (["garbage"], "bad-json"),
        (["[]"], "not-an-object"),
        (["{\"type\":\"sing\"}"], "unknown-type"),
        (["HELLO3"], "unsupported-version"),
        (["HELLO-SCHEMA"], "schema-mismatch"),
        (
            [
                "HELLO", "{\"type\":\"push\",\"batch\":1,\"count\":2}", "OP1",
                "{\"type\":\"pull\",\"cursor\":{\"pos\":0},\"limit\":5}",
            ], "out-of-order"
        ),
        (["HELLO", "{\"type\":\"push\",\"batch\":1,\"count\":2}", "OP1", "OP3"], "gap"),
        (["HELLO", "{\"type\":\"push\",\"batch\":1,\"count\":2}", "OP1", "HUB-DOT"], "forged-dot"),
        (["HELLO", "{\"type\":\"push\",\"batch\":1,\"count\":2}", "OP1", "OP2-OTHER-PREV"], "broken-chain"),
        (["HELLO", "{\"type\":\"push\",\"batch\":1,\"count\":3}", "OP1", "OP2", "OP3-NULL-PREV"], "broken-chain"),
        (["HELLO", "{\"type\":\"push\",\"batch\":1,\"count\":1}", "OP1-WITH-PREV"], "bad-operation"),
        (["HELLO", "{\"type\":\"push\",\"batch\":1,\"count\":1}", "{\"type\":\"op\",\"seq\":1}"], "bad-operation"),
        (["HELLO", "OP1"], "out-of-order"),
    ])
    func aBadSessionEndsInOneErrorAndAppliesNothing(script: [String], expected: String) throws {
        let night = try HubFixture("session-bad")
        let credential = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        let session = night.session()
        let lines = try script.flatMap { line -> [String] in
            switch line {
            case "HELLO": return [hello(), try night.auth(credential)]
            case "HELLO3": return [hello(version: 2)]
            case "HELLO-SCHEMA": return [hello(schema: "ntm-1/qd1980-2016@0000000000000000")]
            case "OP1": return [opLine(origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/17.1")]
            case "OP3": return [opLine(origin: "xa-dan-ly-1", seq: 3, row: "dan-ly/qd1980-2016/17.2")]
            case "OP2-OTHER-PREV":
                return [
                    String(opLine(origin: "xa-dan-ly-1", seq: 2, row: "dan-ly/qd1980-2016/17.2").dropLast())
                        + ",\"prev\":\"\(String(repeating: "ab", count: 32))\"}"
                ]
            case "OP2": return [opLine(origin: "xa-dan-ly-1", seq: 2, row: "dan-ly/qd1980-2016/17.2")]
            case "OP3-NULL-PREV":
                // The chain began at 2 (its prev comes from the line before): 3 may not leave it.
                return [
                    String(opLine(origin: "xa-dan-ly-1", seq: 3, row: "dan-ly/qd1980-2016/17.3").dropLast())
                        + ",\"prev\":null}"
                ]
            case "OP1-WITH-PREV":
                return [
                    String(opLine(origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/17.2").dropLast())
                        + ",\"prev\":\"\(String(repeating: "ab", count: 32))\"}"
                ]
            case "HUB-DOT": return [opLine(origin: "huyen-trieu-son", seq: 1, row: "dan-ly/qd1980-2016/17.2")]
            default: return [line]
            }
        }
        let out = run(session, lines)
        #expect(code(out.last) == expected, "\(out)")
        #expect(out.filter { code($0) != nil }.count == 1)
        #expect(session.isClosed)
        #expect(try night.store.operationCount() == 0)
        // Nothing more is answered after the error.
        #expect(session.receive(Array(hello().utf8)).isEmpty)
    }

    /// Another origin's operation pushed without its writer's checkpoint is neither applied nor held: it
    /// waits (protocol version 5, §14), counted in the answer, and the session goes on.
    @Test func anotherOriginsUnsignedWorkWaits() throws {
        let night = try HubFixture("session-unsigned-relay")
        let credential = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        _ = try night.enrol("xa-dan-ly-2", as: .commune("dan-ly"))
        let session = night.session()
        let out = run(
            session,
            [
                hello(), try night.auth(credential), "{\"type\":\"push\",\"batch\":1,\"count\":2}",
                opLine(origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/17.1"),
                opLine(origin: "xa-dan-ly-2", seq: 1, row: "dan-ly/qd1980-2016/17.2"),
            ])
        #expect(out.last == WireMessage.pushed(batch: 1, applied: 1, duplicates: 0, waiting: 1).line, "\(out)")
        #expect(!session.isClosed)
        #expect(try night.store.summary().origins["xa-dan-ly-2"] == nil)
        #expect(try night.store.summary().origins["xa-dan-ly-1"] != nil)
    }

    /// The authenticated origin's own dot with other content is another history of it: a fork.
    @Test func aDotHeldWithOtherContentIsAForkAndTheSameContentIsADuplicate() throws {
        let night = try HubFixture("session-forged")
        let start = [hello(), try night.auth(try night.enrol("xa-dan-ly-1", as: .commune("dan-ly")))]
        let op = opLine(origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/17.1")
        let out = run(night.session(), start + ["{\"type\":\"push\",\"batch\":1,\"count\":1}", op])
        #expect(out.last == WireMessage.pushed(batch: 1, applied: 1, duplicates: 0).line)
        #expect(
            run(night.session(), start + ["{\"type\":\"push\",\"batch\":1,\"count\":1}", op]).last
                == WireMessage.pushed(batch: 1, applied: 0, duplicates: 1).line)
        let other = opLine(origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/17.1", value: .text("chua-dat"))
        #expect(
            code(run(night.session(), start + ["{\"type\":\"push\",\"batch\":1,\"count\":1}", other]).last)
                == "fork")
        #expect(try night.store.operationCount() == 1)
    }

    /// `assessment.value` is a real (protocol appendix B): a pushed integer there is refused whole with a
    /// `bad-operation` naming the rule (two writes of 100 and 100.0 would be a conflict), the real is applied.
    @Test func anIntegerAssessmentValueIsRefusedAndTheRealIsApplied() throws {
        let night = try HubFixture("session-real")
        let start = [hello(), try night.auth(try night.enrol("xa-dan-ly-1", as: .commune("dan-ly")))]
        let push = #"{"type":"push","batch":1,"count":1}"#
        func value(_ value: FieldValue) -> String {
            opLine(origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/15.1", column: "value", value: value)
        }
        let refused = run(night.session(), start + [push, value(.int(100))])
        guard let last = refused.last, case .message(.error(let error)) = try WireLine(bytes: Array(last.utf8)) else {
            Issue.record("no error: \(refused)")
            return
        }
        #expect(error.code == .badOperation)
        #expect(
            error.message
                == "operation xa-dan-ly-1:1: assessment.value is a real number: write 100 as 100.0, never as the integer 100, so that equal numbers are equal values"
        )
        #expect(try night.store.operationCount() == 0)
        #expect(
            run(night.session(), start + [push, value(.double(100))]).last
                == WireMessage.pushed(batch: 1, applied: 1, duplicates: 0).line)
    }

    /// Operations written before chains existed (no `prev`) are accepted while their origin's chain
    /// has not begun, as `ntm verify` judges them.
    @Test func unchainedOperationsFromBeforeChainsAreAcceptedUntilAChainBegins() throws {
        let night = try HubFixture("session-legacy")
        let start = [hello(), try night.auth(try night.enrol("xa-dan-ly-1", as: .commune("dan-ly")))]
        func unchained(_ seq: UInt64) -> String {
            String(opLine(origin: "xa-dan-ly-1", seq: seq, row: "dan-ly/qd1980-2016/17.\(seq)").dropLast())
                + ",\"prev\":null}"
        }
        let out = run(
            night.session(),
            start + [#"{"type":"push","batch":1,"count":3}"#, unchained(1), unchained(2), unchained(3)])
        #expect(out.last == WireMessage.pushed(batch: 1, applied: 3, duplicates: 0).line, "\(out)")
        #expect(try night.store.verifyIntegrity().isClean)
    }

    @Test func aPushBatchOverSixteenMebibytesIsRefusedBeforeItIsWhole() throws {
        let night = try HubFixture("session-big")
        let session = night.session()
        let big = String(repeating: "x", count: 900_000)
        let start = [hello(), try night.auth(try night.enrol("xa-dan-ly-1", as: .commune("dan-ly")))]
        var out = run(session, start + ["{\"type\":\"push\",\"batch\":1,\"count\":30}"])
        for seq in 1...30 where !session.isClosed {
            out += run(
                session,
                [
                    opLine(
                        origin: "xa-dan-ly-1", seq: UInt64(seq), row: "dan-ly/e\(seq)", column: "title",
                        value: .text(big), table: "evidence")
                ])
        }
        #expect(code(out.last) == "batch-too-large")
        #expect(session.stats.counts.received.total <= 19)
        #expect(try night.store.operationCount() == 0)
    }

    /// The transcripts in protocol/examples are replayed against the real hub: every line the hub sends
    /// must be exactly the transcript's.
    @Test(arguments: [
        "session-sync.ndjson", "session-gap.ndjson", "session-bad-line.ndjson", "session-refused.ndjson",
        "session-unauthenticated.ndjson", "session-fork.ndjson", "session-files.ndjson",
    ])
    func transcriptsReplayAgainstTheRealHub(name: String) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("protocol/examples/\(name)").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: true)
        let night = try HubFixture("transcript")
        // The hub already holds the concurrent edit of the bundle example.
        try night.store.importBundle(
            from: URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(
                "concurrent-edit.bundle.ndjson"
            ).path)
        // The example's chains hold by this implementation's hashing: each operation after an origin's
        // first names its predecessor's hash.
        #expect(try night.store.verifyIntegrity().isClean)
        for entry in try night.store.logEntries(after: 0, limit: 100) where entry.operation.dot.seq > 1 {
            #expect(entry.operation.prev != nil, "\(entry.operation.dot)")
        }
        // The replica of the transcripts carries the published example credential.
        let credential = try Credential(
            fileContents: Array(
                try Data(
                    contentsOf: URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(
                        "xa-dan-ly-2.credential"))), roles: .ntm)
        try night.store.enrol(replica: credential.replica, role: credential.role, publicKey: credential.publicKey)
        let session = night.session()
        var expected: [String] = []
        var got: [String] = []
        for line in lines {
            if line.hasPrefix(">! ") {
                got += session.receive(Array(line.dropFirst(3).utf8))
            } else if line.hasPrefix("> ") {
                got += session.receive(Array(line.dropFirst(2).utf8))
            } else if line.hasPrefix("< ") {
                expected.append(String(line.dropFirst(2)))
            }
        }
        #expect(got == expected)
    }
}
