import Crypto

/// A writer's signature over the head of its own chain of operations (issue 15; not yet carried by
/// sessions or bundles): "my operations 1…`seq` end in the operation whose hash is `head`". Because each
/// operation names the hash of the one before (`prev`), one checkpoint vouches for every earlier
/// operation of its origin, so a relayed run of 256 operations costs one Ed25519 verification, not 256.
///
/// The signed bytes are a fixed binary payload (``payload``), never re-serialised JSON, so that two
/// implementations cannot disagree on what was signed:
///
/// ```
/// "ntm-checkpoint/1" 0x00 | len(origin) as 1 byte | origin (ASCII) | key id (8 bytes)
///   | seq (8 bytes, big-endian) | head (32 bytes)
/// ```
///
/// The key id is the first 8 bytes of the SHA-256 of the signer's 32-byte Ed25519 public key: it says
/// which of an origin's keys (after a renewal) signed, without carrying the key.
public struct Checkpoint: Sendable, Hashable {
    /// The domain tag that starts every payload, so that a checkpoint signature can never be mistaken
    /// for a signature of anything else made with the same key (the session challenge signs another).
    public static let domainTag = "ntm-checkpoint/1"

    /// The origin whose chain this is (a replica id).
    public var origin: String
    /// Which key signed: the first 8 bytes of the SHA-256 of its public key.
    public var keyID: [UInt8]
    /// The last sequence number covered.
    public var seq: UInt64
    /// The hash of operation `seq` (its canonical line's SHA-256, 32 bytes).
    public var head: [UInt8]
    /// The Ed25519 signature of ``payload`` (64 bytes).
    public var signature: [UInt8]

    /// Creates a checkpoint from its parts (as read); ``verify(publicKey:)`` says whether it holds.
    public init(origin: String, keyID: [UInt8], seq: UInt64, head: [UInt8], signature: [UInt8]) {
        self.origin = origin
        self.keyID = keyID
        self.seq = seq
        self.head = head
        self.signature = signature
    }

    /// The 32-byte Ed25519 public key of a private key's 32-byte seed.
    public static func publicKey(seed: [UInt8]) throws -> [UInt8] {
        Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation)
    }

    /// The key id of a 32-byte Ed25519 public key.
    public static func keyID(of publicKey: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: publicKey).prefix(8)) }

    /// The bytes that are signed.
    public var payload: [UInt8] { Self.payload(origin: origin, keyID: keyID, seq: seq, head: head) }

    static func payload(origin: String, keyID: [UInt8], seq: UInt64, head: [UInt8]) -> [UInt8] {
        var bytes = Array(domainTag.utf8) + [0]
        let name = Array(origin.utf8)
        bytes.append(UInt8(truncatingIfNeeded: name.count))
        bytes += name
        bytes += keyID
        bytes += EnrolmentRecord.bigEndian(seq)
        bytes += head
        return bytes
    }

    /// Signs the head of `origin`'s chain at `seq` with the origin's private key (its 32-byte seed).
    /// - Precondition: `origin` is a replica id, `seq` ≥ 1, `head` is 32 bytes.
    public static func sign(origin: String, seq: UInt64, head: [UInt8], seed: [UInt8]) throws -> Checkpoint {
        precondition(Identifiers.isReplicaID(origin) && seq >= 1 && head.count == 32)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        let keyID = keyID(of: Array(key.publicKey.rawRepresentation))
        let signature = try key.signature(for: payload(origin: origin, keyID: keyID, seq: seq, head: head))
        return Checkpoint(origin: origin, keyID: keyID, seq: seq, head: head, signature: Array(signature))
    }

    /// Whether the checkpoint was signed by the key whose 32-byte public half is `publicKey`: the key
    /// id names it, and the signature verifies over the payload.
    public func verify(publicKey: [UInt8]) -> Bool {
        guard Self.keyID(of: publicKey) == keyID, signature.count == 64, head.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature, for: payload)
    }

    /// Whether `operations`, one origin's run ending at this checkpoint's `seq` (in sequence order,
    /// without gaps), are the ones it vouches for: the last one hashes to ``head``, and each after the
    /// first names the hash of the one before. Together with ``verify(publicKey:)`` this proves that
    /// the origin's key wrote every one of them, unchanged and none left out.
    public func covers(_ operations: [SyncOperation]) -> Bool {
        guard let last = operations.last, last.dot == Dot(origin: origin, seq: seq), last.hash == head else {
            return false
        }
        for (earlier, later) in zip(operations, operations.dropFirst()) {
            guard earlier.dot.origin == origin, later.dot.seq == earlier.dot.seq + 1, later.prev == earlier.hash
            else { return false }
        }
        return true
    }

    /// Whether two validly signed checkpoints of one origin prove a fork: the same sequence number with
    /// different heads (two databases writing under one replica id).
    public func contradicts(_ other: Checkpoint) -> Bool {
        origin == other.origin && seq == other.seq && head != other.head
    }
}
