import SyncCore

/// Why a bundle's file section stopped before its end, or left a file incomplete. The bundle's
/// operations were imported before it was read, and every chunk checked before the problem is kept.
public enum BundleFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bundle ends in the middle of a file: `held` of its `chunks` chunks (`heldBytes` of `size`
    /// bytes) are here.
    case truncatedInFile(sha256: String, held: Int, chunks: Int, heldBytes: Int64, size: Int64)
    /// The bundle ends in its file section, between files, after `files` files.
    case truncated(files: Int)
    /// A line of the file section is not a valid file, chunk or `files-end` line.
    case badLine(line: Int, reason: String)
    /// The `files-end` line's counts are not those of the section.
    case countMismatch(announcedFiles: Int64, files: Int, announcedChunks: Int64, chunks: Int)
    /// Something follows the `files-end` line.
    case dataAfterEnd(line: Int)
    /// Chunks of a file did not match their hashes and were dropped: `held` of `chunks` are here.
    case badChunks(sha256: String, dropped: Int, held: Int, chunks: Int)
    /// A file's chunks, all checked, do not make the file (its manifest lied): they were discarded.
    case fileMismatch(sha256: String)
    /// The section ended without every chunk of a file: `held` of `chunks` are here.
    case incomplete(sha256: String, held: Int, chunks: Int)
    /// Storing would leave too little free space (``FileError/diskFull(needed:free:floor:)``).
    case diskFull(FileError)
    /// The rest of the bundle file could not be read.
    case unreadable(path: String, reason: String)

    /// The sentence in English (``message(_:)`` words it in either language).
    public var description: String { message(.en) }
}

extension BundleFileError {
    /// The sentence in the given language; each says what was kept and what to do.
    public func message(_ language: Language) -> String {
        let kept = language.pick(
            "; các phần tệp đã kiểm tra trước đó được giữ lại", "; the file chunks checked before it are kept")
        let again = language.pick(
            "; xuất lại gói ở máy gửi rồi nhập lại", "; export the bundle again on the sending computer and import it")
        switch self {
        case .truncatedInFile(let sha256, let held, let chunks, let heldBytes, let size):
            return language.pick(
                "gói bị cắt giữa tệp \(sha256.prefix(12))…: đã giữ \(held)/\(chunks) phần (\(FileError.megabytes(heldBytes, of: size))); xuất lại gói để nhận phần còn lại",
                "the bundle is cut off in the middle of the file \(sha256.prefix(12))…: kept \(held) of \(Language.english(chunks, "chunk")) (\(FileError.megabytes(heldBytes, of: size, .en))); export the bundle again to receive the rest"
            )
        case .truncated(let files):
            return language.pick(
                "gói bị cắt trong phần tệp, sau \(files) tệp; các tệp đã nhận được giữ lại; xuất lại gói để nhận phần còn lại",
                "the bundle is cut off in its file section, after \(Language.english(files, "file")); the files received are kept; export the bundle again to receive the rest"
            )
        case .badLine(let line, let reason):
            return language.pick(
                "dòng \(line) của gói không phải dòng tệp hợp lệ: \(reason); dừng tại đó" + kept,
                "line \(line) of the bundle is not a valid file line: \(reason); stopped there" + kept)
        case .countMismatch(let announcedFiles, let files, let announcedChunks, let chunks):
            return language.pick(
                "dòng files-end ghi \(announcedFiles) tệp, \(announcedChunks) phần nhưng gói có \(files) tệp, \(chunks) phần"
                    + kept + again,
                "the files-end line announces \(announcedFiles) files and \(announcedChunks) chunks but the bundle holds \(files) and \(chunks)"
                    + kept + again)
        case .dataAfterEnd(let line):
            return language.pick(
                "gói có dữ liệu sau dòng files-end (dòng \(line)); các tệp trước đó được giữ lại",
                "the bundle has data after its files-end line (line \(line)); the files before it are kept")
        case .badChunks(let sha256, let dropped, let held, let chunks):
            return language.pick(
                "\(dropped) phần của tệp \(sha256.prefix(12))… không khớp mã SHA-256 nên bị bỏ (đã giữ \(held)/\(chunks) phần): gói bị hỏng"
                    + again,
                "\(Language.english(dropped, "chunk")) of the file \(sha256.prefix(12))… did not match its SHA-256 and \(dropped == 1 ? "was" : "were") dropped (kept \(held) of \(chunks)): the bundle is damaged"
                    + again)
        case .fileMismatch(let sha256):
            return language.pick(
                "các phần của tệp \(sha256.prefix(12))… không ghép thành đúng tệp (mã SHA-256 không khớp) nên đều bị bỏ"
                    + again,
                "the chunks of the file \(sha256.prefix(12))… do not make the file (its SHA-256 does not match) and were all dropped"
                    + again)
        case .incomplete(let sha256, let held, let chunks):
            return language.pick(
                "gói thiếu phần của tệp \(sha256.prefix(12))…: mới có \(held)/\(chunks) phần" + again,
                "the bundle lacks chunks of the file \(sha256.prefix(12))…: \(held) of \(chunks) are here" + again)
        case .diskFull(let error):
            return error.message(language)
                + language.pick("; các phần tệp đã lưu được giữ lại", "; the file chunks stored so far are kept")
        case .unreadable(let path, let reason):
            let reason = SystemText.reason(reason, language)
            return language.pick(
                "không đọc tiếp được phần tệp của gói \(path): \(reason)",
                "cannot read on in the bundle \(path): \(reason)"
            ) + kept
        }
    }
}
