import ArgumentParser
import Foundation
import NTM
import Replica
import SyncCore
import SyncHub

/// Mistakes in enrolment and credentials.
enum EnrolmentUsage: Error {
    case badRole(String)
    case unknownDepartment(String, known: [String])
    case alreadyEnrolled(String)
    case notEnrolled(String)
    case unreadable(String)
    case badCredential(String, problem: CredentialProblem)
    case damagedInstalledCredential(database: String, replica: String, problem: CredentialProblem)
    case wrongReplica(file: String, credential: String, database: String)
    case wrongCommune(credential: String, database: String)
    case communeIsDistrict(String)

    func message(_ l: Language) -> String {
        switch self {
        case .communeIsDistrict(let slug):
            return l.pick(
                "\(slug) là mã của huyện, không phải của một xã; dùng vai trò district cho văn phòng huyện",
                "\(slug) is the district's slug, not a commune's; use the role district for the district office")
        case .badRole(let text):
            return l.pick(
                "vai trò \"\(text)\" không hợp lệ; dùng commune:MÃ-XÃ, department:TÊN-PHÒNG hoặc district",
                "invalid role \"\(text)\"; use commune:SLUG, department:NAME or district")
        case .unknownDepartment(let text, let known):
            return l.pick(
                "không có phòng \"\(text)\"; các phòng: \(known.joined(separator: ", "))",
                "no department \"\(text)\"; the departments are: \(known.joined(separator: ", "))")
        case .alreadyEnrolled(let replica):
            return l.pick(
                "bản sao \(replica) đã được đăng ký; thêm --renew để cấp khóa mới (khóa cũ hết hiệu lực)",
                "replica \(replica) is already enrolled; add --renew to issue a new key (the old one stops working)")
        case .notEnrolled(let replica):
            return l.pick(
                "bản sao \(replica) chưa được đăng ký ở máy chủ này (xem: ntm hub replicas)",
                "replica \(replica) is not enrolled at this hub (see: ntm hub replicas)")
        case .unreadable(let path):
            return l.pick("không đọc được tệp chứng thực \(path)", "cannot read the credential file \(path)")
        case .badCredential(let path, let problem):
            return l.pick(
                "\(path) không phải tệp chứng thực ntm dùng được (\(Self.describe(problem, l))); xin huyện cấp tệp mới: ntm hub enroll --replica MÃ-BẢN-SAO --role VAI-TRÒ --out TỆP --renew, rồi ntm credential install TỆP",
                "\(path) is not a usable ntm credential (\(Self.describe(problem, l))); ask the district for a new one: ntm hub enroll --replica ID --role ROLE --out FILE --renew, then ntm credential install FILE"
            )
        case .damagedInstalledCredential(let database, let replica, let problem):
            return l.pick(
                "chứng thực đã cài trong \(database) bị hỏng (\(Self.describe(problem, l))); xin huyện cấp tệp mới cho \(replica): ntm hub enroll --replica \(replica) --role VAI-TRÒ --out TỆP --renew, rồi ntm credential install TỆP",
                "the credential installed in \(database) is damaged (\(Self.describe(problem, l))); ask the district for a new one for \(replica): ntm hub enroll --replica \(replica) --role ROLE --out FILE --renew, then ntm credential install FILE"
            )
        case .wrongReplica(let file, let credential, let database):
            return l.pick(
                "\(file) cấp cho bản sao \(credential), còn cơ sở dữ liệu này là bản sao \(database); không ghi gì",
                "\(file) is for replica \(credential), but this database is replica \(database); nothing was written")
        case .wrongCommune(let credential, let database):
            return l.pick(
                "tệp chứng thực cho vai trò \(credential), còn cơ sở dữ liệu này là của \(database); không ghi gì",
                "the credential is for role \(credential), but this database belongs to \(database); nothing was written"
            )
        }
    }
}

extension EnrolmentUsage {
    /// What is wrong with a credential, in the person's language.
    static func describe(_ problem: CredentialProblem, _ l: Language) -> String {
        switch problem {
        case .tooLarge: return l.pick("tệp quá lớn", "the file is too large")
        case .notJSON:
            return l.pick("không phải JSON: có lẽ bị cắt cụt hoặc hỏng", "not JSON: probably cut short or damaged")
        case .notAnObject: return l.pick("không phải một đối tượng JSON", "not a JSON object")
        case .noFormat:
            return l.pick("thiếu \"format\": \"\(Credential.format)\"", "no \"format\": \"\(Credential.format)\"")
        case .invalid(let member):
            return l.pick("thiếu \"\(member)\" hoặc \"\(member)\" không hợp lệ", "no valid \"\(member)\"")
        }
    }
}

