import ArgumentParser
import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import SyncWire

/// Mistakes on `ntm hub` command lines.
enum HubUsage: Error {
    /// `hub init` needs exactly one of `--district` and `--province`.
    case districtOrProvince
}

enum SyncUsage: Error {
    case oneWay
    /// `--hub` without `--insecure`, and the installed credential does not pin the hub's TLS key (it
    /// was issued before hubs spoke TLS).
    case noPin
}

/// The one-line messages of sync failures.
enum SyncMessages {
    /// The exit status of a failure worth retrying later (EX_TEMPFAIL): the connection failed or the
    /// hub was busy; `nightly.sh` retries only these.
    static let transientExitStatus: Int32 = 75

    /// The exit status of a command line that is wrong as written (EX_USAGE), as ArgumentParser's own.
    static let usageExitStatus: Int32 = 64

    /// Whether the command line itself is wrong (an address that is not HOST:PORT).
    static func isUsage(_ error: any Error) -> Bool {
        switch error {
        case TransportError.badAddress, SyncError.transport(.badAddress), SyncUsage.oneWay, HubUsage.districtOrProvince:
            return true
        default: return false
        }
    }

    /// Whether trying again later may succeed, with nothing changed by anyone.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case SyncError.transport(let transport): return isTransient(transport)
        case SyncError.hub(let wire): return wire.code == .unavailable
        case let transport as TransportError: return isTransient(transport)
        default: return false
        }
    }

    /// Whether a transport failure may go away by itself: not a wrong address, a port that cannot be
    /// listened on, a hub with another key, nor one reached with the wrong `--insecure`.
    static func isTransient(_ transport: TransportError) -> Bool {
        switch transport {
        case .badAddress, .cannotListen, .wrongHubKey, .speaksTLS, .speaksClear: return false
        case .commandFailed(_, let reason): return commandMayRecover(reason)
        case .unreachable, .closed, .timedOut, .noAnswer: return true
        }
    }

    /// Whether a `--via` command that failed may succeed later: ssh ends with 255 when it could not
    /// reach the other machine, and a shell reports a command killed by a signal as 128 + the signal (a
    /// hub stopped mid-session); any other status is the command's own failure (a missing program, a
    /// hub database that is not there), which would fail again.
    static func commandMayRecover(_ reason: String) -> Bool {
        guard reason.hasPrefix("exit status "),
            let status = Int(reason.dropFirst("exit status ".count).prefix { $0.isNumber })
        else { return true }
        return status > 128
    }

    static func message(_ error: any Error, _ language: Language) -> String? {
        switch error {
        case let error as EnrolmentUsage:
            return error.message(language)
        case let error as LowerHubError:
            return lowerHub(error, language)
        case let error as ForkUsage:
            return error.message(language)
        case let error as HubSetupError:
            return error.message(language)
        case HubUsage.districtOrProvince:
            return language.pick(
                "cần đúng một trong hai: --district MÃ-HUYỆN (máy chủ huyện) hoặc --province MÃ-TỈNH (máy chủ tỉnh)",
                "give exactly one of --district SLUG (a district hub) and --province SLUG (a province hub)")
        case SyncUsage.oneWay:
            return language.pick(
                "cần đúng một trong hai: --hub HOST:PORT hoặc --via LỆNH",
                "give exactly one of --hub HOST:PORT and --via COMMAND")
        case SyncUsage.noPin:
            return language.pick(
                "giấy chứng nhận của máy này được cấp trước khi máy chủ dùng TLS nên không có khóa TLS của máy chủ: xin huyện cấp lại (ntm hub enroll --renew, rồi ntm credential install TỆP), hoặc thêm --insecure để nối không mã hóa",
                "this replica's credential was issued before the hub spoke TLS and has no TLS key of the hub: ask the district to re-issue it (ntm hub enroll --renew, then ntm credential install FILE), or pass --insecure to connect in clear"
            )
        case let error as SyncError:
            switch error {
            case .hub(let wire) where wire.code == .unauthenticated:
                return language.pick(
                    "máy chủ không nhận chứng thực của máy này (\(unauthenticatedReason(wire.message))); xin huyện cấp lại: ntm hub enroll --renew, rồi ntm credential install TỆP",
                    "the hub did not accept this replica's credential (\(wire.message)); ask the district for a new one: ntm hub enroll --renew, then ntm credential install FILE"
                )
            case .fork(let fork):
                return forkMessage(fork, language)
            case .hub(let wire) where wire.code == .fork:
                return language.pick(
                    "máy chủ phát hiện hai cơ sở dữ liệu cùng ghi dưới mã bản sao này (\(wire.message)); không có gì của phần rẽ nhánh được áp dụng; chạy lại ntm sync để xác định chỗ rẽ nhánh",
                    "the hub found two databases writing under this replica id (\(wire.message)); nothing of the forked part was applied; run ntm sync again to locate the fork"
                )
            case .hub(let wire):
                return language.pick(
                    "máy chủ từ chối: \(wire.code.rawValue): \(wire.message)",
                    "the hub refused: \(wire.code.rawValue): \(wire.message)")
                    + language.pick("; các lô đã xác nhận vẫn được giữ", "; acknowledged batches are kept")
            case .protocolViolation(let wire):
                return language.pick(
                    "máy chủ trả lời sai giao thức (\(wire.message)); các lô đã xác nhận vẫn được giữ",
                    "the hub broke the protocol (\(wire.message)); acknowledged batches are kept")
            case .transport(let transport): return message(transport, language)
            case .noCredential:
                return language.pick(
                    "máy chủ yêu cầu chứng thực mà bản sao này chưa có; xin huyện cấp (ntm hub enroll) rồi chạy: ntm credential install TỆP",
                    "the hub asks for a credential and this replica has none; ask the district for one (ntm hub enroll), then run: ntm credential install FILE"
                )
            case .syncWithItself:
                return language.pick(
                    "đây là cơ sở dữ liệu của chính máy chủ huyện: máy chủ không đồng bộ với chính nó; các xã đồng bộ với máy chủ (ntm sync trên máy của xã)",
                    "this is the district hub's own database: a hub does not sync with itself; communes sync with the hub (ntm sync on the commune's laptop)"
                )
            case .notNTM(let answer):
                return language.pick(
                    "cổng này không nói giao thức ntm (máy ở đó trả lời: \"\(answer)\"); kiểm tra địa chỉ và cổng của máy chủ huyện",
                    "this port does not speak the ntm protocol (it answered: \"\(answer)\"); check the district hub's address and port"
                )
            case .cycle(let hub):
                return language.pick(
                    "máy chủ \(hub) nằm dưới máy chủ này nên không thể đồng bộ lên nó (một vòng); chỉ đồng bộ lên máy chủ cấp trên (tỉnh), và thu hồi việc ghi danh sai (ntm hub revoke)",
                    "hub \(hub) sits below this hub, so this hub cannot sync up to it (a cycle); sync only with the hub above (the province), and revoke the wrong enrolment (ntm hub revoke)"
                )
            case .otherHub(let credential, let hub):
                return language.pick(
                    "chứng thực của máy này do máy chủ \(credential) cấp, còn máy chủ trả lời là \(hub); kiểm tra địa chỉ --hub",
                    "this replica's credential was issued by hub \(credential), but hub \(hub) answered; check the --hub address"
                )
            }
        case let error as TransportError:
            switch error {
            case .badAddress(let address) where address.contains("://"):
                return language.pick(
                    "--hub nhận HOST:PORT, không phải địa chỉ web: \"\(address)\"; viết ví dụ 10.0.0.5:7420 (bỏ http://)",
                    "--hub takes HOST:PORT, not a web address: \"\(address)\"; write e.g. 10.0.0.5:7420 (without http://)"
                )
            case .badAddress(let address):
                return language.pick(
                    "địa chỉ \"\(address)\" không hợp lệ; viết HOST:PORT, ví dụ 10.0.0.5:7420",
                    "invalid address \"\(address)\"; write HOST:PORT, e.g. 10.0.0.5:7420")
            case .wrongHubKey(let address):
                return language.pick(
                    "\(address): đây không phải máy chủ huyện của bạn: khóa TLS không khớp với khóa trong giấy chứng nhận; không gửi gì; kiểm tra địa chỉ --hub, hoặc hỏi huyện xem máy chủ có đổi khóa không",
                    "\(address): this is not your district's hub: its TLS key does not match the one in your credential; nothing was sent; check the --hub address, or ask the district whether the hub's key changed"
                )
            case .speaksTLS(let address):
                return language.pick(
                    "máy chủ ở \(address) dùng TLS: bỏ --insecure",
                    "the hub at \(address) speaks TLS: drop --insecure")
            case .speaksClear(let address):
                return language.pick(
                    "máy chủ ở \(address) phục vụ không mã hóa (ntm hub serve --insecure): chạy máy chủ không có --insecure, hoặc thêm --insecure nếu máy chủ ở ngay máy này",
                    "the hub at \(address) serves in clear (ntm hub serve --insecure): serve it without --insecure, or pass --insecure if the hub is on this machine"
                )
            case .noAnswer(let address, let seconds):
                return language.pick(
                    "máy ở \(address) nhận kết nối nhưng không trả lời trong \(seconds) giây: kiểm tra đó có phải máy chủ ntm (ntm hub serve) và đúng cổng; chờ lâu hơn: --timeout GIÂY",
                    "\(address) accepted the connection but did not answer within \(seconds) s: check that it is an ntm hub (ntm hub serve) on that port; to wait longer: --timeout SECONDS"
                )
            case .unreachable(let address, let reason):
                let reason = SystemText.reason(reason, language)
                return language.pick(
                    "không kết nối được máy chủ \(address) (\(reason)); kiểm tra địa chỉ, cổng và mạng, rồi thử lại",
                    "cannot reach the hub at \(address) (\(reason)); check the address, the port and the network, then try again"
                )
            case .closed(let reason):
                let reason = SystemText.reason(reason, language)
                return language.pick(
                    "mất kết nối với máy chủ (\(reason)); chạy lại ntm sync để tiếp tục, các lô đã xác nhận vẫn được giữ",
                    "the connection to the hub was lost (\(reason)); run ntm sync again to resume, acknowledged batches are kept"
                )
            case .commandFailed(let command, let reason):
                let reason = SystemText.reason(reason, language)
                return language.pick(
                    "không chạy được lệnh \"\(command)\" (\(reason))", "cannot run \"\(command)\" (\(reason))")
            case .cannotListen(let address, let reason):
                let inUse = reason.lowercased().contains("in use")
                let reason = SystemText.reason(reason, language)
                if !inUse {
                    return language.pick(
                        "không nghe được trên \(address) (\(reason)); dùng một địa chỉ của máy này, hoặc 0.0.0.0:CỔNG để nghe trên mọi địa chỉ",
                        "cannot listen on \(address) (\(reason)); use an address of this machine, or 0.0.0.0:PORT to listen on all of them"
                    )
                }
                return language.pick(
                    "không nghe được trên \(address) (\(reason)); chọn cổng khác hoặc dừng chương trình đang dùng cổng này",
                    "cannot listen on \(address) (\(reason)); choose another port or stop what uses it")
            case .timedOut(let seconds):
                return language.pick(
                    "máy chủ không trả lời trong \(seconds) giây; chạy lại ntm sync để tiếp tục, các lô đã xác nhận vẫn được giữ",
                    "the hub did not answer for \(seconds) s; run ntm sync again to resume, acknowledged batches are kept"
                )
            }
        default: return nil
        }
    }

    /// What a sync moved, in words: what was sent and was new to the hub, what the hub already had,
    /// what was received and was new here.
    static func counts(_ result: SyncResult, _ language: Language) -> String {
        func operations(_ count: Int) -> String {
            language.pick("\(count) thao tác", count == 1 ? "1 operation" : "\(count) operations")
        }
        var sent: String
        if result.counts.sent.total == 0 {
            sent = language.pick("không có gì mới để gửi", "nothing new to send")
        } else {
            sent = language.pick(
                "gửi \(operations(result.counts.sent.new)) mới",
                "sent \(result.counts.sent.new) new \(result.counts.sent.new == 1 ? "operation" : "operations")")
            if result.counts.sent.held > 0 {
                sent += language.pick(
                    " (huyện đã có \(result.counts.sent.held) thao tác gửi lại)",
                    " (\(result.counts.sent.held) sent again that the hub already had)")
            }
        }
        let received: String
        if result.counts.received.total == 0 {
            received = language.pick("không có gì mới để nhận", "nothing new to receive")
        } else if result.counts.received.total == result.counts.received.new {
            received = language.pick(
                "nhận \(operations(result.counts.received.total)) mới",
                "received \(result.counts.received.total) new \(result.counts.received.total == 1 ? "operation" : "operations")"
            )
        } else {
            received = language.pick(
                "nhận \(operations(result.counts.received.total)) (\(result.counts.received.new) mới với máy này)",
                "received \(operations(result.counts.received.total)) (\(result.counts.received.new) new here)")
        }
        return sent + ", " + received
    }

    /// What the file phase moved, for the summary line: empty when no file moved or waited.
    static func files(_ result: SyncResult, _ language: Language) -> String {
        let sent = result.counts.filesSent
        let received = result.counts.filesReceived
        var parts: [String] = []
        if sent.complete > 0 || sent.bytes > 0 {
            parts.append(
                language.pick(
                    "gửi \(sent.complete) tệp (\(FileError.megabytes(sent.bytes)))",
                    "sent \(Language.english(sent.complete, "file")) (\(FileError.megabytes(sent.bytes, .en)))"))
        }
        if received.complete > 0 || received.bytes > 0 {
            parts.append(
                language.pick(
                    "nhận \(received.complete) tệp (\(FileError.megabytes(received.bytes)))",
                    "received \(Language.english(received.complete, "file")) (\(FileError.megabytes(received.bytes, .en)))"
                ))
        }
        let refused = sent.refused + received.refused
        if refused > 0 {
            parts.append(
                language.pick(
                    "\(refused) tệp bị từ chối (xem: ntm evidence list)",
                    "\(Language.english(refused, "file")) refused (see: ntm evidence list)"))
        }
        if result.files.notAtHub > 0 {
            parts.append(
                language.pick(
                    "\(result.files.notAtHub) tệp huyện chưa có",
                    "\(Language.english(result.files.notAtHub, "file")) not at the district yet"))
        }
        if result.files.waiting > 0 {
            parts.append(
                language.pick(
                    "\(result.files.waiting) tệp chờ vì ổ đĩa gần đầy",
                    "\(Language.english(result.files.waiting, "file")) waiting: the disk is nearly full"))
        }
        return parts.isEmpty ? "" : "; " + language.pick("tệp: ", "files: ") + parts.joined(separator: ", ")
    }

    /// The progress line's file part: empty before any file content moved.
    static func fileProgress(_ result: SyncResult, _ language: Language) -> String {
        let files = result.counts.filesSent.complete + result.counts.filesReceived.complete
        let bytes = result.counts.filesSent.bytes + result.counts.filesReceived.bytes
        guard bytes > 0 else { return "" }
        return language.pick(
            ", \(files) tệp, \(FileError.megabytes(bytes))",
            ", \(Language.english(files, "file")), \(FileError.megabytes(bytes, .en))")
    }

    /// Why the hub did not accept the credential, in Vietnamese: the hub's message is English (for
    /// people and logs, PROTOCOL.md §11.7); these are the reasons the reference hub gives.
    static func unauthenticatedReason(_ message: String) -> String {
        if message.hasPrefix("credential not accepted") {
            return "bản sao chưa được đăng ký ở máy chủ này, hoặc chứng thực đã bị thu hồi hay cấp lại"
        }
        if message.contains("not enrolled") { return "máy này chưa được đăng ký ở máy chủ này" }
        if message.contains("revoked or renewed") { return "chứng thực vừa bị thu hồi hoặc cấp lại" }
        if message.contains("revoked") { return "chứng thực của máy này đã bị thu hồi" }
        if message.contains("signature") {
            return "chữ ký không khớp với khóa đã đăng ký: chứng thực cũ, hoặc của máy khác"
        }
        return "máy chủ không nói rõ lý do"
    }

    /// What a person reads about a fork of their database, and what to do.
    static func forkMessage(_ fork: ForkRecord, _ language: Language) -> String {
        let what =
            fork.localSeq < fork.seq
            ? language.pick(
                "máy chủ \(fork.hub) giữ thao tác \(fork.seq)–\(fork.hubSeq) của mã bản sao \(fork.replica) mà cơ sở dữ liệu này không có (bản sao chép sang máy khác, hoặc khôi phục từ bản sao lưu cũ)",
                "hub \(fork.hub) holds operations \(fork.seq)–\(fork.hubSeq) of replica id \(fork.replica) that this database lacks (a copy on another laptop, or a restore from an older backup)"
            )
            : language.pick(
                "thao tác \(fork.seq)–\(fork.localSeq) của cơ sở dữ liệu này khác với những gì máy chủ \(fork.hub) giữ dưới cùng mã bản sao \(fork.replica) (cơ sở dữ liệu đã bị chép sang máy khác)",
                "operations \(fork.seq)–\(fork.localSeq) of this database differ from what hub \(fork.hub) holds under the same replica id \(fork.replica) (the database was copied to another laptop)"
            )
        return language.pick(
            "rẽ nhánh từ thao tác \(fork.seq): \(what); không gửi, không nhận gì cho đến khi khôi phục: xin huyện cấp chứng thực cho mã mới (ntm hub enroll --replica MÃ-MỚI …) rồi chạy ntm replica fork-recover --credential TỆP (không dùng chứng thực: --replica MÃ-MỚI); không mất thao tác nào",
            "fork from operation \(fork.seq): \(what); nothing is sent or received until it is recovered: ask the district for a credential for a new id (ntm hub enroll --replica NEW-ID …), then run ntm replica fork-recover --credential FILE (without credentials: --replica NEW-ID); no work is lost"
        )
    }

    /// Other replicas' work this replica carried: what the hub took, what it refused as not matching
    /// its writer's signature, and what is still not at the hub; empty when none.
    static func relay(_ result: SyncResult, _ language: Language) -> String {
        var text = ""
        if result.relayed > 0 {
            text += language.pick(
                "; đã chuyển tiếp \(result.relayed) thao tác của máy khác (có chữ ký của máy viết)",
                "; relayed \(Language.english(result.relayed, "operation")) of other replicas (signed by their writers)"
            )
        }
        for (origin, reason) in result.relayRejected.sorted(by: { $0.key < $1.key }) {
            text += language.pick(
                "; huyện từ chối việc của \(origin) mang qua máy này: không khớp chữ ký của máy đó (\(reason))",
                "; the district refused the work of \(origin) carried here: it does not match that replica's signature (\(reason))"
            )
        }
        if result.enrolmentsGivenBack > 0 {
            text += language.pick(
                "; đã trả lại máy chủ \(result.enrolmentsGivenBack) bản ghi ghi danh nó bị mất khi khôi phục từ bản sao lưu",
                "; gave the hub back \(Language.english(result.enrolmentsGivenBack, "enrolment record")) it lost in a restore from a backup"
            )
        }
        if result.unsent > 0 {
            text += language.pick(
                "; \(result.unsent) thao tác của máy khác (nhận qua gói) chưa gửi được: chưa có chữ ký của máy viết; máy đó tự gửi khi đồng bộ, hoặc xuất lại gói sau khi được ghi danh",
                "; \(Language.english(result.unsent, "operation")) of other replicas (from bundles) not sent: not signed by their writer yet; it sends them when it syncs, or exports a bundle again once enrolled"
            )
        }
        return text
    }

    /// Why a lower hub's bundle was not taken at the hub above.
    static func lowerHub(_ error: LowerHubError, _ language: Language) -> String {
        let what: String
        switch error {
        case .malformed:
            what = language.pick(
                "lời giới thiệu của máy chủ cấp dưới bị hỏng", "the lower hub's introduction is damaged")
        case .notALowerHub(let replica):
            what = language.pick(
                "\(replica) không được ghi danh ở đây là máy chủ cấp dưới (district:MÃ-HUYỆN), hoặc đã bị thu hồi",
                "\(replica) is not enrolled here as a lower hub (district:SLUG), or was revoked")
        case .badSignature(let replica):
            what = language.pick(
                "lời giới thiệu không có chữ ký đúng của \(replica)",
                "the introduction is not signed by \(replica)'s key")
        case .foreignName(let replica, let name):
            what = language.pick(
                "\(replica) giới thiệu sổ ghi danh mang tên \(name), không phải của nó",
                "\(replica) introduces a log named \(name), which is not its own")
        case .otherKey(let replica):
            what = language.pick(
                "khóa sổ ghi danh của \(replica) khác khóa đã ghi nhận lần đầu (nếu cơ sở dữ liệu của nó được tạo lại, ghi danh lại nó)",
                "\(replica)'s log key differs from the one first recorded (if its database was made anew, enrol it again)"
            )
        case .cycle(let replica):
            what = language.pick(
                "\(replica) là máy chủ này hoặc cấp trên của nó (một vòng)",
                "\(replica) is this hub or one above it (a cycle)")
        }
        return language.pick("gói bị từ chối, không nhập gì: \(what)", "bundle refused, nothing imported: \(what)")
    }
}
