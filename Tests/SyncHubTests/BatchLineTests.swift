import SyncCore
import SyncWire
import TestSupport
import Testing

/// A batch's operation lines read in one pass (issue 18): every line its writer makes is read that
/// way, as the same operation the general path reads (defaults filled, `seq` and `prev` taken from the
/// line before); a damaged line is either read alike by both paths or left to the general path.
@Suite struct BatchLineTests {
    /// A batch like a night's: origins interleaved, chains that start mid-batch, operations without
    /// `prev` or with a wrong one, notes, every kind of value, contexts naming other replicas.
    static func batch(_ random: inout SeededRandom) -> [SyncOperation] {
        var heads: [String: SyncOperation] = [:]
        var batch: [SyncOperation] = []
        let values: [FieldValue] = [.text("đạt"), .text("Bể lọc thôn 3"), .int(-7), .int(120), .bool(true), .null]
        for index in 0..<120 {
            let origin = ["xa-a-1", "xa-b-1", "xa-c-1"][Int(random.next() % 3)]
            let seq = (heads[origin]?.dot.seq ?? UInt64(random.next() % 5)) + 1
            let prevKind = random.next() % 10
            let prev: [UInt8]? =
                seq == 1 || prevKind == 0
                ? nil
                : prevKind == 1
                    ? [UInt8](repeating: 7, count: 32) : (heads[origin]?.hash ?? [UInt8](repeating: 3, count: 32))
            let column = random.next() % 15 == 0 ? "_deleted" : ["status", "value", "note"][Int(random.next() % 3)]
            let op = SyncOperation(
                dot: Dot(origin: origin, seq: seq),
                key: FieldKey(table: "assessment", row: "dan-ly/2016-2020/\(index % 7)", column: column),
                value: column == "_deleted" ? .bool(random.next() % 2 == 0) : values[Int(random.next() % 6)],
                context: random.next() % 2 == 0
                    ? VersionVector()
                    : VersionVector([("huyen", random.next() % 9 + 1), (origin, seq - 1)].filter { $0.1 > 0 }),
                author: random.next() % 3 == 0 ? "Hùng" : "Cán bộ xã Dân Lý",
                wallMs: 1_700_000_000_000 + Int64(random.next() % 3),
                note: random.next() % 6 == 0 ? "ghi chú \(index)" : nil, prev: prev)
            heads[origin] = op
            batch.append(op)
        }
        return batch
    }

    @Test(arguments: 0..<12, [false, true])
    func everyLineTheWriterMakesIsReadInOnePassAsTheGeneralPathReadsIt(seed: UInt64, omitsSeq: Bool) throws {
        var random = SeededRandom(seed: seed)
        let batch = Self.batch(&random)
        for defaults in [OperationDefaults.common(batch), nil] {
            var writer = BatchWriter(defaults: defaults, omitsSeq: omitsSeq)
            var fast = BatchReader(defaults: defaults)
            var general = BatchReader(defaults: defaults)
            for op in batch {
                let line = Array(writer.line(op).utf8)
                let read = line.withUnsafeBytes { fast.read(bytes: $0) }
                let expected = try general.read(try WireLine(bytes: line))
                #expect(read == expected && expected == op, "\(String(decoding: line, as: UTF8.self))")
                #expect(fast.lastLinked == general.lastLinked)
            }
        }
    }

