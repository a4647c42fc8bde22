import Crypto
import Foundation
import Replica
import SyncCore

/// The short summary `ntm status` prints: the report figures of today plus the replica's own counts.
public struct CommuneStatus: Sendable, Hashable {
    /// Today's figures.
    public var figures: CommuneFigures
    /// This replica's id.
    public var replicaID: String
    /// Open conflicts.
    public var openConflicts: Int
    /// Operations in the log.
    public var operations: Int
    /// Operations written on this replica.
    public var localOperations: Int
}
