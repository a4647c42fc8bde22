import Deflate
import Foundation
import SyncCore
import SyncWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// connect(2), named apart from ``LineTransport/connect(to:)``.
private func connectSocket(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
        return Glibc.connect(fd, address, length)
    #elseif canImport(Darwin)
        return Darwin.connect(fd, address, length)
    #endif
}

/// close(2), named apart from ``LineTransport/close()``.
func closeDescriptor(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
        return Glibc.close(fd)
    #elseif canImport(Darwin)
        return Darwin.close(fd)
    #endif
}

/// A blocking, line-oriented byte stream: the client's side of a session (a TCP socket, or the pipes of
/// a child process such as `ssh district ntm hub stdio`), and the hub's side over stdin/stdout.
public final class LineTransport {
    private let input: Int32
    private let output: Int32
    private let onClose: () -> Void
    /// The bytes read so far, cut into lines.
    private var lines = LineSplitter()
    /// Where each read(2) lands before it is appended, allocated once.
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    /// Bytes read so far: the lines', or once the session is compressed the compressed bytes.
    public private(set) var bytesIn = 0
    /// Bytes written so far (compressed once the session is).
    public private(set) var bytesOut = 0
    /// The outgoing stream's compressor, once the session is compressed (§11.13).
    private var deflater: Deflater?
    /// The incoming stream's decompressor, once the session is compressed.
    private var inflater: Inflater?

    /// Whether the session is compressed from here on.
    public var isCompressed: Bool { deflater != nil }

    /// Wraps two file descriptors; `onClose` runs once when the transport is closed.
    public init(input: Int32, output: Int32, onClose: @escaping () -> Void = {}) {
        self.input = input
        self.output = output
        self.onClose = onClose
    }

    /// How long a TCP client waits for the hub's next bytes once the session is under way.
    public static let readTimeoutSeconds = 300

    /// How long a TCP client waits, by default, for the connection and then for the hub's first line:
    /// a listener that is not an ntm hub, or a machine that drops the packets, is named after this
    /// instead of hanging a sync for minutes.
    public static let defaultAnswerTimeoutSeconds = 10

    /// The socket a TCP transport reads from, whose timeout widens after the first line; -1 otherwise.
    private var socketDescriptor: Int32 = -1
    /// The deadline for the first line, in seconds (0: the read timeout from the start).
    private var firstAnswerSeconds = 0
    private var answered = false
    /// The address a TCP transport is connected to, for messages.
    public private(set) var address: String?

    /// Connects to `host:port` over TCP (`[::1]:7420` for an IPv6 literal), giving up after `timeout`
    /// seconds, and waits at most as long for the hub's first line.
    /// - Throws: ``TransportError`` naming the address: `badAddress` for what is not `HOST:PORT`
    ///   (a URL such as `http://host:port` included), `unreachable` when nobody accepted in time.
    ///
    /// The session travels in clear: only for `--insecure` (tests, a hub on the same machine); a hub is
    /// reached over TLS with ``connect(to:pinning:timeout:)``.
    public static func connect(to address: String, timeout: Int = defaultAnswerTimeoutSeconds) throws -> LineTransport {
        let (host, port) = try endpoint(address)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result
        else { throw TransportError.unreachable(address, "unknown host") }
        defer { freeaddrinfo(result) }
        var reason = "connection refused"
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let entry = info {
            let fd = socket(entry.pointee.ai_family, entry.pointee.ai_socktype, entry.pointee.ai_protocol)
            if fd >= 0 {
                switch Self.connect(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen, within: timeout) {
                case nil:
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    let transport = LineTransport(input: fd, output: fd, onClose: { _ = closeDescriptor(fd) })
                    transport.prepareTCP(socket: fd, address: address, firstAnswerSeconds: max(1, timeout))
                    return transport
                case .some(let failure):
                    reason = failure
                }
                _ = closeDescriptor(fd)
            }
            info = entry.pointee.ai_next
        }
        throw TransportError.unreachable(address, reason)
    }

