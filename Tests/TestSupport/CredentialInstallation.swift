import Replica
import SyncHub

/// Installs a credential in a replica, as `ntm credential install` does.
public func install(_ credential: Credential, in store: ReplicaStore) throws {
    try store.setMetadata(MetadataKey.credential.rawValue, credential.fileContents)
}
