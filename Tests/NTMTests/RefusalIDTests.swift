import NTM
import Replica
import SyncCore
import Testing

/// The short ids `ntm refused` lists and `ntm refused withdraw` takes.
@Suite struct RefusalIDTests {
    static func operation(_ seq: UInt64, value: String) -> SyncOperation {
        SyncOperation(
            dot: Dot(origin: "xa-dan-ly", seq: seq),
            key: FieldKey(table: "verification", row: "dan-ly/17/1", column: "result"),
            value: .text(value), context: VersionVector(), author: "Cán bộ", wallMs: 0)
    }

    static let held = RefusedOperation(
        dot: Dot(origin: "xa-dan-ly", seq: 3), reason: "forbidden", operation: operation(3, value: "dat"))
    static let gone = RefusedOperation(dot: Dot(origin: "xa-dan-ly", seq: 9), reason: "forbidden", operation: nil)

    @Test func theIDIsTheHashsFirstEightHexDigitsOrTheDot() {
        #expect(Self.held.shortID == Self.held.operation!.hash.prefix(4).hexString)
        #expect(Self.held.shortID.count == 8)
        #expect(Self.gone.shortID == "xa-dan-ly:9")
    }

    @Test func anIDOrItsStartNamesOneRefusal() throws {
        let refusals = [Self.held, Self.gone]
        let id = Self.held.shortID
        #expect(try RefusedOperation.dots(named: [id], among: refusals) == [Self.held.dot])
        #expect(try RefusedOperation.dots(named: [" " + id.prefix(4).uppercased()], among: refusals) == [Self.held.dot])
        #expect(
            try RefusedOperation.dots(named: ["xa-dan-ly:9", id], among: refusals) == [Self.gone.dot, Self.held.dot])
        // Fewer than 4 characters name nothing unless whole; an unknown id is named.
        #expect(throws: NTMError.unknownRefusal(String(id.prefix(3)))) {
            try RefusedOperation.dots(named: [String(id.prefix(3))], among: refusals)
        }
        // Two refusals of one origin share the start "xa-d": ambiguous, both listed.
        let other = RefusedOperation(dot: Dot(origin: "xa-dan-ly", seq: 10), reason: "forbidden", operation: nil)
        #expect(throws: NTMError.ambiguousID("xa-d", matches: ["xa-dan-ly:10", "xa-dan-ly:9"])) {
            try RefusedOperation.dots(named: ["xa-d"], among: [Self.gone, other])
        }
    }
}
