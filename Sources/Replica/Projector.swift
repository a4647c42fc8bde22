import GRDB
import SyncCore

/// Keeps the readable projection tables in step with row states: one prepared upsert and one delete
/// per projected table, reused for the whole transaction.
final class Projector {
    private struct TableStatements {
        let table: ReplicatedTable
        let upsert: SQLiteStatement
        let delete: SQLiteStatement
    }

    private var tables: [String: TableStatements] = [:]

    init(_ db: Database, schema: ReplicatedSchema) throws {
        for table in schema.tables {
            let names = (["id"] + table.keyColumns + table.columns.map(\.name)).map(quoted)
            let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
            tables[table.name] = TableStatements(
                table: table,
                upsert: try SQLiteStatement(
                    db,
                    "INSERT OR REPLACE INTO \(quoted(table.name)) (\(names.joined(separator: ", "))) VALUES (\(placeholders))"
                ),
                delete: try SQLiteStatement(db, "DELETE FROM \(quoted(table.name)) WHERE id = ?"))
        }
    }

    /// The value as the column's type, or nil (NULL) when it is of another kind: whatever another replica
    /// wrote, readers of a projection always find the declared type. The replicated state keeps the value.
    static func coerced(_ value: FieldValue?, to type: ReplicatedColumn.ColumnType) -> FieldValue? {
        switch (type, value) {
        case (_, nil), (_, .null?): return nil
        case (.text, .text?), (.boolean, .bool?), (.integer, .int?), (.real, .double?): return value
        case (.real, .int(let number)?): return .double(Double(number))
        default: return nil
        }
    }

    /// Writes the row's projection, or removes it when the row is deleted. Tables outside the schema
    /// are replicated but not projected.
    func project(table: String, row: String, state: RowState) throws {
        guard let statements = tables[table] else { return }
        guard let values = state.projection else {
            statements.delete.bind(1, row)
            try statements.delete.run()
            return
        }
        let upsert = statements.upsert
        upsert.bind(1, row)
        var index: Int32 = 2
        let parts =
            statements.table.keyColumns.isEmpty ? [] : row.split(separator: "/", omittingEmptySubsequences: false)
        for position in statements.table.keyColumns.indices {
            upsert.bind(index, position < parts.count ? String(parts[position]) : "")
            index += 1
        }
        for column in statements.table.columns {
            upsert.bind(index, Self.coerced(values[column.name], to: column.type))
            index += 1
        }
        try upsert.run()
    }
}