/// Reading and installing credential files.
enum CredentialFile {
    /// The credential installed in a replica, if any.
    /// - Throws: ``EnrolmentUsage/damagedInstalledCredential(database:replica:problem:)`` when the stored
    ///   copy is not a credential any more.
    static func installed(in store: ReplicaStore) throws -> Credential? {
        do {
            return try Credential.installed(in: store)
        } catch CredentialError.notACredential(let problem) {
            throw EnrolmentUsage.damagedInstalledCredential(
                database: store.path, replica: store.replicaID, problem: problem)
        }
    }

    static func read(_ path: String) throws -> Credential {
        guard let data = FileManager.default.contents(atPath: path) else { throw EnrolmentUsage.unreadable(path) }
        do {
            return try Credential(fileContents: Array(data))
        } catch CredentialError.notACredential(let problem) {
            throw EnrolmentUsage.badCredential(path, problem: problem)
        }
    }

    /// Checks that a credential is for this replica: the same replica id, and for a commune's role the
    /// same commune (a district office's role only on a district database).
    static func check(
        _ credential: Credential, from path: String, replica: String, commune: String?, place: String
    ) throws {
        guard credential.replica == replica else {
            throw EnrolmentUsage.wrongReplica(file: path, credential: credential.replica, database: replica)
        }
        let fits: Bool
        switch credential.role {
        case .commune(let slug): fits = slug == commune
        case .district: fits = commune == nil
        case .department: fits = true
        }
        guard fits else { throw EnrolmentUsage.wrongCommune(credential: credential.role.description, database: place) }
    }

    /// Stores the credential in a replica's local metadata, after ``check(_:from:replica:commune:place:)``.
    static func install(_ credential: Credential, from path: String, into database: NTMDatabase) throws {
        try check(
            credential, from: path, replica: database.store.replicaID, commune: database.homeCommune,
            place: database.homeCommune ?? database.district ?? "")
        // The role also on its own, for the checks the NTM layer makes before writing.
        try database.store.setMetadata([
            Credential.metadataKey: credential.fileContents, NTMDatabase.roleMetadataKey: credential.role.description,
        ])
    }
}

