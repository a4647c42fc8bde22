/// What one sync did: what crossed, from this replica's side (`sent` is what it pushed, with the hub's
/// answer of how many were new or refused; `received` is what it pulled, `new` counted here), and what
/// the replica learnt of its standing.
public struct SyncResult: Sendable, Equatable {
    /// What crossed the session.
    public var counts = SessionCounts()
    /// Whether the replica started pulling from the beginning (a new or restored hub).
    public var restarted = false
    /// Operations of other replicas this replica holds and the hub lacks (received on a USB stick):
    /// a replica pushes only its own, so these reach the hub when their writer syncs.
    public var unsent = 0
    /// This replica's operations the hub has refused (its role may not write them), all told.
    public var refused = 0
    /// What the file phase left for later.
    public var files = FilesLeft()

    /// An empty result: nothing crossed yet.
    public init() {}

    /// Files that did not move in this session and will be asked for again.
    public struct FilesLeft: Sendable, Equatable {
        /// Files the rows reference that the hub does not hold yet (their writer has not synced them).
        public var notAtHub = 0
        /// Files left for lack of disk space (the free-space floor was reached).
        public var waiting = 0
        /// Whether the disk reached its free-space floor during the session.
        public var noRoom = false

        /// Nothing left.
        public init() {}
    }
}
