import Replica
import SyncCore

/// A replica's rows of one commune, as canonical text (the `ntm dump --commune` of the CLI).
func communeDump(_ store: ReplicaStore, _ commune: String) throws -> String {
    try store.dump { _, row in RowScope.owner(of: row) == commune }
}
