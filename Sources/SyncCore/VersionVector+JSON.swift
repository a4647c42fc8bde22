/// The JSON form of a version vector: an object of replica id to sequence number, `{"a":3,"b":1}`.
///
/// Operations carry it as their context (on the wire and in a replica's log), and a stored row state
/// keeps one per field. This is the one decoder of that form; each reader chooses the rules it holds
/// the text to (``Rules/wire`` for what another program sent, ``Rules/stored`` for what a replica
/// wrote itself) and turns a ``VersionVectorFormatError`` into its own error.
extension VersionVector {
    /// What a JSON version vector must satisfy besides being an object of positive integers.
    public struct Rules: Sendable, Hashable {
        /// The most entries accepted, or nil for no limit.
        public var maxEntries: Int?
        /// Whether every key must be a replica id (``Identifiers/isReplicaID(_:)``).
        public var requiresReplicaIDs: Bool
        /// The largest sequence number accepted (the smallest is always 1).
        public var maxSeq: UInt64

        /// Creates rules.
        public init(maxEntries: Int?, requiresReplicaIDs: Bool, maxSeq: UInt64) {
            self.maxEntries = maxEntries
            self.requiresReplicaIDs = requiresReplicaIDs
            self.maxSeq = maxSeq
        }

        /// An operation's context as the protocol defines it: at most
        /// ``SyncOperation/maxContextEntries`` entries, keys that are replica ids, sequences from 1 to
        /// ``SyncOperation/maxSeq``.
        public static let wire = Rules(
            maxEntries: SyncOperation.maxContextEntries, requiresReplicaIDs: true, maxSeq: SyncOperation.maxSeq)

        /// A vector a replica stored itself (a logged context, a row state's vector): any keys, any
        /// positive 64-bit sequence.
        public static let stored = Rules(maxEntries: nil, requiresReplicaIDs: false, maxSeq: UInt64(Int64.max))
    }

    /// Decodes the JSON form under `rules`.
    ///
    /// The entries are checked in the byte order of their keys, so that the entry an error names does
    /// not depend on the order they were written in.
    /// - Throws: ``VersionVectorFormatError`` for the first thing wrong: not an object, too many
    ///   entries, a key that is not a replica id, or a sequence that is not an integer in range.
    public init(json: JSONValue, rules: Rules) throws(VersionVectorFormatError) {
        guard case .object(let object) = json else { throw .notAnObject }
        if let maxEntries = rules.maxEntries, object.members.count > maxEntries {
            throw .tooManyEntries(limit: maxEntries)
        }
        var members = object.members
        if !members.isSorted(by: { bytesLess($0.key, $1.key) }) {
            members.sort { bytesLess($0.key, $1.key) }
        }
        self.init()
        for (replica, entry) in members {
            if rules.requiresReplicaIDs, !Identifiers.isReplicaID(replica) { throw .notAReplicaID(replica) }
            guard let number = entry.int, number >= 1, UInt64(number) <= rules.maxSeq else {
                throw .badSequence(replica: replica)
            }
            raise(replica, to: UInt64(number))
        }
    }
}

/// Why a JSON value is not a version vector under the rules it was read with.
public enum VersionVectorFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The value is not a JSON object.
    case notAnObject
    /// The object has more entries than the rules allow.
    case tooManyEntries(limit: Int)
    /// A key is not a replica id (checked only when the rules ask for it).
    case notAReplicaID(String)
    /// The entry of this replica is not an integer from 1 to the rules' largest sequence.
    case badSequence(replica: String)

    /// The problem in English.
    public var description: String {
        switch self {
        case .notAnObject: return "not a JSON object"
        case .tooManyEntries(let limit): return "more than \(limit) entries"
        case .notAReplicaID(let key): return "\"\(key)\" is not a replica id"
        case .badSequence(let replica): return "the entry of \(replica) is not a positive integer in range"
        }
    }
}

extension Sequence {
    /// Whether the elements are in the order `areInIncreasingOrder` gives (equal neighbours allowed).
    fileprivate func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        var iterator = makeIterator()
        guard var previous = iterator.next() else { return true }
        while let next = iterator.next() {
            if areInIncreasingOrder(next, previous) { return false }
            previous = next
        }
        return true
    }
}
