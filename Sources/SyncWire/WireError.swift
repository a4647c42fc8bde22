import SyncCore

/// An error object on the wire: a stable code for programs, an English message for people. After
/// sending one, the sender closes the session; nothing of a batch in flight is applied.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable codes (`protocol/PROTOCOL.md`, "Errors").
    public enum Code: String, Sendable, CaseIterable {
        /// The line is not valid JSON (or not valid UTF-8).
        case badJSON = "bad-json"
        /// The line is JSON but not an object.
        case notAnObject = "not-an-object"
        /// The line is longer than 1 MiB.
        case lineTooLong = "line-too-long"
        /// The `type` is not one this version knows.
        case unknownType = "unknown-type"
        /// A known message with a missing or wrong member.
        case badMessage = "bad-message"
        /// A message that is not allowed at this point of the session.
        case outOfOrder = "out-of-order"
        /// The client's protocol version is below what the hub speaks.
        case unsupportedVersion = "unsupported-version"
        /// The client's application schema differs from the hub's.
        case schemaMismatch = "schema-mismatch"
        /// An operation line that is not a valid operation.
        case badOperation = "bad-operation"
        /// A pushed operation claiming a dot of the hub's own, or differing from the one held with its dot.
        case forgedDot = "forged-dot"
        /// A pushed operation that would leave a hole in its origin's sequence at the hub.
        case gap = "gap"
        /// A pushed operation on a row outside the replica's commune (protocol 2; a protocol-3 hub
        /// quarantines such an operation as forbidden instead).
        case outOfScope = "out-of-scope"
        /// A push batch whose operation lines add up to more than 16 MiB.
        case batchTooLarge = "batch-too-large"
        /// The replica is not enrolled at this hub, its credential was revoked, or its answer to the
        /// challenge is wrong.
        case unauthenticated = "unauthenticated"
        /// The authenticated replica may not do this (a hello naming another commune than its role's).
        /// Refused operations are not errors: they are listed in `pushed` and `welcome`.
        case forbidden = "forbidden"
        /// A pushed operation whose `prev` is not the hash of its origin's previous operation.
        case brokenChain = "broken-chain"
        /// Relayed work does not match its writer's signature: a checkpoint not signed by the writer's
        /// enrolled key, or a run that does not end in the checkpoint's head (a value changed, an
        /// operation removed or reordered on the way). Nothing of the batch is applied.
        case badSignature = "bad-signature"
        /// Two different histories under one replica id: a pushed operation differs from the one the hub
        /// holds with its dot, or names another previous operation than the hub holds, or the client's
        /// chain parted from the hub's (a database copied to a second laptop, or restored from an older
        /// backup). Nothing of the forked part is applied; the client recovers under a new replica id.
        case fork = "fork"
        /// The hub cannot serve now (its database failed); the client may retry later.
        case unavailable = "unavailable"
        /// A code this version does not know (from a newer peer).
        case unknown = "unknown"
    }

    /// The code.
    public var code: Code
    /// What went wrong, in English.
    public var message: String

    /// The longest message kept, in bytes of UTF-8. A message may quote what the peer sent (a type, a
    /// schema, a key of up to 1 MiB); cut to this, an error line stays far below the line limit.
    public static let maximumMessageLength = 1024

    /// Creates an error; a message longer than ``maximumMessageLength`` is cut, and ends with "…".
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = Self.bounded(message)
    }

    static func bounded(_ message: String, to maximumMessageLength: Int = maximumMessageLength) -> String {
        guard message.utf8.count > maximumMessageLength else { return message }
        let scalars = message.unicodeScalars
        var end = scalars.startIndex
        var bytes = 0
        while end < scalars.endIndex, bytes + UTF8.width(scalars[end]) <= maximumMessageLength - 3 {
            bytes += UTF8.width(scalars[end])
            end = scalars.index(after: end)
        }
        return String(scalars[..<end]) + "…"
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension WireError {
    /// The error answering a line over the limit of ``SyncCore/LineLimit`` (1 MiB, its `\n` included).
    public static let lineOverLimit = WireError(
        .lineTooLong, "a line is longer than \(LineLimit.maximumBytes) bytes, its newline included")
}
