import Foundation
import Replica
import SyncCore

/// A commune as the database knows it.
public struct CommuneRecord: Sendable, Hashable {
    /// The slug, `dan-ly`.
    public var slug: String
    /// The name (the slug until a name is recorded).
    public var name: String
    /// The district slug, when recorded.
    public var district: String?
    /// The administrative-unit code, when recorded.
    public var code: String?
}

/// A level a commune works towards, with the set that defines it and the target year.
public struct CommuneTarget: Sendable, Hashable {
    /// The level.
    public var level: Level
    /// The criteria set.
    public var setID: String
    /// The year the commune aims to be recognised, when set.
    public var year: Int?

    /// A stored year, if it is a whole number from 2000 to 2100 (a replicated value can be anything).
    static func year(_ value: FieldValue?) -> Int? {
        guard let number = value?.number, let year = Int(exactly: number), (2000...2100).contains(year) else {
            return nil
        }
        return year
    }

    /// Creates a target.
    public init(level: Level, setID: String, year: Int?) {
        self.level = level
        self.setID = setID
        self.year = year
    }
}
