import Foundation
import GRDB
import SyncCore

extension ReplicaStore {
    /// The rows of a projection table (a table of ``schema``) whose columns hold the given values, by
    /// id; each row as column name → value, every column present: `id`, the key columns and the
    /// schema's columns.
    ///
    /// A value is as the projection holds it: text as ``FieldValue/text(_:)``, integers (booleans
    /// too, as 0 and 1) as ``FieldValue/int(_:)``, reals as ``FieldValue/double(_:)``, NULL as
    /// ``FieldValue/null``. A condition compares as SQLite's `=` does (text byte for byte; NULL
    /// matches nothing).
    ///
    /// ```swift
    /// let notes = try store.projectionRows(table: "note", where: ["commune": .text("dan-ly")])
    /// ```
    /// - Precondition: `table` is a table of ``schema``: the engine's own tables are not read this way.
    public func projectionRows(table: String, where conditions: [String: FieldValue] = [:]) throws
        -> [[String: FieldValue]]
    {
        precondition(schema.table(table) != nil, "\(table) is not a projected table of the schema")
        let columns = conditions.keys.sorted()
        let filter = columns.isEmpty ? "" : " WHERE " + columns.map { "\(quoted($0)) = ?" }.joined(separator: " AND ")
        let arguments = StatementArguments(columns.map { conditions[$0]!.databaseValue })
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(quoted(table))\(filter) ORDER BY id", arguments: arguments)
                .map { row in
                    var values: [String: FieldValue] = [:]
                    for (column, value) in row { values[column] = FieldValue(value) }
                    return values
                }
        }
    }
}

extension FieldValue {
    /// The value as SQLite takes it (a boolean as 0 or 1).
    fileprivate var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .bool(let flag): return (flag ? 1 : 0).databaseValue
        case .int(let number): return number.databaseValue
        case .double(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        }
    }

    /// A value as SQLite returned it (a blob as its UTF-8 text).
    fileprivate init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
