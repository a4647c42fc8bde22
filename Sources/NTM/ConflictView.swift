import Crypto
import Foundation
import Replica
import SyncCore

/// An open conflict described in the terms of the work: which commune, which indicator, which field,
/// and the competing values with who wrote them.
public struct ConflictView: Sendable, Hashable {
    /// One competing value.
    public struct Value: Sendable, Hashable {
        /// The value as people read it ("chưa đạt", "30/09/2021", "xóa bản ghi").
        public var display: String
        /// The stored value (for a deletion, the tombstone's `true`).
        public var raw: FieldValue
        /// Whether this value is the deletion of the whole record (edit-delete conflicts).
        public var isDeletion: Bool
        /// Who wrote it.
        public var author: String
        /// On which replica.
        public var replica: String
        /// The write's sequence number on that replica.
        public var seq: UInt64
        /// When, by the writer's clock (milliseconds since 1970).
        public var wallMs: Int64
        /// The writer's note, if any.
        public var note: String?
    }

    /// A short stable id, the same on every replica: the first 8 hex digits of SHA-256 of the field and kind.
    public var id: String
    /// The table.
    public var table: String
    /// The row id.
    public var row: String
    /// The column in conflict.
    public var column: String
    /// A value conflict, or an edit of a deleted row.
    public var kind: Conflict.Kind
    /// The commune (or district) the row belongs to; nil for shared rows (a province's criteria set).
    public var commune: String?
    /// The commune's display name.
    public var communeName: String?
    /// The criteria set the row belongs to, when it belongs to one.
    public var setID: String?
    /// The criterion the row concerns, when there is one.
    public var criterion: Int?
    /// The indicator code the row concerns, when there is one.
    public var indicator: String?
    /// The indicator's name in the review's language.
    public var indicatorName: String?
    /// The district departments that own the indicator or criterion (or the verifying department).
    public var departments: [String]
    /// What the row is, in domain words.
    public var subject: String
    /// What the column is, in domain words.
    public var field: String
    /// The competing values in display order; the first is the one shown while the conflict is open.
    public var values: [Value]
    /// Since when the conflict has been open here (the arrival of its last competing value, ms).
    public var openSinceMs: Int64
    /// Whether this replica wrote the field at some point (one of the values, or what they replaced).
    public var writtenHere: Bool
    /// The engine's record, which decisions are made against.
    public var record: ConflictRecord

    /// The stable id of a conflict on a field.
    public static func id(of key: FieldKey, kind: Conflict.Kind) -> String {
        SHA256.hash(data: Data("\(key.table)/\(key.row)#\(key.column):\(kind.rawValue)".utf8)).prefix(4).hexString
    }
}