    /// The host and port of `HOST:PORT` (`[::1]:7420` for an IPv6 literal; an empty host is 127.0.0.1).
    /// - Throws: ``TransportError/badAddress(_:)`` for what is not `HOST:PORT` (a URL included).
    public static func endpoint(_ address: String) throws -> (host: String, port: Int) {
        if address.contains("://") || address.contains("/") { throw TransportError.badAddress(address) }
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]),
            port > 0
        else {
            throw TransportError.badAddress(address)
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, Int(port))
    }

    /// Makes a transport over a connected stream socket time out: `firstAnswerSeconds` for the hub's
    /// first line, then ``readTimeoutSeconds``, named after `address`.
    func prepareTCP(socket fd: Int32, address: String, firstAnswerSeconds: Int) {
        socketDescriptor = fd
        self.address = address
        self.firstAnswerSeconds = firstAnswerSeconds
        // A hub that stops answering ends the sync instead of hanging it (cron runs it unattended); the
        // first line has a shorter deadline.
        setReadTimeout(firstAnswerSeconds)
    }

    /// Connects a socket without waiting more than `seconds`; nil on success, else why not.
    private static func connect(
        _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t, within seconds: Int
    ) -> String? {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        if connectSocket(fd, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        var ready: Int32
        repeat { ready = poll(&poller, 1, Int32(max(1, seconds)) * 1000) } while ready < 0 && errno == EINTR
        guard ready > 0 else { return "no answer within \(seconds) s" }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
        return error == 0 ? nil : String(cString: strerror(error))
    }

    private func setReadTimeout(_ seconds: Int) {
        guard socketDescriptor >= 0 else { return }
        var wait = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends lines, each followed by `\n`; in a compressed session as the next bytes of the deflate
    /// stream, flushed so that the peer can read every line at once.
    public func send(_ lines: [String]) throws {
        guard !lines.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            bytes.append(contentsOf: line.utf8)
            bytes.append(0x0A)
        }
        try send(bytes: deflater?.compress(bytes, flush: .sync) ?? bytes)
    }

    /// Compresses the session from here on (`protocol/PROTOCOL.md` §11.13): what is sent next is one
    /// raw-deflate stream, and so is what is read next, bytes already read after the last line included.
    /// - Throws: ``DeflateError`` when zlib cannot start.
    public func startCompression() throws {
        guard deflater == nil else { return }
        let inflater = try Inflater(format: .raw)
        let early = lines.remainder
        if !early.isEmpty {
            inflater.feed(early)
            bytesIn += early.count
        }
        lines = LineSplitter()
        deflater = try Deflater(format: .raw)
        self.inflater = inflater
    }

    /// Decompresses the next piece of what was read into lines; false when nothing is waiting.
    /// - Throws: ``WireError`` (`bad-message`) for a broken compressed stream.
    private func inflateWaiting() throws -> Bool {
        guard let inflater, inflater.hasInput else { return false }
        do {
            while inflater.hasInput, try inflater.inflate({ lines.append($0) }) == 0 {}
        } catch {
            throw WireError(.badMessage, "the compressed stream is broken: \(error)")
        }
        return true
    }

    /// Sends bytes as they are (a test sending what a broken peer would).
    public func send(bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(output, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw TransportError.closed(String(cString: strerror(errno)))
                }
                offset += written
            }
        }
        bytesOut += bytes.count
    }

    /// The next line without its `\n`; nil when the peer closed the stream at a line boundary.
    /// - Throws: ``WireError`` (`line-too-long`) or ``TransportError`` (a stream cut inside a line).
    public func receive() throws -> ArraySlice<UInt8>? {
        while true {
            let line: ArraySlice<UInt8>?
            do { line = try lines.nextLine() } catch { throw WireError.lineOverLimit }
            if let line {
                if !answered {
                    answered = true
                    if firstAnswerSeconds > 0 { setReadTimeout(Self.readTimeoutSeconds) }
                }
                if inflater == nil { bytesIn += line.count + 1 }
                return line
            }
            if try inflateWaiting() { continue }
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    if !answered, firstAnswerSeconds > 0, let address {
                        throw TransportError.noAnswer(address, firstAnswerSeconds)
                    }
                    throw TransportError.timedOut(Self.readTimeoutSeconds)
                }
                throw TransportError.closed(String(cString: strerror(errno)))
            }
            if count == 0 {
                if !lines.remainder.isEmpty { throw TransportError.closed("the stream ended inside a line") }
                return nil
            }
            if let inflater {
                bytesIn += count
                chunk.withUnsafeBytes { inflater.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            } else {
                chunk.withUnsafeBytes { lines.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        }
    }

    /// Closes the transport.
    public func close() { onClose() }

    /// The first bytes the peer sent that are still buffered (for a message about a peer that does not
    /// speak the protocol), at most `limit` of them.
    public func peek(_ limit: Int = 64) -> [UInt8] { Array(lines.remainder.prefix(limit)) }
}

/// A transport failure (not a protocol error): the peer could not be reached or went away.
public enum TransportError: Error, Equatable, Sendable {
    /// `host:port` could not be parsed.
    case badAddress(String)
    /// Nobody answered at the address.
    case unreachable(String, String)
    /// The stream closed or failed.
    case closed(String)
    /// The command given to `--via` could not be started, or ended with a failure status.
    case commandFailed(String, String)
    /// The hub could not listen on the address.
    case cannotListen(String, String)
    /// The peer sent nothing for too long.
    case timedOut(Int)
    /// A TCP peer accepted the connection but sent no line within the first-answer deadline (seconds).
    case noAnswer(String, Int)
    /// The peer at the address completed a TLS handshake with a key other than the one pinned in the
    /// credential: not this replica's hub (or someone in between); nothing was sent to it.
    case wrongHubKey(String)
    /// The peer at the address answered a clear-text session with a TLS alert: a hub that speaks TLS,
    /// reached with `--insecure`.
    case speaksTLS(String)
    /// The peer at the address answered a TLS handshake with an ntm line: a hub serving in clear
    /// (`ntm hub serve --insecure`).
    case speaksClear(String)
}
