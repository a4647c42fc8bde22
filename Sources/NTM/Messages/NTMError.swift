import Foundation
import Replica
import SyncCore

/// A mistake a person can make with the domain, with what would be right. Each has a Vietnamese and
/// an English sentence; ``message(_:)`` picks one.
public enum NTMError: Error, Equatable, Sendable {
    case unknownCriteriaSet(String, known: [String])
    case badCatalogue(CatalogueProblem)
    case unknownIndicator(String, set: String, sameCriterion: [String], criteria: Int)
    case unknownCriterion(String, count: Int)
    case unknownStatus(String)
    case unknownVerdict(String)
    case badDate(String, option: String)
    case badNumber(String)
    case badYesNo(String)
    case unknownSector(String, known: [String])
    case badCommuneSlug(String)
    case missingAuthor
    case authorTooLong(Int)
    case emptyTitle
    case emptyName
    case unknownEvidence(String)
    case ambiguousID(String, matches: [String])
    /// An id prefix of fewer than 4 characters.
    case idTooShort(String)
    /// `deadline done` on a deadline already done, with no other day given.
    case deadlineAlreadyDone(String, on: String)
    case unknownLevel(String)
    case levelMismatch(set: String, setLevel: Level, asked: Level)
    case badYear(String)
    case badUnitCode(String)
    case communeRequired(known: [String])
    case unknownCommune(String, known: [String])
    case noTarget(commune: String, set: String?, targets: [String])
    case unknownDepartment(String, known: [String])
    case departmentRequired(criterion: Int, owners: [String])
    /// A department of the set that does not own the criterion it would verify.
    case departmentNotOwner(String, criterion: Int, owners: [String])
    case percentOutOfRange(String)
    case metBelowTarget(code: String, value: Double, target: String)
    case emptyOwner
    case emptyNote
    case unknownDeadline(String)
    case unknownNote(String)
    case ownerRequired
    case badDays(String)
    case conflictingFormats
    /// A report's output file is there already and `--force` was not given.
    case outputExists(String)
    /// Two of a report's outputs were given the same file.
    case sameOutput(String)
    /// A document (`--docx`, `--html`) asked of a report with no commune in it.
    case emptyReport(district: String?)
    /// An option that only goes with `--html`.
    case notWithoutHTML(String)
    /// `--with-files` asked of a report as of a past date (the files are as they are now).
    case filesNotAsOf(String)
    /// `ntm settings set` given an empty value.
    case emptySetting(String)
    /// `ntm settings` given a name it does not keep.
    case unknownSetting(String, known: [String])
    case placeRequired
    case wrongUnit(set: String, unit: AssessedUnit, forDistrict: Bool)
    case nothingHeld(commune: String, date: CalendarDate)
    case futureDate(String, option: String)
    case levelNeedsDistrict
    case notWithDistrict(String)
    case notForDistrictInit(String)
    case fileUnreadable(String)
    case nothingToChange
    case badSummary(String)
    case unknownConflict(String)
    case conflictClosed(String)
    case conflictChanged(String)
    case pickOutOfRange(Int, count: Int)
    case valueNotTypable(field: String)
    case emptyValue(field: String)
    case unknownPreference(String)
    case pickOrValue
    case idOrAll
    case confirmationNeeded
    case replicaRequired
    case resultRequired
    case unknownRefusal(String)
    case idOrAllRefused
    case hubNeedsCommune(known: [String])
    case inspectedBeforeSent(inspected: CalendarDate, sent: CalendarDate)
    case notAllowed(String, role: String)
    /// A replica enrolled with a role tried to write a field the role may not write.
    case roleMayNotWrite(table: String, column: String, role: String)
    /// `evidence export` or `evidence open` of a document that has no file attached.
    case noFileAttached(String)
    /// `evidence export` or `evidence open` of a document whose file is not here whole: `state` says
    /// how much is here, or why it will not come.
    case fileNotHere(name: String, size: Int64, state: FileState)
    /// The desktop's opener ran but failed (`status` is its exit status); the file was exported to
    /// `path`.
    case openerFailed(command: String, status: Int32, path: String)
    /// `hub report --district SLUG` naming a district the province does not know.
    case unknownDistrict(String, known: [String])
    /// `hub report --district SLUG` at a hub that is not a province's.
    case districtNeedsProvince
    /// `appraisal backlog --sector` on a sector's laptop naming another sector.
    case notOwnSector(String, own: String)

