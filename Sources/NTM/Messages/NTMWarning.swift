import Foundation
import Replica
import SyncCore

/// Something a person should know although the command did what was asked: printed as one line on
/// stderr, the exit status stays 0. Each has a Vietnamese and an English sentence.
public enum NTMWarning: Equatable, Sendable {
    /// A document with the same file (same SHA-256) was already attached to the indicator.
    case sameFileTwice(code: String, earlier: [String])
    /// A database was created without an author: writes will need `--by` or `NTM_USER`.
    case noAuthor
    /// `ntm dump --commune` of a commune this database holds no row of (a typo, or another commune's
    /// rows that this replica never receives): the empty dump is no proof that two replicas agree.
    case nothingOfCommune(String, known: [String])
    /// `evidence open` found no program to open files with (`command`, the desktop's or `NTM_OPEN`):
    /// the file was exported and its path is printed instead.
    case noOpener(command: String)
    /// A bundle imported at the hub held work the hub did not take yet: of a writer it does not know,
    /// whose credential was revoked, beyond the writer's last checkpoint, or after a missing operation.
    /// `origins` lists each writer with why and how many operations.
    case bundleWorkWaits([String: IngestWaiting])

    /// The sentence in the given language.
    public func message(_ language: Language) -> String {
        switch self {
        case .sameFileTwice(let code, let earlier):
            let ids = earlier.joined(separator: ", ")
            return language.pick(
                "chỉ tiêu \(code) đã có minh chứng cùng tệp này (cùng mã SHA-256): \(ids); nếu thêm nhầm, xóa bằng: ntm evidence remove MÃ",
                "indicator \(code) already has evidence with this same file (same SHA-256): \(ids); if added by mistake, remove it with: ntm evidence remove ID"
            )
        case .nothingOfCommune(let slug, let known):
            let list = known.isEmpty ? "—" : known.joined(separator: ", ")
            return language.pick(
                "cơ sở dữ liệu này không có bản ghi nào của \"\(slug)\" (có ở đây: \(list)); bản in rỗng không chứng tỏ hai bản sao giống nhau",
                "this database holds no row of \"\(slug)\" (here: \(list)); an empty dump does not show that two replicas agree"
            )
        case .bundleWorkWaits(let origins):
            let parts = origins.sorted { $0.key < $1.key }.map { origin, item in
                let why: String
                switch item.reason {
                case .unknownWriter:
                    why = language.pick(
                        "máy chưa ghi danh ở huyện: ghi danh máy đó (ntm hub enroll), hoặc nêu xã gửi gói (--commune XÃ) rồi nhập lại",
                        "not enrolled at this district: enrol it (ntm hub enroll), or name the commune that sent the bundle (--commune SLUG), then import again"
                    )
                case .revoked:
                    why = language.pick("giấy chứng nhận của máy đã bị thu hồi", "its credential was revoked")
                case .unsigned:
                    why = language.pick(
                        "chưa có chữ ký của máy đó: nhập lại một gói máy đó xuất sau khi được ghi danh",
                        "not signed by that replica yet: import a bundle it exported after it was enrolled")
                case .frozen:
                    why = language.pick(
                        "máy đó bị khóa ở huyện vì có hai lịch sử khác nhau (cơ sở dữ liệu bị sao chép): khôi phục máy đó (ntm replica fork-recover) rồi cấp lại khóa (ntm hub enroll --renew)",
                        "that replica is frozen at this district as it has two different histories (a copied database): recover it (ntm replica fork-recover), then renew its key (ntm hub enroll --renew)"
                    )
                case .gap:
                    why = language.pick(
                        "thiếu thao tác trước đó: nhập trước gói có các thao tác ấy",
                        "earlier operations are missing: import the bundle that holds them first")
                }
                return language.pick(
                    "\(item.count) thao tác của \(origin) (\(why))",
                    "\(Language.english(item.count, "operation")) of \(origin) (\(why))")
            }
            return language.pick("chưa nhận: ", "not taken yet: ") + parts.joined(separator: "; ")
        case .noOpener(let command):
            return language.pick(
                "máy này không có chương trình mở tệp (\(command)); tệp đã được xuất ra đường dẫn in dưới đây, hãy mở nó bằng tay",
                "this computer has no program to open files with (\(command)); the file was exported to the path printed below: open it by hand"
            )
        case .noAuthor:
            return language.pick(
                "chưa có tên người ghi: mỗi lần ghi sẽ cần --by TÊN hoặc biến NTM_USER (hoặc tạo lại với ntm init --by TÊN)",
                "no author recorded: every write will need --by NAME or the NTM_USER variable (or create it again with ntm init --by NAME)"
            )
        }
    }
}
