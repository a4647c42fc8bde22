import Foundation
import NTM
import SyncHub
import TestSupport
import Testing

/// The hub hashes a pushed operation once (issue 18): a line whose `prev` was left out is completed
/// with the hash of the line before it, and that link is not hashed again by the ingest's chain check.
/// Over TCP the lines are completed on the event loop, before the session sees them; the session must
/// still know which links held as they were read.
@Suite(.serialized) struct ChainHashingTests {
    static let codes = ["1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "4.1", "4.2"]

    @Test func aBatchPushedOverTCPHasOnlyItsFirstLinkHashedByTheHub() throws {
        let night = try HubFixture("links-hashed-tcp")
        let commune = try night.commune("dan-ly")
        for code in Self.codes { _ = try commune.assess(code: code, status: "dat", author: "Lan") }
        let capture = LogCapture()
        let server = HubServer(hub: night.hub, logger: capture.logger)
        let port = try server.start(host: "127.0.0.1", port: 0, tls: nil)
        defer { server.stop() }
        let first = try night.sync(commune, at: port)
        let written = try commune.store.localOperationCount()
        #expect(first.counts.sent.new == written)
        // The replica's first operation names no previous one; every other link held as it was read.
        let sessions = capture.wait(for: "session")
        #expect(sessions.first?.metadata["links_hashed"] == "0", "\(sessions.map(\.metadata))")
        // The next night's batch begins after what the hub holds: that one link is looked up and hashed.
        for code in Self.codes { _ = try commune.assess(code: code, status: "chua-dat", author: "Lan") }
        let second = try night.sync(commune, at: port)
        #expect(second.counts.sent.new == (try commune.store.localOperationCount()) - written)
        let both = capture.wait(for: "session", count: 2)
        #expect(both.count == 2 && both.last?.metadata["links_hashed"] == "1", "\(both.map(\.metadata))")
    }
}
