import Foundation
import Replica
import SyncCore

/// Turns any error a command can end with into one line for a person, in their language.
public enum UserFacingError {
    /// The sentence, without a trailing newline; nil for errors that are not the user's to act on
    /// through ntm (argument-parser errors, which print their own help).
    public static func message(_ error: any Error, _ language: Language) -> String? {
        if let failure = DatabaseFailure(error) { return databaseMessage(failure, language) }
        switch error {
        case let error as NTMError: return error.message(language)
        case let error as ReplicaError: return error.message(language)
        case let error as BundleError: return error.message(language)
        case let error as CocoaError:
            let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? ""
            if let known = fileMessage(error.code, language) {
                return language.pick("lỗi tệp \(path): \(known)", "file error \(path): \(known)")
            }
            return language.pick(
                "lỗi tệp \(path): \(error.localizedDescription)", "file error \(path): \(error.localizedDescription)")
        default:
            return nil
        }
    }

    /// Foundation's file errors a person meets, in the language (its own descriptions are English).
    static func fileMessage(_ code: CocoaError.Code, _ language: Language) -> String? {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile:
            return language.pick("không có tệp hoặc thư mục đó", "no such file or folder")
        case .fileReadNoPermission, .fileWriteNoPermission:
            return language.pick("không có quyền", "permission denied")
        case .fileWriteOutOfSpace:
            return language.pick("ổ đĩa đã đầy", "the disk is full")
        case .fileWriteFileExists:
            return language.pick("tệp đã có", "the file already exists")
        case .fileWriteVolumeReadOnly:
            return language.pick("ổ đĩa chỉ cho đọc", "the disk is read-only")
        default:
            return nil
        }
    }

    /// SQLite's errors a person meets (another command writing, a wrong --db, a damaged or read-only
    /// file, a full disk), in the language; the others are shown with SQLite's own words.
    static func databaseMessage(_ failure: DatabaseFailure, _ language: Language) -> String {
        switch failure {
        case .busy:
            return language.pick(
                "cơ sở dữ liệu đang bận (một lệnh ntm khác đang ghi); thử lại sau",
                "the database is busy (another ntm command is writing); try again")
        case .notADatabase:
            return language.pick(
                "tệp này không phải là cơ sở dữ liệu (SQLite) của ntm; kiểm tra --db hoặc NTM_DB",
                "the file is not an ntm (SQLite) database; check --db or NTM_DB")
        case .corrupt:
            return language.pick(
                "tệp cơ sở dữ liệu bị hỏng; dùng bản sao lưu (ntm hub backup) hoặc nhận lại từ máy chủ huyện",
                "the database file is damaged; use a backup (ntm hub backup) or sync it again from the district hub")
        case .cannotOpen:
            return language.pick(
                "không mở được tệp cơ sở dữ liệu (thư mục không có hoặc không có quyền)",
                "cannot open the database file (no such folder, or no permission)")
        case .readOnly:
            return language.pick(
                "không ghi được vào cơ sở dữ liệu: tệp chỉ cho đọc",
                "cannot write to the database: the file is read-only")
        case .diskFull:
            return language.pick("ổ đĩa đã đầy; không ghi gì", "the disk is full; nothing was written")
        case .inputOutput:
            return language.pick("lỗi đọc ghi ổ đĩa", "a disk input/output error")
        case .other(let detail):
            return language.pick("lỗi cơ sở dữ liệu: \(detail)", "database error: \(detail)")
        }
    }
}
