import Foundation
import GRDB
import Replica

/// Turns any error a command can end with into one line for a person, in their language.
public enum UserFacingError {
    /// The sentence, without a trailing newline; nil for errors that are not the user's to act on
    /// through ntm (argument-parser errors, which print their own help).
    public static func message(_ error: any Error, _ language: Language) -> String? {
        switch error {
        case let error as NTMError: return error.message(language)
        case let error as ReplicaError: return error.message(language)
        case let error as BundleError: return error.message(language)
        case let error as DatabaseError:
            let detail = error.message ?? "\(error.resultCode)"
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return language.pick(
                    "cơ sở dữ liệu đang bận (một lệnh ntm khác đang ghi); thử lại sau",
                    "the database is busy (another ntm command is writing); try again")
            }
            return language.pick("lỗi cơ sở dữ liệu: \(detail)", "database error: \(detail)")
        case let error as CocoaError:
            let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? ""
            return language.pick(
                "lỗi tệp \(path): \(error.localizedDescription)", "file error \(path): \(error.localizedDescription)")
        default:
            return nil
        }
    }
}
