import Crypto
import Foundation
import Replica
import SyncCore
import SyncWire

/// The hub's side of one sync session, as a state machine fed one line at a time. It does not touch
/// sockets: a transport (TCP, stdin/stdout, a test) hands it lines and sends what it returns.
///
/// A session starts with a challenge the client answers with its credential's key (hello → challenge
/// → auth → welcome). Every batch a client pushes is checked whole (each line an operation of the
/// client's own, dots not forged, no gap in its sequence) and committed in one transaction, or not at
/// all; a violation answers an error object and ends the session. Within a good batch, each operation
/// the client's role may not write is quarantined and listed in the answer, never applied.
///
/// A session is used by one thread at a time (the transport hands it one line and waits for the
/// answer), which is what makes it safe to pass between threads.
public final class HubSession: @unchecked Sendable {
    /// The authenticated client.
    struct Peer {
        var client: String
        var role: Role
        var scope: RowScope
        var publicKey: [UInt8]
        /// The session's protocol version (the lower of both sides').
        var version: Int
        /// When the client is a lower hub (a district's syncing with its province): its log's pinned
        /// name and key.
        var lowerHub: LowerHub? = nil
    }

    enum State {
        case awaitingHello
        case awaitingAuth(WireMessage.Hello, nonce: [UInt8])
        case ready(Peer)
        case receiving(Peer, batch: Int64, expected: Int, checkpoints: [Checkpoint])
        /// After `done` in a version 4 session: file contents move until the client says `bye`.
        case files(Peer)
        case closed
    }

    let hub: HubIdentity
    private let makeNonce: @Sendable () -> [UInt8]
    var state = State.awaitingHello
    /// The operations of the push batch being received (kept outside `state`, so that appending does
    /// not copy the batch).
    private var pending: [SyncOperation] = []
    private var pendingBytes = 0
    private var pendingReader = BatchReader(defaults: nil)
    /// The pending operations whose `prev` the batch reader filled in from the line before them.
    private var pendingLinked: Set<Dot> = []
    private var lastLength = 0
    /// Whether the transport completed the line being handled from the line before it (``receive(_:length:linked:)``).
    private var lastLinked = false
    /// Set when the client's hello showed a chain that parted from the hub's: pushes and pulls are then
    /// refused with it, probes still answered.
    private var fork: WireError?
    /// What the session did so far.
    public internal(set) var stats = SessionStats()
    /// Whether the welcome sent chose compression: the transport compresses both directions from the
    /// line after it on (`protocol/PROTOCOL.md` §11.13).
    public private(set) var isCompressed = false
    /// The files this session's client offered and the hub accepted: their chunks may follow.
    var uploads: [String: FileManifest] = [:]
    /// The files the hub offered this session's client: it may get their chunks.
    var downloads: Set<String> = []
    /// The files the hub declined while their chunks were in flight: late chunks are answered, not
    /// treated as out of order.
    var declinedUploads: Set<String> = []
    /// The files whose one requested chunk is a proof that the client holds a file the hub has.
    var proofs: Set<String> = []
    /// Whether the welcome asked the client for its enrolment log entries (only then are they taken).
    private var enrolmentsAsked = false
    /// The operations this session's client pushed (its own and relayed): the pull does not send them
    /// back.
    private var pushed = Summary()
    /// How many log positions one pull answer for a scope of everything looks at, at most.
    let scanLimit: Int

    /// Creates a session. `nonce` makes each challenge (32 random bytes; tests pass a fixed one to
    /// replay transcripts).
    public init(
        hub: HubIdentity, scanLimit: Int = 20_000,
        nonce: @escaping @Sendable () -> [UInt8] = { Array(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) }
    ) {
        self.hub = hub
        self.scanLimit = scanLimit
        self.makeNonce = nonce
    }

    /// Whether the client has answered the challenge (and the session has not ended).
    public var isAuthenticated: Bool {
        switch state {
        case .ready, .receiving, .files: return true
        case .awaitingHello, .awaitingAuth, .closed: return false
        }
    }

    /// Whether the session has ended (after `done` or an error).
    public var isClosed: Bool { if case .closed = state { return true } else { return false } }

