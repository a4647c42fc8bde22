/// The value of one replicated field: a JSON scalar.
///
/// Values are compared exactly (no normalisation): text is expected to be NFC already, which the
/// domain layer guarantees for everything a person types.
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case text(String)

    /// The value as text, if it is text.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The value as a number, if it is an integer or a real number.
    public var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The value as a boolean, if it is one.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value's JSON form.
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .double(let value): return .double(value)
        case .text(let value): return .string(value)
        }
    }

    /// The field value of a JSON scalar, or nil for arrays and objects.
    public init?(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .double(let value): self = .double(value)
        case .string(let value): self = .text(value)
        case .array, .object: return nil
        }
    }

    /// Exact equality: text compares by UTF-8 bytes, so NFC and NFD spellings differ (as they do on the
    /// wire and in SQLite); an integer never equals a real number.
    public static func == (lhs: FieldValue, rhs: FieldValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern || a == b
        case (.text(let a), .text(let b)): return bytesEqual(a, b)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let flag): hasher.combine(flag)
        case .int(let number): hasher.combine(number)
        case .double(let number): hasher.combine(number == 0 ? 0 : number)
        case .text(let text): hashBytes(text, into: &hasher)
        }
    }

    /// The canonical JSON text of the value.
    public var description: String { JSONWriter.string(json) }
}