    @Test(arguments: 0..<8)
    func aDamagedLineIsReadAlikeOrLeftToTheGeneralPath(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let batch = Self.batch(&random)
        let defaults = OperationDefaults.common(batch)
        var writer = BatchWriter(defaults: defaults, omitsSeq: true)
        let lines = batch.map { Array(writer.line($0).utf8) }
        var readInOnePass = 0
        // The reader as it stands after the lines before, as they were written.
        var before = BatchReader(defaults: defaults)
        for line in lines {
            defer { _ = try? before.read(try WireLine(bytes: line)) }
            for _ in 0..<40 {
                var damaged = line
                let at = Int(random.next() % UInt64(damaged.count))
                switch random.next() % 3 {
                case 0: damaged[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: damaged.remove(at: at)
                default: damaged.insert(Array(#"{}[]",:0123456789-.eEtfnul\ é"#.utf8)[Int(random.next() % 27)], at: at)
                }
                var fast = before
                var general = before
                guard let read = damaged.withUnsafeBytes({ fast.read(bytes: $0) }) else { continue }
                readInOnePass += 1
                let expected = try? general.read(try WireLine(bytes: damaged))
                #expect(read == expected, "\(String(decoding: damaged, as: UTF8.self))")
                #expect(fast.lastLinked == general.lastLinked)
            }
        }
        // Some damage leaves a valid line (a digit for a digit, a letter in a text).
        #expect(readInOnePass > 0)
    }

    /// Two spellings of one author (composed and decomposed accents, as two input methods type them)
    /// are two authors on the wire: each operation reads back byte for byte, its hash unchanged.
    @Test func anAuthorSpelledOtherwiseThanTheDefaultIsWrittenOut() throws {
        let composed = "Nguy\u{1EC5}n Th\u{1ECB} Lan"
        let decomposed = "Nguye\u{0302}\u{0303}n Thi\u{0323} Lan"
        #expect(composed == decomposed && !bytesEqual(composed, decomposed))
        var batch: [SyncOperation] = []
        for seq in 1...9 {
            batch.append(
                SyncOperation(
                    dot: Dot(origin: "xa-a-1", seq: UInt64(seq)), key: FieldKey(table: "t", row: "r", column: "c"),
                    value: .int(Int64(seq)), context: VersionVector(), author: seq % 3 == 0 ? decomposed : composed,
                    wallMs: 1_700_000_000_000, note: nil, prev: batch.last?.hash))
        }
        let defaults = try #require(OperationDefaults.common(batch))
        #expect(bytesEqual(defaults.author ?? "", composed))
        var writer = BatchWriter(defaults: defaults, omitsSeq: true)
        var reader = BatchReader(defaults: defaults)
        for op in batch {
            let line = Array(writer.line(op).utf8)
            let read = try #require(line.withUnsafeBytes { reader.read(bytes: $0) })
            #expect(read.hash == op.hash && bytesEqual(read.author, op.author))
        }
    }

    /// Lines each path must refuse, the one-pass reader by leaving them to the general one.
    @Test(arguments: [
        // Its context names its own origin at its own seq.
        #"{"type":"op","seq":3,"table":"t","row":"r","column":"c","value":1,"context":{"xa-a-1":3}}"#,
        // `seq` left out, but the line before is another origin's.
        #"{"type":"op","origin":"xa-b-1","table":"t","row":"r","column":"c","value":1,"context":{}}"#,
        // A tombstone that is not a boolean.
        #"{"type":"op","seq":3,"table":"t","row":"r","column":"_deleted","value":1,"context":{}}"#,
        // `prev` on an origin's first operation.
        #"{"type":"op","seq":1,"table":"t","row":"r","column":"c","value":1,"context":{},"prev":"\#(String(repeating: "ab", count: 32))"}"#,
        // An author over 256 bytes.
        #"{"type":"op","seq":3,"table":"t","row":"r","column":"c","value":1,"context":{},"author":"\#(String(repeating: "đ", count: 129))"}"#,
        // A member out of its place.
        #"{"type":"op","table":"t","seq":3,"row":"r","column":"c","value":1,"context":{}}"#,
    ])
    func aLineEitherPathRefusesIsNotReadInOnePass(line: String) throws {
        let defaults = OperationDefaults(origin: "xa-a-1", author: "Lan", wallMs: 1_700_000_000_000)
        var writer = BatchWriter(defaults: defaults, omitsSeq: true)
        let first = SyncOperation(
            dot: Dot(origin: "xa-a-1", seq: 2), key: FieldKey(table: "t", row: "r", column: "c"), value: .int(0),
            context: VersionVector(), author: "Lan", wallMs: 1_700_000_000_000, note: nil, prev: nil)
        var fast = BatchReader(defaults: defaults)
        var general = BatchReader(defaults: defaults)
        _ = try fast.read(try WireLine(bytes: Array(writer.line(first).utf8)))
        _ = try general.read(try WireLine(bytes: Array(writer.line(first).utf8)))
        let bytes = Array(line.utf8)
        #expect(bytes.withUnsafeBytes { fast.read(bytes: $0) } == nil)
        if line.contains(#""table":"t","seq""#) {
            // Another order is valid JSON and a valid operation: the general path reads it.
            #expect((try? general.read(try WireLine(bytes: bytes))) != nil)
        } else {
            #expect((try? general.read(try WireLine(bytes: bytes))) == nil)
        }
    }
}
