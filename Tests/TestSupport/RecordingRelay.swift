import Foundation
import SyncHub

/// A TCP relay on loopback that records every byte crossing it both ways: a test's view of what a
/// listener on the path between a laptop and its hub would capture. Each accepted connection is
/// joined to a new connection to `127.0.0.1:target`; closed when the value is released.
public final class RecordingRelay: @unchecked Sendable {
    private let listener: LoopbackListener
    private let target: Int
    private let lock = NSLock()
    private var recorded: [UInt8] = []

    /// The port the relay listens on.
    public var port: Int { Int(listener.port) }

    /// Listens on a free loopback port and relays to `127.0.0.1:target`, for `connections` connections.
    public init(to target: Int, connections: Int = 1) throws {
        listener = try LoopbackListener()
        self.target = target
        let listening = listener.fd
        Thread { [self] in
            for _ in 0..<connections {
                let client = accept(listening, nil, nil)
                guard client >= 0 else { return }
                guard let server = try? RawConnection.connectedSocket(port: target) else {
                    close(client)
                    return
                }
                let finished = DispatchGroup()
                for (from, to) in [(client, server), (server, client)] {
                    finished.enter()
                    Thread { [self] in
                        pump(from, to)
                        finished.leave()
                    }.start()
                }
                Thread {
                    finished.wait()
                    close(client)
                    close(server)
                }.start()
            }
        }.start()
    }

    /// Copies bytes from one socket to the other, recording them, until `from` ends; then ends the
    /// other's output.
    private func pump(_ from: Int32, _ to: Int32) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(from, $0.baseAddress!, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            lock.withLock { recorded += chunk[0..<count] }
            var offset = 0
            while offset < count {
                let sent = chunk.withUnsafeBytes {
                    send(to, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
                }
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return }
                offset += sent
            }
        }
        shutdown(to, Int32(SHUT_WR))
    }

    /// Every byte that crossed so far, both directions interleaved.
    public var bytes: [UInt8] { lock.withLock { recorded } }

    /// Whether `text` (UTF-8) occurs in what crossed.
    public func saw(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        let haystack = bytes
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}
