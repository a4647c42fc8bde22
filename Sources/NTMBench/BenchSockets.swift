import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// listen(2), connect(2) and accept(2), named apart from the helpers below.
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 {
    #if canImport(Glibc)
        return Glibc.listen(fd, backlog)
    #else
        return Darwin.listen(fd, backlog)
    #endif
}

private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
        return Glibc.connect(fd, address, length)
    #else
        return Darwin.connect(fd, address, length)
    #endif
}

/// Plain blocking loopback sockets for the file figures: the baseline copy and the relay that cuts.
enum BenchSockets {
    /// A socket listening on 127.0.0.1 at a free port: (descriptor, port).
    static func listen() -> (Int32, Int) {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        precondition(fd >= 0, "socket")
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        precondition(bound == 0 && systemListen(fd, 64) == 0, "bind/listen")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A socket connected to 127.0.0.1:`port`.
    static func connect(port: Int) -> Int32 {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        precondition(fd >= 0 && connected == 0, "connect")
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Writes every byte; false when the peer went away.
    static func writeAll(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let written = write(fd, pointer + offset, count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// The baseline: `total` bytes copied through a plain loopback TCP socket, a sender thread and a
    /// receiver thread in this process, 64 KiB at a time. Returns the seconds it took.
    static func copyThroughLoopback(total: Int64) -> Double {
        let (listener, port) = listen()
        defer { close(listener) }
        let received = DispatchSemaphore(value: 0)
        let started = Date()
        Thread.detachNewThread {
            let fd = accept(listener, nil, nil)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var count: Int64 = 0
            while true {
                let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if got <= 0 { break }
                count += Int64(got)
            }
            precondition(count == total, "the loopback baseline lost bytes")
            close(fd)
            received.signal()
        }
        Thread.detachNewThread {
            let fd = connect(port: port)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761) }
            var left = total
            while left > 0 {
                let count = Int(min(left, Int64(buffer.count)))
                _ = buffer.withUnsafeBytes { writeAll(fd, $0.baseAddress!, count) }
                left -= Int64(count)
            }
            close(fd)
        }
        received.wait()
        return Date().timeIntervalSince(started)
    }
}

/// A TCP relay between the client and the hub that cuts the connection it is carrying when the bytes
/// it forwarded (both ways, across all its connections) reach each of the given positions.
final class CuttingRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var cutPositions: [Int64]
    private var forwardedBytes: Int64 = 0
    private var cutCount = 0
    private let listener: Int32
    /// The port clients connect to.
    let port: Int
    private let target: Int

    /// A relay to 127.0.0.1:`target` that cuts at `positions` (any order).
    init(target: Int, cuts positions: [Int64]) {
        cutPositions = positions.sorted()
        self.target = target
        (listener, port) = BenchSockets.listen()
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                let upstream = BenchSockets.connect(port: target)
                let connection = Connection(client: client, upstream: upstream)
                Thread.detachNewThread { [self] in pump(connection, from: client, to: upstream) }
                Thread.detachNewThread { [self] in pump(connection, from: upstream, to: client) }
            }
        }
    }

    /// The connections cut so far.
    var cuts: Int { lock.withLock { cutCount } }
    /// The bytes forwarded so far, both ways.
    var forwarded: Int64 { lock.withLock { forwardedBytes } }

    final class Connection: @unchecked Sendable {
        let client: Int32
        let upstream: Int32
        private let lock = NSLock()
        private var open = 2
        init(client: Int32, upstream: Int32) {
            self.client = client
            self.upstream = upstream
        }
        /// Ends both sides (an abrupt cut, or the end of the session).
        func shut() {
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(upstream, Int32(SHUT_RDWR))
        }
        /// One pump finished; the last one closes the descriptors.
        func finished() {
            let last = lock.withLock {
                open -= 1
                return open == 0
            }
            if last {
                close(client)
                close(upstream)
            }
        }
    }

    private func pump(_ connection: Connection, from source: Int32, to sink: Int32) {
        defer { connection.finished() }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress!, $0.count) }
            if got < 0, errno == EINTR { continue }
            if got <= 0 {
                connection.shut()
                return
            }
            let (take, cut) = lock.withLock { () -> (Int, Bool) in
                guard let next = cutPositions.first else {
                    forwardedBytes += Int64(got)
                    return (got, false)
                }
                let take = Int(min(Int64(got), max(0, next - forwardedBytes)))
                forwardedBytes += Int64(take)
                guard forwardedBytes >= next else { return (take, false) }
                cutPositions.removeFirst()
                cutCount += 1
                return (take, true)
            }
            let written = buffer.withUnsafeBytes { BenchSockets.writeAll(sink, $0.baseAddress!, take) }
            if cut || !written {
                connection.shut()
                return
            }
        }
    }
}
