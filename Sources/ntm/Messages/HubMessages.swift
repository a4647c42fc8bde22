import NTM
import SyncCore
import SyncHub

/// What the hub says of itself to the district office, both languages side by side.
enum HubMessages {
    /// A hub restored from a backup that has not caught up: when, what it took back, and which laptops
    /// may still hold what it lost; nil once every enrolled laptop has synced since.
    static func recovery(_ recovery: HubRecovery, _ language: Language) -> String? {
        guard !recovery.caughtUp else { return nil }
        let when = Presentation.time(recovery.restoredMs)
        let list = recovery.waitingFor.joined(separator: ", ")
        return language.pick(
            "Máy chủ được khôi phục từ bản sao lưu lúc \(when) và chưa lấy lại đủ: đã lấy lại \(recovery.enrolmentsTakenBack) bản ghi ghi danh; còn \(recovery.waitingFor.count) máy chưa đồng bộ kể từ đó (\(list)), số liệu có thể thiếu phần việc chỉ các máy ấy còn giữ",
            "The hub was restored from a backup at \(when) and has not caught up: \(Language.english(recovery.enrolmentsTakenBack, "enrolment record")) taken back; \(Language.english(recovery.waitingFor.count, "replica")) not synced since (\(list)), so figures may lack work only they still hold"
        )
    }
}
