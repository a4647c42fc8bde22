import NTM
import Replica
import SyncCore
import SyncHub

/// Why a database cannot serve as the hub.
public enum HubSetupError: Error, Equatable, Sendable {
    /// The database (its path) is a commune's, not a district hub's.
    case notAHub(String)

    /// The message a person reads.
    public func message(_ language: Language) -> String {
        switch self {
        case .notAHub(let path):
            return language.pick(
                "\(path) là cơ sở dữ liệu của một xã, không phải của máy chủ huyện (tạo bằng: ntm hub init)",
                "\(path) is a commune's database, not a district hub's (create one with: ntm hub init)")
        }
    }
}
