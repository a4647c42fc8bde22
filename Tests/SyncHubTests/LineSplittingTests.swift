import Foundation
import NIOCore
import NIOTestUtils
import SyncCore
import Testing

@testable import SyncHub

/// The line splitters, fed their input cut in every way, as NIO tests its own decoders: whole, byte by
/// byte, every message in one read, and every split point.
@Suite struct LineSplittingTests {
    /// Inputs and the lines they hold: empty lines, multi-byte UTF-8 split anywhere, a long line.
    static let cases: [(String, [String])] = [
        ("{\"type\":\"hello\"}\n", ["{\"type\":\"hello\"}"]),
        ("\n", [""]),
        ("a\nbc\n\n", ["a", "bc", ""]),
        ("Dân Lý · chỉ tiêu 17.1\nđạt\n", ["Dân Lý · chỉ tiêu 17.1", "đạt"]),
        (String(repeating: "x", count: 70_000) + "\ny\n", [String(repeating: "x", count: 70_000), "y"]),
    ]

    @Test func theHubDecoderPassesNIOsVerifier() throws {
        let allocator = ByteBufferAllocator()
        let pairs = Self.cases.map { input, lines in
            (allocator.buffer(string: input), lines.map { allocator.buffer(string: $0) })
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: { LineDecoder() })
    }

    /// The client's transport, reading from a pipe that receives the input in two writes cut at every
    /// byte (a long line at a few cuts only).
    @Test func theClientTransportReadsTheSameLinesWhereverTheInputIsCut() throws {
        for (input, lines) in Self.cases {
            let bytes = Array(input.utf8)
            let cuts = bytes.count < 200 ? Array(0...bytes.count) : [0, 1, 4095, 65_536, bytes.count - 2, bytes.count]
            for cut in cuts {
                var fds: [Int32] = [0, 0]
                #expect(pipe(&fds) == 0)
                let (readEnd, writeEnd) = (fds[0], fds[1])
                let writer = Thread {
                    bytes.withUnsafeBytes { raw in
                        var offset = 0
                        for end in [cut, bytes.count] where end > offset {
                            while offset < end { offset += write(writeEnd, raw.baseAddress! + offset, end - offset) }
                            usleep(200)
                        }
                    }
                    close(writeEnd)
                }
                writer.start()
                let transport = LineTransport(input: readEnd, output: -1)
                var got: [String] = []
                while let line = try transport.receive() { got.append(String(decoding: line, as: UTF8.self)) }
                close(readEnd)
                #expect(got == lines, "cut at \(cut)")
            }
        }
    }
}