    /// Handles one received line (without its `\n`) and returns the lines to send, in order. After an
    /// error line, or `done`, the session is closed and the transport should close the connection.
    public func receive(_ bytes: some Collection<UInt8>) -> [String] {
        receive(Self.parse(bytes), length: bytes.count)
    }

    /// Reads a line; pure, so a transport may do it on its own threads before handing the result over.
    public static func parse(_ bytes: some Collection<UInt8>) -> Result<WireLine, WireError> {
        do { return .success(try WireLine(bytes: bytes)) } catch { return .failure(error) }
    }

    /// Handles one line already read by ``parse(_:)``; `length` is its size in bytes without `\n`.
    /// `linked`: the transport completed this operation line with a ``BatchReader`` of the push, which
    /// took its `prev` from the line before (``BatchReader/lastLinked``), so its link holds already.
    public func receive(_ parsed: Result<WireLine, WireError>, length: Int, linked: Bool = false) -> [String] {
        stats.counts.bytesIn += length + 1
        lastLength = length
        lastLinked = linked
        let out: [String]
        do {
            out = try handle(try parsed.get())
        } catch let error as WireError {
            out = [fail(error)]
        } catch {
            out = [fail(WireError(.unavailable, "the hub database failed: \(error)"))]
        }
        stats.counts.bytesOut += out.reduce(0) { $0 + $1.utf8.count + 1 }
        return out
    }

    /// Ends the session because the transport failed (the peer went away, a line was too long); a
    /// session already closed keeps its first reason.
    public func abort(_ error: WireError) -> String {
        if isClosed { return WireMessage.error(error).line }
        return fail(error)
    }

    private func fail(_ error: WireError) -> String {
        // A batch in flight is dropped whole: nothing of it was applied.
        state = .closed
        pending = []
        pendingLinked = []
        stats.error = error
        return WireMessage.error(error).line
    }

