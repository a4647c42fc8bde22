import SyncCore

/// A rule that decides many conflicts at once (`ntm conflicts resolve --all --prefer …`).
public enum PreferenceRule: Sendable, Hashable {
    /// The value written last by its writer's clock.
    case newest
    /// The value written first by its writer's clock.
    case oldest
    /// The value this replica wrote (its newest, if several).
    case replica(String)
    /// The value this person wrote (its newest, if several).
    case author(String)

    /// Parses `newest`, `oldest`, `replica=ID`, `author=NAME` (or `moi-nhat`, `cu-nhat`, `may=ID`,
    /// `nguoi=NAME`).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let equals = trimmed.firstIndex(of: "=") {
            let name = Text.slug(String(trimmed[..<equals]))
            let argument = Text.normalized(String(trimmed[trimmed.index(after: equals)...]))
            guard !argument.isEmpty else { throw NTMError.unknownPreference(text) }
            switch name {
            case "replica", "may", "ban-sao": self = .replica(argument.lowercased())
            case "author", "nguoi", "nguoi-ghi": self = .author(argument)
            default: throw NTMError.unknownPreference(text)
            }
            return
        }
        switch Text.slug(trimmed) {
        case "newest", "moi-nhat": self = .newest
        case "oldest", "cu-nhat": self = .oldest
        default: throw NTMError.unknownPreference(text)
        }
    }

    /// The index of the value this rule picks, or nil when it picks none (no value by that replica
    /// or person).
    public func pick(_ values: [ConflictView.Value]) -> Int? {
        let indices = Array(values.indices)
        let newestFirst = indices.sorted { (values[$0].wallMs, -$0) > (values[$1].wallMs, -$1) }
        switch self {
        case .newest: return newestFirst.first
        case .oldest: return indices.min { (values[$0].wallMs, $0) < (values[$1].wallMs, $1) }
        case .replica(let id): return newestFirst.first { values[$0].replica == id }
        case .author(let name): return newestFirst.first { Text.folded(values[$0].author) == Text.folded(name) }
        }
    }
}
