import Crypto
import Foundation
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// Who may show a lower hub's log in a session (PROTOCOL.md §15.2): only a lower hub's role, under its
/// own name; anyone else's `lower_hub` is ignored, and an `enrolments` line nobody asked for is out of
/// order.
@Suite struct LowerHubSessionTests {
    func run(_ session: HubSession, _ lines: [String]) -> [String] {
        lines.flatMap { session.receive(Array($0.utf8)) }
    }

    func hello(_ replica: String, unit: String, lower: LowerHubInfo?) -> String {
        WireMessage.hello(
            .init(
                protocolVersion: WireLimits.protocolVersion, replica: replica, commune: unit, schema: "ntm-2",
                epoch: nil, lowerHub: lower)
        ).line
    }

    func message(_ line: String?) -> WireMessage? {
        guard let line, case .message(let message) = try? WireLine(bytes: Array(line.utf8)) else { return nil }
        return message
    }

    /// A log the hub would take if it came from a lower hub: one entry enrolling a commune, signed.
    func log(name: String) throws -> (info: LowerHubInfo, records: [EnrolmentRecord]) {
        let seed = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
        let record = try EnrolmentRecord.sign(
            after: nil, hub: name, kind: .enrol, replica: "xa-gia-1", role: "commune:tan-ninh",
            publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation), serial: 1, issuedMs: 1,
            hubSeed: seed)
        let info = LowerHubInfo(
            name: name, key: try Checkpoint.publicKey(seed: seed), head: ChainHead(seq: record.seq, hash: record.hash),
            units: ["tan-ninh"])
        return (info, [record])
    }

    @Test func aCommuneCannotPoseAsALowerHub() throws {
        let night = try HubFixture("lower-hub-commune")
        let credential = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        let (info, records) = try log(name: "xa-dan-ly-1")
        let session = night.session()
        _ = run(session, [hello("xa-dan-ly-1", unit: "dan-ly", lower: info)])
        let out = run(session, [try night.auth(credential)])
        guard case .welcome(let welcome)? = message(out.first) else {
            Issue.record("no welcome: \(out)")
            return
        }
        #expect(!welcome.enrolmentsWanted)
        let answer = run(session, [WireMessage.enrolments(records).line])
        guard case .error(let error)? = message(answer.first) else {
            Issue.record("no error: \(answer)")
            return
        }
        #expect(error.code == .outOfOrder)
        #expect(try night.hub.store.enrolment(of: "xa-gia-1") == nil)
        #expect(try night.hub.store.unitParents().isEmpty)
    }

    @Test func aLowerHubShowsItsLogUnderItsOwnNameOnly() throws {
        let night = try HubFixture("lower-hub-name")
        let credential = try night.enrol("huyen-a", as: .district("tho-xuan"))
        // Another district's name: refused.
        let (foreign, _) = try log(name: "huyen-b")
        let session = night.session()
        _ = run(session, [hello("huyen-a", unit: "tho-xuan", lower: foreign)])
        let refused = run(session, [try night.auth(credential)])
        guard case .error(let error)? = message(refused.first) else {
            Issue.record("no error: \(refused)")
            return
        }
        #expect(error.code == .forbidden && error.message.contains("huyen-b"), "\(error)")
        // Its own name: asked for its log, takes it, places the commune under it.
        let (own, records) = try log(name: "huyen-a")
        let second = night.session()
        _ = run(second, [hello("huyen-a", unit: "tho-xuan", lower: own)])
        guard case .welcome(let welcome)? = message(run(second, [try night.auth(credential)]).first) else {
            Issue.record("no welcome")
            return
        }
        #expect(welcome.enrolmentsWanted && welcome.enrolments.isEmpty)
        let taken = run(second, [WireMessage.enrolments(records).line])
        guard case .enrolmentsTaken(let count, let digest)? = message(taken.first) else {
            Issue.record("no enrolments-taken: \(taken)")
            return
        }
        // One enrolment; the commune was placed under it at hello already (its `units`), so the scope the
        // welcome described holds it and the digest is the same.
        #expect(count == 1 && digest != nil && digest == welcome.scopeDigest)
        #expect(try night.hub.store.enrolment(of: "xa-gia-1")?.role == .commune("tan-ninh"))
        #expect(try night.hub.store.unitParents()["tan-ninh"] == "tho-xuan")
        #expect(try night.hub.store.delegatedUnit(of: "xa-gia-1") == "tho-xuan")
        // Another key under the same name later: refused.
        let (rekeyed, _) = try log(name: "huyen-a")
        let third = night.session()
        _ = run(third, [hello("huyen-a", unit: "tho-xuan", lower: rekeyed)])
        guard case .error(let again)? = message(run(third, [try night.auth(credential)]).first) else {
            Issue.record("no error for another key")
            return
        }
        #expect(again.code == .forbidden)
    }
}
