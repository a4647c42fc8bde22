import Foundation
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// Who gets in: the challenge and response of protocol 3, against enrolled, unknown and revoked
/// replicas, wrong keys and replayed answers.
@Suite struct HubAuthenticationTests {
    func hello(_ replica: String, commune: String = "dan-ly") -> String {
        WireMessage.hello(
            .init(
                protocolVersion: WireLimits.protocolVersion, replica: replica, commune: commune, schema: "ntm-2",
                epoch: nil)
        ).line
    }

    func run(_ session: HubSession, _ lines: [String]) -> [String] {
        lines.flatMap { session.receive(Array($0.utf8)) }
    }

    func message(_ line: String?) -> WireMessage? {
        guard let line, case .message(let message) = try? WireLine(bytes: Array(line.utf8)) else { return nil }
        return message
    }

    func code(_ line: String?) -> WireError.Code? {
        guard case .error(let error)? = message(line) else { return nil }
        return error.code
    }

    @Test func anEnrolledReplicaIsWelcomedWithItsRole() throws {
        let night = try HubFixture("auth-ok")
        let credential = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        let session = night.session()
        let challenge = run(session, [hello("xa-dan-ly-1")])
        #expect(challenge == [WireMessage.challenge(hub: "huyen-trieu-son", nonce: HubFixture.nonce).line])
        let out = run(session, [try night.auth(credential)])
        guard case .welcome(let welcome)? = message(out.first) else {
            Issue.record("no welcome: \(out)")
            return
        }
        #expect(welcome.role == "commune:dan-ly")
        #expect(!welcome.whole)
        #expect(welcome.refused.isEmpty)
    }