    /// A field in words, for refusals: the verification, a sector's verdict, or `table.column`.
    static func fieldName(table: String, column: String, _ language: Language) -> String {
        switch (table, column) {
        case (NTMSchema.Table.verification, _):
            return language.pick("kết quả thẩm tra của phòng", "a department's verification")
        case (NTMSchema.Table.appraisal, "verdict"): return language.pick("kết luận của sở ngành", "a sector's verdict")
        case (NTMSchema.Table.appraisal, "document"):
            return language.pick("số văn bản kết luận của sở ngành", "the number of a sector's verdict")
        case (NTMSchema.Table.catalogue, _): return language.pick("bộ tiêu chí", "a criteria set")
        case (NTMSchema.Table.assessment, _): return language.pick("tự đánh giá của xã", "a commune's self-assessment")
        case (NTMSchema.Table.commune, _):
            return language.pick("thông tin của xã, huyện", "a commune's or district's details")
        case (NTMSchema.Table.target, _):
            return language.pick("mục tiêu của xã, huyện", "a commune's or district's target")
        case (NTMSchema.Table.evidence, _): return language.pick("minh chứng của xã", "a commune's evidence")
        case (NTMSchema.Table.dossier, _): return language.pick("hồ sơ của xã", "a commune's dossier")
        case (NTMSchema.Table.deadline, _): return language.pick("thời hạn", "a deadline")
        case (NTMSchema.Table.note, _): return language.pick("ghi chú của xã", "a commune's note")
        default: return "\(table).\(column)"
        }
    }

