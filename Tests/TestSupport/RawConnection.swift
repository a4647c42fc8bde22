import Foundation
import SyncHub

/// A bare TCP connection to a loopback port that sends bytes as they are and reads the answers line
/// by line, with a read timeout so that a peer that stops answering fails the test instead of hanging
/// it.
public final class RawConnection {
    /// How the stream ended.
    public enum End: Equatable, Sendable {
        /// The peer closed it at a line boundary.
        case closed
        /// The peer reset it (it closed with bytes of ours still unread).
        case reset
        /// The peer sent nothing for the read timeout.
        case timedOut
        /// The peer closed it inside a line.
        case cutInsideALine
    }

    private var fd: Int32
    private var buffer: [UInt8] = []
    /// How the stream ended, once it has.
    public private(set) var end: End?

    /// Connects to `127.0.0.1:port`; reads wait at most `timeoutSeconds`.
    /// - Throws: ``TransportError`` when nothing accepts the connection.
    public init(port: Int, timeoutSeconds: Int = 30) throws {
        fd = try Self.connectedSocket(port: port)
        var wait = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A blocking TCP socket connected to `127.0.0.1:port`.
    /// - Throws: ``TransportError`` when nothing accepts the connection.
    public static func connectedSocket(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TransportError.closed(String(cString: strerror(errno))) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw TransportError.unreachable("127.0.0.1:\(port)", reason)
        }
        return fd
    }

    /// Connects to `127.0.0.1:port` over TLS 1.3, accepting the hub whose key has the pin `pin`; the
    /// bytes sent and read are the tunnel's plaintext.
    /// - Throws: ``TransportError`` as ``LineTransport/tunnel(to:pinning:timeout:)``.
    public init(port: Int, pinning pin: String, timeoutSeconds: Int = 30) throws {
        fd = try LineTransport.tunnel(to: "127.0.0.1:\(port)", pinning: pin, timeout: 10)
        var wait = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends bytes as they are; false when the peer had closed the connection before all were sent.
    @discardableResult public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count, fd >= 0 {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return offset == bytes.count
    }

    /// The next line the peer sends (without `\n`); nil once the stream has ended (see ``end``).
    public func nextLine() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                return line
            }
            guard end == nil, fd >= 0 else { return nil }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count > 0 {
                buffer += chunk[0..<count]
            } else if count == 0 {
                end = buffer.isEmpty ? .closed : .cutInsideALine
            } else if errno == EINTR {
                continue
            } else {
                end = errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .reset
            }
        }
    }

    /// Every line the peer sends until the stream ends, and how it ended.
    public func readToEnd() -> (lines: [[UInt8]], end: End) {
        var lines: [[UInt8]] = []
        while let line = nextLine() { lines.append(line) }
        return (lines, end ?? .closed)
    }

    /// Closes the connection (again: nothing).
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    deinit { close() }
}
