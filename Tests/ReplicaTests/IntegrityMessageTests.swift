import Replica
import SyncCore
import Testing

/// Every integrity problem is worded by Replica in both languages: the English line is its
/// `description`, the Vietnamese one is another sentence naming the same things.
@Suite struct IntegrityMessageTests {
    static let dot = Dot(origin: "xa-dan-ly", seq: 7)
    static let problems: [IntegrityProblem] = [
        .sqlite("row 3 missing from index"), .unreadableHoldings(origin: "a", reason: "not JSON"),
        .operationsMissingFromLog(origin: "a", seqs: 3...3), .operationsMissingFromLog(origin: "a", seqs: 3...5),
        .operationsNotInHoldings(origin: "a", seqs: 1...1), .operationsNotInHoldings(origin: "a", seqs: 1...2),
        .unreadableOperation(position: 4, dot: dot, reason: "bad value"),
        .brokenChain(dot: dot, previous: Dot(origin: "xa-dan-ly", seq: 6)), .chainCut(dot: dot),
        .unreadableRowState(table: "t", row: "r", reason: "truncated"),
        .rowStateDiffers(table: "t", row: "r", column: "c", difference: .missingFromRowState),
        .rowStateDiffers(table: "t", row: "r", column: "c", difference: .notInLog),
        .rowStateDiffers(table: "t", row: "r", column: "c", difference: .siblings(stored: [], replayed: [dot])),
        .rowStateDiffers(table: "t", row: "r", column: "c", difference: .values([dot])),
        .rowStateDiffers(
            table: "t", row: "r", column: "c",
            difference: .vector(stored: VersionVector(), replayed: VersionVector([(dot.origin, UInt64(7))]))),
        .rowStateWithoutOperations(table: "t", row: "r"),
        .operationsWithoutRowState(table: "t", row: "r", operations: 2),
        .conflictMissing(table: "t", row: "r", column: "c", kind: .editDelete),
        .conflictNotInRowState(table: "t", row: "r", column: "c", kind: "value"),
        .damagedFile(sha256: String(repeating: "ab", count: 32)),
    ]

    @Test func eachProblemHasAVietnameseAndAnEnglishLine() {
        for problem in Self.problems {
            let vi = problem.message(.vi)
            let en = problem.message(.en)
            #expect(en == problem.description)
            #expect(vi != en, "\(en)")
            #expect(!vi.contains("\n") && !en.contains("\n"))
            // Vietnamese words, not English ones, in the Vietnamese line.
            #expect(vi.unicodeScalars.contains { $0.value > 0x7F }, "\(vi)")
            for word in [" the ", " is ", " but ", "nothing"] { #expect(!vi.contains(word), "\(vi)") }
        }
        #expect(
            IntegrityProblem.operationsWithoutRowState(table: "t", row: "r", operations: 1).message(.en)
                == "row t r has 1 operation in the log but no stored state")
    }
}
