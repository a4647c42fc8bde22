import NTM
import Replica
import SyncCore
import Testing

/// Who may write what: each role trying each kind of write, allowed and forbidden, against the one
/// table of rules in `NTMSchema.writePolicy`.
@Suite struct WritePolicyTests {
    let policy = NTMSchema.writePolicy
    let danLy = Role.commune("dan-ly")
    let education = Role.department("Phòng Giáo dục và Đào tạo")

    func allowed(_ role: Role, _ table: String, _ row: String, _ column: String) -> Bool {
        policy.rule(allowing: FieldKey(table: table, row: row, column: column), to: role) != nil
    }

    @Test func rolesParseAndPrintAsInCredentials() {
        #expect(NTMRole.parse("commune:dan-ly") == .commune("dan-ly"))
        #expect(NTMRole.parse("department:Phòng Giáo dục và Đào tạo") == education)
        #expect(NTMRole.parse("district") == .district)
        #expect(NTMRole.parse("district:trieu-son") == .district("trieu-son"))
        #expect(NTMRole.parse("sector:Sở Xây dựng") == .sector("Sở Xây dựng"))
        #expect(NTMRole.parse("province") == .province)
        for bad in [
            "", "commune:", "commune:Dân Lý", "province:thanh-hoa", "department: ", "district:Triệu Sơn", "sector:",
            "xa:dan-ly",
        ] {
            #expect(NTMRole.parse(bad) == nil, "\(bad)")
        }
        #expect(education.description == "department:Phòng Giáo dục và Đào tạo")
    }

    @Test func aCommuneWritesItsOwnRowsButNotWhatTheDistrictOrProvinceDecides() {
        let set = "qd1980-2016"
        for (table, row, column) in [
            ("assessment", "dan-ly/\(set)/17.1", "status"), ("assessment", "dan-ly/\(set)/17.1", tombstoneColumn),
            ("evidence", "dan-ly/0b3bf92868ff", "title"), ("dossier", "dan-ly/\(set)/general", "complete"),
            ("deadline", "dan-ly/abc", "done"), ("note", "dan-ly/abc", "text"), ("target", "dan-ly/\(set)", "year"),
            ("commune", "dan-ly", "name"), ("appraisal", "dan-ly/\(set)/so-xay-dung", "sent"),
            ("appraisal", "dan-ly/\(set)/so-xay-dung", "inspected"),
        ] {
            #expect(allowed(danLy, table, row, column), "\(table) \(row) \(column)")
        }
        for (table, row, column) in [
            // Another commune's rows.
            ("assessment", "tan-ninh/\(set)/17.1", "status"), ("commune", "tan-ninh", "name"),
            ("evidence", "dan-ly-2/x", "title"),
            // What the district and the province decide.
            ("verification", "dan-ly/\(set)/5/phong-giao-duc-va-dao-tao", "result"),
            ("appraisal", "dan-ly/\(set)/so-xay-dung", "verdict"),
            ("appraisal", "dan-ly/\(set)/so-xay-dung", "document"),
            ("appraisal", "dan-ly/\(set)/so-xay-dung", tombstoneColumn),
            ("catalogue", "thanh-hoa-2020", "data"), ("commune", "dan-ly", tombstoneColumn),
            // The district's own rows.
            ("deadline", "trieu-son/abc", "due"),
        ] {
            #expect(!allowed(danLy, table, row, column), "\(table) \(row) \(column)")
        }
    }

    @Test func aDepartmentWritesOnlyItsOwnVerificationInEveryCommune() {
        let set = "qd1980-2016"
        for commune in ["dan-ly", "tan-ninh"] {
            #expect(allowed(education, "verification", "\(commune)/\(set)/5/phong-giao-duc-va-dao-tao", "result"))
            #expect(allowed(education, "verification", "\(commune)/\(set)/5/phong-giao-duc-va-dao-tao", "document"))
        }
        #expect(!allowed(education, "verification", "dan-ly/\(set)/17/phong-tai-nguyen-va-moi-truong", "result"))
        #expect(!allowed(education, "verification", "dan-ly/\(set)", "result"))
        #expect(!allowed(education, "assessment", "dan-ly/\(set)/5", "status"))
        #expect(!allowed(education, "appraisal", "dan-ly/\(set)/so-giao-duc-va-dao-tao", "verdict"))
        #expect(!allowed(education, "catalogue", "thanh-hoa-2020", "data"))
    }

