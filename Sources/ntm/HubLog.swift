import Logging
import SyncHub

/// The hub's log: swift-log's lines on standard error.
enum HubLog {
    static func logger() -> Logger {
        LoggingBootstrap.once
        return Logger(label: "ntm.hub")
    }

    static func log(_ stats: SessionStats, seconds: Double) { stats.log(to: logger(), seconds: seconds) }
}

/// Sends swift-log's lines to standard error, once per process.
enum LoggingBootstrap {
    static let once: Void = LoggingSystem.bootstrap(StreamLogHandler.standardError)
}
