import Crypto
import Foundation
import Replica
import SyncCore

/// What an enrolled replica carries: its id, its role, the hub that enrolled it, and the private half
/// of an Ed25519 key whose public half only the hub keeps. Written as one JSON line in a file that is
/// carried to the commune (`ntm hub enroll --out`, then `ntm credential install`).
public struct Credential: Sendable {
    /// The file format's name and version.
    public static let format = "ntm-credential/1"

    /// The replica the credential is for.
    public let replica: String
    /// What it may write.
    public let role: Role
    /// The hub's replica id.
    public let hub: String
    /// The district slug, when the hub has one.
    public let district: String?
    /// The pin of the hub's TLS key: lowercase hex SHA-256 of its certificate's SubjectPublicKeyInfo
    /// (``HubTLSIdentity/pin``). Nil in a credential issued before hubs spoke TLS: such a credential
    /// syncs over TCP only in clear (`--insecure`) or over `--via`.
    public let tls: String?
    /// The private key's 32 bytes (kept as bytes: the key type is not `Sendable`).
    let secret: [UInt8]

    /// A new credential with a fresh key; `tls` is the pin of the hub's TLS key.
    public static func issue(replica: String, role: Role, hub: String, district: String?, tls: String? = nil)
        -> Credential
    {
        Credential(
            replica: replica, role: role, hub: hub, district: district, tls: tls,
            secret: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    init(replica: String, role: Role, hub: String, district: String?, tls: String?, secret: [UInt8]) {
        self.replica = replica
        self.role = role
        self.hub = hub
        self.district = district
        self.tls = tls
        self.secret = secret
    }

    /// The private key (rebuilt from its bytes at each use).
    var signingKey: Curve25519.Signing.PrivateKey { key }

    private var key: Curve25519.Signing.PrivateKey {
        // The bytes were read back as a valid key when the credential was made or read.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: secret)
    }

    /// The public half, which the hub stores.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// Signs the replica's own chain with this credential's key (``ReplicaStore/signCheckpoints(seed:)``):
    /// before a bundle is exported, so that a hub can take the work from whoever carries it.
    @discardableResult
    public func signCheckpoints(in store: ReplicaStore) throws -> Int { try store.signCheckpoints(seed: secret) }

    /// The file's contents: one JSON object and a line break.
    public var fileContents: String {
        var object: JSONObject = [
            "format": .string(Self.format), "replica": .string(replica), "role": .string(role.description),
            "hub": .string(hub), "key": .string(secret.hexString),
        ]
        if let district { object["district"] = .string(district) }
        if let tls { object["tls"] = .string(tls) }
        return JSONWriter.string(.object(object)) + "\n"
    }

    /// Reads a credential file whose role must be one of `roles`.
    /// - Throws: ``CredentialError`` naming what is wrong.
    public init(fileContents bytes: [UInt8], roles: RoleVocabulary) throws {
        guard bytes.count < 4096 else { throw CredentialError.notACredential(.tooLarge) }
        var text = bytes
        while let last = text.last, last == 10 || last == 13 || last == 32 { text.removeLast() }
        let object: JSONObject
        do {
            guard let parsed = try JSONParser.parse(text).object else {
                throw CredentialError.notACredential(.notAnObject)
            }
            object = parsed
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError.notACredential(.notJSON)
        }
        guard object["format"]?.string == Self.format else {
            throw CredentialError.notACredential(.noFormat)
        }
        guard let replica = object["replica"]?.string, Identifiers.isReplicaID(replica) else {
            throw CredentialError.notACredential(.invalid("replica"))
        }
        guard let roleText = object["role"]?.string, let role = roles.role(parsing: roleText) else {
            throw CredentialError.notACredential(.invalid("role"))
        }
        guard let hub = object["hub"]?.string, Identifiers.isReplicaID(hub) else {
            throw CredentialError.notACredential(.invalid("hub"))
        }
        guard let keyText = object["key"]?.string, let raw = Hex.bytes(keyText), raw.count == 32,
            (try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)) != nil
        else {
            throw CredentialError.notACredential(.invalid("key"))
        }
        var tls: String?
        if let member = object["tls"] {
            guard let text = member.string, text.count == 64, let pin = Hex.bytes(text), pin.count == 32,
                text == text.lowercased()
            else {
                throw CredentialError.notACredential(.invalid("tls"))
            }
            tls = text
        }
        self.init(
            replica: replica, role: role, hub: hub, district: object["district"]?.string, tls: tls, secret: raw)
    }

    /// The bytes a replica signs to answer a hub's challenge: they name the hub, the challenge and the
    /// replica, so a signature answers one challenge of one hub for one replica and nothing else.
    public static func challengeMessage(hub: String, nonce: [UInt8], replica: String) -> [UInt8] {
        Array("ntm-auth/1\n\(hub)\n\(nonce.hexString)\n\(replica)\n".utf8)
    }

    /// Signs a hub's challenge.
    public func sign(nonce: [UInt8], hub: String) throws -> [UInt8] {
        Array(try key.signature(for: Self.challengeMessage(hub: hub, nonce: nonce, replica: replica)))
    }

    /// Whether `signature` answers the challenge `nonce` of `hub` for `replica`, with this public key.
    public static func verify(
        signature: [UInt8], nonce: [UInt8], hub: String, replica: String, publicKey: [UInt8]
    ) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: challengeMessage(hub: hub, nonce: nonce, replica: replica))
    }
}

/// Why a credential file was refused.
public enum CredentialError: Error, Equatable, Sendable {
    /// The file (or the copy installed in a replica) is not a credential; the problem says what is wrong.
    case notACredential(CredentialProblem)
}

/// What is wrong with a text that should be a credential (`ntm-credential/1`).
public enum CredentialProblem: Equatable, Sendable, CustomStringConvertible {
    /// Larger than a credential can be (4096 bytes).
    case tooLarge
    /// Not JSON at all: often a file cut short or damaged on the way.
    case notJSON
    /// JSON, but not an object.
    case notAnObject
    /// No `"format": "ntm-credential/1"`.
    case noFormat
    /// The member named is missing or invalid (`replica`, `role`, `hub`, `key`, `tls`).
    case invalid(String)

    /// The problem in English, as the protocol's messages are.
    public var description: String {
        switch self {
        case .tooLarge: return "the file is too large"
        case .notJSON: return "not JSON"
        case .notAnObject: return "not a JSON object"
        case .noFormat: return "no \"format\": \"\(Credential.format)\""
        case .invalid(let member): return "no valid \"\(member)\""
        }
    }
}

extension Credential {

    /// The credential installed in a replica, if any, its role one of `roles`.
    public static func installed(in store: ReplicaStore, roles: RoleVocabulary) throws -> Credential? {
        guard let text = try store.metadata(.credential), !text.isEmpty else { return nil }
        return try Credential(fileContents: Array(text.utf8), roles: roles)
    }

    /// Issues a credential for `replica` and enrols its public key at `hub` (for the demo, the bench
    /// and tests; `ntm hub enroll` writes the file before enrolling). It pins the hub's TLS key when
    /// the identity has one.
    public static func enrol(_ replica: String, as role: Role, at hub: HubIdentity) throws -> Credential {
        let credential = issue(
            replica: replica, role: role, hub: hub.name, district: hub.district, tls: hub.tls?.pin)
        try hub.enrol(replica: replica, role: role, publicKey: credential.publicKey)
        return credential
    }
}
