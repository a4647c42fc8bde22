import Crypto
import Foundation
import NIOSSL
import Replica
import SyncCore
import X509

extension MetadataKey {
    /// At a hub: the private key of its TLS identity (PEM, P-256). Local to the hub's database, never
    /// replicated; apart from any signing key the hub has.
    public static let tlsKey = MetadataKey(rawValue: "tls_key")
    /// At a hub: its self-signed TLS certificate (PEM), whose key's pin every credential it issues carries.
    public static let tlsCertificate = MetadataKey(rawValue: "tls_certificate")
}

/// The hub's TLS identity: a key and a self-signed certificate for it. No certificate authority vouches
/// for it: each credential the hub issues carries the SHA-256 of the certificate's SubjectPublicKeyInfo
/// (the pin), and a client accepts the hub whose key has that pin and no other.
///
/// The key is P-256 (ECDSA), not Ed25519: every TLS 1.3 stack signs with `ecdsa_secp256r1_sha256`
/// (RFC 8446 makes it mandatory to implement), whereas Ed25519 certificates are optional there, and a
/// district that puts a standard TLS terminator or inspection tool in front of its hub will find
/// P-256 supported everywhere.
public struct HubTLSIdentity: Sendable {
    /// The private key, PEM (PKCS#8).
    public let keyPEM: String
    /// The self-signed certificate, PEM.
    public let certificatePEM: String
    /// The pin: lowercase hex SHA-256 of the certificate's SubjectPublicKeyInfo DER.
    public let pin: String

    /// Reads an identity back from its PEM texts, checking that the certificate is for the key.
    /// - Throws: ``HubTLSError/damaged(_:)`` when either text is not what it should be.
    public init(keyPEM: String, certificatePEM: String) throws {
        let key: P256.Signing.PrivateKey
        let certificate: Certificate
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw HubTLSError.damaged("\(error)")
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw HubTLSError.damaged("the certificate is not for the key")
        }
        self.keyPEM = keyPEM
        self.certificatePEM = certificatePEM
        pin = Self.pin(spki: Array(key.publicKey.derRepresentation))
    }

    /// A new key and a self-signed certificate for it, naming `name` (the hub's name) as subject and issuer.
    public static func make(name: String, now: Date = Date()) throws -> HubTLSIdentity {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName("ntm hub \(name)") }
        // The validity is not what the client checks (it checks the pin), but a TLS stack may: from an
        // hour ago (a clock a little behind) to a century on (a hub is not re-keyed by date).
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey), notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(100 * 365.25 * 86400), issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.notCertificateAuthority) },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return try HubTLSIdentity(keyPEM: key.pemRepresentation, certificatePEM: certificate.serializeAsPEM().pemString)
    }

    /// The pin of a SubjectPublicKeyInfo (DER): lowercase hex SHA-256.
    public static func pin(spki: [UInt8]) -> String { Array(SHA256.hash(data: spki)).hexString }

    /// The identity stored in a hub's database, or nil when it has none yet.
    /// - Throws: ``HubTLSError/damaged(_:)`` when a stored text is damaged.
    public static func stored(in store: ReplicaStore) throws -> HubTLSIdentity? {
        guard let key = try store.metadata(.tlsKey), !key.isEmpty,
            let certificate = try store.metadata(.tlsCertificate), !certificate.isEmpty
        else { return nil }
        return try HubTLSIdentity(keyPEM: key, certificatePEM: certificate)
    }

    /// The identity stored in a hub's database, made and stored first when it has none (a hub created
    /// before hubs had one gets it at its first `hub serve` or enrolment, with no step by hand).
    public static func ensure(in store: ReplicaStore, name: String) throws -> HubTLSIdentity {
        if let identity = try stored(in: store) { return identity }
        let identity = try make(name: name)
        try store.setMetadata([.tlsKey: identity.keyPEM, .tlsCertificate: identity.certificatePEM])
        return identity
    }

    /// The server side's TLS context: this identity, TLS 1.3 only, no client certificate asked for
    /// (the replica proves itself with its credential inside the tunnel).
    public func serverContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)))
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        return try NIOSSLContext(configuration: configuration)
    }
}

/// Why a hub's TLS identity could not be used.
public enum HubTLSError: Error, Equatable, Sendable {
    /// The key or certificate stored in the hub's database is damaged; the text says how.
    case damaged(String)
}
