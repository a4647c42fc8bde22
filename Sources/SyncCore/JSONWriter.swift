/// Writes JSON as compact UTF-8 with no insignificant whitespace.
///
/// Object members are written in the order given, or sorted by key (by UTF-8 bytes) with
/// `sortedKeys`; the output is then canonical: equal values give equal bytes. Strings are escaped
/// minimally (quote, backslash, control characters); other characters are written as UTF-8.
/// Real numbers use Swift's shortest round-trip form, so a value reads back exactly.
public struct JSONWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether object keys are sorted.
    public let sortedKeys: Bool

    /// Creates an empty writer.
    public init(sortedKeys: Bool = false, capacity: Int = 256) {
        self.sortedKeys = sortedKeys
        bytes.reserveCapacity(capacity)
    }

    /// The compact JSON text of `value`.
    public static func string(_ value: JSONValue, sortedKeys: Bool = false) -> String {
        var writer = JSONWriter(sortedKeys: sortedKeys)
        writer.write(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends raw bytes, for callers that stream several values into one buffer.
    public mutating func append(raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    /// Appends one byte.
    public mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Empties the buffer, keeping its capacity.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Appends the JSON text of `value`.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append(raw: "null".utf8)
        case .bool(let flag): append(raw: flag ? "true".utf8 : "false".utf8)
        case .int(let number): write(int: number)
        case .double(let number): write(double: number)
        case .string(let text): write(string: text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            let members =
                sortedKeys
                ? object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : object.members
            for (position, member) in members.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                write(string: member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends an integer.
    public mutating func write(int number: Int64) {
        if number >= 0 && number < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(number))
            return
        }
        // Digits written backwards into a small buffer on the stack, then appended: no String made.
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Appends bytes as lowercase hexadecimal digits, two a byte.
    public mutating func append(hex data: [UInt8]) {
        data.withUnsafeBufferPointer { bytes.append(contentsOf: Hex.digits($0)) }
    }

    /// Appends a finite real number in shortest round-trip form (non-finite numbers become `null`).
    public mutating func write(double number: Double) {
        guard number.isFinite else {
            append(raw: "null".utf8)
            return
        }
        append(raw: number.description.utf8)
    }

    /// Appends a string literal with minimal escaping.
    public mutating func write(string text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append(raw: "\\\"".utf8)
            case UInt8(ascii: "\\"): append(raw: "\\\\".utf8)
            case 0x0A: append(raw: "\\n".utf8)
            case 0x0D: append(raw: "\\r".utf8)
            case 0x09: append(raw: "\\t".utf8)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append(raw: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
