/// Operations that crossed a session in one direction.
public struct OperationFlow: Sendable, Equatable {
    /// Operations that crossed.
    public var total = 0
    /// Of those, operations the receiving side did not have and applied (for what this side sent, as
    /// the hub answered; the hub does not learn it of what it sends).
    public var new = 0
    /// Of those, operations the hub refused because the sender's role may not write them.
    public var refused = 0
    /// Operations the receiving side already had (sent again after an interrupted session).
    public var held: Int { max(0, total - new - refused) }

    /// Creates a count.
    public init(total: Int = 0, new: Int = 0, refused: Int = 0) {
        self.total = total
        self.new = new
        self.refused = refused
    }
}

/// File contents that crossed a session in one direction.
public struct FileFlow: Sendable, Equatable {
    /// Files that arrived whole at the receiving side (checked against their SHA-256).
    public var complete = 0
    /// Bytes of file content that crossed (chunk data, before base64), including chunks sent again.
    public var bytes: Int64 = 0
    /// Files the other side declined or that failed their checks.
    public var refused = 0

    /// Creates a count.
    public init(complete: Int = 0, bytes: Int64 = 0, refused: Int = 0) {
        self.complete = complete
        self.bytes = bytes
        self.refused = refused
    }
}

/// What crossed one sync session, counted by one side: the client's (``SyncResult``) or the hub's
/// (``SessionStats``). Both sides count with this one type, from their own point of view.
public struct SessionCounts: Sendable, Equatable {
    /// Operations this side sent.
    public var sent = OperationFlow()
    /// Operations this side received.
    public var received = OperationFlow()
    /// File contents this side sent.
    public var filesSent = FileFlow()
    /// File contents this side received.
    public var filesReceived = FileFlow()
    /// Bytes received (lines with their newline).
    public var bytesIn = 0
    /// Bytes sent (lines with their newline).
    public var bytesOut = 0
    /// Bytes both ways.
    public var bytes: Int { bytesIn + bytesOut }

    /// Creates empty counts.
    public init() {}
}
