import Crypto

/// One entry of the district hub's enrolment log (`protocol/PROTOCOL.md` §14.6): the hub's signed
/// statement that a replica id writes with a key and a role (`enrol`, also a renewal: the next serial),
/// or that a key of it stops (`revoke`, with the cutoff: the last operation of the replica the hub
/// had accepted). The entries name the hash of the one before, so the log is append-only; laptops
/// carry it, so that work can be checked offline and a hub restored from an old backup takes back the
/// records it lost (a revocation is never forgotten).
///
/// Like ``Checkpoint`` it signs a fixed binary payload, never JSON:
///
/// ```
/// "ntm-enrolment-log/1" 0x00 | len(hub) (1 byte) | hub | seq (8, big-endian) | prev (32)
///   | kind (1: 1 enrol, 2 revoke) | len(replica) (1) | replica | len(role) (2, big-endian) | role (UTF-8)
///   | public key (32) | serial (8) | cutoff seq (8) | cutoff head (32) | issued ms (8, two's complement)
/// ```
///
/// `prev` is the ``hash`` of the entry before (32 zero bytes for the first). For `enrol`, the cutoff
/// says until where the replica's previous key stays valid (its last operation the hub held at the
/// renewal; zeros for a first enrolment); `serial` counts the replica id's keys (1, 2, …). For `revoke`
/// the role is empty, the key is the one revoked, the serial 0.
public struct EnrolmentRecord: Sendable, Hashable {
    /// The domain tag that starts every payload.
    public static let domainTag = "ntm-enrolment-log/1"

    /// What the entry says.
    public enum Kind: UInt8, Sendable, Hashable {
        /// A replica id writes with this key and role from now on (a renewal retires its previous key).
        case enrol = 1
        /// This key of the replica stops: work after the cutoff is not taken.
        case revoke = 2
    }

    /// The name of the hub that keeps the log (credentials' `hub`).
    public var hub: String
    /// The entry's position in the log (1, 2, …).
    public var seq: UInt64
    /// The hash of the entry before (32 zero bytes for the first).
    public var prev: [UInt8]
    /// What it says.
    public var kind: Kind
    /// The replica it concerns.
    public var replica: String
    /// Its role, as written (`commune:dan-ly`); empty for `revoke`.
    public var role: String
    /// The key enrolled, or revoked (32 bytes).
    public var publicKey: [UInt8]
    /// Which key of the replica id this is (1, 2, … with each renewal); 0 for `revoke`.
    public var serial: UInt64
    /// The cutoff: the replica's last operation the hub had accepted (its seq and hash); seq 0 and a
    /// zero head for none.
    public var cutoffSeq: UInt64
    /// The hash of the operation at `cutoffSeq` (32 bytes).
    public var cutoffHead: [UInt8]
    /// When the hub wrote it (ms since 1970, its clock; informational).
    public var issuedMs: Int64
    /// The hub's Ed25519 signature of ``payload``.
    public var signature: [UInt8]

    /// Creates an entry from its parts (as read); ``verify(hubKey:)`` says whether it holds.
    public init(
        hub: String, seq: UInt64, prev: [UInt8], kind: Kind, replica: String, role: String, publicKey: [UInt8],
        serial: UInt64, cutoffSeq: UInt64, cutoffHead: [UInt8], issuedMs: Int64, signature: [UInt8]
    ) {
        self.hub = hub
        self.seq = seq
        self.prev = prev
        self.kind = kind
        self.replica = replica
        self.role = role
        self.publicKey = publicKey
        self.serial = serial
        self.cutoffSeq = cutoffSeq
        self.cutoffHead = cutoffHead
        self.issuedMs = issuedMs
        self.signature = signature
    }

