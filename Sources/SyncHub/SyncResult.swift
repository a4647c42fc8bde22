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
}
