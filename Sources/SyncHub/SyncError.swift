import SyncWire

/// Why a sync stopped.
public enum SyncError: Error, Equatable, Sendable {
    /// The hub answered an error object.
    case hub(WireError)
    /// The hub broke the protocol (this replica sent an error object and closed).
    case protocolViolation(WireError)
    /// The connection failed.
    case transport(TransportError)
    /// The hub asks for a credential and this replica has none.
    case noCredential
    /// This database is a hub's and the hub answering refused it as its own replica id: a hub does not
    /// sync with itself.
    case syncWithItself
    /// The peer's first line is not an ntm message (another program listens on the port): what it sent.
    case notNTM(String)
    /// The credential was issued by another hub than the one answering.
    case otherHub(credential: String, hub: String)
    /// This database's own chain parted from what the hub holds under its replica id (it was copied to
    /// another laptop, or restored from an older backup). Nothing is pushed or pulled until
    /// ``ForkRecovery`` gives it a new replica id.
    case fork(ForkRecord)
    /// This hub and the hub it syncs with are each below the other (`above` names this one): a cycle.
    case cycle(hub: String)
}
