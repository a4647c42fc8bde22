import ArgumentParser
import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub

/// Misuses of `ntm replica fork-recover`.
enum ForkUsage: Error {
    case noFork
    case oneOf
    case credentialNeeded

    func message(_ language: Language) -> String {
        switch self {
        case .noFork:
            return language.pick(
                "cơ sở dữ liệu này không bị rẽ nhánh (ntm sync chưa báo rẽ nhánh); không thay đổi gì",
                "this database has not forked (ntm sync reported no fork); nothing was changed")
        case .oneOf:
            return language.pick(
                "cần đúng một trong --credential TỆP (tệp huyện cấp cho mã mới) và --replica MÃ-MỚI",
                "give exactly one of --credential FILE (issued by the district for the new id) and --replica NEW-ID")
        case .credentialNeeded:
            return language.pick(
                "bản sao này đồng bộ bằng chứng thực: mã mới cũng cần một (ở huyện: ntm hub enroll --replica MÃ-MỚI --role …), rồi dùng --credential TỆP",
                "this replica syncs with a credential: the new id needs one too (at the district: ntm hub enroll --replica NEW-ID --role …), then use --credential FILE"
            )
        }
    }
}
