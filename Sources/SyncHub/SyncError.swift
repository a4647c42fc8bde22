import Foundation
import Replica
import SyncCore
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
}

/// A fork this replica found (or was told of) while syncing: from which of its own sequence numbers
/// its chain differs from the hub's. Kept in the replica's metadata until it is recovered.
public struct ForkRecord: Sendable, Equatable {
    /// The replica id two databases write under.
    public var replica: String
    /// The hub that holds the other history.
    public var hub: String
    /// The first of this replica's own sequence numbers whose operation the hub does not hold as it is
    /// here: operations from it on are this database's forked part.
    public var seq: UInt64
    /// The last sequence number of this replica id the hub holds.
    public var hubSeq: UInt64
    /// The last sequence number of this replica id this database holds.
    public var localSeq: UInt64

    /// Creates a record.
    public init(replica: String, hub: String, seq: UInt64, hubSeq: UInt64, localSeq: UInt64) {
        self.replica = replica
        self.hub = hub
        self.seq = seq
        self.hubSeq = hubSeq
        self.localSeq = localSeq
    }

    /// The metadata key the record is kept under.
    public static let metadataKey = "sync_fork"

    /// The record as stored.
    public var json: JSONValue {
        .object([
            "replica": .string(replica), "hub": .string(hub), "seq": .int(Int64(seq)),
            "hub_seq": .int(Int64(hubSeq)), "local_seq": .int(Int64(localSeq)),
        ])
    }

    /// The fork recorded in a replica, if any.
    public static func recorded(in store: ReplicaStore) throws -> ForkRecord? {
        guard let text = try store.metadata(metadataKey), let object = try? JSONParser.parse(text).object,
            let replica = object["replica"]?.string, let hub = object["hub"]?.string,
            let seq = object["seq"]?.int, let hubSeq = object["hub_seq"]?.int, let localSeq = object["local_seq"]?.int
        else { return nil }
        return ForkRecord(
            replica: replica, hub: hub, seq: UInt64(max(1, seq)), hubSeq: UInt64(max(0, hubSeq)),
            localSeq: UInt64(max(0, localSeq)))
    }

    /// The message the client sends the hub before closing, in English.
    var wireMessage: String {
        localSeq < seq
            ? "fork of replica \(replica) at seq \(seq): the hub holds operations \(seq)-\(hubSeq) of \(replica) that this database lacks (a copied database, or one restored from an older backup); it stops and recovers under a new replica id"
            : "fork of replica \(replica) at seq \(seq): this database's operations \(seq)-\(localSeq) differ from what the hub holds (a copied database); it stops and recovers under a new replica id"
    }
}
