/// A key of a replica's local metadata (not replicated), spelled once for every module that reads it.
public struct MetadataKey: RawRepresentable, Sendable, Hashable {
    /// The key as stored.
    public var rawValue: String

    /// Names a key.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The hub's epoch (a random id made once; a restored hub empties it to get a new one). A database
    /// that has one is a hub's.
    public static let hubEpoch = MetadataKey(rawValue: "hub_epoch")
    /// The hub's name, set when a hub is restored: the name its credentials were issued by.
    public static let hubName = MetadataKey(rawValue: "hub_name")
    /// On a laptop: the district hub's own public key (hex), kept from its first version 5 session; it
    /// checks the hub's enrolment log entries this replica keeps and carries.
    public static let syncHubKey = MetadataKey(rawValue: "sync_hub_key")
}

extension ReplicaStore {
    /// Reads a metadata value (local, not replicated).
    public func metadata(_ key: MetadataKey) throws -> String? { try metadata(key.rawValue) }

    /// Sets a metadata value (local, not replicated).
    public func setMetadata(_ key: MetadataKey, _ value: String) throws { try setMetadata(key.rawValue, value) }

    /// Writes several metadata values in one transaction.
    public func setMetadata(_ values: [MetadataKey: String]) throws {
        try setMetadata(Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) }))
    }
}
