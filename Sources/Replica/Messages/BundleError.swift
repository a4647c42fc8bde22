import SyncCore

/// Why a bundle was refused. The bundle is refused whole: nothing of it is applied.
public enum BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The bundle could not be written there.
    case unwritable(path: String, reason: String)
    /// The export was pointed at a folder.
    case destinationIsFolder(path: String)
    /// The export was pointed at the replica's own database.
    case destinationIsDatabase(path: String)
    /// The file is empty.
    case empty
    /// The first line is not a bundle header.
    case notABundle(reason: String)
    /// The header's version is not one this program reads.
    case unsupportedVersion(Int64)
    /// The bundle was made for another catalogue or schema.
    case schemaMismatch(bundle: String, replica: String)
    /// A line is not a valid operation.
    case badLine(line: Int, reason: String)
    /// A line is longer than the limit.
    case lineTooLong(line: Int, limit: Int)
    /// The file ends before its trailer: it was cut short.
    case truncated(operationsRead: Int)
    /// The trailer's count does not match the operation lines.
    case countMismatch(trailer: Int64, found: Int)
    /// The operation lines do not hash to the trailer's digest: the file was altered.
    case digestMismatch
    /// Something follows the trailer.
    case dataAfterTrailer(line: Int)
    /// A gzip bundle (`.ndjson.gz`) whose compressed stream is damaged.
    case gzipBroken(reason: String)
    /// A gzip bundle whose file ends inside its compressed stream: it was cut short.
    case gzipTruncated

    /// The sentence in English (``message(_:)`` words it in either language).
    public var description: String { message(.en) }
}

extension BundleError {
    /// The sentence in the given language; every one ends by saying nothing was changed.
    public func message(_ language: Language) -> String {
        let unchanged = language.pick("; không có gì bị thay đổi", "; nothing was changed")
        let text: String
        switch self {
        case .unreadable(let path, let reason):
            let reason = SystemText.reason(reason, language)
            text = language.pick("không đọc được gói \(path): \(reason)", "cannot read bundle \(path): \(reason)")
        case .unwritable(let path, let reason):
            let reason = SystemText.reason(reason, language)
            text = language.pick(
                "không ghi được gói vào \(path): \(reason)", "cannot write the bundle to \(path): \(reason)")
        case .destinationIsFolder(let path):
            text = language.pick(
                "\(path) là một thư mục: hãy ghi tên tệp, ví dụ \(path)/goi.ndjson",
                "\(path) is a folder: give a file name inside it")
        case .destinationIsDatabase(let path):
            text = language.pick(
                "\(path) chính là cơ sở dữ liệu của bản sao: hãy chọn tên tệp khác",
                "\(path) is the replica's own database: give another file name")
        case .empty: text = language.pick("tệp gói rỗng", "the bundle file is empty")
        case .notABundle(let reason):
            // The reader's reasons are English; the Vietnamese names the usual ones.
            let vi: String
            if reason.hasPrefix("the first line is not JSON") || reason == "the first line is not a bundle header" {
                vi = "dòng đầu không phải phần đầu của một gói: có lẽ đây là tệp khác"
            } else if reason == "no complete first line" {
                vi = "tệp trống hoặc không có dòng đầu đầy đủ"
            } else {
                vi = "phần đầu của gói không hợp lệ"
            }
            text = language.pick("không phải gói ntm (\(vi))", "not an ntm bundle (\(reason))")
        case .unsupportedVersion(let version):
            text = language.pick(
                "gói phiên bản \(version) chưa được hỗ trợ (bản này đọc phiên bản 1 và 2)",
                "bundle version \(version) is not supported (this ntm reads versions 1 and 2)")
        case .schemaMismatch(let bundle, let replica):
            text = language.pick(
                "gói được tạo cho dữ liệu kiểu \(bundle), còn cơ sở dữ liệu này dùng \(replica): hai bên cần cùng phiên bản ntm",
                "the bundle was made for data of kind \(bundle), this replica uses \(replica): both sides need the same ntm version"
            )
        case .badLine(let line, let reason):
            text = language.pick(
                "dòng \(line) của gói không phải thao tác hợp lệ: \(reason)",
                "line \(line) of the bundle is not a valid operation: \(reason)")
        case .lineTooLong(let line, let limit):
            text = language.pick(
                "dòng \(line) của gói dài quá \(limit) byte", "line \(line) of the bundle is longer than \(limit) bytes"
            )
        case .truncated(let count):
            text = language.pick(
                "gói bị cắt cụt: hết tệp sau \(count) thao tác mà không có dòng kết thúc",
                "the bundle is truncated: it ends after \(Language.english(count, "operation")) without its end line")
        case .countMismatch(let trailer, let found):
            text = language.pick(
                "dòng kết thúc ghi \(trailer) thao tác nhưng gói có \(found)",
                "the end line announces \(trailer) operations but the bundle holds \(found)")
        case .digestMismatch:
            text = language.pick(
                "gói đã bị sửa đổi: mã SHA-256 của các thao tác không khớp dòng kết thúc",
                "the bundle was altered: its operations do not match the SHA-256 in its end line")
        case .dataAfterTrailer(let line):
            text = language.pick(
                "gói có dữ liệu sau dòng kết thúc (dòng \(line))",
                "the bundle has data after its end line (line \(line))")
        case .gzipBroken(let reason):
            text = language.pick(
                "gói nén gzip bị hỏng, không giải nén được (\(reason))",
                "the gzip bundle is damaged and cannot be decompressed (\(reason))")
        case .gzipTruncated:
            text = language.pick(
                "gói nén gzip bị cắt cụt: tệp hết giữa chừng dữ liệu nén",
                "the gzip bundle is truncated: the file ends inside its compressed data")
        }
        return text + unchanged
    }
}