    private func handle(_ line: WireLine) throws -> [String] {
        switch (state, line) {
        case (.closed, _):
            return []
        case (_, .message(.error(let error))):
            // The client gave up; nothing of a batch in flight is applied.
            state = .closed
            stats.error = error
            return []
        case (.awaitingHello, .message(.hello(let hello))):
            guard hello.protocolVersion >= WireLimits.oldestProtocolVersion else {
                throw WireError(
                    .unsupportedVersion,
                    "this hub speaks protocol \(WireLimits.oldestProtocolVersion) to \(WireLimits.protocolVersion); the client speaks \(hello.protocolVersion)"
                )
            }
            guard hello.schema == hub.store.schema.tag else {
                throw WireError(
                    .schemaMismatch, "the client's schema is \(hello.schema), the hub's is \(hub.store.schema.tag)")
            }
            guard Identifiers.isSlug(hello.commune) else {
                throw WireError(.badMessage, "\"commune\" must be a slug: 1-64 of a-z, 0-9 and '-'")
            }
            guard hello.replica != hub.store.replicaID else {
                throw WireError(.badMessage, "the client's replica id is the hub's own")
            }
            let nonce = makeNonce()
            state = .awaitingAuth(hello, nonce: nonce)
            return [WireMessage.challenge(hub: hub.name, nonce: nonce).line]
        case (.awaitingAuth(let hello, let nonce), .message(.auth(let signature))):
            var peer = try authenticate(hello, nonce: nonce, signature: signature)
            peer.version = min(hello.protocolVersion, WireLimits.protocolVersion)
            if peer.version >= WireLimits.hierarchyProtocolVersion {
                peer.lowerHub = try lowerHub(hello, peer: peer)
                // The units it claimed are in its scope from this session on.
                if peer.lowerHub != nil { peer.scope = try scope(of: peer.client, role: peer.role) }
            }
            stats.replica = peer.client
            state = .ready(peer)
            var log: (key: [UInt8]?, records: [EnrolmentRecord], wanted: Bool) = (nil, [], false)
            if peer.version >= WireLimits.relayProtocolVersion {
                // The hub's own writes travel vouched for, so that laptops can bring them back after a
                // restore (§14.5); so does its enrolment log (§14.6).
                let seed = try HubSigningKey.seed(of: hub.store)
                try hub.store.signCheckpoints(seed: seed)
                log.key = try Checkpoint.publicKey(seed: seed)
                let head = try hub.store.enrolmentLogHead()
                // A lower hub keeps its own log only: this one is not sent to it.
                if peer.lowerHub == nil, hello.enrolments?.hash != head?.hash {
                    // From the client's last entry on when the hub holds it (a laptop syncing every night
                    // takes the day's enrolments, not 600 of them; an entry of the same seq written after a
                    // restore goes too); else the latest ones.
                    let after = try hello.enrolments.flatMap { theirs in
                        try hub.store.holdsEnrolmentRecord(theirs.hash) ? max(theirs.seq, 1) - 1 : nil
                    }
                    log.records = try hub.store.enrolmentLog(
                        after: after, limit: ReplicaStore.maximumEnrolmentsCarried)
                }
                if let theirs = hello.enrolments, try !hub.store.holdsEnrolmentRecord(theirs.hash) { log.wanted = true }
                // A lower hub's log this hub has not taken up to its last entry: asked for whole.
                if peer.lowerHub != nil, let theirs = hello.lowerHub?.head,
                    try hub.store.takenDelegatedEntries([theirs.hash]).isEmpty
                {
                    log.wanted = true
                }
                enrolmentsAsked = log.wanted
            }
            let summary = try hub.store.summary()
            let end = try hub.store.logEnd()
            let refused = try hub.store.quarantine(origin: peer.client, limit: WireLimits.maximumRefusalsInWelcome)
            let head = try chainHead(of: peer.client, in: summary)
            fork = try Self.fork(of: peer.client, client: hello.head, hub: head) { try self.heldHash(peer.client, $0) }
            // To a lower hub, only what it may relay: its own chain and the replicas enrolled through its
            // log (a province holds thousands of origins its district neither writes nor relays).
            var holds = summary
            if let lower = peer.lowerHub {
                let relayed = try hub.store.delegatedReplicas(by: lower.name)
                holds.origins = summary.origins.filter { $0.key == peer.client || relayed.contains($0.key) }
            }
            let welcome = WireMessage.Welcome(
                protocolVersion: peer.version, hub: hub.store.replicaID, epoch: hub.epoch,
                holds: holds, end: HubCursor(position: end?.position ?? 0, dot: end?.dot), district: hub.district,
                shared: hub.sharedTables.sorted(), role: peer.role.description, whole: peer.scope.isEverything,
                refused: refused.map { Refusal(dot: $0.operation.dot, reason: $0.reason) }, head: head,
                fileLimit: peer.version >= WireLimits.filesProtocolVersion ? try currentFileLimit() : nil,
                hubKey: log.key, enrolments: log.records, enrolmentsWanted: log.wanted,
                above: peer.version >= WireLimits.hierarchyProtocolVersion ? try hub.store.upperHubs() : [],
                scopeDigest: peer.version >= WireLimits.hierarchyProtocolVersion ? Self.digest(peer.scope) : nil,
                compress: hub.compresses && hello.compress.contains(WireLimits.deflate) ? WireLimits.deflate : nil)
            // The transport compresses what follows this line (§11.13).
            isCompressed = welcome.compress != nil
            return [WireMessage.welcome(welcome).line]
        case (.ready(let peer), .message(.enrolments(let records))) where enrolmentsAsked:
            var taken = try takeBack(records)
            if let lower = peer.lowerHub {
                let changed = try hub.takeDelegated(records, from: lower, role: peer.role)
                stats.enrolmentsDelegated += changed
                taken += changed
                // Communes placed under it now are in its scope for this session's pull, and the client
                // keeps the new digest (its cursor starts again if the scope changed).
                var wider = peer
                wider.scope = try scope(of: peer.client, role: peer.role)
                state = .ready(wider)
                return [WireMessage.enrolmentsTaken(taken: taken, scopeDigest: Self.digest(wider.scope)).line]
            }
            return [WireMessage.enrolmentsTaken(taken: taken).line]
        case (.ready(let peer), .message(.probe(let seq))):
            return [WireMessage.probed(seq: seq, hash: try heldHash(peer.client, seq)).line]
        case (.ready(let peer), .message(.push(let batch, let count, let defaults, let checkpoints))):
            if let fork { throw fork }
            state = .receiving(peer, batch: batch, expected: count, checkpoints: checkpoints)
            pendingReader = BatchReader(defaults: defaults)
            pending.removeAll(keepingCapacity: true)
            pending.reserveCapacity(count)
            pendingLinked.removeAll(keepingCapacity: true)
            pendingBytes = 0
            return count == 0 ? try commit() : []
        case (.receiving(_, _, let expected, _), .operation), (.receiving(_, _, let expected, _), .partialOperation):
            let op = try pendingReader.read(line)
            pendingBytes += lastLength + 1
            guard pendingBytes <= WireLimits.maximumBatchBytes else {
                throw WireError(
                    .batchTooLarge,
                    "a push batch holds more than \(WireLimits.maximumBatchBytes) bytes; send smaller batches")
            }
            pending.append(op)
            if pendingReader.lastLinked || lastLinked { pendingLinked.insert(op.dot) }
            stats.counts.received.total += 1
            return pending.count == expected ? try commit() : []
        case (.ready(let peer), .message(.pull(let cursor, let limit))):
            if let fork { throw fork }
            return try pull(peer, cursor: cursor, limit: limit)
        case (.files(let peer), .message(.file(let message))):
            return try handle(message, from: peer)
        case (.receiving, .message(let message)):
            throw WireError(
                .outOfOrder, "\(message.typeName) arrived inside a push batch, before its operations ended")
        case (_, .message(let message)):
            throw WireError(.outOfOrder, "\(message.typeName) is not expected here")
        case (_, .operation), (_, .partialOperation):
            throw WireError(.outOfOrder, "an operation outside a push batch")
        }
    }

