import Foundation
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// What a welcome carries of the hub's enrolment log (PROTOCOL.md §14.6, issue 18): from the client's
/// last entry on when the hub holds it, so that a laptop syncing every night does not receive every
/// enrolment of the district each time; the whole log to a client that holds none, or an entry the hub
/// does not hold.
@Suite struct WelcomeEnrolmentsTests {
    /// The welcome a hub answers a hello announcing `head` as the client's last enrolment entry.
    func welcome(_ night: HubFixture, _ credential: Credential, head: ChainHead?) throws -> WireMessage.Welcome? {
        let session = night.session()
        let hello = WireMessage.hello(
            .init(
                protocolVersion: WireLimits.protocolVersion, replica: credential.replica, commune: "xa-0",
                schema: "ntm-2", epoch: nil, enrolments: head)
        ).line
        _ = session.receive(Array(hello.utf8))
        let out = session.receive(Array(try night.auth(credential).utf8))
        guard let line = out.first, case .message(.welcome(let welcome)) = try WireLine(bytes: Array(line.utf8))
        else { return nil }
        return welcome
    }

    @Test func aWelcomeCarriesTheEntriesFromTheClientsLastOneOn() throws {
        let night = try HubFixture("welcome-enrolments")
        let credential = try night.enrol("xa-0-1", as: .commune("xa-0"))
        for index in 1...5 { _ = try night.enrol("xa-\(index)-1", as: .commune("xa-\(index)")) }
        let log = try night.hub.store.enrolmentLog()
        #expect(log.count >= 6)
        let whole = try #require(try welcome(night, credential, head: nil))
        #expect(whole.enrolments.map(\.hash) == log.map(\.hash))
        // A client holding the log up to its third entry receives that entry and the ones after it.
        let third = log[2]
        let since = try #require(try welcome(night, credential, head: ChainHead(seq: third.seq, hash: third.hash)))
        #expect(since.enrolments.map(\.hash) == log.dropFirst(2).map(\.hash))
        // One holding the hub's last entry receives none; one holding an entry the hub lacks, all.
        let last = try #require(log.last)
        #expect(try welcome(night, credential, head: ChainHead(seq: last.seq, hash: last.hash))?.enrolments == [])
        let unknown = ChainHead(seq: third.seq, hash: [UInt8](repeating: 7, count: 32))
        #expect(try welcome(night, credential, head: unknown)?.enrolments.map(\.hash) == log.map(\.hash))
    }
}
