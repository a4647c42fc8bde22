/// The compact JSON form a replica stores a row's state in.
///
/// `{"column":{"v":{"replica":seq,…},"s":[["origin",seq,wall_ms,value],…]},…}` with columns sorted.
/// It holds everything the merge needs; authors and notes are in the operation log.
extension RowState {
    /// Appends the stored form to `writer`.
    public func write(to writer: inout JSONWriter) {
        writer.append(byte: UInt8(ascii: "{"))
        for (position, column) in fields.keys.sorted().enumerated() {
            let state = fields[column]!
            if position > 0 { writer.append(byte: UInt8(ascii: ",")) }
            writer.write(string: column)
            writer.append(raw: #":{"v":{"#.utf8)
            for (index, entry) in state.vector.entries.enumerated() {
                if index > 0 { writer.append(byte: UInt8(ascii: ",")) }
                writer.write(string: entry.replica)
                writer.append(byte: UInt8(ascii: ":"))
                writer.write(int: Int64(entry.seq))
            }
            writer.append(raw: #"},"s":["#.utf8)
            for (index, sibling) in state.siblings.enumerated() {
                if index > 0 { writer.append(byte: UInt8(ascii: ",")) }
                writer.append(byte: UInt8(ascii: "["))
                writer.write(string: sibling.dot.origin)
                writer.append(byte: UInt8(ascii: ","))
                writer.write(int: Int64(sibling.dot.seq))
                writer.append(byte: UInt8(ascii: ","))
                writer.write(int: sibling.wallMs)
                writer.append(byte: UInt8(ascii: ","))
                writer.write(sibling.value.json)
                writer.append(byte: UInt8(ascii: "]"))
            }
            writer.append(raw: "]}".utf8)
        }
        writer.append(byte: UInt8(ascii: "}"))
    }

    /// The stored form as a string.
    public var storedJSON: String {
        var writer = JSONWriter()
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Reads the stored form back.
    /// - Throws: ``JSONParseError`` when the text is not the stored form (a damaged database).
    public init(stored bytes: some Collection<UInt8>) throws(JSONParseError) {
        let json = try JSONParser.parse(bytes)
        guard case .object(let object) = json else { throw JSONParseError("row state is not an object", at: 0) }
        var fields: [String: FieldState] = [:]
        for (column, value) in object.members {
            guard let vectorJSON = value["v"], case .array(let siblingList)? = value["s"] else {
                throw JSONParseError("row state of column \(column) is malformed", at: 0)
            }
            let vector: VersionVector
            do {
                vector = try VersionVector(json: vectorJSON, rules: .stored)
            } catch .notAnObject {
                throw JSONParseError("row state of column \(column) is malformed", at: 0)
            } catch {
                throw JSONParseError("bad vector entry", at: 0)
            }
            var siblings: [Sibling] = []
            for entry in siblingList {
                guard case .array(let parts) = entry, parts.count == 4, let origin = parts[0].string,
                    let seq = parts[1].int, seq > 0, let wall = parts[2].int, let value = FieldValue(json: parts[3])
                else { throw JSONParseError("bad sibling in column \(column)", at: 0) }
                siblings.append(Sibling(dot: Dot(origin: origin, seq: UInt64(seq)), value: value, wallMs: wall))
            }
            fields[column] = FieldState(siblings: siblings, vector: vector)
        }
        self.init(fields: fields)
    }
}