    /// Takes back the entries of its own enrolment log that a client holds and the hub lacks (it was
    /// restored from an older backup): those signed by the hub's own key for its name; their
    /// enrolments, renewals and revocations apply again. Returns how many were new.
    func takeBack(_ records: [EnrolmentRecord]) throws -> Int {
        // Entries of another hub, or under another key (a hub made anew under the same name), are not
        // this hub's to take: left out, never applied.
        let key = try Checkpoint.publicKey(seed: try HubSigningKey.seed(of: hub.store))
        let own = EnrolmentRecord.vouched(records, hub: hub.name, hubKey: key)
        let taken = try hub.store.takeEnrolmentRecords(own, apply: true)
        stats.enrolmentsTaken += taken.count
        if !taken.isEmpty { try HubRecovery.note(enrolments: taken.count, in: hub.store) }
        return taken.count
    }

    /// The largest file the hub accepts now: what the district set last (`ntm hub file-limit`, read at
    /// each use so that a change applies without a restart), else the identity's.
    func currentFileLimit() throws -> Int64 {
        try hub.store.metadata(.fileLimit).flatMap { Int64($0) } ?? hub.fileLimit
    }

    /// What the hub answers a peer whose credential it does not accept, whatever the reason: the peer is
    /// not authenticated yet, so it is not told whether the replica id is enrolled, revoked or signed
    /// with another key (PROTOCOL.md §11.11.1); the precise reason goes to the hub's log only.
    public static let credentialNotAccepted =
        "credential not accepted: not enrolled at this hub, revoked or renewed; the hub's log says which"

    /// The lower hub a client's hello shows (a district's hub syncing with its province), its log's
    /// name and key pinned at its first session; nil for a replica that is no hub.
    /// - Throws: `forbidden` when the key or name differs from the pinned ones, or when the client is
    ///   this hub or one above it (a cycle).
    private func lowerHub(_ hello: WireMessage.Hello, peer: Peer) throws -> LowerHub? {
        if try hub.isSelfOrAbove(peer.client) {
            throw WireError(
                .forbidden,
                "cycle: replica \(peer.client) is this hub or a hub above it, and cannot sync as a replica below it")
        }
        // Only a lower hub's role shows a log (a district hub at its province); another peer's is ignored.
        guard let info = hello.lowerHub, hub.scopeRule.isLowerHub(peer.role) else { return nil }
        // A name is the lower hub's own replica id, or, for a restored hub enrolled again under a new one,
        // the id its first database was enrolled with here, with the same role.
        guard try info.name == peer.client || hub.store.enrolment(of: info.name)?.role == peer.role else {
            throw WireError(
                .forbidden,
                "hub \(peer.client) shows its log under the name \(info.name), which is not a hub enrolled here with its role \(peer.role)"
            )
        }
        if try hub.isSelfOrAbove(info.name) {
            throw WireError(
                .forbidden, "cycle: hub \(info.name) is this hub or a hub above it, and cannot sync as a hub below it")
        }
        let shown = LowerHub(replica: peer.client, name: info.name, publicKey: info.key)
        guard try hub.store.pinLowerHub(shown) == shown else {
            throw WireError(
                .forbidden,
                "hub \(peer.client) shows another enrolment-log key than the one pinned for it or for the name \(info.name); if its database was made anew, enrol it again (ntm hub enroll --renew)"
            )
        }
        stats.unitsPlaced += try hub.place(info.units, under: peer.role)
        return shown
    }

