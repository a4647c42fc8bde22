import SyncCore

/// One line for a test client to send: an operation of `origin`.
func opLine(
    origin: String, seq: UInt64, row: String, column: String = "status", value: FieldValue = .text("dat"),
    table: String = "assessment"
) -> String {
    var writer = JSONWriter()
    SyncOperation(
        dot: Dot(origin: origin, seq: seq), key: FieldKey(table: table, row: row, column: column), value: value,
        context: VersionVector(), author: "t", wallMs: 1_541_131_200_000
    ).write(to: &writer)
    return String(decoding: writer.bytes, as: UTF8.self)
}