    @Test func theDistrictOfficeWritesEverythingAndEveryRefusalNamesNoRule() {
        for (table, row, column) in [
            ("verification", "dan-ly/qd1980-2016/5/phong-giao-duc-va-dao-tao", "result"),
            ("appraisal", "dan-ly/qd1980-2016/so-xay-dung", "verdict"), ("catalogue", "thanh-hoa-2020", "data"),
            ("assessment", "tan-ninh/qd1980-2016/17.1", tombstoneColumn),
        ] {
            #expect(
                policy.rule(allowing: FieldKey(table: table, row: row, column: column), to: .district)?.name
                    == "the district office writes everything")
        }
        // The rule that allows a commune's write is the one named for it.
        #expect(
            policy.rule(
                allowing: FieldKey(table: "assessment", row: "dan-ly/qd1980-2016/1.1", column: "value"), to: danLy)?
                .name == "a commune assesses its own indicators")
    }

    func allowed(_ role: Role, _ table: String, _ row: String, _ column: String, parents: [String: String]) -> Bool {
        policy.rule(allowing: FieldKey(table: table, row: row, column: column), to: role, parents: parents) != nil
    }

    @Test func aSectorWritesOnlyItsOwnAppraisalsVerdictAndInspection() {
        let construction = Role.sector("Sở Xây dựng")
        let own = "dan-ly/qd1980-2016/so-xay-dung"
        for column in ["verdict", "document", "inspected", "note", "sector_name"] {
            for row in [own, "tan-ninh/qd318-2022/so-xay-dung"] {
                #expect(allowed(construction, "appraisal", row, column), "\(row) \(column)")
            }
        }
        // When the dossier was sent is the commune's; deleting the row is nobody's but the offices'.
        for column in ["sent", tombstoneColumn, "other"] {
            #expect(!allowed(construction, "appraisal", own, column), "\(column)")
        }
        // Another sector's appraisal.
        for column in ["verdict", "document", "inspected"] {
            #expect(!allowed(construction, "appraisal", "dan-ly/qd1980-2016/so-cong-thuong", column))
            #expect(!allowed(construction, "appraisal", "dan-ly/qd1980-2016/so-xay-dung-2", column))
        }
        // Other tables, even rows that name it.
        for (table, row, column) in [
            ("verification", "dan-ly/qd1980-2016/5/so-xay-dung", "result"),
            ("assessment", "dan-ly/qd1980-2016/so-xay-dung", "status"), ("catalogue", "so-xay-dung", "data"),
            ("commune", "dan-ly", "name"), ("deadline", "dan-ly/so-xay-dung", "due"),
            ("note", "dan-ly/so-xay-dung", "text"), ("dossier", "dan-ly/qd1980-2016/so-xay-dung", "complete"),
        ] {
            #expect(!allowed(construction, table, row, column), "\(table) \(row) \(column)")
        }
        #expect(
            policy.rule(allowing: FieldKey(table: "appraisal", row: own, column: "verdict"), to: construction)?.name
                == "a sector records its own appraisal")
    }

    @Test func aDistrictAtItsProvinceWritesItsOwnAndItsCommunesRowsButNoVerdict() {
        let trieuSon = Role.district("trieu-son")
        let parents = ["dan-ly": "trieu-son", "tan-ninh": "trieu-son", "minh-son": "ngoc-lac"]
        for (table, row, column) in [
            ("assessment", "dan-ly/qd1980-2016/17.1", "status"), ("assessment", "tan-ninh/qd1980-2016/17.1", "value"),
            ("commune", "dan-ly", "name"), ("commune", "dan-ly", tombstoneColumn),
            ("verification", "dan-ly/qd1980-2016/5/phong-giao-duc-va-dao-tao", "result"),
            ("appraisal", "dan-ly/qd1980-2016/so-xay-dung", "sent"),
            ("appraisal", "dan-ly/qd1980-2016/so-xay-dung", "inspected"),
            ("appraisal", "dan-ly/qd1980-2016/so-xay-dung", "note"),
            // The district's own rows.
            ("commune", "trieu-son", "name"), ("deadline", "trieu-son/abc", "due"),
            ("assessment", "trieu-son/qd558-2016/5.3", "status"),
        ] {
            #expect(allowed(trieuSon, table, row, column, parents: parents), "\(table) \(row) \(column)")
        }
        for (table, row, column) in [
            // A sector's verdict and its document, even in its own communes.
            ("appraisal", "dan-ly/qd1980-2016/so-xay-dung", "verdict"),
            ("appraisal", "dan-ly/qd1980-2016/so-xay-dung", "document"),
            ("appraisal", "trieu-son/qd558-2016/so-xay-dung", "verdict"),
            // The criteria sets.
            ("catalogue", "thanh-hoa-2020", "data"), ("catalogue", "trieu-son", "data"),
            // Another district's commune, another district, the province, a commune placed nowhere.
            ("assessment", "minh-son/qd1980-2016/17.1", "status"), ("commune", "ngoc-lac", "name"),
            ("commune", "thanh-hoa", "name"), ("assessment", "xuan-hoa/qd1980-2016/17.1", "status"),
            // A slug that only starts like its own.
            ("commune", "trieu-son-2", "name"),
        ] {
            #expect(!allowed(trieuSon, table, row, column, parents: parents), "\(table) \(row) \(column)")
        }
        // Without the province's placement, a commune is not the district's.
        #expect(!allowed(trieuSon, "assessment", "dan-ly/qd1980-2016/17.1", "status", parents: [:]))
    }

    @Test func theDistrictOfficeAtItsHubAndTheProvinceOfficeWriteEverything() {
        let parents = ["dan-ly": "trieu-son"]
        for (table, row, column) in [
            ("appraisal", "dan-ly/qd1980-2016/so-xay-dung", "verdict"),
            ("appraisal", "minh-son/qd1980-2016/so-xay-dung", "document"), ("catalogue", "thanh-hoa-2020", "data"),
            ("commune", "ngoc-lac", tombstoneColumn), ("commune", "thanh-hoa", "name"),
            ("verification", "minh-son/qd1980-2016/5/phong-giao-duc-va-dao-tao", "result"),
        ] {
            #expect(
                policy.rule(
                    allowing: FieldKey(table: table, row: row, column: column), to: .district, parents: parents)?
                    .name == "the district office writes everything", "\(table) \(row) \(column)")
            #expect(
                policy.rule(
                    allowing: FieldKey(table: table, row: row, column: column), to: .province, parents: parents)?
                    .name == "the province office writes everything", "\(table) \(row) \(column)")
        }
    }
}
