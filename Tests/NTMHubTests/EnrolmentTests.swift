import Foundation
import NTM
import NTMHub
import Replica
import SyncHub
import TestSupport
import Testing

/// The hub's enrolment rules, without the binary.
@Suite struct EnrolmentTests {
    let departments = ["Phòng Giáo dục và Đào tạo", "Phòng Tài nguyên và Môi trường", "Phòng Giáo dục và Đào tạo"]

    @Test func theRoleTextIsAnNTMRoleAndADepartmentIsSpelledAsTheSetsSpellIt() throws {
        #expect(try Enrolment.role("commune:dan-ly", departments: { [] }) == .commune("dan-ly"))
        #expect(try Enrolment.role(" district ", departments: { [] }) == .district)
        #expect(
            try Enrolment.role("department:giao duc va dao tao", departments: { departments })
                == .department("Phòng Giáo dục và Đào tạo"))
        #expect(
            try Enrolment.role("department:tai nguyen", departments: { departments })
                == .department("Phòng Tài nguyên và Môi trường"))
        for bad in ["mayor", "province:thanh-hoa", "commune:Dân Lý", "commune:", "district:Triệu Sơn", "xa:dan-ly", ""]
        {
            #expect(throws: EnrolmentUsage.badRole(bad)) { try Enrolment.role(bad, departments: { departments }) }
        }
        #expect(
            throws: EnrolmentUsage.unknownDepartment(
                "Phòng Không Có", known: ["Phòng Giáo dục và Đào tạo", "Phòng Tài nguyên và Môi trường"])
        ) { try Enrolment.role("department:Phòng Không Có", departments: { departments }) }
    }

    @Test func theDepartmentsAreAskedForOnlyForADepartmentsRole() throws {
        struct Asked: Error {}
        #expect(try Enrolment.role("commune:dan-ly", departments: { throw Asked() }) == .commune("dan-ly"))
        #expect(throws: Asked.self) { try Enrolment.role("department:x", departments: { throw Asked() }) }
    }

    @Test func aCommuneMayNotBeNamedLikeItsDistrict() throws {
        #expect(throws: EnrolmentUsage.communeIsDistrict("trieu-son")) {
            try Enrolment.check(.commune("trieu-son"), district: "trieu-son")
        }
        try Enrolment.check(.commune("dan-ly"), district: "trieu-son")
        try Enrolment.check(.district, district: "trieu-son")
        try Enrolment.check(.department("Phòng Giáo dục và Đào tạo"), district: "trieu-son")
    }

    @Test func whichCredentialFitsWhichDatabase() {
        #expect(Enrolment.fits(.commune("dan-ly"), commune: "dan-ly"))
        #expect(!Enrolment.fits(.commune("dan-ly"), commune: "tan-ninh"))
        #expect(!Enrolment.fits(.commune("dan-ly"), commune: nil))
        #expect(Enrolment.fits(.district, commune: nil))
        #expect(!Enrolment.fits(.district, commune: "dan-ly"))
        #expect(Enrolment.fits(.department("Phòng Giáo dục và Đào tạo"), commune: nil))
        #expect(Enrolment.fits(.department("Phòng Giáo dục và Đào tạo"), commune: "dan-ly"))
        #expect(Enrolment.fits(.province, commune: nil) && !Enrolment.fits(.province, commune: "dan-ly"))
        #expect(!Enrolment.fits(Role(kind: "mayor"), commune: nil))
    }

    @Test func enrollingWritesAPrivateCredentialAndRenewingReplacesTheKey() throws {
        let folder = TemporaryDirectory("enrolment")
        let database = try HubSetupTests.hub(folder)
        let out = folder.file("dan-ly.cred")
        let role = try Enrolment.enrol(
            replica: "xa-dan-ly-1", role: "commune:dan-ly", out: out, renew: false, at: database)
        #expect(role == .commune("dan-ly"))
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let credential = try CredentialFile.read(out)
        #expect(credential.replica == "xa-dan-ly-1" && credential.role == .commune("dan-ly"))
        #expect(credential.hub == "huyen-trieu-son" && credential.district == "trieu-son")
        let enrolled = try #require(try database.store.enrolment(of: "xa-dan-ly-1"))
        #expect(enrolled.publicKey == credential.publicKey && enrolled.role == .commune("dan-ly"))

        // Enrolled already: only with a renewal, to a new file.
        #expect(throws: EnrolmentUsage.alreadyEnrolled("xa-dan-ly-1")) {
            try Enrolment.enrol(
                replica: "xa-dan-ly-1", role: "commune:dan-ly", out: folder.file("again.cred"), renew: false,
                at: database)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("again.cred")))
        #expect(throws: ReplicaError.alreadyExists(path: out)) {
            try Enrolment.enrol(replica: "xa-dan-ly-1", role: "commune:dan-ly", out: out, renew: true, at: database)
        }
        _ = try Enrolment.enrol(
            replica: "xa-dan-ly-1", role: "commune:dan-ly", out: folder.file("renewed.cred"), renew: true,
            at: database)
        let renewed = try CredentialFile.read(folder.file("renewed.cred"))
        #expect(try database.store.enrolment(of: "xa-dan-ly-1")?.publicKey == renewed.publicKey)
        #expect(renewed.publicKey != credential.publicKey)
    }

    @Test func enrollingChecksInTheCommandsOrder() throws {
        let folder = TemporaryDirectory("enrolment")
        let database = try HubSetupTests.hub(folder)
        let out = folder.file("x.cred")
        // The role before the replica id, the replica id before the district's slug.
        #expect(throws: EnrolmentUsage.badRole("mayor")) {
            try Enrolment.enrol(replica: "X Y", role: "mayor", out: out, renew: false, at: database)
        }
        #expect(throws: ReplicaError.invalidReplicaID("X Y")) {
            try Enrolment.enrol(replica: "X Y", role: "commune:trieu-son", out: out, renew: false, at: database)
        }
        #expect(throws: EnrolmentUsage.communeIsDistrict("trieu-son")) {
            try Enrolment.enrol(replica: "xa-1", role: "commune:trieu-son", out: out, renew: false, at: database)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try database.store.enrolments().isEmpty)
    }

    @Test func revokingNeedsAnEnrolment() throws {
        let folder = TemporaryDirectory("enrolment")
        let database = try HubSetupTests.hub(folder)
        #expect(throws: EnrolmentUsage.notEnrolled("xa-dan-ly-1")) { try Enrolment.revoke("xa-dan-ly-1", at: database) }
        _ = try Enrolment.enrol(
            replica: "xa-dan-ly-1", role: "district", out: folder.file("a.cred"), renew: false, at: database)
        try Enrolment.revoke("xa-dan-ly-1", at: database)
        #expect(try database.store.enrolment(of: "xa-dan-ly-1")?.isRevoked == true)
        // A revoked replica may be enrolled again without --renew.
        _ = try Enrolment.enrol(
            replica: "xa-dan-ly-1", role: "district", out: folder.file("b.cred"), renew: false, at: database)
        #expect(try database.store.enrolment(of: "xa-dan-ly-1")?.isRevoked == false)
    }

    @Test func aCredentialIsCheckedAgainstTheDatabaseItIsInstalledIn() throws {
        let credential = Credential.issue(
            replica: "xa-dan-ly-1", role: .commune("dan-ly"), hub: "huyen-trieu-son", district: "trieu-son")
        try CredentialFile.check(credential, from: "c", replica: "xa-dan-ly-1", commune: "dan-ly", place: "dan-ly")
        #expect(throws: EnrolmentUsage.wrongReplica(file: "c", credential: "xa-dan-ly-1", database: "xa-2")) {
            try CredentialFile.check(credential, from: "c", replica: "xa-2", commune: "dan-ly", place: "dan-ly")
        }
        #expect(throws: EnrolmentUsage.wrongCommune(credential: "commune:dan-ly", database: "tan-ninh")) {
            try CredentialFile.check(
                credential, from: "c", replica: "xa-dan-ly-1", commune: "tan-ninh", place: "tan-ninh")
        }
    }

    @Test func aCredentialWithAnotherDomainsRoleIsNotOne() throws {
        let folder = TemporaryDirectory("enrolment")
        let credential = Credential.issue(
            replica: "xa-1", role: Role(kind: "province", argument: "thanh-hoa"), hub: "huyen", district: nil)
        let path = folder.file("x.cred")
        try credential.fileContents.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: EnrolmentUsage.badCredential(path, problem: .invalid("role"))) {
            try CredentialFile.read(path)
        }
    }

    @Test func theWordsOfEnrolmentMistakesAreKept() {
        #expect(
            EnrolmentUsage.badRole("x").message(.en)
                == "invalid role \"x\"; use commune:SLUG, department:NAME or district (at a district), district:SLUG, sector:NAME or province (at a province)"
        )
        #expect(
            EnrolmentUsage.badRole("x").message(.vi)
                == "vai trò \"x\" không hợp lệ; dùng commune:MÃ-XÃ, department:TÊN-PHÒNG hoặc district (ở huyện), district:MÃ-HUYỆN, sector:TÊN-NGÀNH hoặc province (ở tỉnh)"
        )
        #expect(
            EnrolmentUsage.communeIsDistrict("trieu-son").message(.en)
                == "trieu-son is the district's slug, not a commune's; use the role district for the district office")
    }
}