extension HubCommand {
    struct Enroll: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Đăng ký một bản sao và ghi tệp chứng thực để mang đến máy đó.",
                "Enrol a replica and write the credential file to carry to it."),
            discussion: Interface.pick(
                """
                Vai trò: commune:MÃ-XÃ (máy của một xã), department:TÊN-PHÒNG (một phòng của huyện: ghi thẩm tra \
                của mình ở mọi xã), district (văn phòng huyện: mọi thứ). Máy chủ chỉ giữ khóa công khai; khóa bí mật \
                chỉ có trong tệp --out.
                """,
                """
                Roles: commune:SLUG (a commune's laptop), department:NAME (a district department: writes its own \
                verifications in every commune), district (the district office: everything). The hub keeps only the \
                public key; the private key is only in the --out file.
                """))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Option(help: .pick("Mã bản sao, ví dụ xa-dan-ly-1.", "The replica id, e.g. xa-dan-ly-1.")) var replica: String
        @Option(
            help: .pick(
                "Vai trò: commune:MÃ-XÃ, department:TÊN-PHÒNG hoặc district.",
                "The role: commune:SLUG, department:NAME or district."
            ))
        var role: String
        @Option(help: .pick("Tệp chứng thực sẽ ghi (chưa tồn tại).", "The credential file to write (must not exist)."))
        var out: String
        @Flag(
            help: .pick(
                "Cấp khóa mới cho bản sao đã đăng ký (khóa cũ hết hiệu lực).",
                "Issue a new key to an enrolled replica (the old one stops working)."))
        var renew = false

        func run() throws {
            let database = try options.openDatabase()
            let hub = try HubSetup.identity(database)
            guard var parsed = Role(parsing: role) else { throw EnrolmentUsage.badRole(role) }
            if case .department(let name) = parsed {
                let known = Array(Set(try database.library().all.flatMap(\.departments))).sorted()
                guard let found = CommuneReplica.match(name, among: known) else {
                    throw EnrolmentUsage.unknownDepartment(name, known: known)
                }
                parsed = .department(found)
            }
            guard Identifiers.isReplicaID(replica) else { throw ReplicaError.invalidReplicaID(replica) }
            // A commune named like its district would own the district's rows.
            if case .commune(let slug) = parsed, slug == hub.district { throw EnrolmentUsage.communeIsDistrict(slug) }
            if let existing = try hub.store.enrolment(of: replica), !existing.isRevoked, !renew {
                throw EnrolmentUsage.alreadyEnrolled(replica)
            }
            guard !FileManager.default.fileExists(atPath: out) else { throw ReplicaError.alreadyExists(path: out) }
            let credential = Credential.issue(
                replica: replica, role: parsed, hub: hub.name, district: hub.district)
            // The file first (only its owner may read it), then the enrolment: a failed write enrols nothing.
            guard
                FileManager.default.createFile(
                    atPath: out, contents: Data(credential.fileContents.utf8), attributes: [.posixPermissions: 0o600])
            else { throw BundleError.unwritable(path: out, reason: "cannot create the file") }
            do {
                try hub.store.enrol(replica: replica, role: parsed, publicKey: credential.publicKey)
            } catch {
                // Not enrolled: the file would be a key nobody accepts.
                try? FileManager.default.removeItem(atPath: out)
                throw error
            }
            say(
                options.language.pick(
                    "Đã đăng ký \(replica) với vai trò \(parsed); tệp chứng thực: \(out) (mang đến máy đó: ntm credential install \(out))",
                    "Enrolled \(replica) as \(parsed); credential file: \(out) (on that machine: ntm credential install \(out))"
                ))
        }
    }

    struct Replicas: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Các bản sao đã đăng ký ở máy chủ này.", "The replicas enrolled at this hub."))

        @OptionGroup var options: SharedOptions<ShowDatabase>

        func run() throws {
            let database = try options.openDatabase()
            let hub = try HubSetup.identity(database)
            let l = options.language
            let enrolled = try hub.store.enrolments()
            guard !enrolled.isEmpty else {
                say(l.pick("Chưa có bản sao nào được đăng ký.", "No replica is enrolled yet."))
                return
            }
            for entry in enrolled {
                let state =
                    entry.revokedMs.map {
                        l.pick("đã thu hồi \(Presentation.time($0))", "revoked \(Presentation.time($0))")
                    } ?? l.pick("đang dùng", "active")
                let synced =
                    entry.lastSyncMs.map {
                        l.pick("đồng bộ lần cuối \(Presentation.time($0))", "last synced \(Presentation.time($0))")
                    } ?? l.pick("chưa đồng bộ", "never synced")
                say(
                    "\(entry.replica)  \(entry.role)  \(l.pick("đăng ký", "enrolled")) \(Presentation.time(entry.enrolledMs))  \(state)  \(synced)"
                )
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Thu hồi quyền của một bản sao (từ phiên đồng bộ tới).", "Revoke a replica (from its next sync on)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Mã bản sao.", "The replica id.")) var replica: String

        func run() throws {
            let database = try options.openDatabase()
            let hub = try HubSetup.identity(database)
            guard try hub.store.revoke(replica) else { throw EnrolmentUsage.notEnrolled(replica) }
            say(options.language.pick("Đã thu hồi \(replica)", "Revoked \(replica)"))
        }
    }
}

/// `ntm credential`: the credential this replica syncs with.
struct CredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential",
        abstract: Interface.pick(
            "Tệp chứng thực do máy chủ huyện cấp.", "The credential the district hub issued to this replica."),
        subcommands: [Install.self, Show.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Cài tệp chứng thực cho bản sao này.", "Install a credential file for this replica."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Tệp do ntm hub enroll ghi.", "The file ntm hub enroll wrote.")) var file: String

        func run() throws {
            let credential = try CredentialFile.read(file)
            try CredentialFile.install(credential, from: file, into: try options.openDatabase())
            say(
                options.language.pick(
                    "Đã cài chứng thực của \(credential.replica) (vai trò \(credential.role), máy chủ \(credential.hub))",
                    "Installed the credential of \(credential.replica) (role \(credential.role), hub \(credential.hub))"
                ))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Chứng thực đã cài (không in khóa bí mật).",
                "The installed credential (the private key is not printed)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>

        func run() throws {
            let database = try options.openDatabase()
            let l = options.language
            guard let credential = try CredentialFile.installed(in: database.store) else {
                say(l.pick("Chưa cài chứng thực (xem: ntm credential install).", "No credential installed."))
                return
            }
            say(
                l.pick(
                    "Bản sao \(credential.replica) · vai trò \(credential.role) · máy chủ \(credential.hub)",
                    "Replica \(credential.replica) · role \(credential.role) · hub \(credential.hub)"))
        }
    }
}
