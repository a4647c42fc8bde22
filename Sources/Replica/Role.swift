import SyncCore

/// Who a replica writes as, once enrolled at the hub: a kind of role and, for some kinds, an argument
/// (the unit or the name the role is for). The engine knows no kind; the domain defines them.
///
/// Written `kind` or `kind:argument` in credentials, enrolments and listings.
public struct Role: Sendable, Hashable, CustomStringConvertible {
    /// The kind of role, e.g. `district`.
    public var kind: String
    /// What the role is for, when its kind takes an argument; never empty.
    public var argument: String?

    /// Creates a role; an empty argument is no argument.
    public init(kind: String, argument: String? = nil) {
        self.kind = kind
        self.argument = argument.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Parses `kind` or `kind:argument` (spaces around either part are dropped); nil when the kind is
    /// empty or not made of lower-case ASCII letters, digits and `-`, or when a colon has nothing after
    /// it. Which kinds exist is the domain's business (see ``RoleVocabulary``).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let kind: String
        var argument: String?
        if let colon = trimmed.firstIndex(of: ":") {
            kind = String(trimmed[..<colon])
            let after = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            guard !after.isEmpty else { return nil }
            argument = after
        } else {
            kind = trimmed
        }
        guard !kind.isEmpty, kind.unicodeScalars.allSatisfy(Self.isKindCharacter) else { return nil }
        self.init(kind: kind, argument: argument)
    }

    /// The role as written in credentials and listings: `kind` or `kind:argument`.
    public var description: String { argument.map { "\(kind):\($0)" } ?? kind }

    private static func isKindCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }
}

/// The roles a domain knows: which parsed roles are acceptable (kinds, arguments).
public struct RoleVocabulary: Sendable {
    /// Whether a role is one of the domain's.
    public let accepts: @Sendable (Role) -> Bool

    /// Creates a vocabulary from its test.
    public init(accepts: @escaping @Sendable (Role) -> Bool) { self.accepts = accepts }

    /// Every well-formed role.
    public static let any = RoleVocabulary { _ in true }

    /// Parses a role and keeps it when the vocabulary accepts it.
    public func role(parsing text: String) -> Role? { Role(parsing: text).flatMap { accepts($0) ? $0 : nil } }
}
