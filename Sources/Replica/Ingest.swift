import SyncCore

/// Who writes an origin's operations, as a hub knows it: the role its writes are judged by, and the
/// public keys its checkpoints may be signed with.
public struct IngestWriter: Sendable {
    /// The writer's role; nil for the hub itself (its own former replica ids after a restore), whose
    /// writes its staff made and every rule allows.
    public var role: Role?
    /// The writer's current Ed25519 public key (32 bytes).
    public var key: [UInt8]
    /// Keys a renewal retired, each valid for checkpoints up to the writer's operation `through`.
    public var retired: [(key: [UInt8], through: UInt64)]
    /// For a revoked writer: its last operation whose work stands; later work is quarantined. A writer
    /// revoked without a recorded cutoff has `revoked` set and this nil: none of its relayed work is taken.
    public var revokedAfter: UInt64?
    /// Whether its credential was revoked.
    public var revoked: Bool
    /// The sequence number where a proven fork froze the origin, nil when it is not frozen.
    public var frozenAt: UInt64? = nil
    /// Operations whose hash the hub recorded in its enrolment log (at a renewal or a revocation: what
    /// it held then): arriving work must agree with them, so that a key stolen and revoked, or a hub
    /// restored from a backup, cannot let other operations in under those sequence numbers.
    public var anchors: [UInt64: [UInt8]]

    /// Creates a writer.
    public init(
        role: Role?, key: [UInt8], retired: [(key: [UInt8], through: UInt64)] = [], revoked: Bool = false,
        revokedAfter: UInt64? = nil, anchors: [UInt64: [UInt8]] = [:]
    ) {
        self.role = role
        self.key = key
        self.retired = retired
        self.revoked = revoked
        self.revokedAfter = revokedAfter
        self.anchors = anchors
    }

    /// What the writer's keys say of a checkpoint.
    public enum Verdict: Sendable, Equatable {
        /// Signed by the current key, or by a retired one up to where it stayed valid.
        case valid
        /// Signed by a retired key beyond where it stayed valid (an older bundle carried on): it
        /// vouches for nothing, but is no forgery.
        case expired
        /// Signed by none of the writer's keys, or altered.
        case invalid
    }

    /// Whether one of the writer's keys signed `checkpoint`, and within its validity.
    public func judge(_ checkpoint: Checkpoint) -> Verdict {
        if checkpoint.verify(publicKey: key) { return .valid }
        guard let retired = retired.first(where: { checkpoint.verify(publicKey: $0.key) }) else { return .invalid }
        return checkpoint.seq <= retired.through ? .valid : .expired
    }
}

/// What a hub judges arriving work by: its write policy, who writes each origin, and its own key.
public struct IngestRules: Sendable {
    /// Who may write what.
    public var policy: WritePolicy
    /// The enrolled writers, by replica id.
    public var writers: [String: IngestWriter]
    /// The hub's own Ed25519 public key, when it has one: checkpoints under it vouch for the hub's
    /// former replica ids (its writes made before a restore come back through the laptops).
    public var hubKey: [UInt8]?
    /// The unit each unit sits under at a hub above hubs (a commune under its district), for the rules
    /// that cover a writer's unit (``WriteRule/Rows/within``).
    public var parents: [String: String]
    /// The lower hubs enrolled here with their pinned log keys: an origin no one enrolled whose
    /// checkpoint one of these keys signed is that lower hub's own former replica id (it was restored),
    /// judged by the lower hub's role.
    public var lowerHubs: [LowerHubWriter] = []
    /// Writers enrolled through a lower hub's log, with the unit that hub stands for: their writes
    /// outside it (rows of another district's communes) are not taken, whatever their role allows.
    public var bound: [String: String] = [:]

    /// Creates rules.
    public init(
        policy: WritePolicy, writers: [String: IngestWriter], hubKey: [UInt8]? = nil, parents: [String: String] = [:]
    ) {
        self.policy = policy
        self.writers = writers
        self.hubKey = hubKey
        self.parents = parents
    }
}

/// A lower hub as the ingest path knows it: its replica id, its role here and its log's key.
public struct LowerHubWriter: Sendable {
    /// The lower hub's replica id here.
    public var replica: String
    /// Its role here (`district:SLUG`).
    public var role: Role?
    /// Its enrolment log's key, pinned at its first session.
    public var key: [UInt8]

