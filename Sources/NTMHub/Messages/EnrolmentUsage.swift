import NTM
import Replica
import SyncCore
import SyncHub

/// Mistakes in enrolment and credentials.
public enum EnrolmentUsage: Error, Equatable, Sendable {
    /// The `--role` text is not an NTM role.
    case badRole(String)
    /// No department of the criteria sets has this name; `known` lists them.
    case unknownDepartment(String, known: [String])
    /// The replica is enrolled and not revoked, and no renewal was asked for.
    case alreadyEnrolled(String)
    /// The replica is not enrolled at this hub.
    case notEnrolled(String)
    /// The credential file cannot be read.
    case unreadable(String)
    /// The file is not a usable credential.
    case badCredential(String, problem: CredentialProblem)
    /// The credential installed in a database is no longer one.
    case damagedInstalledCredential(database: String, replica: String, problem: CredentialProblem)
    /// The credential is for another replica id.
    case wrongReplica(file: String, credential: String, database: String)
    /// The credential's role does not fit this database (another commune, or a district role on a
    /// commune's database).
    case wrongCommune(credential: String, database: String)
    /// A commune role named with the district's own slug.
    case communeIsDistrict(String)
    /// No sector of the criteria sets has this name; `known` lists them.
    case unknownSector(String, known: [String])
    /// The role is not one this hub enrols (`province`: the hub is a province's).
    case roleNotAtThisHub(String, province: Bool)
    /// `--district` given for another role than a commune's, or at a district hub.
    case districtOnlyForCommune
    /// `--district` is not a slug.
    case badDistrict(String)
    /// The replica is this hub or a hub above it.
    case cycle(String)