    /// The bytes that are signed.
    public var payload: [UInt8] {
        var bytes = Array(Self.domainTag.utf8) + [0]
        let hub = Array(self.hub.utf8)
        bytes.append(UInt8(truncatingIfNeeded: hub.count))
        bytes += hub
        bytes += Self.bigEndian(seq)
        bytes += prev
        bytes.append(kind.rawValue)
        let replica = Array(self.replica.utf8)
        bytes.append(UInt8(truncatingIfNeeded: replica.count))
        bytes += replica
        let role = Array(self.role.utf8)
        bytes += [UInt8(truncatingIfNeeded: role.count >> 8), UInt8(truncatingIfNeeded: role.count)]
        bytes += role
        bytes += publicKey
        bytes += Self.bigEndian(serial)
        bytes += Self.bigEndian(cutoffSeq)
        bytes += cutoffHead
        bytes += Self.bigEndian(UInt64(bitPattern: issuedMs))
        return bytes
    }

    /// The entry's hash: the SHA-256 of its payload, which the next entry names as `prev`.
    public var hash: [UInt8] { Array(SHA256.hash(data: payload)) }

    /// A 64-bit integer as the 8 bytes the signed payloads carry, most significant first.
    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// Writes and signs the entry that follows `previous` (nil: the first), with the hub's private key
    /// (its 32-byte seed).
    /// - Precondition: `hub` and `replica` are replica ids, `role` at most 65,535 bytes of UTF-8,
    ///   `publicKey` and `cutoffHead` 32 bytes.
    public static func sign(
        after previous: EnrolmentRecord?, hub: String, kind: Kind, replica: String, role: String,
        publicKey: [UInt8], serial: UInt64, cutoffSeq: UInt64 = 0, cutoffHead: [UInt8] = zeros, issuedMs: Int64,
        hubSeed: [UInt8]
    ) throws -> EnrolmentRecord {
        precondition(
            Identifiers.isReplicaID(hub) && Identifiers.isReplicaID(replica) && role.utf8.count <= 0xFFFF
                && publicKey.count == 32 && cutoffHead.count == 32)
        var record = EnrolmentRecord(
            hub: hub, seq: (previous?.seq ?? 0) + 1, prev: previous?.hash ?? zeros, kind: kind, replica: replica,
            role: role, publicKey: publicKey, serial: serial, cutoffSeq: cutoffSeq, cutoffHead: cutoffHead,
            issuedMs: issuedMs, signature: [])
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: hubSeed)
        record.signature = Array(try key.signature(for: record.payload))
        return record
    }

    /// 32 zero bytes: no previous entry, no cutoff.
    public static let zeros = [UInt8](repeating: 0, count: 32)

    /// Whether the hub whose 32-byte public key is `hubKey` wrote this entry, unchanged.
    public func verify(hubKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32, prev.count == 32, cutoffHead.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: hubKey)
        else { return false }
        return key.isValidSignature(signature, for: payload)
    }

    /// The entries of `records` that the hub whose 32-byte public key is `hubKey` wrote, unchanged, in
    /// the order given; with `hub`, only that hub's entries (by name).
    ///
    /// An entry holds when its signature verifies, or when an entry that holds names its hash as `prev`:
    /// the later entry's signature covers that hash, and so, link by link, every entry before it. A run
    /// of consecutive entries (a welcome's, a bundle header's, a lower hub's log) costs one signature
    /// check and one SHA-256 each, instead of one signature check each: a replica's first session at a
    /// hub of 600 enrolments checked 600 signatures. Such an entry is kept with the signature it came
    /// with, which was not checked: a signature damaged on the way is carried on (its payload is the
    /// hub's), and a reader that checks each entry alone with ``verify(hubKey:)`` would refuse it.
    public static func vouched(_ records: [EnrolmentRecord], hub: String? = nil, hubKey: [UInt8]) -> [EnrolmentRecord] {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: hubKey) else { return [] }
        // Newest first, so that an entry that holds vouches for the one it names before that one is met.
        let order = records.indices.filter { index in
            let record = records[index]
            return (hub == nil || record.hub == hub) && record.signature.count == 64 && record.publicKey.count == 32
                && record.prev.count == 32 && record.cutoffHead.count == 32
        }.sorted { records[$0].seq > records[$1].seq }
        var named: Set<[UInt8]> = []
        var holds = [Bool](repeating: false, count: records.count)
        for index in order {
            let record = records[index]
            let payload = record.payload
            if named.contains(Array(SHA256.hash(data: payload))) || key.isValidSignature(record.signature, for: payload)
            {
                holds[index] = true
                named.insert(record.prev)
            }
        }
        return records.indices.filter { holds[$0] }.map { records[$0] }
    }

    /// Whether `checkpoint` was signed with this entry's key, for its replica (an `enrol` entry).
    public func vouches(for checkpoint: Checkpoint) -> Bool {
        kind == .enrol && checkpoint.origin == replica && checkpoint.verify(publicKey: publicKey)
    }
}