    /// Creates one.
    public init(replica: String, role: Role?, key: [UInt8]) {
        self.replica = replica
        self.role = role
        self.key = key
    }
}

/// How a run of operations reached the hub: the one thing the ingest path weighs differently.
public enum IngestSource: Sendable, Equatable {
    /// Pushed in a session by an authenticated replica of this role. Its own operations are trusted
    /// by the session; other origins' (relayed) need a checkpoint of their writer. A gap is an error.
    case session(replica: String, role: Role)
    /// Imported from a bundle by a person at the hub. Every origin needs a checkpoint of its enrolled
    /// writer; `vouched`, when given, is the role a person stated for the writers the hub does not know
    /// (unsigned work from a commune that was never enrolled). A gap makes an origin's rest wait.
    case bundle(vouched: Role?)
}

/// Why operations of an origin were not taken: they wait, are not held, and are taken when they come
/// again with what they lacked.
public enum IngestWait: String, Sendable, Hashable, CaseIterable {
    /// The writer is not enrolled at this hub (and nobody vouched for the bundle's writers).
    case unknownWriter = "unknown-writer"
    /// The writer's credential was revoked.
    case revoked
    /// No checkpoint of the writer covers them (they are beyond the last one carried).
    case unsigned
    /// An earlier operation of the origin is missing here.
    case gap
    /// The origin is frozen at the hub: a fork was proven (two signed histories under its id).
    case frozen
}

/// Operations of one origin an ingest did not take, and why.
public struct IngestWaiting: Sendable, Hashable {
    /// Why (the first reason met).
    public var reason: IngestWait
    /// How many operations.
    public var count: Int

    /// Creates a record.
    public init(reason: IngestWait, count: Int) {
        self.reason = reason
        self.count = count
    }
}

/// A refused operation: held in quarantine, never applied nor relayed.
public struct IngestRefusal: Sendable, Hashable {
    /// Its dot.
    public var dot: Dot
    /// The rule it would have needed, in English.
    public var reason: String
}

/// What one ingest did.
public struct IngestReport: Sendable {
    /// Operations newly applied.
    public var applied = 0
    /// Operations already held.
    public var duplicates = 0
    /// Operations refused by the write policy, now or earlier (quarantined).
    public var refused: [IngestRefusal] = []
    /// How many of `refused` were refused now.
    public var newlyRefused = 0
    /// Operations not taken, by origin.
    public var waiting: [String: IngestWaiting] = [:]
    /// Checkpoints verified and kept.
    public var checkpoints = 0
    /// Entries of the hub's own enrolment log taken back (a bundle imported at a restored hub).
    public var enrolmentsTakenBack = 0
    /// Operations whose link to the one before was checked by hashing that one. A pushed line whose
    /// `prev` the batch reader took from the line before is not counted: its link holds already.
    public var linksHashed = 0

    /// How many operations wait.
    public var waitingCount: Int { waiting.values.reduce(0) { $0 + $1.count } }
}

/// Why arriving work was refused whole: nothing of the batch or bundle is applied.
public struct IngestError: Error, Sendable, Equatable {
    /// What kind of violation.
    public enum Kind: String, Sendable {
        /// An operation claims the hub's own replica id.
        case hubOwn = "hub-own"
        /// An origin's next operation is not the one after what the hub holds (sessions only).
        case gap
        /// A value not of its column's kind.
        case badValue = "bad-value"
        /// An operation does not name the hash of the one before it.
        case brokenChain = "broken-chain"
        /// An operation contradicts what the hub holds of its origin (a copied database).
        case fork
        /// A dot the hub holds but neither logged nor quarantined.
        case heldNeither = "held-neither"
        /// A checkpoint that does not verify under the writer's key, or a run that does not end in its
        /// checkpoint (a value changed, an operation removed or reordered, a checkpoint under another key).
        case badSignature = "bad-signature"
    }

    /// What kind of violation.
    public var kind: Kind
    /// For a fork: whether two signatures of the writer prove it (a checkpoint whose head contradicts
    /// what the hub holds, or another checkpoint at the same seq); the hub then freezes the origin.
    public var proven = false
    /// The operation or origin it concerns.
    public var dot: Dot
    /// What is wrong, in English (sent on the wire, logged).
    public var detail: String

    /// Creates an error.
    public init(_ kind: Kind, _ dot: Dot, _ detail: String) {
        self.kind = kind
        self.dot = dot
        self.detail = detail
    }
}
