import SyncCore
import Testing

/// The one splitter of files and blocking sessions, fed its input cut in every way, as NIO tests its own
/// decoders: whole, byte by byte, and at every pair of cut points.
@Suite struct LineSplitterTests {
    /// Inputs, the complete lines they hold, and what is left after the last newline.
    static let cases: [(input: String, lines: [String], rest: String)] = [
        ("{\"type\":\"hello\"}\n", ["{\"type\":\"hello\"}"], ""),
        ("\n", [""], ""),
        ("", [], ""),
        ("a\nbc\n\n", ["a", "bc", ""], ""),
        ("Dân Lý · chỉ tiêu 17.1\nđạt\nchưa", ["Dân Lý · chỉ tiêu 17.1", "đạt"], "chưa"),
        ("no newline at all", [], "no newline at all"),
    ]

    /// Feeds `pieces` one after another, taking every line that is complete after each.
    static func split(_ pieces: [ArraySlice<UInt8>], limit: Int = LineLimit.maximumBytes) throws -> ([String], String) {
        var splitter = LineSplitter(maximumBytes: limit)
        var lines: [String] = []
        for piece in pieces {
            splitter.append(piece)
            while let line = try splitter.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        }
        #expect(splitter.lineCount == lines.count)
        return (lines, String(decoding: splitter.remainder, as: UTF8.self))
    }

    @Test func everyCutGivesTheSameLines() throws {
        for (input, lines, rest) in Self.cases {
            let bytes = Array(input.utf8)
            // Whole, and byte by byte.
            #expect(try Self.split([bytes[...]]) == (lines, rest))
            #expect(try Self.split(bytes.indices.map { bytes[$0...$0] }) == (lines, rest))
            // Three pieces, cut at every pair of points (empty pieces included).
            for first in 0...bytes.count {
                for second in first...bytes.count {
                    let pieces = [bytes[..<first], bytes[first..<second], bytes[second...]]
                    #expect(try Self.split(pieces) == (lines, rest), "cut at \(first), \(second) of \(input)")
                }
            }
        }
    }

    @Test func aLongLineArrivingInManyPiecesIsWhole() throws {
        let long = String(repeating: "x", count: 70_000)
        let bytes = Array((long + "\ny\n").utf8)
        for size in [1, 7, 4096, 65_536] {
            let pieces = stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
            #expect(try Self.split(pieces) == ([long, "y"], ""), "pieces of \(size)")
        }
    }

    /// The limit counts the `\n`: a line of `limit - 1` bytes fits, one more does not, whether the line is
    /// complete or still arriving; the error names the line.
    @Test func theLimitCountsTheNewlineAndNamesTheLine() throws {
        #expect(try Self.split([Array("ab\nabc\n".utf8)[...]], limit: 4) == (["ab", "abc"], ""))
        #expect(throws: LineSplitter.TooLong(line: 2)) { try Self.split([Array("ab\nabcd\n".utf8)[...]], limit: 4) }
        // Incomplete, in pieces: refused as soon as the pending bytes cannot fit any more.
        #expect(throws: LineSplitter.TooLong(line: 1)) {
            try Self.split([Array("ab".utf8)[...], Array("cd".utf8)[...]], limit: 4)
        }
        #expect(try Self.split([Array("ab".utf8)[...], Array("c".utf8)[...]], limit: 4) == ([], "abc"))
    }
}
