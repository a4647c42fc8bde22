import ArgumentParser
import Foundation
import Logging
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import SyncWire

#if canImport(Glibc)
    import Glibc
#endif

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: Interface.pick(
            "Đồng bộ với máy chủ huyện: gửi những gì huyện chưa có, nhận những gì xã chưa có.",
            "Sync with the district hub: send what the hub lacks, receive what this replica lacks."),
        discussion: """
            ntm sync --hub 10.0.0.5:7420
            ntm sync --via "ssh huyen.example ntm hub stdio --db /srv/ntm/huyen.sqlite"
            """)

    @OptionGroup var options: SharedOptions<ShowDatabase>
    @Option(help: .pick("Máy chủ huyện, HOST:PORT.", "The district hub, HOST:PORT.")) var hub: String?
    @Option(
        help: .pick(
            "Lệnh nối tới máy chủ qua stdin/stdout, ví dụ qua ssh.",
            "A command reaching the hub on its stdin/stdout, e.g. ssh."
        ))
    var via: String?
    @Option(
        help: .pick(
            "Số giây chờ kết nối và câu trả lời đầu tiên của máy chủ (--hub).",
            "Seconds to wait for the connection and for the hub's first answer (--hub)."))
    var timeout: Int = LineTransport.defaultAnswerTimeoutSeconds
    @Flag(
        help: .pick(
            "Nối tới máy chủ không mã hóa (--hub không TLS): chỉ để thử nghiệm hoặc trên cùng một máy.",
            "Reach the hub in clear (--hub without TLS): only for tests or on the same machine."))
    var insecure = false
    @Flag(
        help: .pick(
            "Không nén phiên đồng bộ (mặc định nén deflate nếu máy chủ nhận).",
            "Do not compress the session (by default it is deflate-compressed when the hub accepts)."))
    var noCompress = false

    func run() throws {
        guard (hub == nil) != (via == nil) else { throw SyncUsage.oneWay }
        // A commune's replica syncs as its commune; a district's database (a hub) as its district.
        let database = try options.openDatabase()
        guard let unit = options.commune ?? database.homeCommune ?? database.unit else {
            throw NTMError.hubNeedsCommune(known: try database.communes().map(\.slug))
        }
        let store = database.store
        let credential = try CredentialFile.installed(in: store)
        let transport: LineTransport
        var child: Process?
        let childErrors = ChildErrors()
        if let hub {
            _ = try LineTransport.endpoint(hub)
            if insecure {
                transport = try LineTransport.connect(to: hub, timeout: max(1, timeout))
            } else {
                // TLS 1.3 to the hub whose key the credential pins; nothing is sent to another.
                guard let credential else { throw SyncError.noCredential }
                guard let pin = credential.tls else { throw SyncUsage.noPin }
                transport = try LineTransport.connect(to: hub, pinning: pin, timeout: max(1, timeout))
            }
        } else {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", via!]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            // What the command prints on stderr (the hub's log lines, ssh's own messages) is kept from
            // the person's terminal; its last line explains a failure.
            process.standardError = childErrors.pipe
            do { try process.run() } catch { throw TransportError.commandFailed(via!, "\(error)") }
            childErrors.start()
            child = process
            transport = LineTransport(
                input: output.fileHandleForReading.fileDescriptor, output: input.fileHandleForWriting.fileDescriptor,
                onClose: { try? input.fileHandleForWriting.close() })
        }
        var client = SyncClient(store: store, commune: unit, credential: credential)
        client.compresses = !noCompress
        if database.isHub {
            // A district hub syncing with its province: it shows its own enrolment log, so that the
            // province takes its communes' work, signed by them, and enrols them on its behalf.
            client.asHub = try HubSetup.asClient(database)
            // Enrolments made before the log existed get their entries: the province enrols from entries.
            try HubSetup.identity(database).logLegacyEnrolments()
        }
        let language = options.language
        let started = Date()
        let terminal = isatty(2) == 1
        if terminal {
            client.progress = { result in
                let seconds = max(Date().timeIntervalSince(started), 0.001)
                let rate = Int(Double(result.counts.sent.total + result.counts.received.total) / seconds)
                let line =
                    language.pick(
                        "\r… gửi \(result.counts.sent.total), nhận \(result.counts.received.total) thao tác, \(result.counts.bytes) byte, \(rate) thao tác/giây",
                        "\r… sent \(result.counts.sent.total), received \(Language.english(result.counts.received.total, "operation")), \(Language.english(result.counts.bytes, "byte")), \(rate) ops/s"
                    ) + SyncMessages.fileProgress(result, language)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        let result: SyncResult
        do {
            result = try client.run(over: transport)
        } catch {
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            if let child {
                child.waitUntilExit()
                // The command failed before or during the session (ssh could not connect, …): say so.
                if child.terminationStatus != 0, case SyncError.transport(let failure) = error {
                    // A command killed by a signal (a hub stopped mid-session) is a lost connection,
                    // worth retrying; a command that exited with a status says why in its last line.
                    if child.terminationReason == .uncaughtSignal { throw failure }
                    let said = childErrors.lastLine()
                    throw TransportError.commandFailed(
                        via!,
                        said.map { "exit status \(child.terminationStatus): \($0)" }
                            ?? "exit status \(child.terminationStatus)")
                }
            }
            throw error
        }
        child?.waitUntilExit()
        childErrors.finish()
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        let conflicts = try store.conflictCount()
        var line = language.pick("Đã đồng bộ với ", "Synced with ") + (try store.metadata(.syncHub) ?? "?") + ": "
        line += SyncMessages.counts(result, language)
        line += language.pick(
            ", \(result.counts.bytes) byte, \(seconds) giây",
            ", \(Language.english(result.counts.bytes, "byte")), \(seconds) s")
        line += SyncMessages.files(result, language)
        if result.restarted {
            line += language.pick(
                " · máy chủ đã đổi (khôi phục?): đã nhận lại từ đầu",
                " · the hub changed (restored?): pulled from the start")
        }
        if conflicts > 0 {
            line += language.pick(
                "; \(conflicts) xung đột chưa xử lý (xem: ntm conflicts)",
                "; \(Language.english(conflicts, "open conflict")) (see: ntm conflicts)")
        }
        if result.refused > 0 {
            line += language.pick(
                "; máy chủ từ chối \(result.refused) thay đổi không thuộc quyền của máy này (xem: ntm status)",
                "; the hub refused \(Language.english(result.refused, "change")) this replica may not make (see: ntm status)"
            )
        }
        line += SyncMessages.relay(result, language)
        if result.enrolmentsDelegated > 0 {
            line += language.pick(
                "; máy chủ cấp trên đã ghi danh \(result.enrolmentsDelegated) máy của máy chủ này",
                "; the hub above enrolled \(Language.english(result.enrolmentsDelegated, "replica")) of this hub's")
        }
        say(line)
    }
}
