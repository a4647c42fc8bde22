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

    /// The canonical JSON text of the value.
    public var description: String { JSONWriter.string(json) }
}
