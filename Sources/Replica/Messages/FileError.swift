import Foundation
import SyncCore

/// A failure with a file's content: storing it, reading it back, or room for it on the disk.
///
/// ``message(_:)`` words it in Vietnamese or English, side by side; ``description`` is the English.
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file to store cannot be read (no such file, a folder, no permission).
    case unreadable(path: String, reason: String)
    /// The file changed while it was being stored: what was stored does not hash as what was read.
    case changedWhileStored(path: String)
    /// Storing would leave less free space than the floor on the replica's disk.
    case diskFull(needed: Int64, free: Int64, floor: Int64)
    /// The file's content is not held here, or not whole (`held` of `size` bytes).
    case notHere(sha256: String, held: Int64, size: Int64)
    /// The stored content no longer hashes to the file's SHA-256 (the database was damaged).
    case damaged(sha256: String)
    /// The destination cannot be written.
    case cannotWrite(path: String, reason: String)

    /// The sentence in English.
    public var description: String { message(.en) }

    /// The sentence in the given language.
    public func message(_ language: Language) -> String {
        switch self {
        case .unreadable(let path, let reason):
            // Only a missing file or a folder is a wrong path; other reasons (permission) say what to fix.
            let wrongPath = ["no such file", "is a directory"].contains(reason)
            return language.pick(
                "không đọc được tệp \(path): \(SystemText.reason(reason, language))"
                    + (wrongPath ? "; cần một tệp có thật, không phải thư mục" : ""),
                "cannot read the file \(path): \(reason)" + (wrongPath ? "; give a readable file, not a folder" : ""))
        case .changedWhileStored(let path):
            return language.pick(
                "tệp \(path) thay đổi trong khi đang lưu; lưu lại khi không còn chương trình nào ghi vào nó",
                "the file \(path) changed while it was stored; store it again when nothing is writing to it")
        case .diskFull(let needed, let free, let floor):
            return language.pick(
                "ổ đĩa không đủ chỗ: cần \(Self.megabytes(needed)), còn trống \(Self.megabytes(free)), phải chừa \(Self.megabytes(floor)); giải phóng chỗ trống rồi làm lại",
                "not enough disk space: \(Self.megabytes(needed, .en)) needed, \(Self.megabytes(free, .en)) free, \(Self.megabytes(floor, .en)) must stay free; free some space and try again"
            )
        case .notHere(let sha256, let held, let size):
            if held > 0 {
                return language.pick(
                    "tệp \(sha256.prefix(12))… chưa tải về đủ: mới có \(Self.megabytes(held, of: size)); đồng bộ lại để tải tiếp",
                    "the file \(sha256.prefix(12))… is not here whole yet: \(Self.megabytes(held, of: size, .en)); sync again to fetch the rest"
                )
            }
            return language.pick(
                "tệp \(sha256.prefix(12))… chưa có ở máy này; đồng bộ (ntm sync) hoặc nhập gói (ntm bundle import) để tải về",
                "the file \(sha256.prefix(12))… is not on this computer yet; sync (ntm sync) or import a bundle to fetch it"
            )
        case .damaged(let sha256):
            return language.pick(
                "nội dung tệp \(sha256.prefix(12))… trong cơ sở dữ liệu bị hỏng (không khớp SHA-256); chạy ntm verify",
                "the stored content of the file \(sha256.prefix(12))… is damaged (its SHA-256 does not match); run ntm verify"
            )
        case .cannotWrite(let path, let reason):
            return language.pick(
                "không ghi được \(path): \(SystemText.reason(reason, language))", "cannot write \(path): \(reason)")
        }
    }

    /// A part of a byte count as people read it: `3,1/8,0 MB` in Vietnamese, `3.1 of 8.0 MB` in English.
    public static func megabytes(_ part: Int64, of whole: Int64, _ language: Language = .vi) -> String {
        let number = { (bytes: Int64) in String(megabytes(bytes, language).dropLast(3)) }
        return language.pick("\(number(part))/\(megabytes(whole))", "\(number(part)) of \(megabytes(whole, .en))")
    }

    /// A byte count as people read it: `3,2 MB` in Vietnamese, `3.2 MB` in English (1 MB = 10^6 bytes).
    public static func megabytes(_ bytes: Int64, _ language: Language = .vi) -> String {
        let value = Double(bytes) / 1_000_000
        let text = String(format: "%.1f", value)
        return (language == .vi ? text.replacingOccurrences(of: ".", with: ",") : text) + " MB"
    }
}
