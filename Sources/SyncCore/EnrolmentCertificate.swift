import Crypto

/// The district hub's signed statement that a replica id writes with a given key and role (issue 15;
/// not yet carried by sessions or bundles): what lets any laptop or hub check relayed work offline,
/// with only the hub's public key. Like ``Checkpoint`` it signs a fixed binary payload, never JSON:
///
/// ```
/// "ntm-enrolment/1" 0x00 | len(hub) as 1 byte | hub | len(replica) as 1 byte | replica
///   | len(role) as 2 bytes big-endian | role (UTF-8) | public key (32 bytes)
///   | serial (8 bytes, big-endian) | issued ms (8 bytes, big-endian, two's complement)
/// ```
///
/// `serial` counts the enrolments of one replica id (a renewal issues the next), so a later
/// certificate replaces an earlier one.
public struct EnrolmentCertificate: Sendable, Hashable {
    /// The domain tag that starts every payload.
    public static let domainTag = "ntm-enrolment/1"

    /// The name of the hub that issued it (credentials' `hub`).
    public var hub: String
    /// The replica enrolled.
    public var replica: String
    /// Its role, as written (`commune:dan-ly`).
    public var role: String
    /// Its 32-byte Ed25519 public key.
    public var publicKey: [UInt8]
    /// Which enrolment of this replica id it is (1, 2, … with each renewal).
    public var serial: UInt64
    /// When the hub issued it, ms since 1970 (the hub's clock; informational).
    public var issuedMs: Int64
    /// The hub's Ed25519 signature of ``payload`` (64 bytes).
    public var signature: [UInt8]

    /// Creates a certificate from its parts (as read); ``verify(hubKey:)`` says whether it holds.
    public init(
        hub: String, replica: String, role: String, publicKey: [UInt8], serial: UInt64, issuedMs: Int64,
        signature: [UInt8]
    ) {
        self.hub = hub
        self.replica = replica
        self.role = role
        self.publicKey = publicKey
        self.serial = serial
        self.issuedMs = issuedMs
        self.signature = signature
    }

    /// The bytes that are signed.
    public var payload: [UInt8] {
        var bytes = Array(Self.domainTag.utf8) + [0]
        for name in [hub, replica] {
            let utf8 = Array(name.utf8)
            bytes.append(UInt8(truncatingIfNeeded: utf8.count))
            bytes += utf8
        }
        let role = Array(self.role.utf8)
        bytes += [UInt8(truncatingIfNeeded: role.count >> 8), UInt8(truncatingIfNeeded: role.count)]
        bytes += role
        bytes += publicKey
        bytes += Self.bigEndian(serial)
        bytes += Self.bigEndian(UInt64(bitPattern: issuedMs))
        return bytes
    }

    /// A 64-bit integer as the 8 bytes the signed payloads carry, most significant first.
    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// Issues a certificate, signed with the hub's private key (its 32-byte seed).
    /// - Precondition: `hub` and `replica` are replica ids, `role` is at most 65,535 bytes of UTF-8,
    ///   `publicKey` is 32 bytes.
    public static func issue(
        hub: String, replica: String, role: String, publicKey: [UInt8], serial: UInt64, issuedMs: Int64,
        hubSeed: [UInt8]
    ) throws -> EnrolmentCertificate {
        precondition(
            Identifiers.isReplicaID(hub) && Identifiers.isReplicaID(replica) && role.utf8.count <= 0xFFFF
                && publicKey.count == 32)
        var certificate = EnrolmentCertificate(
            hub: hub, replica: replica, role: role, publicKey: publicKey, serial: serial, issuedMs: issuedMs,
            signature: [])
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: hubSeed)
        certificate.signature = Array(try key.signature(for: certificate.payload))
        return certificate
    }

    /// Whether the hub whose 32-byte public key is `hubKey` issued this certificate, unchanged.
    public func verify(hubKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: hubKey)
        else { return false }
        return key.isValidSignature(signature, for: payload)
    }

    /// Whether `checkpoint` was signed with this certificate's key, for its replica: the two checks a
    /// receiver makes of relayed work once it trusts the certificate.
    public func vouches(for checkpoint: Checkpoint) -> Bool {
        checkpoint.origin == replica && checkpoint.verify(publicKey: publicKey)
    }
}
