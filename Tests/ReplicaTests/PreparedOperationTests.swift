import SyncCore
import Testing

@testable import Replica

/// An operation prepared from its canonical line hashes that line as it came (issue 18: the hub's
/// chain check at a bundle import no longer writes every line again); the hash is the operation's own.
@Suite struct PreparedOperationTests {
    @Test func theHashOfACanonicalLineIsTheOperationsHash() throws {
        var previous: SyncOperation?
        for index in 0..<300 {
            let op = SyncOperation(
                dot: Dot(origin: "xa-\(index % 3)", seq: UInt64(index / 3 + 1)),
                key: FieldKey(table: "assessment", row: "dan-ly/2016-2020/\(index % 19)", column: "status"),
                value: index % 4 == 0 ? .int(Int64(index)) : .text("đạt \(index)"),
                context: VersionVector([("xa-0", UInt64(index / 3)), ("huyen", 2)]), author: "Cán bộ \(index % 5)",
                wallMs: 1_700_000_000_000 + Int64(index), note: index % 7 == 0 ? "ghi chú \(index)" : nil,
                prev: index >= 3 ? (previous?.hash ?? [UInt8](repeating: 1, count: 32)) : nil)
            previous = op
            let line = Array(op.jsonLine.utf8)
            var builder = LogTextBuilder()
            // A few bytes before the line, as in a block shared by a batch.
            _ = builder.add(SyncOperation.sample)
            let spans = try line.withUnsafeBytes { bytes in
                let decoded = try #require(OperationLine.decodeCanonical(bytes))
                return builder.add(decoded, line: bytes)
            }
            let prepared = PreparedOperation(op, texts: builder.finish(), spans: spans)
            #expect(prepared.spans.line != nil)
            #expect(prepared.hash == op.hash)
            // Prepared without a line: the hash is computed from the operation.
            #expect(PreparedOperation(op).spans.line == nil && PreparedOperation(op).hash == op.hash)
        }
    }
}

extension SyncOperation {
    fileprivate static let sample = SyncOperation(
        dot: Dot(origin: "xa-khac", seq: 1), key: FieldKey(table: "note", row: "x", column: "text"),
        value: .text("mẫu"), context: VersionVector(), author: "Lan", wallMs: 0, note: nil, prev: nil)
}
