import Foundation
import GRDB
import Replica
import SyncCore
import TestSupport
import Testing

/// Bundles are imported whole or not at all, and importing is idempotent and order-independent.
@Suite struct BundleTests {
    /// A sender with some history and a fresh receiver.
    func setUp(_ folder: TemporaryDirectory) throws -> (ReplicaStore, ReplicaStore, String) {
        let sender = try makeReplica(folder, "sender")
        for index in 0..<20 {
            try sender.write(
                [
                    RowChange(
                        table: "t", row: "g/\(index % 7)",
                        values: ["a": .text("giá trị \(index)"), "b": .int(Int64(index))])
                ],
                author: "Trần Văn Bình", note: index % 3 == 0 ? "ghi chú \(index)" : nil)
        }
        try sender.write([.delete(table: "t", row: "g/3")], author: "Trần Văn Bình")
        let receiver = try makeReplica(folder, "receiver")
        try receiver.write([RowChange(table: "t", row: "h/1", values: ["a": .text("của bên nhận")])], author: "An")
        let path = folder.file("sender.ndjson")
        _ = try sender.exportBundle(to: path)
        return (sender, receiver, path)
    }

    func expectRefused(
        _ receiver: ReplicaStore, _ path: String, _ check: (BundleError) -> Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try receiver.dump()
        do {
            _ = try receiver.importBundle(from: path)
            Issue.record("the bundle was accepted", sourceLocation: sourceLocation)
        } catch ReplicaError.bundle(let error) {
            #expect(check(error), "unexpected error \(error)", sourceLocation: sourceLocation)
        }
        #expect(try receiver.dump() == before, "a refused bundle changed the replica", sourceLocation: sourceLocation)
        #expect(try receiver.integrityCheck() == ["ok"], sourceLocation: sourceLocation)
    }

    @Test func importingTwiceChangesNothingTheSecondTime() throws {
        let folder = TemporaryDirectory("twice")
        let (sender, receiver, path) = try setUp(folder)
        let first = try receiver.importBundle(from: path)
        let dump = try receiver.dump()
        let second = try receiver.importBundle(from: path)
        #expect(first.applied == first.operations && first.duplicates == 0)
        #expect(second.applied == 0 && second.duplicates == second.operations)
        #expect(try receiver.dump() == dump)
        // The receiver now holds everything the sender has.
        _ = try receiver.exportBundle(to: folder.file("back.ndjson"))
        _ = try sender.importBundle(from: folder.file("back.ndjson"))
        #expect(try sender.dump() == receiver.dump())
    }

