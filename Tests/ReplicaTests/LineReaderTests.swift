import Foundation
import SyncCore
import TestSupport
import Testing

@testable import Replica

/// Bundle files read through every read size: the lines, their numbers, and whether the last one ended.
@Suite struct LineReaderTests {
    static let cases: [(input: String, lines: [String], lastEnded: Bool)] = [
        ("{\"bundle\":1}\n{\"op\":2}\n", ["{\"bundle\":1}", "{\"op\":2}"], true),
        ("a\n\nDân Lý · đạt\n", ["a", "", "Dân Lý · đạt"], true),
        ("a\nbị cắt", ["a", "bị cắt"], false),
        ("", [], true),
    ]

    @Test func everyReadSizeGivesTheSameLines() throws {
        let folder = TemporaryDirectory()
        for (index, (input, lines, lastEnded)) in Self.cases.enumerated() {
            let path = folder.file("case-\(index).ndjson")
            try Data(input.utf8).write(to: URL(fileURLWithPath: path))
            for size in 1...max(1, input.utf8.count + 1) {
                let reader = try LineReader(path: path, maximumLineLength: LineLimit.maximumBytes, chunkSize: size)
                var got: [String] = []
                var numbers: [Int] = []
                var ended: [Bool] = []
                try reader.forEachLine { number, line, terminated in
                    got.append(String(decoding: line, as: UTF8.self))
                    numbers.append(number)
                    ended.append(terminated)
                }
                #expect(got == lines, "read size \(size)")
                #expect(numbers == Array(stride(from: 1, through: lines.count, by: 1)), "read size \(size)")
                #expect((ended.last ?? true) == lastEnded, "read size \(size)")
            }
        }
    }

    @Test func aLineOverTheLimitIsNamedWhateverTheReadSize() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("long.ndjson")
        try Data("ok\nthis line is long\nok\n".utf8).write(to: URL(fileURLWithPath: path))
        for size in 1...24 {
            let reader = try LineReader(path: path, maximumLineLength: 10, chunkSize: size)
            #expect(throws: LineReader.Failure.tooLong(line: 2), "read size \(size)") {
                try reader.forEachLine { _, _, _ in }
            }
        }
    }
}
