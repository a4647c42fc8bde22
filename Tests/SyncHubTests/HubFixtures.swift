import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport

/// A hub database without any write of its own (so that transcripts are byte-stable), and commune
/// replicas writing real NTM rows.
struct Night {
    let folder: TemporaryDirectory
    private(set) var hubStore: ReplicaStore
    private(set) var hub: HubIdentity

    init(_ name: String, epoch: String = "0123456789abcdef") throws {
        folder = TemporaryDirectory(name)
        hubStore = try ReplicaStore.create(
            at: folder.file("hub.sqlite"), replicaID: "huyen-trieu-son", schema: NTMSchema.schema,
            clock: { 1_541_131_200_000 })
        hub = HubIdentity(
            store: hubStore, epoch: epoch, district: "trieu-son", sharedTables: ["catalogue"],
            policy: NTMSchema.writePolicy, scope: .ntm)
    }

    /// The nonce of every scripted session's challenge, so that its auth line can be written ahead.
    static let nonce = [UInt8](repeating: 0x6E, count: 32)

    /// A session whose challenge is ``nonce``.
    func session() -> HubSession { HubSession(hub: hub, nonce: { Night.nonce }) }

    /// Enrols a replica at the hub and returns its credential.
    func enrol(_ replica: String, as role: Role) throws -> Credential {
        try Credential.enrol(replica, as: role, at: hub)
    }

    /// The auth line answering ``nonce`` with `credential`.
    func auth(_ credential: Credential) throws -> String {
        WireMessage.auth(signature: try credential.sign(nonce: Night.nonce, hub: hub.store.replicaID)).line
    }

    /// Serves from another hub database from now on (a restored backup).
    mutating func replaceHub(_ hub: HubIdentity) {
        self.hub = hub
        hubStore = hub.store
    }

    /// A commune replica (its own file), enrolled at the hub with its credential installed.
    func commune(_ slug: String, replica: String? = nil) throws -> CommuneReplica {
        let commune = try NTMDatabase.create(
            at: folder.file("\(replica ?? slug).sqlite"), replicaID: replica ?? "xa-\(slug)-1",
            home: .commune(.init(slug: slug, name: slug, district: "trieu-son")), author: "Cán bộ \(slug)"
        ).commune()
        try install(try enrol(commune.store.replicaID, as: .commune(slug)), in: commune.store)
        return commune
    }

    /// Runs a whole session in memory: the client's lines go to a hub session, its answers come back.
    func syncInMemory(_ replica: CommuneReplica) throws -> SyncResult {
        try SyncClient(
            store: replica.store, commune: replica.commune,
            credential: try Credential.installed(in: replica.store, roles: .ntm)
        ).run(over: try transport())
    }

    /// A transport to a new hub session served on its own thread over a pair of pipes.
    func transport() throws -> LineTransport {
        let (clientRead, hubWrite) = try pipe()
        let (hubRead, clientWrite) = try pipe()
        let hubSide = Thread { [hub] in
            _ = StdioHub.serve(hub, input: hubRead, output: hubWrite)
            close(hubWrite)
            close(hubRead)
        }
        hubSide.start()
        return LineTransport(
            input: clientRead, output: clientWrite,
            onClose: {
                close(clientWrite)
                close(clientRead)
            })
    }

    func pipe() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw TransportError.closed("pipe") }
        return (fds[0], fds[1])
    }
}

/// Installs a credential in a replica, as `ntm credential install` does.
func install(_ credential: Credential, in store: ReplicaStore) throws {
    try store.setMetadata(Credential.metadataKey, credential.fileContents)
}

/// A replica's rows of one commune, as canonical text (the `ntm dump --commune` of the CLI).
func communeDump(_ store: ReplicaStore, _ commune: String) throws -> String {
    try store.dump { _, row in RowScope.owner(of: row) == commune }
}

/// One line for a test client to send: an operation of `origin`.
func opLine(
    origin: String, seq: UInt64, row: String, column: String = "status", value: FieldValue = .text("dat"),
    table: String = "assessment"
) -> String {
    var writer = JSONWriter()
    SyncOperation(
        dot: Dot(origin: origin, seq: seq), key: FieldKey(table: table, row: row, column: column), value: value,
        context: VersionVector(), author: "t", wallMs: 1_541_131_200_000
    ).write(to: &writer)
    return String(decoding: writer.bytes, as: UTF8.self)
}
