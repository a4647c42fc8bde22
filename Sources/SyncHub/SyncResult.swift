/// What one sync did: what crossed, from this replica's side (`sent` is what it pushed, with the hub's
/// answer of how many were new or refused; `received` is what it pulled, `new` counted here), and what
/// the replica learnt of its standing.
public struct SyncResult: Sendable, Equatable {
    /// What crossed the session.
    public var counts = SessionCounts()
    /// Whether the replica started pulling from the beginning (a new or restored hub).
    public var restarted = false
    /// Operations of other replicas this replica holds and the hub still lacks after the session
    /// (received on a USB stick, with no checkpoint of their writer to vouch for them, or refused as
    /// unvouched by a hub older than protocol version 5): they reach the hub when their writer syncs,
    /// or when a bundle with its checkpoint arrives here.
    public var unsent = 0
    /// Operations of other replicas this replica relayed to the hub, vouched for by their writer's
    /// checkpoints (received on a USB stick from a laptop that has no connection), and the hub took.
    public var relayed = 0
    /// Other replicas' work the hub refused to take from this relay, by origin, with the hub's reason:
    /// it does not match its writer's signature (changed or cut on the way, or signed by another key).
    public var relayRejected: [String: String] = [:]
    /// Entries of the hub's enrolment log this replica gave back to a hub restored from an older backup.
    public var enrolmentsGivenBack = 0
    /// At a hub syncing upward: how many enrolments its log made or changed at the hub above (its
    /// communes, departments and office, enrolled there on its behalf).
    public var enrolmentsDelegated = 0
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
