import Foundation
import Logging
import NIOCore
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import SyncWire

/// A district hub in a temporary folder, and commune replicas enrolled at it that write real NTM
/// rows. Its ``Options`` choose what the hub's database holds and whether it is served over TCP:
/// ``Options/scripted`` for sessions run in this process (their transcripts byte-stable),
/// ``Options/served`` for the real TCP server on loopback.
public struct HubFixture: Sendable {
    /// What a hub fixture is made of, and how it is reached.
    public struct Options: Sendable {
        /// What the hub's database holds when it is created.
        public enum Database: Sendable {
            /// No write of its own, at a fixed clock: what a session with it sends is byte-stable.
            case quiet
            /// A district's database, where district staff work too: it holds its own district row and
            /// target, and ``HubFixture/database`` writes more.
            case district
        }

        /// The limits of the TCP server.
        public struct Server: Sendable {
            /// A session that sends nothing for this long is closed.
            public var idleTimeout: TimeAmount
            /// A session not authenticated this long after it connected is closed.
            public var handshakeTimeout: TimeAmount

            /// Limits; by default the server's own defaults.
            public init(idleTimeout: TimeAmount = .seconds(120), handshakeTimeout: TimeAmount = .seconds(15)) {
                self.idleTimeout = idleTimeout
                self.handshakeTimeout = handshakeTimeout
            }
        }

        /// What the hub's database holds when it is created.
        public var database: Database
        /// The hub's epoch.
        public var epoch: String
        /// Bundle files imported into the hub's database once it is created.
        public var bundles: [String]
        /// The target year of the commune replicas that ``HubFixture/commune(_:replica:)`` makes; nil for
        /// none.
        public var communeYear: String?
        /// The TCP server's limits; nil when the hub is not served over TCP (sessions then run in this
        /// process, see ``HubFixture/syncInMemory(_:)``).
        public var server: Server?
        /// Whether the server speaks TLS 1.3 with a key of its own (pinned by the credentials it
        /// issues) rather than plain TCP.
        public var tls = false

        /// Options with every choice spelled out.
        public init(database: Database, epoch: String, bundles: [String] = [], communeYear: String?, server: Server?) {
            self.database = database
            self.epoch = epoch
            self.bundles = bundles
            self.communeYear = communeYear
            self.server = server
        }

        /// A hub database without any write of its own (so that transcripts are byte-stable), not served:
        /// its sessions run in this process.
        public static let scripted = Options(
            database: .quiet, epoch: "0123456789abcdef", communeYear: nil, server: nil)

        /// A district's database (district staff work there too), served over TCP on loopback with the
        /// server's default limits.
        public static let served = Options(
            database: .district, epoch: "e1", communeYear: "2020", server: Server())

        /// These options, served over TCP with the given limits.
        public func serving(
            idleTimeout: TimeAmount = .seconds(120), handshakeTimeout: TimeAmount = .seconds(15)
        ) -> Options {
            var options = self
            options.server = Server(idleTimeout: idleTimeout, handshakeTimeout: handshakeTimeout)
            return options
        }

        /// These options, served over TLS 1.3 (see ``tls``).
        public var overTLS: Options {
            var options = self
            options.tls = true
            return options
        }

        /// These options, with `bundle` imported into the hub's database.
        public func importing(_ bundle: String) -> Options {
            var options = self
            options.bundles.append(bundle)
            return options
        }
    }

    /// The nonce of every scripted session's challenge (see ``session()``), so that its auth line can
    /// be written ahead.
    public static let nonce = [UInt8](repeating: 0x6E, count: 32)

    /// The folder holding the hub's database and the replicas' files.
    public let folder: TemporaryDirectory
    /// What this fixture was made with.
    public let options: Options
    /// The hub's replica.
    public private(set) var store: ReplicaStore
    /// Who the hub is, as its sessions and its server were given it.
    public private(set) var hub: HubIdentity
    private let district: NTMDatabase?
    private let served: (server: HubServer, port: Int)?

    /// Creates the hub's database in a new temporary folder named after `name` and, when the options
    /// say so, serves it over TCP on a free loopback port. Stop the server with `server.stop()`.
    public init(_ name: String, _ options: Options = .scripted) throws {
        self.options = options
        folder = TemporaryDirectory(name)
        let path = folder.file("hub.sqlite")
        switch options.database {
        case .quiet:
            district = nil
            store = try ReplicaStore.create(
                at: path, replicaID: "huyen-trieu-son", schema: NTMSchema.schema, clock: { 1_541_131_200_000 })
        case .district:
            let database = try NTMDatabase.create(
                at: path, replicaID: "huyen-trieu-son", home: .district(slug: "trieu-son", name: "Triệu Sơn"),
                author: "Văn phòng")
            district = database
            store = database.store
        }
        for bundle in options.bundles { _ = try store.importBundle(from: bundle) }
        hub = HubIdentity(
            store: store, epoch: options.epoch, district: "trieu-son", sharedTables: ["catalogue"],
            policy: NTMSchema.writePolicy, scope: .ntm,
            tls: options.tls ? try HubTLSIdentity.ensure(in: store, name: store.replicaID) : nil)
        if let limits = options.server {
            // A write to a connection the hub has closed must fail, not kill the test process (as in `ntm`).
            signal(SIGPIPE, SIG_IGN)
            let server = HubServer(
                hub: hub, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                idleTimeout: limits.idleTimeout, handshakeTimeout: limits.handshakeTimeout)
            served = (server, try server.start(host: "127.0.0.1", port: 0, tls: hub.tls))
        } else {
            served = nil
        }
    }