    /// What a replica of this role receives and may push; a replica a lower hub enrolled here sees no
    /// more than that hub does (a district's department).
    private func scope(of replica: String, role: Role) throws -> RowScope {
        var scope = try hub.scope(of: role)
        if scope.isEverything, let name = try hub.store.delegatingHub(of: replica) {
            let lower = try hub.store.lowerHubReplica(named: name).flatMap { try hub.store.enrolment(of: $0) }
            scope = try lower.map { try hub.scope(of: $0.role) } ?? RowScope(owners: [], tables: [])
        }
        return scope
    }

    /// Checks the answer to the challenge: an enrolled, unrevoked replica whose key signed this
    /// session's nonce, and for a commune's role the commune it names in hello.
    private func authenticate(_ hello: WireMessage.Hello, nonce: [UInt8], signature: [UInt8]) throws -> Peer {
        func refuse(_ reason: String) -> WireError {
            stats.replica = hello.replica
            stats.detail = reason
            return WireError(.unauthenticated, Self.credentialNotAccepted)
        }
        guard let enrolled = try hub.store.enrolment(of: hello.replica) else {
            throw refuse("replica \(hello.replica) is not enrolled at hub \(hub.name)")
        }
        guard !enrolled.isRevoked else {
            throw refuse("the credential of replica \(hello.replica) was revoked at this hub")
        }
        guard
            Credential.verify(
                signature: signature, nonce: nonce, hub: hub.name, replica: hello.replica,
                publicKey: enrolled.publicKey)
        else {
            throw refuse(
                "the signature does not answer this challenge with the key enrolled for \(hello.replica) (an old or another replica's credential?)"
            )
        }
        if let commune = hub.scopeRule.unit(enrolled.role), commune != hello.commune {
            throw WireError(
                .forbidden, "replica \(hello.replica) is enrolled for commune \(commune), not \(hello.commune)")
        }
        return Peer(
            client: hello.replica, role: enrolled.role, scope: try scope(of: hello.replica, role: enrolled.role),
            publicKey: enrolled.publicKey, version: WireLimits.oldestProtocolVersion)
    }

    /// Checks a whole push batch and applies it in one transaction, through the hub's one way in
    /// (``ReplicaStore/ingest(_:from:sender:checkpoints:rules:)``, the same as a bundle imported at the
    /// hub): operations their writer's role may write are applied, the others quarantined (held, never
    /// applied nor relayed) and listed in the answer; relayed operations no checkpoint vouches for wait.
    private func commit() throws -> [String] {
        guard case .receiving(let peer, let batch, _, let checkpoints) = state else { return [] }
        // A credential revoked or renewed while the session runs stops it at the next batch.
        guard let enrolled = try hub.store.enrolment(of: peer.client), !enrolled.isRevoked,
            enrolled.publicKey == peer.publicKey
        else {
            throw WireError(
                .unauthenticated, "the credential of replica \(peer.client) was revoked or renewed at this hub")
        }
        let ops = pending
        let linked = pendingLinked
        pending.removeAll(keepingCapacity: true)
        pendingLinked.removeAll(keepingCapacity: true)
        let report: IngestReport
        do {
            report = try hub.store.ingest(
                ops, from: .session(replica: peer.client, role: peer.role), sender: peer.client,
                checkpoints: checkpoints,
                rules: try hub.ingestRules(
                    origins: Set(ops.map(\.dot.origin) + checkpoints.map(\.origin) + [peer.client])),
                linked: linked)
        } catch let error as IngestError {
            // A batch of relayed work only: the client carried another laptop's forgery (or a copied
            // database's fork); it is refused whole, named, and the session goes on.
            guard !ops.isEmpty, !ops.contains(where: { $0.dot.origin == peer.client }) else {
                throw Self.wireError(error)
            }
            let rejected = Self.wireError(error)
            stats.relayRejected += 1
            stats.relayError = rejected
            state = .ready(peer)
            return [WireMessage.pushed(batch: batch, applied: 0, duplicates: 0, rejected: rejected).line]
        }
        stats.counts.received.new += report.applied
        stats.counts.received.refused += report.newlyRefused
        stats.linksHashed += report.linksHashed
        // (Work left waiting is not in the log, so marking it changes nothing.)
        for op in ops where op.dot.origin != peer.client { pushed.insert(op.dot) }
        state = .ready(peer)
        let answers = report.refused.map { Refusal(dot: $0.dot, reason: $0.reason) }
        let (applied, duplicates, waiting) = (report.applied, report.duplicates, report.waitingCount)
        var answer = WireMessage.pushed(
            batch: batch, applied: applied, duplicates: duplicates, refused: answers, waiting: waiting
        ).line
        if answer.utf8.count > LineLimit.maximumBytes / 2 {
            // Thousands of refusals quoting long row ids: the dots alone, so the line stays within bounds.
            let short = answers.map { Refusal(dot: $0.dot, reason: "forbidden") }
            answer =
                WireMessage.pushed(
                    batch: batch, applied: applied, duplicates: duplicates, refused: short, waiting: waiting
                ).line
        }
        return [answer]
    }

