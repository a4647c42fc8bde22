import Foundation

/// Probes of TCP ports on loopback (127.0.0.1): a free one to listen on, and whether something listens.
public enum PortProbe {
    /// A port nothing listens on now: the kernel's pick for a listener that is closed again at once.
    public static func freePort() throws -> Int { Int(try LoopbackListener().port) }

    /// Whether something accepts a connection on `port` now.
    public static func isListening(_ port: Int) -> Bool {
        guard let connection = try? RawConnection(port: port) else { return false }
        connection.close()
        return true
    }

    /// Waits until something listens on `port`, probing up to `attempts` times `interval` microseconds
    /// apart; whether it did.
    public static func waitUntilListening(_ port: Int, attempts: Int = 200, interval: UInt32 = 20_000) -> Bool {
        for _ in 0..<attempts {
            if isListening(port) { return true }
            usleep(interval)
        }
        return false
    }
}
