import Foundation
import SyncCore
import TestSupport
import Testing

/// The one-pass decoder of canonical operation lines must agree with the general parser on every line:
/// what it accepts, the general path accepts as the same operation, and the line is then that
/// operation's canonical line; what it declines is left to the general path.
@Suite struct OperationLineTests {
    private static let texts = [
        "giá trị 1", "", "a\"b", "back\\slash", "tab\there", "line\nbreak", "\u{1F}", "ký tự 🌾", "x\u{7F}y",
        "Người dùng 4", "nc-2025/12",
    ]

    private static func randomOperation(_ random: inout SeededRandom) -> SyncOperation {
        let origins = ["commune-1", "xa-dan-ly-2", "hub", "a", "z.9_x-y"]
        let origin = origins.randomElement(using: &random)!
        let seq = UInt64.random(in: 1...5, using: &random) == 1 ? 1 : UInt64.random(in: 2...(1 << 40), using: &random)
        let value: FieldValue
        switch Int.random(in: 0..<7, using: &random) {
        case 0: value = .null
        case 1: value = .bool(Bool.random(using: &random))
        case 2: value = .int(Int64.random(in: Int64.min...Int64.max, using: &random))
        case 3: value = .int(Int64.random(in: -20...20, using: &random))
        case 4: value = .double(Double.random(in: -1e6...1e6, using: &random))
        default: value = .text(texts.randomElement(using: &random)!)
        }
        var context = VersionVector()
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let replica = origins.randomElement(using: &random)!
            if replica == origin { continue }
            context.raise(replica, to: UInt64.random(in: 1...SyncOperation.maxSeq, using: &random))
        }
        let deleted = Int.random(in: 0..<10, using: &random) == 0
        return SyncOperation(
            dot: Dot(origin: origin, seq: seq),
            key: FieldKey(
                table: "t", row: texts.randomElement(using: &random)!.isEmpty ? "r" : "c4/r\(seq % 97)",
                column: deleted ? tombstoneColumn : "ten_cot"),
            value: deleted ? .bool(true) : value, context: context,
            author: texts.randomElement(using: &random)!,
            wallMs: Int64.random(in: -5...1_800_000_000_000, using: &random),
            note: Bool.random(using: &random) ? nil : texts.randomElement(using: &random)!,
            prev: seq > 1 && Bool.random(using: &random)
                ? (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) } : nil)
    }

    private static func fast(_ line: [UInt8]) -> OperationLine? {
        line.withUnsafeBytes { OperationLine.decodeCanonical($0) }
    }

    /// Whether the general path accepts the line, and as what.
    private static func general(_ line: [UInt8]) -> SyncOperation? { try? SyncOperation(line: line) }

    /// The agreement every line must keep.
    private static func checkAgreement(_ line: [UInt8]) {
        guard let decoded = fast(line) else { return }
        let general = general(line)
        #expect(general == decoded.operation, "\(String(decoding: line, as: UTF8.self))")
        #expect(Array(decoded.operation.jsonLine.utf8) == line)
        var writer = JSONWriter()
        writer.write(decoded.operation.value.json)
        #expect(Array(line[decoded.value]) == writer.bytes)
        writer.reset()
        SyncOperation.write(context: decoded.operation.context, to: &writer)
        #expect(Array(line[decoded.context]) == writer.bytes)
        #expect(decoded.prev.map { String(decoding: line[$0], as: UTF8.self) } == decoded.operation.prev?.hexString)
        func text(_ range: Range<Int>?) -> String? { range.map { String(decoding: line[$0], as: UTF8.self) } }
        let op = decoded.operation
        let strings = decoded.strings
        #expect(text(strings.origin) == op.dot.origin && text(strings.table) == op.key.table)
        #expect(text(strings.row) == op.key.row && text(strings.column) == op.key.column)
        #expect(text(strings.author) == op.author && text(strings.note) == op.note)
    }

    @Test func everyCanonicalLineWithoutEscapesIsReadInOnePassAsTheSameOperation() {
        var random = SeededRandom(seed: 18)
        var read = 0
        for _ in 0..<4000 {
            let op = Self.randomOperation(&random)
            let line = Array(op.jsonLine.utf8)
            Self.checkAgreement(line)
            let needsEscape = [op.key.row, op.author, op.note ?? "", op.value.text ?? ""].contains { text in
                text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            }
            var isReal = false
            if case .double = op.value { isReal = true }
            let expected = !needsEscape && !isReal
            #expect((Self.fast(line) != nil) == expected, "\(op.jsonLine)")
            if expected { read += 1 }
        }
        #expect(read > 1000)
    }

    /// Lines damaged byte by byte: whatever the one-pass decoder still accepts, the general path accepts
    /// as the same operation, and nothing the general path refuses gets through.
    @Test func damagedLinesNeverGetThroughTheOnePassDecoderAlone() {
        var random = SeededRandom(seed: 1818)
        let bytes: [UInt8] = Array("\"\\,:{}[]0123-.eE +aAfz_".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xE1, 0xFF]
        var accepted = 0
        for _ in 0..<20000 {
            var line = Array(Self.randomOperation(&random).jsonLine.utf8)
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let at = Int.random(in: 0..<line.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: line[at] = bytes.randomElement(using: &random)!
                case 1: line.insert(bytes.randomElement(using: &random)!, at: at)
                default: line.remove(at: at)
                }
            }
            if Self.fast(line) != nil { accepted += 1 }
            Self.checkAgreement(line)
        }
        #expect(accepted > 100)
    }

    /// Lines the general path accepts in another layout are declined, so that the log keeps the
    /// canonical text the general path writes.
    @Test func otherLayoutsAreLeftToTheGeneralPath() throws {
        let canonical =
            #"{"type":"op","origin":"b","seq":2,"table":"t","row":"r","column":"c","value":1,"context":{"a":1,"c":2},"author":"x","wall_ms":5}"#
        #expect(Self.fast(Array(canonical.utf8)) != nil)
        let others = [
            canonical.replacingOccurrences(of: #""seq":2,"table":"t""#, with: #""table":"t","seq":2"#),
            canonical.replacingOccurrences(of: #""seq":2"#, with: #""seq": 2"#),
            canonical.replacingOccurrences(of: #""author":"x""#, with: #""author":"\u0078""#),
            canonical.replacingOccurrences(of: #"{"a":1,"c":2}"#, with: #"{"c":2,"a":1}"#),
            canonical.replacingOccurrences(of: #""value":1"#, with: #""value":1.0"#),
            canonical.replacingOccurrences(of: #""value":1"#, with: #""value":1e0"#),
            canonical.replacingOccurrences(of: #""value":1"#, with: #""value":-0"#),
            canonical.replacingOccurrences(of: #""wall_ms":5"#, with: #""wall_ms":-0"#),
            canonical.replacingOccurrences(of: #""wall_ms":5}"#, with: #""wall_ms":5,"note":null}"#),
            canonical.replacingOccurrences(of: #""wall_ms":5}"#, with: #""wall_ms":5,"later":true}"#),
            canonical + " ",
        ]
        for line in others {
            #expect(Self.fast(Array(line.utf8)) == nil, "\(line)")
            #expect(Self.general(Array(line.utf8)) != nil, "\(line)")
        }
        let refused = [
            canonical.replacingOccurrences(of: #""seq":2"#, with: #""seq":0"#),
            canonical.replacingOccurrences(of: #""seq":2"#, with: #""seq":9007199254740992"#),
            canonical.replacingOccurrences(of: #""c":2"#, with: #""b":2"#),
            canonical.replacingOccurrences(of: #""c":2"#, with: #""C":2"#),
            canonical.replacingOccurrences(of: #""column":"c""#, with: #""column":"_deleted""#),
            canonical.replacingOccurrences(
                of: #""wall_ms":5}"#, with: #""wall_ms":5,"prev":"\#(String(repeating: "A", count: 64))"}"#),
            canonical.replacingOccurrences(of: #""seq":2"#, with: #""seq":1"#).replacingOccurrences(
                of: #""wall_ms":5}"#, with: #""wall_ms":5,"prev":"\#(String(repeating: "a", count: 64))"}"#),
            canonical.replacingOccurrences(
                of: #""author":"x""#, with: #""author":"\#(String(repeating: "x", count: 257))""#),
        ]
        for line in refused {
            #expect(Self.fast(Array(line.utf8)) == nil, "\(line)")
            #expect(Self.general(Array(line.utf8)) == nil, "\(line)")
        }
    }
}