    /// Every way in without the right key ends in one `unauthenticated` error and nothing else: no
    /// welcome, no summary, no operation.
    @Test func unknownRevokedWrongAndReplayedAnswersAreUnauthenticated() throws {
        let night = try HubFixture("auth-refused")
        let credential = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        let stranger = Credential.issue(
            replica: "xa-la-1", role: .commune("dan-ly"), hub: "huyen-trieu-son", district: "trieu-son")
        func attempt(_ replica: String, _ auth: String, nonce: [UInt8] = HubFixture.nonce) -> [String] {
            let session = HubSession(hub: night.hub, nonce: { nonce })
            return run(session, [hello(replica), auth])
        }
        // One challenge, then one error, and nothing more is answered.
        func refused(_ out: [String]) -> Bool { out.count == 2 && code(out.last) == .unauthenticated }

        // Not enrolled.
        #expect(refused(attempt("xa-la-1", try night.auth(stranger))))
        // Enrolled, but the answer is signed with another key.
        #expect(refused(attempt("xa-dan-ly-1", try night.auth(stranger))))
        // The right key, but the answer to another challenge (a recorded handshake played again).
        let recorded = try night.auth(credential)
        #expect(refused(attempt("xa-dan-ly-1", recorded, nonce: [UInt8](repeating: 1, count: 32))))
        // The right key for another hub.
        let otherHub = WireMessage.auth(signature: try credential.sign(nonce: HubFixture.nonce, hub: "huyen-khac")).line
        #expect(refused(attempt("xa-dan-ly-1", otherHub)))
        // The right answer gets in, then not once the credential is revoked.
        #expect(
            message(attempt("xa-dan-ly-1", recorded).last).map { if case .welcome = $0 { true } else { false } } == true
        )
        try night.store.revoke("xa-dan-ly-1")
        let out = attempt("xa-dan-ly-1", recorded)
        #expect(refused(out))
        #expect(out.last?.contains("revoked") == true)
        // A renewed enrolment makes the old key useless.
        let renewed = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        #expect(refused(attempt("xa-dan-ly-1", recorded)))
        #expect(!refused(attempt("xa-dan-ly-1", try night.auth(renewed))))
    }

    @Test func nothingButAuthIsAnsweredBeforeAuthentication() throws {
        let night = try HubFixture("auth-order")
        _ = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        for early in [
            #"{"type":"push","batch":1,"count":0}"#, #"{"type":"pull","cursor":{"pos":0},"limit":5}"#,
            opLine(origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/17.1"),
        ] {
            let session = night.session()
            let out = run(session, [hello("xa-dan-ly-1"), early])
            #expect(code(out.last) == .outOfOrder, "\(early)")
            #expect(session.isClosed)
        }
        let auth = WireMessage.auth(signature: [UInt8](repeating: 0, count: 64)).line
        #expect(code(run(night.session(), [auth]).last) == .outOfOrder)
        #expect(try night.store.operationCount() == 0)
    }

    /// A credential revoked (or renewed) while its session runs stops the session at its next push.
    @Test func aRevocationStopsASessionUnderWay() throws {
        let night = try HubFixture("auth-revoke-live")
        let credential = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        let session = night.session()
        _ = run(session, [hello("xa-dan-ly-1"), try night.auth(credential)])
        #expect(session.isAuthenticated)
        try night.store.revoke("xa-dan-ly-1")
        let out = run(
            session,
            [
                #"{"type":"push","batch":1,"count":1}"#,
                opLine(origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/5"),
            ])
        #expect(code(out.last) == .unauthenticated)
        #expect(session.isClosed)
        #expect(try night.store.operationCount() == 0)
    }

    /// A replica whose credential changes role (a commune laptop made a department's) receives the
    /// rows of its wider scope logged before its cursor too.
    @Test func aWiderScopeIsPulledFromTheStart() throws {
        let night = try HubFixture("auth-scope")
        let tanNinh = try night.commune("tan-ninh")
        try tanNinh.assess(code: "5", status: "đạt", author: "Minh")
        _ = try night.syncInMemory(tanNinh)
        let laptop = try night.commune("dan-ly")
        _ = try night.syncInMemory(laptop)
        #expect(try laptop.store.summary().origins["xa-tan-ninh-1"] == nil)
        try install(
            try night.enrol("xa-dan-ly-1", as: .department("Phòng Giáo dục và Đào tạo")), in: laptop.store)
        _ = try night.syncInMemory(laptop)
        #expect(try communeDump(laptop.store, "tan-ninh") == communeDump(night.store, "tan-ninh"))
        #expect(try laptop.store.summary().origins["xa-tan-ninh-1"] != nil)
    }

    @Test func aCommuneCredentialServesOnlyItsOwnCommune() throws {
        let night = try HubFixture("auth-commune")
        let credential = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        let out = run(night.session(), [hello("xa-dan-ly-1", commune: "tan-ninh"), try night.auth(credential)])
        #expect(code(out.last) == .forbidden)
    }

    /// The client side: no credential, or one of another hub, stops before anything is sent.
    @Test func aClientWithoutTheRightCredentialStopsWithOneClearError() throws {
        let night = try HubFixture("auth-client")
        let replica = try night.commune("dan-ly")
        try replica.assess(code: "17.1", status: "đạt", author: "Lan")
        try replica.store.setMetadata(MetadataKey.credential.rawValue, "")
        #expect(throws: SyncError.noCredential) { try night.syncInMemory(replica) }
        let foreign = Credential.issue(
            replica: replica.store.replicaID, role: .commune("dan-ly"), hub: "huyen-khac", district: nil)
        try install(foreign, in: replica.store)
        #expect(throws: SyncError.otherHub(credential: "huyen-khac", hub: "huyen-trieu-son")) {
            try night.syncInMemory(replica)
        }
        #expect(try night.store.operationCount() == 0)
    }
}

