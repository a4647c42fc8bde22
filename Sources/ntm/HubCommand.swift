import ArgumentParser
import Foundation
import Logging
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire

#if canImport(Glibc)
    import Glibc
#endif

struct HubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub", abstract: "Máy chủ đồng bộ của huyện (the district hub).",
        subcommands: [
            Init.self, Serve.self, Stdio.self, Report.self, Backup.self, Restore.self, Enroll.self, Replicas.self,
            Revoke.self,
        ])

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Khôi phục máy chủ từ một bản sao lưu (đặt mã bản sao và epoch mới để các xã gửi lại phần bị mất).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tệp sao lưu (do ntm hub backup tạo).") var backup: String

        func run() throws {
            let target = options.databasePath
            guard !FileManager.default.fileExists(atPath: target) else {
                throw ReplicaError.alreadyExists(path: target)
            }
            guard FileManager.default.fileExists(atPath: backup) else {
                throw ReplicaError.missingDatabase(path: backup)
            }
            let old = try NTMDatabase.open(at: backup)
            _ = try HubSetup.identity(old)
            try FileManager.default.copyItem(atPath: backup, toPath: target)
            // A new replica id: the lost original may have written dots after the backup that communes hold.
            let suffix = "-r" + NTMDatabase.randomHex(6)
            let newID = String(old.store.replicaID.prefix(64 - suffix.count)) + suffix
            try ReplicaStore.takeNewIdentity(at: target, replicaID: newID)
            let restored = try NTMDatabase.open(at: target)
            // A new epoch: every replica pulls from the start and pushes back what the backup lacks.
            try restored.store.setMetadata("hub_epoch", "")
            let epoch = try HubSetup.epoch(restored)
            say(
                options.language.pick(
                    "Đã khôi phục \(target) từ \(backup): mã bản sao mới \(newID), epoch mới \(epoch); lần đồng bộ tới các xã sẽ gửi lại phần bị mất",
                    "Restored \(target) from \(backup): new replica id \(newID), new epoch \(epoch); at their next sync the communes send back what was lost"
                ))
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sao lưu cơ sở dữ liệu của máy chủ ra một tệp (an toàn khi máy chủ đang chạy).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tệp sao lưu (chưa tồn tại).") var file: String

        func run() throws {
            let database = try options.openDatabase()
            guard !FileManager.default.fileExists(atPath: file) else { throw ReplicaError.alreadyExists(path: file) }
            try database.store.backup(to: file)
            say(options.language.pick("Đã sao lưu vào \(file)", "Backed up to \(file)"))
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tạo cơ sở dữ liệu của máy chủ huyện.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Mã bản sao của máy chủ, ví dụ huyen-trieu-son.") var replica: String
        @Option(help: "Mã huyện không dấu, ví dụ trieu-son.") var district: String
        @Option(help: "Tên huyện, ví dụ \"Triệu Sơn\".") var name: String?

        func run() throws {
            var author: String?
            do { author = try options.author(database: nil) } catch NTMError.missingAuthor { author = nil }
            let database = try NTMDatabase.create(
                at: options.databasePath, replicaID: replica, home: .district(slug: district, name: name),
                author: author)
            let epoch = try HubSetup.epoch(database)
            say(
                options.language.pick(
                    "Đã tạo máy chủ huyện \(database.districtName ?? district) (bản sao \(replica), epoch \(epoch)) tại \(options.databasePath)",
                    "Created the district hub \(database.districtName ?? district) (replica \(replica), epoch \(epoch)) at \(options.databasePath)"
                ))
        }
    }

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Phục vụ đồng bộ qua TCP; Ctrl-C hoặc SIGTERM để dừng (lô đang ghi được hoàn tất).")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Địa chỉ nghe, HOST:PORT (mặc định 127.0.0.1:7420).") var listen: String = "127.0.0.1:7420"

        func run() throws {
            let database = try options.openDatabase()
            let hub = try HubSetup.identity(database)
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65535).contains(port)
            else { throw TransportError.badAddress(listen) }
            let host = String(listen[..<colon])
            let server = HubServer(hub: hub, logger: HubSetup.logger())
            let bound = try server.start(host: host.isEmpty ? "0.0.0.0" : host, port: port)
            HubSetup.logger().info(
                "listening", metadata: ["address": "\(host):\(bound)", "hub": "\(database.store.replicaID)"])
            // Stop cleanly on SIGINT and SIGTERM: in-flight batches finish, sessions close.
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let stop = DispatchSemaphore(value: 0)
            var sources: [any DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { stop.signal() }
                source.resume()
                sources.append(source)
            }
            stop.wait()
            HubSetup.logger().info("stopping", metadata: ["hub": "\(database.store.replicaID)"])
            server.stop()
            _ = sources
        }
    }

    struct Stdio: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Một phiên đồng bộ qua stdin/stdout (dùng qua ssh: ntm sync --via \"ssh huyen ntm hub stdio\").")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let database = try options.openDatabase()
            let started = Date()
            let stats = StdioHub.serve(try HubSetup.identity(database))
            HubSetup.log(stats, seconds: Date().timeIntervalSince(started))
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Báo cáo của huyện trên mọi xã máy chủ đang giữ (như ntm report --district).")

        @OptionGroup var options: GlobalOptions
        @OptionGroup var report: ReportOptions

        func run() throws { try report.run(options, district: true) }
    }
}