    /// A digest of what a scope covers: the owners and tables, in order.
    static func digest(_ scope: RowScope) -> String {
        let text =
            scope.isEverything
            ? "*" : scope.owners.sorted().joined(separator: ",") + "|" + scope.tables.sorted().joined(separator: ",")
        return SHA256.hash(data: Array(text.utf8)).hexString
    }

    /// The error object for work the ingest refused whole.
    static func wireError(_ error: IngestError) -> WireError {
        switch error.kind {
        case .hubOwn, .heldNeither: return WireError(.forgedDot, error.detail)
        case .gap: return WireError(.gap, error.detail)
        case .badValue: return WireError(.badOperation, error.detail)
        case .brokenChain: return WireError(.brokenChain, error.detail)
        case .fork: return forked(error.dot, error.detail)
        case .badSignature: return WireError(.badSignature, error.detail)
        }
    }

    /// The `fork` error for an operation of the authenticated client that contradicts what the hub holds
    /// of the same origin: two databases write under one replica id.
    static func forked(_ dot: Dot, _ what: String) -> WireError {
        WireError(
            .fork,
            "fork of replica \(dot.origin) at seq \(dot.seq): operation \(dot) \(what); two databases write as \(dot.origin) (a copied or restored database); nothing of it is applied: recover with ntm replica fork-recover"
        )
    }

    /// The hash of the client's own operation `seq` as the hub holds it (logged or quarantined).
    private func heldHash(_ origin: String, _ seq: UInt64) throws -> [UInt8]? {
        let dot = Dot(origin: origin, seq: seq)
        return try (hub.store.operation(dot) ?? hub.store.quarantined(dot)?.operation)?.hash
    }

    /// The last operation of `origin`'s chain the hub holds without a gap, nil when it holds none.
    private func chainHead(of origin: String, in summary: Summary) throws -> ChainHead? {
        let last = (summary.origins[origin]?.firstMissing ?? 1) - 1
        guard last > 0, let hash = try heldHash(origin, last) else { return nil }
        return ChainHead(seq: last, hash: hash)
    }

    /// Compares the chain head a client announced in hello with what the hub holds of its origin: a
    /// different hash at the client's head, or a client whose chain ends before the hub's (the hub
    /// holds work of this replica id that the database lacks), is a fork. Nil when the two agree, or
    /// when the client announced no head (the push's checks still find a fork).
    static func fork(
        of origin: String, client: ChainHead?, hub: ChainHead?, hashAt: (UInt64) throws -> [UInt8]?
    ) throws -> WireError? {
        guard let client, let hub, client.seq <= hub.seq else { return nil }
        guard try hashAt(client.seq) == client.hash else {
            return forked(
                Dot(origin: origin, seq: client.seq), "differs from the operation the hub holds with that dot")
        }
        guard client.seq < hub.seq else { return nil }
        return WireError(
            .fork,
            "fork of replica \(origin) at seq \(client.seq + 1): the hub holds \(origin)'s operations \(client.seq + 1)-\(hub.seq), which this database lacks (a copied database, or one restored from an older backup); recover with ntm replica fork-recover"
        )
    }

