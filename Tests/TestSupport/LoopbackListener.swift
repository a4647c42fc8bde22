import Foundation

/// A TCP listener on loopback that a test drives by hand (a port that accepts connections but is not
/// an ntm hub); closed when the value is released.
public final class LoopbackListener {
    /// The listening socket.
    public let fd: Int32
    /// The port the kernel picked.
    public let port: UInt16

    /// Listens on a free port of 127.0.0.1.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Accepts one connection on a thread, sends `greeting`, and keeps it open a while.
    public func answerOnce(with greeting: String) {
        let fd = fd
        Thread {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            _ = greeting.withCString { write(client, $0, strlen($0)) }
            sleep(3)
            close(client)
        }.start()
    }

    deinit { close(fd) }
}
