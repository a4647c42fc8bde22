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
        for bad in ["", "commune:", "commune:Dân Lý", "province", "department: ", "district:x", "xa:dan-ly"] {
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
}