    /// Answers a pull: the operations in the client's scope after its cursor, one bounded batch. A scope
    /// of owners and shared tables is read through the log's row index up to the log's end, so a session
    /// costs what its scope holds, not what the whole log holds (600 communes at one hub each read their
    /// own rows, not each other's); a scope of everything looks at most `scanLimit` log positions.
    private func pull(_ peer: Peer, cursor: HubCursor, limit: Int) throws -> [String] {
        var position = cursor.position
        // A cursor naming another operation than the one there (a hub restored from an older backup, or
        // another hub) is not trusted: the client is served from the start; applying twice is harmless.
        if position > 0, try hub.store.dot(atPosition: position) != cursor.dot { position = 0 }
        guard let end = try hub.store.logEnd(), end.position > position else {
            // A version 4 session goes on with files; an older one ends here.
            state = peer.version >= WireLimits.filesProtocolVersion ? .files(peer) : .closed
            // A whole session: `ntm hub replicas` shows when each replica last synced.
            try hub.store.recordSync(of: peer.client)
            return [WireMessage.done(cursor: position == 0 ? .start : cursor).line]
        }
        let bound = peer.scope.isEverything ? min(end.position, position + Int64(scanLimit)) : end.position
        let entries = try hub.store.logEntries(
            after: position, upTo: bound, in: peer.scope, excluding: peer.client, limit: limit)
        // The batch ends at the last entry sent when the limit cut it, else at the end of the scanned range.
        let to: HubCursor
        if entries.count == limit, let last = entries.last {
            to = HubCursor(position: last.position, dot: last.operation.dot)
        } else if bound == end.position {
            to = HubCursor(position: end.position, dot: end.dot)
        } else {
            to = HubCursor(position: bound, dot: try hub.store.dot(atPosition: bound))
        }
        // A batch also stops at 4 MiB of operation lines, so that one client never makes the hub hold
        // more than that for it; the cursor then ends at the last operation sent.
        let defaults = OperationDefaults.common(entries.map(\.operation))
        var writer = BatchWriter(defaults: defaults, omitsSeq: peer.version >= WireLimits.compactProtocolVersion)
        var lines: [String] = []
        var written: [LoggedOperation] = []
        var bytes = 0
        var batchEnd = to
        var sent: LoggedOperation?
        for entry in entries {
            // What the client pushed in this session (a lower hub relaying its communes' work) is not
            // sent back to it.
            if !pushed.origins.isEmpty, pushed.contains(entry.operation.dot) {
                sent = entry
                continue
            }
            let line = writer.line(entry.operation)
            if let last = sent, bytes + line.utf8.count + 1 > WireLimits.maximumPullBytes {
                batchEnd = HubCursor(position: last.position, dot: last.operation.dot)
                break
            }
            bytes += line.utf8.count + 1
            lines.append(line)
            written.append(entry)
            sent = entry
        }
        stats.counts.sent.total += lines.count
        let checkpoints =
            peer.version >= WireLimits.relayProtocolVersion ? try carried(written[...]) : []
        return [
            WireMessage.batch(to: batchEnd, count: lines.count, defaults: defaults, checkpoints: checkpoints).line
        ] + lines
    }

    /// The checkpoints that vouch for a pull batch's operations, so that the client can carry them on:
    /// for each origin, the latest the hub holds at or below the last of its operations sent.
    private func carried(_ entries: ArraySlice<LoggedOperation>) throws -> [Checkpoint] {
        var last: [String: UInt64] = [:]
        for entry in entries {
            last[entry.operation.dot.origin] = max(last[entry.operation.dot.origin] ?? 0, entry.operation.dot.seq)
        }
        var checkpoints: [Checkpoint] = []
        for (origin, seq) in last.sorted(by: { $0.key < $1.key }) {
            if let latest = try hub.store.latestCheckpoint(origin: origin, atMost: seq) { checkpoints.append(latest) }
        }
        return checkpoints
    }
}
