import Foundation
import Replica
import SyncCore

/// Evidence files in people's words: a file's size, where it stands here (`có ở máy này`, `chưa tải
/// về`, `đang tải: 3,2/8,0 MB`, `bị từ chối: …`), whether the district has it, and the counts of
/// `ntm status`. Vietnamese and English side by side.
public enum FileWords {
    /// A size as people read it: `8,0 MB` (`8.0 MB` in English) from 0.1 MB up, `12 kB` or `350 B` below.
    public static func size(_ bytes: Int64, _ language: Language) -> String {
        if bytes >= 100_000 { return FileError.megabytes(bytes, language) }
        if bytes >= 1_000 { return "\((bytes + 999) / 1_000) kB" }
        return "\(bytes) B"
    }

    /// How much of a file is here: `3,2/8,0 MB` (`3.2 of 8.0 MB` in English).
    static func fraction(_ held: Int64, _ size: Int64, _ language: Language) -> String {
        FileError.megabytes(held, of: size, language)
    }

    /// Where a file of `size` bytes stands here, in a few words.
    public static func state(_ state: FileState, size: Int64, _ language: Language) -> String {
        switch state {
        case .present: return language.pick("có ở máy này", "here")
        case .missing: return language.pick("chưa tải về", "not here yet")
        case .partial(let held):
            return language.pick(
                "đang tải: \(fraction(held, size, .vi))", "partly here: \(fraction(held, size, .en))")
        case .refused(let code, let detail):
            return language.pick("bị từ chối: ", "refused: ") + refusal(code: code, detail: detail, language)
        }
    }

    /// Why a file will not move, from the code the other side gave (`protocol/PROTOCOL.md` §13.4); an
    /// unknown code is shown as it is, with the other side's own sentence.
    public static func refusal(code: String, detail: String, _ language: Language) -> String {
        let words: String
        switch code {
        case "too-large":
            words = language.pick("tệp lớn hơn mức huyện cho phép", "the file is larger than the district allows")
        case "bad-chunks":
            words = language.pick("các phần nhận được nhiều lần bị hỏng", "its pieces kept arriving damaged")
        case "bad-file":
            words = language.pick("các phần không ghép thành đúng tệp", "its pieces do not make the file")
        case "not-referenced":
            words = language.pick("không có minh chứng nào dùng tệp này", "no document uses this file")
        case "out-of-scope":
            words = language.pick("tệp không thuộc xã của máy này", "the file is not this replica's commune's")
        case "forbidden":
            words = language.pick(
                "máy này không có quyền ghi minh chứng dùng tệp này", "this replica may not write the rows that use it")
        case "disk-full":
            words = language.pick("ổ đĩa máy chủ huyện gần đầy", "the district hub's disk is nearly full")
        default: return detail.isEmpty ? code : "\(code): \(detail)"
        }
        return language == .en && !detail.isEmpty ? "\(words) (\(detail))" : words
    }

    /// The file part of an evidence line: `tệp bien-ban.pdf (8,0 MB) · có ở máy này · chưa gửi huyện`;
    /// nil for a document without a file.
    public static func line(_ record: EvidenceRecord, _ language: Language) -> String? {
        guard let name = record.fileName else { return nil }
        let size = record.fileSize ?? 0
        var parts = [
            language.pick("tệp \(name) (\(Self.size(size, language)))", "file \(name) (\(Self.size(size, .en)))")
        ]
        if let state = record.fileState { parts.append(Self.state(state, size: size, language)) }
        if record.fileSHA256 != nil, !record.fileAtDistrict {
            parts.append(language.pick("chưa gửi huyện", "not yet at the district"))
        }
        return parts.joined(separator: " · ")
    }

    /// Why a document's file cannot be exported or opened: it is not here whole.
    public static func notHere(name: String, size: Int64, state: FileState, _ language: Language) -> String {
        switch state {
        case .partial(let held):
            return language.pick(
                "tệp \(name) chưa tải về đủ: mới có \(fraction(held, size, .vi)); đồng bộ lại để tải tiếp",
                "the file \(name) is not here whole yet: \(fraction(held, size, .en)); sync again to fetch the rest"
            )
        case .refused(let code, let detail):
            return language.pick(
                "tệp \(name) chưa tải về được: \(refusal(code: code, detail: detail, .vi))",
                "the file \(name) cannot be fetched: \(refusal(code: code, detail: detail, .en))")
        case .missing, .present:
            return language.pick(
                "tệp \(name) chưa tải về máy này; đồng bộ (ntm sync) hoặc nhập gói để tải về",
                "the file \(name) is not on this computer yet; sync (ntm sync) or import a bundle to fetch it")
        }
    }

    /// The line of `ntm status`: `Tệp minh chứng: 12 có ở máy này, 2 chưa tải về, 3 chưa gửi huyện`.
    public static func counts(_ counts: FileCounts, _ language: Language) -> String {
        let notHere = counts.missing + counts.partial
        var parts = [
            language.pick("\(counts.present) có ở máy này", "\(counts.present) here"),
            language.pick("\(notHere) chưa tải về", "\(notHere) not here yet"),
        ]
        if counts.refused > 0 {
            parts.append(language.pick("\(counts.refused) bị từ chối", "\(counts.refused) refused"))
        }
        parts.append(
            language.pick(
                "\(counts.notAtDistrict) chưa gửi huyện", "\(counts.notAtDistrict) not yet at the district"))
        return language.pick("Tệp minh chứng: ", "Evidence files: ") + parts.joined(separator: ", ")
    }
}
