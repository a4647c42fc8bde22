import Replica

extension MetadataKey {
    /// The epoch of the hub this replica last synced with: another one means a new or restored hub.
    public static let syncEpoch = MetadataKey(rawValue: "sync_epoch")
    /// How far this replica has pulled from the hub (the hub's log position, as JSON).
    public static let syncCursor = MetadataKey(rawValue: "sync_cursor")
    /// The scope the hub last gave this replica: another one means pulling afresh.
    public static let syncScope = MetadataKey(rawValue: "sync_scope")
    /// The name of the hub this replica last synced with, for messages.
    public static let syncHub = MetadataKey(rawValue: "sync_hub")
    /// The fork this replica found and has not recovered from (``ForkRecord``).
    public static let syncFork = MetadataKey(rawValue: "sync_fork")
    /// The credential installed in this replica (``Credential``, its file's text).
    public static let credential = MetadataKey(rawValue: "credential")

    /// At a hub: the largest file, in bytes, it accepts from a replica (set by the district with
    /// `ntm hub file-limit`; ``WireLimits/defaultFileLimit`` when unset).
    public static let fileLimit = MetadataKey(rawValue: "file_limit")

    /// What a database that takes a new replica id after a fork must not keep: the fork record, and
    /// where the old id had pulled to (the new id pulls from the start).
    public static let clearedByForkRecovery: [MetadataKey] = [.syncFork, .syncCursor, .syncScope]
}