    /// Another program may lay its lines out otherwise (members in another order, spaces, escapes):
    /// those lines take the general path, the canonical ones the one-pass path, and both log the same
    /// operations with the same texts, so the replica is the same and exports the same bytes.
    @Test func aBundleInAnotherLayoutImportsAsItsCanonicalForm() throws {
        let folder = TemporaryDirectory("layout")
        let (_, _, path) = try setUp(folder)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var rewritten = 0
        for index in 1..<(lines.count - 1) where index % 2 == 1 {
            // Keys sorted (another order), a space after each colon, and non-ASCII letters escaped.
            var text = JSONWriter.string(try JSONParser.parse(lines[index]), sortedKeys: true)
                .replacingOccurrences(of: "\":", with: "\": ")
            text = String(
                text.unicodeScalars.map { $0.isASCII ? String($0) : String(format: "\\u%04x", $0.value) }.joined())
            #expect(try SyncOperation(line: Array(text.utf8)) == SyncOperation(line: Array(lines[index].utf8)))
            #expect(text != lines[index])
            lines[index] = text
            rewritten += 1
        }
        let operationLines = lines[1..<(lines.count - 1)].map { $0 + "\n" }.joined()
        lines[lines.count - 1] =
            #"{"type":"end","count":\#(lines.count - 2),"sha256":"\#(FileManifest.digest(Data(operationLines.utf8)))"}"#
        let other = folder.file("other.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(toFile: other, atomically: true, encoding: .utf8)
        #expect(rewritten > 5)
        let canonical = try makeReplica(folder, "canonical")
        let relaid = try makeReplica(folder, "relaid")
        _ = try canonical.importBundle(from: path)
        let stats = try relaid.importBundle(from: other)
        #expect(stats.applied == lines.count - 2)
        #expect(try relaid.dump() == canonical.dump())
        _ = try canonical.exportBundle(to: folder.file("a.ndjson"))
        _ = try relaid.exportBundle(to: folder.file("b.ndjson"))
        #expect(
            try operations(inBundle: folder.file("a.ndjson")).map(\.jsonLine)
                == operations(inBundle: path).map(\.jsonLine))
        #expect(
            try String(contentsOfFile: folder.file("a.ndjson"), encoding: .utf8).split(separator: "\n").dropFirst()
                .dropLast()
                == String(contentsOfFile: folder.file("b.ndjson"), encoding: .utf8).split(separator: "\n").dropFirst()
                .dropLast())
    }

    @Test func bundlesInAnyOrderGiveTheSameState() throws {
        let folder = TemporaryDirectory("order")
        let (sender, _, _) = try setUp(folder)
        // Three incremental bundles cut against a growing summary.
        let observer = try makeReplica(folder, "observer")
        var paths: [String] = []
        for round in 0..<3 {
            try sender.write(
                [RowChange(table: "t", row: "g/\(round)", values: ["c": .text("vòng \(round)")])], author: "B")
            let path = folder.file("inc\(round).ndjson")
            _ = try sender.exportBundle(to: path, since: try observer.summary())
            _ = try observer.importBundle(from: path)
            paths.append(path)
        }
        let reference = try observer.dump()
        for (index, order) in [[2, 0, 1], [1, 2, 0], [2, 1, 0, 2, 1]].enumerated() {
            let replica = try makeReplica(folder, "o\(index)")
            for position in order { _ = try replica.importBundle(from: paths[position]) }
            #expect(try replica.summary() == observer.summary())
            #expect(try replica.dump() == reference)
        }
    }

    @Test func aBundleCutAtAnyByteIsRefusedWhole() throws {
        let folder = TemporaryDirectory("cut")
        let (_, receiver, path) = try setUp(folder)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let newlines = bytes.indices.filter { bytes[$0] == 0x0A }
        var cuts = Set(newlines.map { $0 + 1 }.dropLast())
        for _ in 0..<25 { cuts.insert(Int.random(in: 1..<bytes.count)) }
        for cut in cuts.sorted() {
            let truncated = folder.file("cut.ndjson")
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: truncated))
            try expectRefused(receiver, truncated) { error in
                switch error {
                case .truncated, .notABundle, .empty: return true
                default: return false
                }
            }
        }
    }

    @Test func anAlteredBundleIsRefusedWhole() throws {
        let folder = TemporaryDirectory("alter")
        let (_, receiver, path) = try setUp(folder)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let altered = folder.file("altered.ndjson")
        let cases: [(String, (BundleError) -> Bool)] = [
            (text.replacingOccurrences(of: "giá trị 7", with: "giá trị 8"), { $0 == .digestMismatch }),
            (
                text.replacingOccurrences(of: #""count":"#, with: #""count":1"#),
                { if case .countMismatch = $0 { return true } else { return false } }
            ),
            (
                text.replacingOccurrences(of: #""schema":"test-1""#, with: #""schema":"other-1""#),
                { if case .schemaMismatch = $0 { return true } else { return false } }
            ),
            (text.replacingOccurrences(of: #""version":1"#, with: #""version":3"#), { $0 == .unsupportedVersion(3) }),
            (text + "{\"type\":\"op\"}\n", { if case .dataAfterTrailer = $0 { return true } else { return false } }),
            (
                text.replacingOccurrences(of: #""seq":5,"#, with: #""seq":"5","#),
                { if case .badLine(let line, _) = $0 { return line == 6 } else { return false } }
            ),
            ("{\"type\":\"hello\"}\n", { if case .notABundle = $0 { return true } else { return false } }),
            (
                text.replacingOccurrences(of: #""created_ms":"#, with: #""created":"#),
                { if case .notABundle = $0 { return true } else { return false } }
            ),
            (uppercasedDigest(text), { $0 == .digestMismatch }),
            (text + "{\"type\":", { if case .dataAfterTrailer = $0 { return true } else { return false } }),
            ("", { $0 == .empty }),
            ("not json\n", { if case .notABundle = $0 { return true } else { return false } }),
        ]
        for (content, check) in cases {
            try content.write(toFile: altered, atomically: true, encoding: .utf8)
            try expectRefused(receiver, altered, check)
        }
        // Invalid UTF-8 inside an operation line.
        var bytes = Array(text.utf8)
        let index = bytes.firstIndex(of: 0xC3)!
        bytes[index] = 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: altered))
        try expectRefused(receiver, altered) { if case .badLine = $0 { return true } else { return false } }
        // A line over 1 MiB.
        let long =
            String(text.split(separator: "\n")[0]) + "\n"
            + String(repeating: " ", count: LineLimit.maximumBytes + 10) + "\n"
        try long.write(toFile: altered, atomically: true, encoding: .utf8)
        try expectRefused(receiver, altered) { if case .lineTooLong = $0 { return true } else { return false } }
    }

    /// The line limit counts the `\n`: a bundle line of exactly 1 MiB with it is read, one byte more is refused.
    @Test func aBundleLineOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() throws {
        let folder = TemporaryDirectory("line-limit")
        let (_, receiver, path) = try setUp(folder)
        let header = String(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0])
        let trailer =
            #"{"type":"end","count":0,"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}"#
        let file = folder.file("padded.ndjson")
        for length in [LineLimit.maximumBytes, LineLimit.maximumBytes + 1] {
            // Whitespace between tokens is allowed: the header padded to `length` bytes, its `\n` included.
            let padded = "{" + String(repeating: " ", count: length - 1 - header.utf8.count) + header.dropFirst()
            #expect(padded.utf8.count + 1 == length)
            try (padded + "\n" + trailer + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            if length == LineLimit.maximumBytes {
                #expect(try receiver.importBundle(from: file).operations == 0)
            } else {
                try expectRefused(receiver, file) {
                    if case .lineTooLong(line: 1, limit: LineLimit.maximumBytes) = $0 {
                        return true
                    } else {
                        return false
                    }
                }
            }
        }
    }

    func uppercasedDigest(_ text: String) -> String {
        var lines = text.split(separator: "\n").map(String.init)
        let trailer = try! JSONParser.parse(lines[lines.count - 1])
        let digest = trailer["sha256"]!.string!
        lines[lines.count - 1] = lines[lines.count - 1].replacingOccurrences(of: digest, with: digest.uppercased())
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func exportingOverAnOldBundleReplacesItAndRefusesFoldersAndTheDatabase() throws {
        let folder = TemporaryDirectory("export")
        let (sender, _, path) = try setUp(folder)
        try sender.write([RowChange(table: "t", row: "g/1", values: ["a": .text("mới")])], author: "B")
        let second = try sender.exportBundle(to: path)
        #expect(try operations(inBundle: path).count == second.operations)
        #expect(throws: ReplicaError.bundle(.destinationIsFolder(path: folder.path))) {
            try sender.exportBundle(to: folder.path)
        }
        #expect(throws: ReplicaError.bundle(.destinationIsDatabase(path: sender.path))) {
            try sender.exportBundle(to: sender.path)
        }
        #expect(FileManager.default.fileExists(atPath: sender.path))
        #expect(try sender.integrityCheck() == ["ok"])
    }

    @Test func aLocalWriteOthersWouldRefuseIsRefusedHere() throws {
        let folder = TemporaryDirectory("invalid-write")
        let replica = try makeReplica(folder, "r")
        #expect(throws: ReplicaError.self) {
            try replica.write(
                [RowChange(table: "t", row: "g/1", values: ["a": .text("x")])],
                author: String(repeating: "a", count: 300))
        }
        #expect(throws: ReplicaError.self) {
            try replica.write([RowChange(table: "t", row: "bad\nrow", values: ["a": .text("x")])], author: "A")
        }
        #expect(throws: ReplicaError.self) {
            try replica.write([RowChange(table: "t", row: "g/1", values: ["Bad Column": .text("x")])], author: "A")
        }
        #expect(try replica.operationCount() == 0)
    }

    @Test func aMissingFileIsAClearError() throws {
        let folder = TemporaryDirectory("missing")
        let receiver = try makeReplica(folder, "r")
        #expect(throws: ReplicaError.bundle(.unreadable(path: folder.file("none.ndjson"), reason: "no such file"))) {
            try receiver.importBundle(from: folder.file("none.ndjson"))
        }
    }

    @Test func exportSinceASummaryCarriesOnlyWhatTheReceiverLacks() throws {
        let folder = TemporaryDirectory("since")
        let (sender, receiver, path) = try setUp(folder)
        _ = try receiver.importBundle(from: path)
        try sender.write([RowChange(table: "t", row: "g/9", values: ["a": .text("mới")])], author: "B")
        let stats = try sender.exportBundle(to: folder.file("delta.ndjson"), since: try receiver.summary())
        #expect(stats.operations == 1)
        let roundTrip = try Summary(json: try JSONParser.parse(JSONWriter.string(try receiver.summary().json)))
        #expect(roundTrip == (try receiver.summary()))
    }

    @Test func aDatabaseFromANewerVersionIsRefused() throws {
        let folder = TemporaryDirectory("newer")
        let replica = try makeReplica(folder, "r")
        try replica.setMetadata("format", "2")
        #expect(throws: ReplicaError.newerFormat(path: replica.path, found: 2, supported: 1)) {
            try ReplicaStore.open(at: replica.path, schema: testSchema)
        }
        #expect(throws: ReplicaError.missingDatabase(path: folder.file("none.sqlite"))) {
            try ReplicaStore.open(at: folder.file("none.sqlite"), schema: testSchema)
        }
        try "not a database".write(toFile: folder.file("junk.sqlite"), atomically: true, encoding: .utf8)
        #expect(throws: ReplicaError.self) { try ReplicaStore.open(at: folder.file("junk.sqlite"), schema: testSchema) }
    }

    @Test func theDatabaseIsOneFileInWALModeWithReadableTables() throws {
        let folder = TemporaryDirectory("wal")
        let replica = try makeReplica(folder, "r")
        try replica.write([RowChange(table: "t", row: "g/1", values: ["a": .text("x"), "b": .int(3)])], author: "A")
        let mode = try replica.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let row = try #require(try replica.read { db in try Row.fetchOne(db, sql: "SELECT * FROM t") })
        let texts: [String?] = [row["id"], row["group"], row["item"], row["a"]]
        let number: Int? = row["b"]
        #expect(texts == ["g/1", "g", "1", "x"])
        #expect(number == 3)
    }
}
