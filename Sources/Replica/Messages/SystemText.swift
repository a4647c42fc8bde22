import Foundation
import SyncCore

/// The operating system's and SQLite's English in ntm's languages: the reasons a connection failed
/// (`strerror` texts), how a child command ended, what SQLite said of a file.
public enum SystemText {
    /// Known reasons, as the system or ntm's transport words them, and their Vietnamese and English.
    static let reasons: [(system: String, vi: String, en: String)] = [
        ("file is not a database", "tệp không phải là cơ sở dữ liệu SQLite", "the file is not an SQLite database"),
        ("no meta table", "không có bảng meta", "no meta table"),
        ("no format version", "không ghi phiên bản định dạng", "no format version"),
        ("no replica id", "không ghi mã bản sao", "no replica id"),
        (
            "connection refused", "máy chủ từ chối kết nối: không có chương trình nào nghe ở cổng đó",
            "connection refused"
        ),
        ("connection reset by peer", "máy bên kia ngắt kết nối", "connection reset by the other side"),
        ("connection timed out", "quá thời gian chờ kết nối", "connection timed out"),
        ("no route to host", "không có đường tới máy đó", "no route to the host"),
        ("network is unreachable", "không vào được mạng", "the network is unreachable"),
        ("host is unreachable", "không tới được máy đó", "the host is unreachable"),
        ("unknown host", "không tìm thấy tên máy", "unknown host"),
        ("broken pipe", "đường truyền bị đóng từ phía bên kia", "the other side closed the stream"),
        ("resource temporarily unavailable", "hết thời gian chờ trả lời", "no answer in time"),
        ("address already in use", "cổng đang được chương trình khác dùng", "the address is already in use"),
        ("permission denied", "không có quyền", "permission denied"),
        ("no such file", "không có tệp đó", "no such file"),
        ("no such file or directory", "không có tệp hoặc thư mục đó", "no such file or directory"),
        ("cannot create the file", "không tạo được tệp", "cannot create the file"),
        (
            "a damaged operation in the log (see: ntm verify)",
            "nhật ký có một thao tác bị hỏng (xem: ntm verify)", "a damaged operation in the log (see: ntm verify)"
        ),
        ("no space left on device", "ổ đĩa đã đầy", "no space left on the disk"),
        ("read-only file system", "ổ đĩa chỉ cho đọc", "the file system is read-only"),
        ("is a directory", "đó là một thư mục", "it is a folder"),
        ("file name too long", "tên tệp quá dài", "the file name is too long"),
        ("cannot assign requested address", "máy này không có địa chỉ đó", "this machine has no such address"),
        ("the stream ended inside a line", "đường truyền dừng giữa một dòng", "the stream ended inside a line"),
        ("the hub closed the connection", "máy chủ đóng kết nối", "the hub closed the connection"),
        (
            "the hub closed the session inside a batch", "máy chủ đóng phiên giữa một lô",
            "the hub closed the session inside a batch"
        ),
    ]

    /// A reason in the language; one not known is shown as it is.
    public static func reason(_ text: String, _ language: Language) -> String {
        if let status = exitStatus(text) {
            // "exit status N: what the command said last" keeps the command's own words.
            let said = text.firstIndex(of: ":").map { String(text[$0...]) } ?? ""
            return exited(status, language) + said
        }
        if text.hasPrefix("no answer within "), let seconds = text.split(separator: " ").dropFirst(3).first {
            return language.pick("không có trả lời sau \(seconds) giây", "no answer within \(seconds) s")
        }
        let key = text.lowercased()
        // Foundation's "The operation could not be completed. (NSCocoaErrorDomain error 256.)": a read
        // that failed for no stated reason, as reading a folder does.
        if key.contains("nscocoaerrordomain error 256") {
            return language.pick(
                "không đọc được tệp (đó là một thư mục, hoặc không có quyền đọc)",
                "the file could not be read (it is a folder, or there is no permission to read it)")
        }
        guard let known = reasons.first(where: { $0.system == key }) else { return text }
        return language.pick(known.vi, known.en)
    }

    /// How a child command ended, from its exit status (127: the shell found no such command).
    public static func exited(_ status: Int32, _ language: Language) -> String {
        switch status {
        case 127:
            return language.pick(
                "không tìm thấy lệnh (mã thoát 127)", "command not found (exit status 127)")
        case 126:
            return language.pick(
                "lệnh không chạy được: không có quyền chạy (mã thoát 126)",
                "the command cannot be run: not executable (exit status 126)")
        default:
            return language.pick("mã thoát \(status)", "exit status \(status)")
        }
    }

    /// The status in "exit status N".
    static func exitStatus(_ text: String) -> Int32? {
        guard text.hasPrefix("exit status ") else { return nil }
        return Int32(text.dropFirst("exit status ".count).prefix { $0.isNumber })
    }

    /// Foundation's file errors a person meets, in the language (its own descriptions are English).
    static func fileReason(_ code: CocoaError.Code, _ language: Language) -> String? {
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

    /// A file error Foundation raised (reading a catalogue, copying a backup), as one line naming the
    /// file; Foundation's own description (English) only for the reasons not known here.
    public static func fileError(_ error: CocoaError, _ language: Language) -> String {
        let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? ""
        let reason = fileReason(error.code, language) ?? error.localizedDescription
        return language.pick("lỗi tệp \(path): \(reason)", "file error \(path): \(reason)")
    }
}
