import NTM
import NTMHub
import Replica
import SyncHub
import Testing

/// A role is a kind and an argument to the engine; NTM says which kinds exist and what each sees.
@Suite struct RoleAndScopeTests {
    @Test(arguments: [
        "commune:dan-ly", "department:Phòng Giáo dục và Đào tạo", "district", "commune:xuan-hoa-2",
    ])
    func anNTMRoleReadsBackAsWritten(text: String) throws {
        let role = try #require(NTMRole.parse(text))
        #expect(role.description == text)
        #expect(Role(parsing: role.description) == role)
        #expect(NTMRole.parse(role.description) == role)
    }

    @Test func theEngineReadsAnyKindTheDomainDecidesWhichExist() {
        #expect(Role(parsing: "province:thanh-hoa") == Role(kind: "province", argument: "thanh-hoa"))
        #expect(Role(parsing: " district ") == Role(kind: "district"))
        #expect(Role(parsing: "commune: dan-ly ")?.argument == "dan-ly")
        for bad in ["", ":x", "commune:", "Commune:x", "xã:dan-ly", "a b"] {
            #expect(Role(parsing: bad) == nil, "\(bad)")
        }
        #expect(RoleVocabulary.any.role(parsing: "province") == Role(kind: "province"))
        #expect(RoleVocabulary.ntm.role(parsing: "mayor") == nil)
        #expect(RoleVocabulary.ntm.role(parsing: "province") == .province)
        #expect(NTMRole.parse("province:thanh-hoa") == nil && NTMRole.parse("district:x") == .district("x"))
        #expect(NTMRole.parse("commune:Dân Lý") == nil && NTMRole.parse("district:Triệu Sơn") == nil)
        #expect(Role(kind: "district", argument: "") == .district)
    }

    @Test func theRolesHelpersNameTheirArgument() {
        #expect(Role.commune("dan-ly").commune == "dan-ly" && Role.commune("dan-ly").department == nil)
        #expect(Role.department("Phòng X").department == "Phòng X" && Role.department("Phòng X").commune == nil)
        #expect(Role.district.isDistrict && Role.district.commune == nil && Role.district.department == nil)
        #expect(Role.commune("dan-ly").kind == "commune" && Role.district.description == "district")
    }

    @Test func aCommuneSeesItsOwnRowsTheDistrictsAndTheSharedTables() {
        let scope = RoleScopeRule.ntm.scope(
            .commune("dan-ly"), ScopeContext(unit: "trieu-son", sharedTables: ["catalogue", "a-table"]))
        #expect(scope == RowScope(owners: ["dan-ly", "trieu-son"], tables: ["a-table", "catalogue"]))
        #expect(scope.contains(table: "assessment", row: "dan-ly/qd1980-2016/17.1"))
        #expect(scope.contains(table: "deadline", row: "trieu-son/abc"))
        #expect(scope.contains(table: "catalogue", row: "thanh-hoa-2020"))
        #expect(!scope.contains(table: "assessment", row: "tan-ninh/qd1980-2016/17.1"))
        #expect(
            RoleScopeRule.ntm.scope(.commune("dan-ly"), ScopeContext(unit: nil, sharedTables: []))
                == RowScope(owners: ["dan-ly"], tables: []))
    }

    @Test func aDepartmentAndTheDistrictOfficeSeeEverything() {
        for role in [Role.district, .department("Phòng Giáo dục và Đào tạo"), .sector("Sở Xây dựng"), .province] {
            #expect(
                RoleScopeRule.ntm.scope(role, ScopeContext(unit: "trieu-son", sharedTables: ["catalogue"]))
                    == .everything, "\(role)")
            #expect(RoleScopeRule.ntm.unit(role) == nil, "\(role)")
        }
        #expect(RoleScopeRule.ntm.unit(.commune("dan-ly")) == "dan-ly")
    }

    /// A kind the programme does not know (a hand-edited enrolment) sees no row at all.
    @Test func aRoleTheProgrammeDoesNotKnowSeesNothing() {
        let scope = RoleScopeRule.ntm.scope(
            Role(kind: "mayor"), ScopeContext(unit: "trieu-son", sharedTables: ["catalogue"]))
        #expect(scope == RowScope(owners: [], tables: []))
        #expect(!scope.isEverything)
        #expect(!scope.contains(table: "assessment", row: "dan-ly/qd1980-2016/17.1"))
        #expect(!scope.contains(table: "catalogue", row: "thanh-hoa-2020"))
    }
}