/// What the hub commands share: the hub's identity and its log.
enum HubSetup {
    /// The hub's epoch, made once (a random id): replicas that see another one start pulling afresh.
    static func epoch(_ database: NTMDatabase) throws -> String {
        if let epoch = try database.store.metadata("hub_epoch"), !epoch.isEmpty { return epoch }
        let epoch = NTMDatabase.randomHex(16)
        try database.store.setMetadata("hub_epoch", epoch)
        return epoch
    }

    static func identity(_ database: NTMDatabase) throws -> HubIdentity {
        guard database.homeCommune == nil, database.district != nil else {
            throw SyncUsage.notAHub(database.store.path)
        }
        return HubIdentity(
            store: database.store, epoch: try epoch(database), district: database.district,
            sharedTables: [NTMSchema.Table.catalogue])
    }

    static func logger() -> Logger {
        LoggingBootstrap.once
        return Logger(label: "ntm.hub")
    }

    static func log(_ stats: SessionStats, seconds: Double) { stats.log(to: logger(), seconds: seconds) }
}

/// Sends swift-log's lines to standard error, once per process.
enum LoggingBootstrap {
    static let once: Void = LoggingSystem.bootstrap(StreamLogHandler.standardError)
}

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Đồng bộ với máy chủ huyện: gửi những gì huyện chưa có, nhận những gì xã chưa có.",
        discussion: """
            ntm sync --hub 10.0.0.5:7420
            ntm sync --via "ssh huyen.example ntm hub stdio --db /srv/ntm/huyen.sqlite"
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "Máy chủ huyện, HOST:PORT.") var hub: String?
    @Option(help: "Lệnh nối tới máy chủ qua stdin/stdout, ví dụ qua ssh.") var via: String?

    func run() throws {
        guard (hub == nil) != (via == nil) else { throw SyncUsage.oneWay }
        let replica = try options.open()
        let transport: LineTransport
        var child: Process?
        if let hub {
            transport = try LineTransport.connect(to: hub)
        } else {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", via!]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            do { try process.run() } catch { throw TransportError.commandFailed(via!, "\(error)") }
            child = process
            transport = LineTransport(
                input: output.fileHandleForReading.fileDescriptor, output: input.fileHandleForWriting.fileDescriptor,
                onClose: { try? input.fileHandleForWriting.close() })
        }
        var client = SyncClient(store: replica.store, commune: replica.commune)
        let l = options.language
        let started = Date()
        let terminal = isatty(2) == 1
        if terminal {
            client.progress = { result in
                let seconds = max(Date().timeIntervalSince(started), 0.001)
                let rate = Int(Double(result.pushed + result.pulled) / seconds)
                let line = l.pick(
                    "\r… gửi \(result.pushed), nhận \(result.pulled) thao tác, \(result.bytesIn + result.bytesOut) byte, \(rate) thao tác/giây",
                    "\r… sent \(result.pushed), received \(result.pulled) operations, \(result.bytesIn + result.bytesOut) bytes, \(rate) ops/s"
                )
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
                if child.terminationStatus != 0, case SyncError.transport = error {
                    throw TransportError.commandFailed(via!, "exit status \(child.terminationStatus)")
                }
            }
            throw error
        }
        child?.waitUntilExit()
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        let conflicts = try replica.store.conflictCount()
        var line = l.pick(
            "Đã đồng bộ với \(try replica.store.metadata("sync_hub") ?? "?"): gửi \(result.pushed) thao tác (\(result.pushedNew) mới với huyện), nhận \(result.pulled) (\(result.pulledNew) mới), \(result.bytesIn + result.bytesOut) byte, \(seconds) giây",
            "Synced with \(try replica.store.metadata("sync_hub") ?? "?"): sent \(result.pushed) operations (\(result.pushedNew) new to the hub), received \(result.pulled) (\(result.pulledNew) new), \(result.bytesIn + result.bytesOut) bytes, \(seconds) s"
        )
        if result.restarted {
            line += l.pick(
                " · máy chủ đã đổi (khôi phục?): đã nhận lại từ đầu",
                " · the hub changed (restored?): pulled from the start")
        }
        if conflicts > 0 {
            line += l.pick(
                "; \(conflicts) xung đột chưa xử lý (xem: ntm conflicts)",
                "; \(conflicts) open conflicts (see: ntm conflicts)")
        }
        say(line)
        if result.unsent > 0 { throw SyncUsage.unsent(result.unsent, replica.commune) }
    }
}

enum SyncUsage: Error {
    case oneWay
    case notAHub(String)
    case unsent(Int, String)
}

/// The one-line messages of sync failures.
enum SyncMessages {
    static func message(_ error: any Error, _ l: Language) -> String? {
        switch error {
        case let error as EnrolmentUsage:
            return error.message(l)
        case SyncUsage.notAHub(let path):
            return l.pick(
                "\(path) là cơ sở dữ liệu của một xã, không phải của máy chủ huyện (tạo bằng: ntm hub init)",
                "\(path) is a commune's database, not a district hub's (create one with: ntm hub init)")
        case SyncUsage.unsent(let count, let commune):
            return l.pick(
                "\(count) thao tác ngoài phạm vi xã \(commune) chưa được gửi (dữ liệu của xã khác); dùng --commune đúng xã hoặc gửi bằng gói",
                "\(count) operations outside commune \(commune) were not sent (other communes' rows); use the right --commune or send a bundle"
            )
        case SyncUsage.oneWay:
            return l.pick(
                "cần đúng một trong --hub HOST:PORT và --via LỆNH",
                "give exactly one of --hub HOST:PORT and --via COMMAND")
        case let error as SyncError:
            switch error {
            case .hub(let wire):
                return l.pick(
                    "máy chủ từ chối: \(wire.code.rawValue): \(wire.message)",
                    "the hub refused: \(wire.code.rawValue): \(wire.message)")
                    + l.pick("; các lô đã xác nhận vẫn được giữ", "; acknowledged batches are kept")
            case .protocolViolation(let wire):
                return l.pick(
                    "máy chủ trả lời sai giao thức (\(wire.message)); các lô đã xác nhận vẫn được giữ",
                    "the hub broke the protocol (\(wire.message)); acknowledged batches are kept")
            case .transport(let transport): return message(transport, l)
            }
        case let error as TransportError:
            switch error {
            case .badAddress(let address):
                return l.pick(
                    "địa chỉ \"\(address)\" không hợp lệ; viết HOST:PORT, ví dụ 10.0.0.5:7420",
                    "invalid address \"\(address)\"; write HOST:PORT, e.g. 10.0.0.5:7420")
            case .unreachable(let address, let reason):
                return l.pick(
                    "không kết nối được máy chủ \(address) (\(reason)); thử lại khi có mạng",
                    "cannot reach the hub at \(address) (\(reason)); try again when online")
            case .closed(let reason):
                return l.pick(
                    "mất kết nối với máy chủ (\(reason)); chạy lại ntm sync để tiếp tục, các lô đã xác nhận vẫn được giữ",
                    "the connection to the hub was lost (\(reason)); run ntm sync again to resume, acknowledged batches are kept"
                )
            case .commandFailed(let command, let reason):
                return l.pick(
                    "không chạy được lệnh \"\(command)\" (\(reason))", "cannot run \"\(command)\" (\(reason))")
            case .cannotListen(let address, let reason):
                return l.pick(
                    "không nghe được trên \(address) (\(reason)); chọn cổng khác hoặc dừng chương trình đang dùng cổng này",
                    "cannot listen on \(address) (\(reason)); choose another port or stop what uses it")
            case .timedOut(let seconds):
                return l.pick(
                    "máy chủ không trả lời trong \(seconds) giây; chạy lại ntm sync để tiếp tục, các lô đã xác nhận vẫn được giữ",
                    "the hub did not answer for \(seconds) s; run ntm sync again to resume, acknowledged batches are kept"
                )
            }
        default: return nil
        }
    }
}