    /// The district database, where district staff work (only with ``Options/Database/district``; a
    /// quiet hub has none, and asking for it stops the tests).
    public var database: NTMDatabase {
        guard let district else { preconditionFailure("a quiet hub has no district database") }
        return district
    }

    /// The TCP server (only for options with a ``Options/server``; asking an unserved hub for it stops
    /// the tests).
    public var server: HubServer {
        guard let served else { preconditionFailure("this hub is not served over TCP") }
        return served.server
    }

    /// The loopback port the server listens on (see ``server``).
    public var port: Int {
        guard let served else { preconditionFailure("this hub is not served over TCP") }
        return served.port
    }

    /// A session in this process whose challenge is ``nonce``.
    public func session() -> HubSession { HubSession(hub: hub, nonce: { HubFixture.nonce }) }

    /// Enrols a replica at the hub and returns its credential.
    public func enrol(_ replica: String, as role: Role) throws -> Credential {
        try Credential.enrol(replica, as: role, at: hub)
    }

    /// The auth line answering ``nonce`` with `credential`.
    public func auth(_ credential: Credential) throws -> String {
        WireMessage.auth(signature: try credential.sign(nonce: HubFixture.nonce, hub: hub.store.replicaID)).line
    }

    /// Serves from another hub database from now on (a restored backup), in this process.
    public mutating func replaceHub(_ hub: HubIdentity) {
        self.hub = hub
        store = hub.store
    }

    /// A commune replica (its own file, `REPLICA.sqlite`; `replica` is `xa-SLUG-1` unless given),
    /// enrolled at the hub with its credential installed.
    public func commune(_ slug: String, replica: String? = nil) throws -> CommuneReplica {
        let id = replica ?? "xa-\(slug)-1"
        let commune = try NTMDatabase.create(
            at: folder.file("\(id).sqlite"), replicaID: id,
            home: .commune(.init(slug: slug, name: slug, district: "trieu-son", year: options.communeYear)),
            author: "Cán bộ \(slug)"
        ).commune()
        try install(try enrol(commune.store.replicaID, as: .commune(slug)), in: commune.store)
        return commune
    }

    /// Runs a whole session in this process: the client's lines go to a hub session served on its own
    /// thread, its answers come back.
    public func syncInMemory(_ replica: CommuneReplica) throws -> SyncResult {
        try SyncClient(
            store: replica.store, commune: replica.commune,
            credential: try Credential.installed(in: replica.store, roles: .ntm)
        ).run(over: try transport())
    }

    /// A transport to a new hub session served on its own thread over a pair of pipes.
    public func transport() throws -> LineTransport {
        let (clientRead, hubWrite) = try Self.pipe()
        let (hubRead, clientWrite) = try Self.pipe()
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

    /// Syncs a replica with the hub over TCP (see ``server``): over TLS, pinning the key its credential
    /// names, when the hub speaks TLS.
    public func sync(_ replica: CommuneReplica) throws -> SyncResult {
        try sync(replica, at: port)
    }

    /// Syncs a replica with whatever listens on `port` of loopback (a relay in front of the hub), as
    /// ``sync(_:)`` does.
    public func sync(_ replica: CommuneReplica, at port: Int) throws -> SyncResult {
        let credential = try Credential.installed(in: replica.store, roles: .ntm)
        let transport =
            try hub.tls == nil
            ? LineTransport.connect(to: "127.0.0.1:\(port)")
            : LineTransport.connect(to: "127.0.0.1:\(port)", pinning: credential?.tls ?? "")
        return try SyncClient(store: replica.store, commune: replica.commune, credential: credential).run(
            over: transport)
    }

    /// A raw connection to the server: over TLS (pinning the hub's key) when it speaks TLS.
    public func rawConnection() throws -> RawConnection {
        if let tls = hub.tls { return try RawConnection(port: port, pinning: tls.pin) }
        return try RawConnection(port: port)
    }

    /// Syncs over TCP once the hub has a free place: it frees a closed connection's place a moment after
    /// the close, so `unavailable` is retried a bounded number of times.
    public func syncOnceFree(_ replica: CommuneReplica) throws -> SyncResult {
        for _ in 0..<400 {
            do { return try sync(replica) } catch SyncError.hub(let error) where error.code == .unavailable {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        return try sync(replica)
    }

    private static func pipe() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw TransportError.closed("pipe") }
        return (fds[0], fds[1])
    }
}
