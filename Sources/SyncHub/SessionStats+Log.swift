import Foundation
import Logging

extension SessionStats {
    /// Writes the hub's one log line for a session (TCP or stdio).
    public func log(to logger: Logger, seconds: Double) {
        logger.info(
            "session",
            metadata: [
                "replica": "\(replica ?? "?")", "ops_in": "\(counts.received.total)",
                "applied": "\(counts.received.new)", "refused": "\(counts.received.refused)",
                "ops_out": "\(counts.sent.total)", "files_in": "\(counts.filesReceived.complete)",
                "file_bytes_in": "\(counts.filesReceived.bytes)", "file_bytes_out": "\(counts.filesSent.bytes)",
                "bytes_in": "\(counts.bytesIn)", "bytes_out": "\(counts.bytesOut)",
                "seconds": "\(String(format: "%.3f", seconds))", "error": "\(error?.description ?? "-")",
                "relay_rejected": "\(relayRejected)", "relay_error": "\(relayError?.description ?? "-")",
                "enrolments_taken_back": "\(enrolmentsTaken)", "enrolments_delegated": "\(enrolmentsDelegated)",
                "links_hashed": "\(linksHashed)", "detail": "\(detail ?? "-")",
            ])
    }
}