extension EnrolmentRecord {
    /// The entry as JSON, the form bundle headers and sessions carry (the signature covers the binary
    /// payload, so the members may be written in any order).
    public var json: JSONValue {
        .object([
            "seq": .int(Int64(clamping: seq)), "prev": .string(prev.hexString),
            "kind": .string(kind == .enrol ? "enrol" : "revoke"), "hub": .string(hub), "replica": .string(replica),
            "role": .string(role), "key": .string(publicKey.hexString), "serial": .int(Int64(clamping: serial)),
            "cutoff_seq": .int(Int64(clamping: cutoffSeq)), "cutoff_head": .string(cutoffHead.hexString),
            "issued_ms": .int(issuedMs), "sig": .string(signature.hexString),
        ])
    }

    /// Reads an entry; its shape only: ``verify(hubKey:)`` says whether it holds.
    public init(json: JSONValue) throws(OperationFormatError) {
        func text(_ name: String) throws(OperationFormatError) -> String {
            guard let text = json[name]?.string else {
                throw OperationFormatError(field: name, reason: "an enrolment record's \(name) is a string")
            }
            return text
        }
        func bytes(_ name: String, _ count: Int) throws(OperationFormatError) -> [UInt8] {
            guard let bytes = Hex.bytes(try text(name)), bytes.count == count else {
                throw OperationFormatError(
                    field: name, reason: "an enrolment record's \(name) is \(count * 2) hex digits")
            }
            return bytes
        }
        func number(_ name: String) throws(OperationFormatError) -> Int64 {
            guard let value = json[name]?.int else {
                throw OperationFormatError(field: name, reason: "an enrolment record's \(name) is an integer")
            }
            return value
        }
        let kind: Kind
        switch try text("kind") {
        case "enrol": kind = .enrol
        case "revoke": kind = .revoke
        default: throw OperationFormatError(field: "kind", reason: "an enrolment record is \"enrol\" or \"revoke\"")
        }
        let (hub, replica) = (try text("hub"), try text("replica"))
        guard Identifiers.isReplicaID(hub), Identifiers.isReplicaID(replica) else {
            throw OperationFormatError(field: "replica", reason: "an enrolment record names replica ids")
        }
        let (seq, serial, cutoff) = (try number("seq"), try number("serial"), try number("cutoff_seq"))
        guard seq >= 1, serial >= 0, cutoff >= 0 else {
            throw OperationFormatError(field: "seq", reason: "an enrolment record's numbers are not negative")
        }
        self.init(
            hub: hub, seq: UInt64(seq), prev: try bytes("prev", 32), kind: kind, replica: replica,
            role: try text("role"), publicKey: try bytes("key", 32), serial: UInt64(serial), cutoffSeq: UInt64(cutoff),
            cutoffHead: try bytes("cutoff_head", 32), issuedMs: try number("issued_ms"), signature: try bytes("sig", 64)
        )
    }

    /// Reads a list of entries (a member that may be absent: nil reads as none).
    public static func list(_ json: JSONValue?) throws(OperationFormatError) -> [EnrolmentRecord] {
        guard let json else { return [] }
        guard let items = json.array else {
            throw OperationFormatError(field: "enrolments", reason: "a list of enrolment records")
        }
        var records: [EnrolmentRecord] = []
        for item in items { records.append(try EnrolmentRecord(json: item)) }
        return records
    }
}