    /// The sentence in the given language.
    public func message(_ language: Language) -> String {
        switch self {
        case .unknownCriteriaSet(let id, let known):
            return language.pick(
                "không có bộ tiêu chí \"\(id)\"; các bộ có sẵn: \(known.joined(separator: ", "))",
                "unknown criteria set \"\(id)\"; available: \(known.joined(separator: ", "))")
        case .badCatalogue(let problem):
            return language.pick(
                "tệp bộ tiêu chí không hợp lệ: \(problem.message(language)); không có gì bị thay đổi",
                "invalid criteria set file: \(problem.message(language)); nothing was changed")
        case .unknownIndicator(let code, let set, let same, let count):
            if same.isEmpty {
                return language.pick(
                    "không có chỉ tiêu \(code) trong bộ \(set); các tiêu chí đánh số từ 1 đến \(count) (xem: ntm criteria)",
                    "unknown indicator \(code) in set \(set); criteria are numbered 1 to \(count)")
            }
            let criterion = code.split(separator: ".").first.map(String.init) ?? code
            return language.pick(
                "không có chỉ tiêu \(code) trong bộ \(set); các chỉ tiêu của tiêu chí \(criterion) là \(same.joined(separator: ", "))",
                "unknown indicator \(code) in set \(set); indicators of criterion \(criterion) are \(same.joined(separator: ", "))"
            )
        case .unknownCriterion(let text, let count):
            return language.pick(
                "không có tiêu chí \"\(text)\"; dùng số từ 1 đến \(count) hoặc \"general\" (hồ sơ chung)",
                "unknown criterion \"\(text)\"; use a number from 1 to \(count) or \"general\"")
        case .unknownStatus(let text):
            return language.pick(
                "trạng thái \"\(text)\" không hợp lệ; dùng: dat (đạt), chua-dat (chưa đạt), dang-thuc-hien (đang thực hiện)",
                "unknown status \"\(text)\"; use dat (met), chua-dat (not met) or dang-thuc-hien (in progress)")
        case .unknownVerdict(let text):
            return language.pick(
                "kết quả \"\(text)\" không hợp lệ; dùng: dat, khong-dat, cho",
                "unknown verdict \"\(text)\"; use dat, khong-dat or cho")
        case .badDate(let text, let option):
            return language.pick(
                "ngày \"\(text)\" (\(option)) không hợp lệ; viết dd/mm/yyyy, ví dụ 30/09/2021, hoặc yyyy-mm-dd",
                "invalid date \"\(text)\" for \(option); write dd/mm/yyyy, e.g. 30/09/2021, or yyyy-mm-dd")
        case .badNumber(let text):
            return language.pick(
                "giá trị đo \"\(text)\" không phải là số; ví dụ: 96,5 hoặc 96.5",
                "measured value \"\(text)\" is not a number; e.g. 96.5")
        case .badYesNo(let text):
            return language.pick(
                "\"\(text)\" không hợp lệ; dùng yes hoặc no", "\"\(text)\" is not valid; use yes or no")
        case .unknownSector(let text, let known):
            return language.pick(
                "không có sở, ngành \"\(text)\"; các sở, ngành thẩm định: \(known.joined(separator: "; "))",
                "unknown province sector \"\(text)\"; sectors: \(known.joined(separator: "; "))")
        case .badCommuneSlug(let text):
            return language.pick(
                "mã xã \"\(text)\" không hợp lệ; dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ: dan-ly",
                "invalid commune slug \"\(text)\"; use lower-case letters, digits and '-', e.g. dan-ly")
        case .missingAuthor:
            return language.pick(
                "cần tên người ghi: thêm --by \"Họ Tên\" hoặc đặt biến môi trường NTM_USER",
                "who is writing? add --by \"Name\" or set NTM_USER")
        case .authorTooLong(let bytes):
            return language.pick(
                "tên người ghi dài \(bytes) byte; tối đa 256 byte",
                "the author's name is \(bytes) bytes long; at most 256")
        case .emptyTitle:
            return language.pick(
                "tên văn bản (--title) không được để trống", "the document title (--title) must not be empty")
        case .emptyName:
            return language.pick("tên xã (--name) không được để trống", "the commune name (--name) must not be empty")
        case .unknownEvidence(let id):
            return language.pick(
                "không có minh chứng \"\(id)\" (có thể đã bị xóa); xem danh sách: ntm evidence list",
                "no evidence \"\(id)\" (it may have been removed); see: ntm evidence list")
        case .deadlineAlreadyDone(let id, let day):
            return language.pick(
                "hạn \(id) đã xong ngày \(day); không ghi gì (ngày khác: --date dd/mm/yyyy, mở lại: --undo)",
                "deadline \(id) was done on \(day); nothing was written (another day: --date dd/mm/yyyy, open again: --undo)"
            )
        case .idTooShort(let id):
            return language.pick(
                "mã \"\(id)\" quá ngắn: gõ ít nhất 4 ký tự đầu của mã",
                "\"\(id)\" is too short: type at least the first 4 characters of the id")
        case .ambiguousID(let id, let matches):
            return language.pick(
                "mã \"\(id)\" trùng với nhiều mục (\(matches.joined(separator: ", "))); gõ thêm ký tự",
                "\"\(id)\" matches several entries (\(matches.joined(separator: ", "))); type more of it")
        case .unknownLevel(let text):
            return language.pick(
                "không có mức \"\(text)\"; dùng: ntm (NTM), nang-cao (NTM nâng cao), kieu-mau (NTM kiểu mẫu), thon-kieu-mau (thôn kiểu mẫu)",
                "unknown level \"\(text)\"; use ntm, nang-cao (advanced), kieu-mau (model) or thon-kieu-mau (model village)"
            )
        case .levelMismatch(let set, let setLevel, let asked):
            return language.pick(
                "bộ \(set) dùng cho mức \(setLevel.label(language)), không phải \(asked.label(language)); chọn bộ tiêu chí của mức này (xem: ntm catalogue list)",
                "set \(set) is for the level \(setLevel.label(language)), not \(asked.label(language)); choose a set of that level (see: ntm catalogue list)"
            )
        case .badYear(let text):
            return language.pick(
                "năm \"\(text)\" không hợp lệ; viết 4 chữ số, ví dụ 2020",
                "invalid year \"\(text)\"; write 4 digits, e.g. 2020")
        case .badUnitCode(let text):
            return language.pick(
                "mã đơn vị hành chính \"\(text)\" không hợp lệ; dùng mã số của Tổng cục Thống kê, ví dụ 15703",
                "invalid administrative-unit code \"\(text)\"; use the GSO number, e.g. 15703")
        case .communeRequired(let known):
            return language.pick(
                "đây là cơ sở dữ liệu của huyện: chỉ rõ xã bằng --commune (các xã: \(list(known)))",
                "this is a district database: name the commune with --commune (communes: \(list(known)))")
        case .unknownCommune(let text, let known):
            return language.pick(
                "cơ sở dữ liệu không có xã \"\(text)\"; các xã: \(list(known))",
                "the database holds no commune \"\(text)\"; communes: \(list(known))")
        case .noTarget(let commune, let set, let targets):
            if let set {
                return language.pick(
                    "xã \(commune) chưa có mục tiêu theo bộ \(set) (đang có: \(list(targets))); thêm bằng: ntm target \(set) --year NĂM",
                    "commune \(commune) has no target with set \(set) (it has: \(list(targets))); add one with: ntm target \(set) --year YEAR"
                )
            }
            return language.pick(
                "xã \(commune) chưa có mục tiêu (bộ tiêu chí, mức đạt); thêm bằng: ntm target BỘ --year NĂM",
                "commune \(commune) has no target yet; add one with: ntm target SET --year YEAR")
        case .departmentNotOwner(let department, let criterion, let owners):
            return language.pick(
                "\(department) không phụ trách tiêu chí \(criterion); phòng phụ trách: \(owners.joined(separator: "; "))",
                "\(department) does not own criterion \(criterion); its owners: \(owners.joined(separator: "; "))")
        case .unknownDepartment(let text, let known):
            return language.pick(
                "không có phòng, ban \"\(text)\"; dùng một trong: \(known.joined(separator: "; "))",
                "unknown department \"\(text)\"; use one of: \(known.joined(separator: "; "))")
        case .departmentRequired(let criterion, let owners):
            return language.pick(
                "tiêu chí \(criterion) do nhiều phòng thẩm tra; chỉ rõ --department (\(owners.joined(separator: "; ")))",
                "criterion \(criterion) is verified by several departments; give --department (\(owners.joined(separator: "; ")))"
            )
        case .percentOutOfRange(let text):
            return language.pick(
                "tỷ lệ \"\(text)\" phải nằm trong khoảng 0–100%", "the percentage \"\(text)\" must be between 0 and 100"
            )
        case .metBelowTarget(let code, let value, let target):
            return language.pick(
                "chỉ tiêu \(code): giá trị \(formatNumber(value, language)) chưa đạt mục tiêu \(target); muốn ghi là đạt thì thêm --note nói rõ lý do",
                "indicator \(code): the value \(formatNumber(value, language)) misses the target \(target); to mark it met, add --note saying why"
            )
        case .emptyOwner:
            return language.pick("tên người phụ trách không được để trống", "the owner's name must not be empty")
        case .emptyNote:
            return language.pick("nội dung ghi chú không được để trống", "the note must not be empty")
        case .unknownDeadline(let id):
            return language.pick(
                "không có hạn \"\(id)\"; xem danh sách: ntm deadline list",
                "no deadline \"\(id)\"; see: ntm deadline list")
        case .unknownNote(let id):
            return language.pick(
                "không có ghi chú \"\(id)\"; xem danh sách: ntm note list", "no note \"\(id)\"; see: ntm note list")
        case .ownerRequired:
            return language.pick(
                "cần đúng một người/đơn vị phụ trách: --department, --sector hoặc --person",
                "give exactly one owner: --department, --sector or --person")
        case .badDays(let text):
            return language.pick(
                "số ngày \"\(text)\" không hợp lệ; dùng số nguyên từ 0 đến 366",
                "invalid number of days \"\(text)\"; use 0 to 366")
        case .wrongUnit(let set, let unit, let forDistrict):
            return forDistrict
                ? language.pick(
                    "bộ \(set) dùng để đánh giá \(unit.label(language)), không phải huyện; huyện dùng bộ qd558-2016",
                    "set \(set) assesses a \(unit.label(language)), not a district; districts use qd558-2016")
                : language.pick(
                    "bộ \(set) dùng để đánh giá huyện, không phải xã; chọn bộ của xã (xem: ntm catalogue list)",
                    "set \(set) assesses districts, not communes; choose a commune set (see: ntm catalogue list)")
        case .nothingHeld(let commune, let date):
            return language.pick(
                "cuối ngày \(date), cơ sở dữ liệu này chưa có mục tiêu nào của \(commune)",
                "at the end of \(date) this database held no target of \(commune)")
        case .futureDate(let text, let option):
            return language.pick(
                "ngày \(text) (\(option)) chưa tới; dùng hôm nay hoặc một ngày đã qua",
                "\(text) (\(option)) is in the future; use today or a past date")
        case .levelNeedsDistrict:
            return language.pick(
                "--level chỉ dùng với báo cáo huyện (--district); với một xã, chọn mục tiêu bằng --set",
                "--level applies to the district report (--district); for one commune choose the target with --set")
        case .notWithDistrict(let option):
            return language.pick(
                "\(option) không dùng với --district (báo cáo huyện gồm mọi xã; chọn mức bằng --level)",
                "\(option) does not go with --district (the district report covers every commune; choose a level with --level)"
            )
        case .notForDistrictInit(let option):
            return language.pick(
                "\(option) không dùng khi tạo cơ sở dữ liệu huyện: huyện dùng bộ qd558-2016",
                "\(option) does not apply to a district database: districts use the set qd558-2016")
        case .placeRequired:
            return language.pick(
                "cần --commune (cơ sở dữ liệu của xã) hoặc --district (của huyện)",
                "give --commune (a commune's database) or --district (a district's)")
        case .conflictingFormats:
            return language.pick("chỉ chọn một trong --json và --csv", "choose one of --json and --csv")
        case .outputExists(let path):
            return language.pick(
                "tệp \(path) đã có; chọn tên khác, hoặc thêm --force để ghi đè",
                "the file \(path) is there already; choose another name, or add --force to replace it")
        case .sameOutput(let path):
            return language.pick(
                "--docx và --html cùng ghi vào \(path); mỗi loại cần một tệp riêng",
                "--docx and --html would both write \(path); give each its own file")
        case .emptyReport(let district):
            let place = district.map { language.pick(" của \($0)", " of \($0)") } ?? ""
            return language.pick(
                "báo cáo\(place) không có xã nào có mục tiêu: đồng bộ với các xã, hoặc đặt mục tiêu (ntm target) trước khi xuất văn bản",
                "the report\(place) has no commune with a target: sync with the communes, or set targets (ntm target) before making a document"
            )
        case .notWithoutHTML(let option):
            return language.pick(
                "\(option) chỉ dùng cùng --html (trang tổng quan mở các tệp minh chứng)",
                "\(option) goes with --html only (the dashboard page opens the evidence files)")
        case .filesNotAsOf(let date):
            return language.pick(
                "--with-files chỉ dùng cho báo cáo hôm nay: các tệp minh chứng là của hôm nay, không phải của ngày \(date); bỏ --with-files hoặc --as-of",
                "--with-files is for today's report only: the evidence files are today's, not those of \(date); drop --with-files or --as-of"
            )
        case .emptySetting(let name):
            return language.pick(
                "giá trị của \(name) không được để trống; bỏ mục bằng: ntm settings unset \(name)",
                "the value of \(name) cannot be empty; unset it with: ntm settings unset \(name)")
        case .unknownSetting(let name, let known):
            return language.pick(
                "không có mục cài đặt \"\(name)\"; các mục: \(known.joined(separator: ", "))",
                "there is no setting \"\(name)\"; the settings are: \(known.joined(separator: ", "))")
        case .fileUnreadable(let path):
            // Why, in the person's words: the usual reasons are a wrong path and a folder.
            var folder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &folder)
            let why =
                !exists
                ? language.pick("không có tệp đó; kiểm tra đường dẫn", "no such file; check the path")
                : folder.boolValue
                    ? language.pick("đó là một thư mục, không phải tệp", "it is a folder, not a file")
                    : language.pick("không có quyền đọc", "no permission to read it")
            return language.pick(
                "không đọc được tệp \(path) (\(why)); không ghi gì",
                "cannot read file \(path) (\(why)); nothing was written")
        case .nothingToChange:
            return language.pick(
                "không có gì để ghi: thêm ít nhất một tùy chọn", "nothing to write: give at least one option")
        case .badSummary(let reason):
            return language.pick(
                "bản tóm tắt (--since) không hợp lệ: \(reason)", "invalid summary (--since): \(reason)")
        case .unknownConflict(let id):
            return language.pick(
                "không có xung đột nào đang mở với mã \"\(id)\": có thể đã được giải quyết (trên máy này, hoặc ở nơi khác rồi đồng bộ về); xem lại: ntm conflicts",
                "no open conflict has the id \"\(id)\": it may have been resolved (here, or elsewhere and synced since); list them again: ntm conflicts"
            )
        case .conflictClosed(let id):
            return language.pick(
                "xung đột \(id) vừa được giải quyết ở nơi khác; không ghi gì, xem lại: ntm conflicts",
                "conflict \(id) was just resolved elsewhere; nothing was written, see: ntm conflicts")
        case .conflictChanged(let id):
            return language.pick(
                "xung đột \(id) vừa có giá trị mới đến; không ghi gì, xem lại: ntm conflicts show \(id)",
                "conflict \(id) has a new value since it was shown; nothing was written, see: ntm conflicts show \(id)")
        case .pickOutOfRange(let pick, let count):
            return language.pick(
                "không có giá trị số \(pick): xung đột này có \(count) giá trị, chọn từ 1 đến \(count)",
                "there is no value number \(pick): this conflict has \(count) values, pick 1 to \(count)")
        case .valueNotTypable(let field):
            return language.pick(
                "không gõ giá trị mới cho \(field) được: hãy chọn một trong các giá trị (--pick N)",
                "a new value cannot be typed for \(field): pick one of the values (--pick N)")
        case .emptyValue(let field):
            return language.pick(
                "giá trị mới cho \(field) không được để trống", "the new value for \(field) cannot be empty")
        case .unknownPreference(let text):
            return language.pick(
                "quy tắc --prefer \"\(text)\" không hợp lệ; dùng newest, oldest, replica=MÃ hoặc author=TÊN",
                "unknown --prefer rule \"\(text)\"; use newest, oldest, replica=ID or author=NAME")
        case .pickOrValue:
            return language.pick(
                "cần đúng một trong --pick N và --value GIÁ-TRỊ", "give exactly one of --pick N and --value VALUE")
        case .idOrAll:
            return language.pick(
                "cần mã xung đột (xem: ntm conflicts), hoặc --all với --prefer QUY-TẮC",
                "give a conflict id (see: ntm conflicts), or --all with --prefer RULE")
        case .roleMayNotWrite(let table, let column, let role):
            let what = Self.fieldName(table: table, column: column, language)
            // Who may: the department or the district for verifications and verdicts, the commune for
            // its own records.
            let communeOwns = [
                NTMSchema.Table.assessment, NTMSchema.Table.evidence, NTMSchema.Table.dossier, NTMSchema.Table.note,
            ].contains(table)
            let sectorOwns = table == NTMSchema.Table.appraisal && ["verdict", "document"].contains(column)
            let who =
                communeOwns
                ? language.pick("máy của xã", "the commune's laptop")
                : sectorOwns
                    ? language.pick("sở, ngành thẩm định", "the appraising province sector")
                    : language.pick("phòng chuyên môn, văn phòng huyện", "the department, the district office")
            return language.pick(
                "bản sao này (vai trò \(role)) không được ghi \(what): máy chủ sẽ từ chối; để người có quyền ghi (\(who)); không ghi gì",
                "this replica (role \(role)) may not write \(what): the hub would refuse it; leave it to someone who may (\(who)); nothing was written"
            )
        case .notAllowed(let id, let role):
            return language.pick(
                "bản sao này (vai trò \(role)) không được ghi trường của xung đột \(id); để người có quyền quyết định (ví dụ văn phòng huyện); không ghi gì",
                "this replica (role \(role)) may not write the field of conflict \(id); leave it to someone who may (the district office, say); nothing was written"
            )
        case .inspectedBeforeSent(let inspected, let sent):
            return language.pick(
                "ngày kiểm tra \(inspected) trước ngày gửi hồ sơ \(sent): ngành chỉ kiểm tra sau khi nhận hồ sơ; kiểm tra lại --inspected (hoặc --sent)",
                "the inspection date \(inspected) is before the date the dossier was sent, \(sent): a sector inspects after receiving it; check --inspected (or --sent)"
            )
        case .hubNeedsCommune(let known):
            return language.pick(
                "đây là cơ sở dữ liệu của máy chủ huyện; dùng --commune SLUG (các xã: \(list(known)))",
                "this is the district hub's database; use --commune SLUG (communes: \(list(known)))")
        case .unknownRefusal(let id):
            return language.pick(
                "không có thay đổi bị từ chối \"\(id)\"; xem danh sách: ntm refused",
                "no refused change \"\(id)\"; see: ntm refused")
        case .idOrAllRefused:
            return language.pick(
                "cần mã thay đổi bị từ chối (xem: ntm refused), hoặc --all",
                "give a refused change's id (see: ntm refused), or --all")
        case .resultRequired:
            return language.pick(
                "cần --result dat, khong-dat hoặc cho để ghi thẩm tra (bỏ mọi tùy chọn để xem ai đã thẩm tra); không ghi gì",
                "give --result dat, khong-dat or cho to record a verification (no options to see who has verified); nothing was written"
            )
        case .replicaRequired:
            return language.pick(
                "cần --replica MÃ (hoặc --credential TỆP do máy chủ huyện cấp)",
                "give --replica ID (or --credential FILE issued by the district hub)")
        case .confirmationNeeded:
            return language.pick(
                "không đọc được câu trả lời xác nhận; không ghi gì (thêm --yes để ghi mà không hỏi)",
                "no confirmation could be read; nothing was written (add --yes to write without asking)")
        case .noFileAttached(let id):
            return language.pick(
                "minh chứng \(id) không có tệp đính kèm; đính kèm bằng: ntm evidence edit \(id) --file TỆP",
                "the document \(id) has no file attached; attach one with: ntm evidence edit \(id) --file FILE")
        case .fileNotHere(let name, let size, let state):
            return FileWords.notHere(name: name, size: size, state: state, language)
        case .openerFailed(let command, let status, let path):
            return language.pick(
                "\(command) không mở được tệp (kết thúc với mã \(status)); tệp đã xuất ra: \(path)",
                "\(command) could not open the file (exit status \(status)); the file was exported to: \(path)")
        case .unknownDistrict(let text, let known):
            return language.pick(
                "tỉnh không có huyện \"\(text)\"; các huyện: \(list(known))",
                "the province has no district \"\(text)\"; districts: \(list(known))")
        case .districtNeedsProvince:
            return language.pick(
                "--district SLUG chỉ dùng ở máy chủ tỉnh; máy chủ huyện báo cáo mọi xã của mình",
                "--district SLUG applies at a province hub only; a district hub reports on all its communes")
        case .notOwnSector(let text, let own):
            return language.pick(
                "máy này là của \(own); không xem được hồ sơ chờ của \"\(text)\" (bỏ --sector)",
                "this laptop is \(own)'s; it does not show the backlog of \"\(text)\" (leave out --sector)")
        }
    }
}

private func list(_ names: [String]) -> String { names.isEmpty ? "—" : names.joined(separator: ", ") }