/// Who may write what, on every operation the hub accepts: each role trying each kind of write.
@Suite struct HubAuthorizationTests {
    /// A commune's own rows are applied; the department's verification, the province's verdict, the
    /// district's rows, another commune's rows and the criteria sets are quarantined and reported
    /// back, and never reach another replica.
    @Test func aCommuneWritesOnlyWhatItsRoleAllows() throws {
        let night = try HubFixture("authz-commune")
        let office = try night.commune("dan-ly")
        try office.assess(code: "17.1", status: "đạt", value: "96,5", note: "theo biên bản 12", author: "Lan")
        try office.appraisal(sector: "so xay dung", sent: "20/10/2018", inspected: nil, verdict: nil, author: "Lan")
        try office.dossier(part: "17", complete: true, author: "Lan")
        let allowed = try office.store.operationCount()
        // What a commune may not write: a department's verification, a sector's verdict and its document.
        try office.verify(criterion: "17", result: "đạt", department: "tai nguyen", author: "Lan")
        try office.appraisal(
            sector: "so xay dung", sent: nil, inspected: nil, verdict: "dat", document: "12/SXD", author: "Lan")
        let mine = try office.store.operationCount()
        let result = try night.syncInMemory(office)
        #expect(result.counts.sent.total == mine)
        let refusals = try office.store.refusals()
        #expect(result.refused == refusals.count)
        #expect(refusals.count == mine - allowed - 1)  // the appraisal's sector_name is the commune's own
        #expect(refusals.allSatisfy { $0.reason.hasPrefix("forbidden: no rule lets commune:dan-ly write") })
        let columns = Set(refusals.compactMap { $0.operation.map { "\($0.key.table).\($0.key.column)" } })
        #expect(
            columns == [
                "verification.department_name", "verification.result", "appraisal.verdict", "appraisal.document",
            ])
        // At the hub: quarantined with their sender, held (the sequence goes on), never applied.
        let quarantine = try night.store.quarantine()
        #expect(Set(quarantine.map(\.operation.dot)) == Set(refusals.map(\.dot)))
        #expect(quarantine.allSatisfy { $0.sender == "xa-dan-ly-1" })
        #expect(try night.store.operationCount() == mine - refusals.count)
        #expect(try night.store.summary().origins["xa-dan-ly-1"]?.count == UInt64(mine))
        let hubDump = try communeDump(night.store, "dan-ly")
        #expect(!hubDump.contains("12/SXD"))
        #expect(!hubDump.contains("\"verification\""))
        // A second laptop of the commune never receives them.
        let officer = try night.commune("dan-ly", replica: "xa-dan-ly-2")
        _ = try night.syncInMemory(officer)
        #expect(try officer.store.summary().origins["xa-dan-ly-1"]?.count == UInt64(mine - refusals.count))
        #expect(try communeDump(officer.store, "dan-ly") == communeDump(night.store, "dan-ly"))
        #expect(try communeDump(officer.store, "dan-ly").contains("\"verification\"") == false)
        // Syncing again pushes nothing, and the refusals stay known.
        let again = try night.syncInMemory(office)
        #expect(again.counts.sent.total == 0)
        #expect(again.refused == refusals.count)
    }

    @Test func aQuarantinedOperationPushedAgainIsRefusedAgainAndListedInWelcome() throws {
        let night = try HubFixture("authz-again")
        let credential = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        let start = [
            WireMessage.hello(
                .init(protocolVersion: 3, replica: "xa-dan-ly-1", commune: "dan-ly", schema: "ntm-2", epoch: nil)
            ).line, try night.auth(credential),
        ]
        let forbidden = opLine(
            origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/5/phong-giao-duc-va-dao-tao", column: "result",
            table: "verification")
        let push = #"{"type":"push","batch":1,"count":2}"#
        let own = opLine(origin: "xa-dan-ly-1", seq: 2, row: "dan-ly/qd1980-2016/5")
        let first = night.session()
        let out = (start + [push, forbidden, own]).flatMap { first.receive(Array($0.utf8)) }
        guard
            case .message(.pushed(_, let applied, _, let refused, _, _))? = try? WireLine(bytes: Array(out.last!.utf8))
        else {
            Issue.record("\(out)")
            return
        }
        #expect(applied == 1)
        #expect(refused.map(\.dot) == [Dot(origin: "xa-dan-ly-1", seq: 1)])
        // Sent again (a replica that crashed before recording the answer): refused again, nothing applied.
        let second = night.session()
        let welcome = start.flatMap { second.receive(Array($0.utf8)) }
        guard case .message(.welcome(let hello))? = try? WireLine(bytes: Array(welcome.last!.utf8)) else {
            Issue.record("\(welcome)")
            return
        }
        #expect(hello.refused.map(\.dot) == [Dot(origin: "xa-dan-ly-1", seq: 1)])
        let again = [push, forbidden, own].flatMap { second.receive(Array($0.utf8)) }
        #expect(
            again.last
                == WireMessage.pushed(batch: 1, applied: 0, duplicates: 1, refused: refused).line)
        #expect(try night.store.operationCount() == 1)
        // The same dot with other content is another history of the origin: a fork.
        let altered = opLine(
            origin: "xa-dan-ly-1", seq: 1, row: "dan-ly/qd1980-2016/5/phong-giao-duc-va-dao-tao", column: "result",
            value: .text("khong-dat"), table: "verification")
        let third = night.session()
        let forged = (start + [#"{"type":"push","batch":1,"count":1}"#, altered]).flatMap {
            third.receive(Array($0.utf8))
        }
        #expect(forged.last?.contains("\"code\":\"fork\"") == true)
    }

    /// A department writes its own verification in every commune, and nothing else; it receives the
    /// whole district.
    @Test func aDepartmentWritesOnlyItsOwnVerification() throws {
        let night = try HubFixture("authz-department")
        let danLy = try night.commune("dan-ly")
        try danLy.assess(code: "5", status: "đạt", author: "Lan")
        let tanNinh = try night.commune("tan-ninh")
        try tanNinh.assess(code: "5", status: "chưa đạt", author: "Minh")
        _ = try night.syncInMemory(danLy)
        _ = try night.syncInMemory(tanNinh)
        let education = try NTMDatabase.create(
            at: night.folder.file("phong-gd.sqlite"), replicaID: "phong-gd-trieu-son",
            home: .district(slug: "trieu-son", name: "Triệu Sơn"), author: "Phòng GD&ĐT")
        try install(
            try night.enrol("phong-gd-trieu-son", as: .department("Phòng Giáo dục và Đào tạo")), in: education.store)
        let first = try SyncClient(
            store: education.store, commune: "trieu-son",
            credential: Credential.installed(in: education.store, roles: .ntm)
        )
        .run(over: try night.transport())
        // The whole district came down: both communes.
        #expect(first.counts.received.total == (try night.store.operationCount()))
        try education.commune("dan-ly").verify(criterion: "5", result: "đạt", author: "Phòng GD&ĐT")
        try education.commune("tan-ninh").verify(criterion: "5", result: "không đạt", author: "Phòng GD&ĐT")
        // Not its own: another department's verification, a commune's assessment.
        try education.commune("dan-ly").verify(
            criterion: "17", result: "đạt", department: "tai nguyen", author: "Phòng GD&ĐT")
        try education.commune("dan-ly").assess(code: "5", status: "chưa đạt", author: "Phòng GD&ĐT")
        let second = try SyncClient(
            store: education.store, commune: "trieu-son",
            credential: Credential.installed(in: education.store, roles: .ntm)
        ).run(over: try night.transport())
        let own = try education.store.operations(origin: "phong-gd-trieu-son", after: 0, limit: 10_000)
        let itsVerification = own.filter {
            $0.key.table == "verification" && $0.key.row.hasSuffix("/5/phong-giao-duc-va-dao-tao")
        }
        #expect(itsVerification.count == 4)
        #expect(second.counts.sent.total + first.counts.sent.total == own.count)
        // Everything else it wrote was refused: the district's own rows its database made, the other
        // department's verification, the commune's assessment.
        let refused = try education.store.refusals()
        #expect(Set(refused.map(\.dot)) == Set(own.map(\.dot)).subtracting(itsVerification.map(\.dot)))
        #expect(
            Set(refused.compactMap { $0.operation.map(\.key.table) }).isSuperset(of: ["verification", "assessment"]))
        #expect(refused.allSatisfy { $0.reason.contains("department:Phòng Giáo dục và Đào tạo") })
        // Both communes receive the education department's verification.
        _ = try night.syncInMemory(tanNinh)
        #expect(try communeDump(tanNinh.store, "tan-ninh").contains("khong-dat"))
    }

    @Test func theDistrictOfficeWritesEverything() throws {
        let night = try HubFixture("authz-district")
        let office = try NTMDatabase.create(
            at: night.folder.file("vp.sqlite"), replicaID: "vp-trieu-son",
            home: .district(slug: "trieu-son", name: "Triệu Sơn"), author: "Văn phòng")
        try install(try night.enrol("vp-trieu-son", as: .district), in: office.store)
        let danLy = try night.commune("dan-ly")
        try danLy.assess(code: "5", status: "đạt", author: "Lan")
        _ = try night.syncInMemory(danLy)
        let credential = try Credential.installed(in: office.store, roles: .ntm)
        _ = try SyncClient(store: office.store, commune: "trieu-son", credential: credential).run(
            over: try night.transport())
        try office.commune("dan-ly").verify(criterion: "17", result: "đạt", department: "tai nguyen", author: "VP")
        try office.commune("dan-ly").appraisal(
            sector: "so xay dung", sent: nil, inspected: nil, verdict: "dat", document: "12/SXD", author: "VP")
        let result = try SyncClient(store: office.store, commune: "trieu-son", credential: credential).run(
            over: try night.transport())
        #expect(result.counts.sent.new == result.counts.sent.total)
        #expect(result.refused == 0)
        _ = try night.syncInMemory(danLy)
        #expect(try communeDump(danLy.store, "dan-ly").contains("12/SXD"))
    }
}
