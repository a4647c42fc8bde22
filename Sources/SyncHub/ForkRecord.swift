import Replica
import SyncCore
import SyncWire

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

    /// The record as stored.
    public var json: JSONValue {
        .object([
            "replica": .string(replica), "hub": .string(hub), "seq": .int(Int64(seq)),
            "hub_seq": .int(Int64(hubSeq)), "local_seq": .int(Int64(localSeq)),
        ])
    }

    /// The fork recorded in a replica, if any.
    public static func recorded(in store: ReplicaStore) throws -> ForkRecord? {
        guard let text = try store.metadata(.syncFork), let object = try? JSONParser.parse(text).object,
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
