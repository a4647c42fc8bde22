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
        #expect(RoleVocabulary.any.role(parsing: "ward:x") == Role(kind: "ward", argument: "x"))
        #expect(RoleVocabulary.ntm.role(parsing: "ward:x") == nil)
        #expect(RoleVocabulary.ntm.role(parsing: "province") == .province)
        #expect(RoleVocabulary.ntm.role(parsing: "province:thanh-hoa") == nil)
        #expect(NTMRole.parse("district:trieu-son") == .district("trieu-son"))
        #expect(NTMRole.parse("sector:Sở Xây dựng") == .sector("Sở Xây dựng") && NTMRole.parse("sector") == nil)
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
        for role in [Role.district, .department("Phòng Giáo dục và Đào tạo")] {
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
            Role(kind: "ward"), ScopeContext(unit: "trieu-son", sharedTables: ["catalogue"]))
        #expect(scope == RowScope(owners: [], tables: []))
        #expect(!scope.isEverything)
        #expect(!scope.contains(table: "assessment", row: "dan-ly/qd1980-2016/17.1"))
        #expect(!scope.contains(table: "catalogue", row: "thanh-hoa-2020"))
    }

    /// At a district hub below a province, a commune also receives the province's rows.
    @Test func aCommuneBelowAProvinceAlsoSeesTheProvincesRows() {
        let scope = RoleScopeRule.ntm.scope(
            .commune("dan-ly"), ScopeContext(unit: "trieu-son", above: ["thanh-hoa"], sharedTables: ["catalogue"]))
        #expect(scope == RowScope(owners: ["dan-ly", "trieu-son", "thanh-hoa"], tables: ["catalogue"]))
        #expect(scope.contains(table: "deadline", row: "thanh-hoa/abc"))
    }

    /// At the province, a district hub sees its district, the communes placed in it and the province;
    /// a commune enrolled straight at the province sees its own rows, its district's and the province's.
    @Test func atTheProvinceADistrictSeesItsOwnCommunesOnly() {
        let context = ScopeContext(
            unit: "thanh-hoa", sharedTables: ["catalogue"],
            parents: ["dan-ly": "trieu-son", "tan-ninh": "trieu-son", "xuan-hoa": "tho-xuan"])
        let district = RoleScopeRule.ntm.scope(.district("trieu-son"), context)
        #expect(district == RowScope(owners: ["trieu-son", "dan-ly", "tan-ninh", "thanh-hoa"], tables: ["catalogue"]))
        #expect(!district.contains(table: "assessment", row: "xuan-hoa/qd1980-2016/17.1"))
        #expect(
            RoleScopeRule.ntm.scope(.commune("dan-ly"), context)
                == RowScope(owners: ["dan-ly", "trieu-son", "thanh-hoa"], tables: ["catalogue"]))
        #expect(
            RoleScopeRule.ntm.scope(.commune("hai-tien"), context)
                == RowScope(owners: ["hai-tien", "thanh-hoa"], tables: ["catalogue"]))
        for role in [Role.sector("Sở Xây dựng"), .province] {
            #expect(RoleScopeRule.ntm.scope(role, context) == .everything, "\(role)")
        }
        #expect(RoleScopeRule.ntm.unit(.district("trieu-son")) == "trieu-son")
        #expect(RoleScopeRule.ntm.unit(.sector("Sở Xây dựng")) == nil)
    }

    /// A district hub grants at its province only what is its own: its communes (placed under it), its
    /// departments and its office; never a sector, the province, another district or a commune named
    /// like itself. A role that is no district hub's grants nothing.
    @Test func aDistrictDelegatesOnlyItsOwnRoles() {
        let by = Role.district("trieu-son")
        #expect(
            RoleScopeRule.ntm.delegate(.commune("dan-ly"), by)
                == Delegation(role: .commune("dan-ly"), unit: "dan-ly", parent: "trieu-son"))
        #expect(
            RoleScopeRule.ntm.delegate(.department("Phòng Y tế"), by) == Delegation(role: .department("Phòng Y tế")))
        #expect(RoleScopeRule.ntm.delegate(.district, by) == Delegation(role: .district("trieu-son")))
        for granted in [Role.sector("Sở Xây dựng"), .province, .district("tho-xuan"), .commune("trieu-son")] {
            #expect(RoleScopeRule.ntm.delegate(granted, by) == nil, "\(granted)")
        }
        for other in [Role.district, .commune("dan-ly"), .sector("Sở Xây dựng"), .province] {
            #expect(RoleScopeRule.ntm.delegate(.commune("tan-ninh"), other) == nil, "\(other)")
        }
    }
}
