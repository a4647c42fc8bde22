import SyncWire

/// What a session did, for the hub's log line.
public struct SessionStats: Sendable {
    /// The client's replica id, once known.
    public var replica: String?
    /// What crossed, from the hub's side: `received` is what the client pushed (`new`: applied here,
    /// `refused`: quarantined because the client's role may not write it), `sent` what it pulled.
    public var counts = SessionCounts()
    /// The error that ended the session, if any.
    public var error: WireError?
    /// Relayed batches refused whole because they did not match their writer's signature (the session
    /// went on; the last reason is in `relayError`).
    public var relayRejected = 0
    /// Why the last relayed batch was refused.
    public var relayError: WireError?
    /// Entries of the hub's enrolment log the client gave back (the hub had lost them in a restore).
    public var enrolmentsTaken = 0
    /// Enrolments a lower hub's log made or changed here (a district's communes, at its province).
    public var enrolmentsDelegated = 0
    /// Units a lower hub claimed that were placed under it here (its communes without an enrolled laptop).
    public var unitsPlaced = 0
    /// Pushed operations whose link to the one before the hub checked by hashing that one (the first of
    /// each batch, or a line that named its `prev`); the others' links held as they were read.
    public var linksHashed = 0
    /// What the hub's log says beyond the error the peer was sent: why a credential was not accepted,
    /// which an unauthenticated peer is not told.
    public var detail: String?
}
