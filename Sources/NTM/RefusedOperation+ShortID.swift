import Replica
import SyncCore

extension RefusedOperation {
    /// The refusal's short id, for `ntm refused withdraw`: the first 8 hex digits of its operation's
    /// hash (the same on every copy of the operation), or `origin:seq` when the operation is not held
    /// here.
    public var shortID: String { operation.map { $0.hash.prefix(4).hexString } ?? dot.description }

    /// The dots of the refusals that `ids` name, in the order named: each id is a whole short id, or
    /// (4 characters or more) the start of exactly one, in any case.
    /// - Throws: ``NTMError/unknownRefusal(_:)`` for an id that names none, ``NTMError/ambiguousID(_:matches:)``
    ///   for one that names several.
    public static func dots(named ids: [String], among refusals: [RefusedOperation]) throws -> [Dot] {
        let byID = Dictionary(refusals.map { ($0.shortID, $0.dot) }, uniquingKeysWith: { first, _ in first })
        return try ids.map { id in
            let key = id.trimmingCharacters(in: .whitespaces).lowercased()
            let matches = byID.keys.filter { $0 == key || (key.count >= 4 && $0.hasPrefix(key)) }.sorted()
            guard !matches.isEmpty else { throw NTMError.unknownRefusal(id) }
            guard matches.count == 1 else { throw NTMError.ambiguousID(id, matches: matches) }
            return byID[matches[0]]!
        }
    }
}
