import Foundation
import Logging

/// Keeps what a logger was told (each message with its metadata), for a test that reads a server's log.
public final class LogCapture: @unchecked Sendable {
    /// One entry: the message and its metadata, printed.
    public struct Entry: Sendable {
        /// The message.
        public var message: String
        /// The metadata, each value printed.
        public var metadata: [String: String]
    }

    private let lock = NSLock()
    private var kept: [Entry] = []

    /// An empty capture.
    public init() {}

    /// A logger whose every entry this capture keeps.
    public var logger: Logger {
        Logger(label: "capture", factory: { _ in Handler(capture: self) })
    }

    /// The entries so far.
    public var entries: [Entry] { lock.withLock { kept } }

    /// The entries named `message`, waiting up to `seconds` for at least `count` of them.
    public func wait(for message: String, count: Int = 1, seconds: Double = 5) -> [Entry] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let found = entries.filter { $0.message == message }
            if found.count >= count || Date() > deadline { return found }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    fileprivate func keep(_ entry: Entry) { lock.withLock { kept.append(entry) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.keep(Entry(message: "\(event.message)", metadata: all.mapValues { "\($0)" }))
        }
    }
}
