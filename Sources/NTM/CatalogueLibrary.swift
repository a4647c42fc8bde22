import Foundation
import SyncCore

/// The criteria sets a database knows: those shipped with ntm, and those a province imported (which
/// are replicated rows, so every replica that syncs with the district learns them).
public struct CatalogueLibrary: Sendable {
    /// The ids of the sets shipped as package data.
    public static let shippedIDs = ["qd1980-2016", "qd318-2022", "qd558-2016"]

    /// The shipped sets, read once.
    public static let shipped: [Catalogue] = shippedIDs.map { id in
        guard let url = Bundle.module.url(forResource: "criteria-\(id)", withExtension: "json"),
            let data = try? Data(contentsOf: url), let catalogue = try? Catalogue(data: data)
        else { fatalError("the shipped catalogue \(id) is missing or invalid: the package is broken") }
        return catalogue
    }

    /// The sets imported into this database, by id.
    public var imported: [Catalogue]

    /// Creates a library from the imported sets.
    public init(imported: [Catalogue] = []) { self.imported = imported.sorted { $0.id < $1.id } }

    /// Every known set: shipped first, then imported.
    public var all: [Catalogue] { Self.shipped + imported }

    /// The set with this id.
    /// - Throws: ``NTMError/unknownCriteriaSet(_:known:)`` naming the known sets.
    public func catalogue(_ id: String) throws -> Catalogue {
        let key = Text.slug(id)
        if let found = all.first(where: { $0.id == key }) { return found }
        throw NTMError.unknownCriteriaSet(id, known: all.map(\.id))
    }

    /// Whether the set with this id is shipped with ntm.
    public static func isShipped(_ id: String) -> Bool { shippedIDs.contains(id) }
}