    /// The message a person reads.
    public func message(_ language: Language) -> String {
        switch self {
        case .communeIsDistrict(let slug):
            return language.pick(
                "\(slug) là mã của huyện, không phải của một xã; dùng vai trò district cho văn phòng huyện",
                "\(slug) is the district's slug, not a commune's; use the role district for the district office")
        case .badRole(let text):
            return language.pick(
                "vai trò \"\(text)\" không hợp lệ; dùng commune:MÃ-XÃ, department:TÊN-PHÒNG hoặc district (ở huyện), district:MÃ-HUYỆN, sector:TÊN-NGÀNH hoặc province (ở tỉnh)",
                "invalid role \"\(text)\"; use commune:SLUG, department:NAME or district (at a district), district:SLUG, sector:NAME or province (at a province)"
            )
        case .unknownSector(let text, let known):
            return language.pick(
                "không có sở, ngành \"\(text)\"; các sở, ngành: \(known.joined(separator: ", "))",
                "no sector \"\(text)\"; the sectors are: \(known.joined(separator: ", "))")
        case .roleNotAtThisHub(let role, let province):
            return province
                ? language.pick(
                    "máy chủ tỉnh không ghi danh vai trò \(role); dùng commune:MÃ-XÃ (--district MÃ-HUYỆN nếu có), district:MÃ-HUYỆN, sector:TÊN-NGÀNH hoặc province",
                    "a province hub does not enrol role \(role); use commune:SLUG (--district SLUG where there is one), district:SLUG, sector:NAME or province"
                )
                : language.pick(
                    "máy chủ huyện không ghi danh vai trò \(role); dùng commune:MÃ-XÃ, department:TÊN-PHÒNG hoặc district (máy chủ tỉnh ghi danh district:MÃ-HUYỆN, sector và province)",
                    "a district hub does not enrol role \(role); use commune:SLUG, department:NAME or district (a province hub enrols district:SLUG, sector and province)"
                )
        case .districtOnlyForCommune:
            return language.pick(
                "--district chỉ dùng khi ghi danh một xã ở máy chủ tỉnh (--role commune:MÃ-XÃ)",
                "--district is only for a commune enrolled at a province hub (--role commune:SLUG)")
        case .badDistrict(let text):
            return language.pick(
                "mã huyện \"\(text)\" không hợp lệ; dùng chữ thường không dấu và -, ví dụ trieu-son",
                "invalid district slug \"\(text)\"; use lower-case letters without diacritics and -, e.g. trieu-son")
        case .cycle(let replica):
            return language.pick(
                "\(replica) là máy chủ này hoặc máy chủ cấp trên của nó; ghi danh nó ở dưới sẽ tạo thành một vòng",
                "\(replica) is this hub or a hub above it; enrolling it below would make a cycle")
        case .unknownDepartment(let text, let known):
            return language.pick(
                "không có phòng \"\(text)\"; các phòng: \(known.joined(separator: ", "))",
                "no department \"\(text)\"; the departments are: \(known.joined(separator: ", "))")
        case .alreadyEnrolled(let replica):
            return language.pick(
                "bản sao \(replica) đã được đăng ký; thêm --renew để cấp khóa mới (khóa cũ hết hiệu lực)",
                "replica \(replica) is already enrolled; add --renew to issue a new key (the old one stops working)")
        case .notEnrolled(let replica):
            return language.pick(
                "bản sao \(replica) chưa được đăng ký ở máy chủ này (xem: ntm hub replicas)",
                "replica \(replica) is not enrolled at this hub (see: ntm hub replicas)")
        case .unreadable(let path):
            return language.pick("không đọc được tệp chứng thực \(path)", "cannot read the credential file \(path)")
        case .badCredential(let path, let problem):
            return language.pick(
                "\(path) không phải tệp chứng thực ntm dùng được (\(Self.describe(problem, language))); xin huyện cấp tệp mới: ntm hub enroll --replica MÃ-BẢN-SAO --role VAI-TRÒ --out TỆP --renew, rồi ntm credential install TỆP",
                "\(path) is not a usable ntm credential (\(Self.describe(problem, language))); ask the district for a new one: ntm hub enroll --replica ID --role ROLE --out FILE --renew, then ntm credential install FILE"
            )
        case .damagedInstalledCredential(let database, let replica, let problem):
            return language.pick(
                "chứng thực đã cài trong \(database) bị hỏng (\(Self.describe(problem, language))); xin huyện cấp tệp mới cho \(replica): ntm hub enroll --replica \(replica) --role VAI-TRÒ --out TỆP --renew, rồi ntm credential install TỆP",
                "the credential installed in \(database) is damaged (\(Self.describe(problem, language))); ask the district for a new one for \(replica): ntm hub enroll --replica \(replica) --role ROLE --out FILE --renew, then ntm credential install FILE"
            )
        case .wrongReplica(let file, let credential, let database):
            return language.pick(
                "\(file) cấp cho bản sao \(credential), còn cơ sở dữ liệu này là bản sao \(database); không ghi gì",
                "\(file) is for replica \(credential), but this database is replica \(database); nothing was written")
        case .wrongCommune(let credential, let database):
            return language.pick(
                "tệp chứng thực cho vai trò \(credential), còn cơ sở dữ liệu này là của \(database); không ghi gì",
                "the credential is for role \(credential), but this database belongs to \(database); nothing was written"
            )
        }
    }
}

extension EnrolmentUsage {
    /// What is wrong with a credential, in the person's language.
    public static func describe(_ problem: CredentialProblem, _ language: Language) -> String {
        switch problem {
        case .tooLarge: return language.pick("tệp quá lớn", "the file is too large")
        case .notJSON:
            return language.pick(
                "không phải JSON: có lẽ bị cắt cụt hoặc hỏng", "not JSON: probably cut short or damaged")
        case .notAnObject: return language.pick("không phải một đối tượng JSON", "not a JSON object")
        case .noFormat:
            return language.pick(
                "thiếu \"format\": \"\(Credential.format)\"", "no \"format\": \"\(Credential.format)\"")
        case .invalid(let member):
            return language.pick("thiếu \"\(member)\" hoặc \"\(member)\" không hợp lệ", "no valid \"\(member)\"")
        }
    }
}
