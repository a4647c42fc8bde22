import Foundation
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// Compressed sessions (`protocol/PROTOCOL.md` §11.13): offered in hello, chosen in welcome, one
/// raw-deflate stream each way from the line after it, over TCP in clear, over TLS and over stdio; old
/// clients keep plain lines; a broken or bombing stream ends in an error line.
@Suite(.serialized) struct CompressedSessionTests {
    /// A commune replica's distinctive note: it is in every operation line the commune pushes.
    static let marker = "Biên bản nén-9c2e"

    /// Syncs `replica` with the fixture's server at `port` (its own unless given), offering compression
    /// when `compress`.
    func sync(_ night: HubFixture, _ replica: CommuneReplica, at port: Int? = nil, compress: Bool) throws
        -> SyncResult
    {
        let credential = try Credential.installed(in: replica.store, roles: .ntm)
        let address = "127.0.0.1:\(port ?? night.port)"
        let transport =
            try night.hub.tls == nil
            ? LineTransport.connect(to: address) : LineTransport.connect(to: address, pinning: credential?.tls ?? "")
        var client = SyncClient(store: replica.store, commune: replica.commune, credential: credential)
        client.compresses = compress
        return try client.run(over: transport)
    }

    @Test(arguments: [false, true])
    func aCompressedSessionSyncsOverTCP(tls: Bool) throws {
        let night = try HubFixture("compressed-\(tls)", tls ? .served.overTLS : .served)
        defer { night.server.stop() }
        let one = try night.commune("dan-ly")
        for code in ["17.1", "15.1", "18.2", "19.1"] {
            _ = try one.assess(code: code, status: "dat", note: Self.marker, author: "Lê Thị Hoa")
        }
        // In clear a relay shows what crosses the network: the hello's offer, then no line in clear.
        let relay = tls ? nil : try RecordingRelay(to: night.port)
        let written = try one.store.summary().origins[one.store.replicaID]
        let pushed = try sync(night, one, at: relay?.port, compress: true)
        #expect(pushed.counts.sent.total >= 4)
        if let relay {
            #expect(relay.saw(#""compress":["deflate"]"#) && relay.saw(#""compress":"deflate""#))
            #expect(!relay.saw(Self.marker) && !relay.saw(#""type":"pull""#))
        }
        // Another laptop of the commune receives it compressed, a third in plain lines: the same operations,
        // fewer bytes compressed.
        let two = try night.commune("dan-ly", replica: "xa-dan-ly-2")
        let three = try night.commune("dan-ly", replica: "xa-dan-ly-3")
        let compressed = try sync(night, two, compress: true)
        let plain = try sync(night, three, compress: false)
        #expect(compressed.counts.received.total >= pushed.counts.sent.total)
        #expect(compressed.counts.bytes < plain.counts.bytes)
        #expect(try two.store.summary().origins[one.store.replicaID] == written)
        #expect(try three.store.summary().origins[one.store.replicaID] == written)
    }

    /// The client's side of a handshake on `transport`, offering `offer`; returns the welcome.
    func handshake(_ transport: LineTransport, _ replica: CommuneReplica, offer: [String]) throws -> WireMessage.Welcome
    {
        let credential = try #require(try Credential.installed(in: replica.store, roles: .ntm))
        try transport.send([
            WireMessage.hello(
                .init(
                    protocolVersion: WireLimits.protocolVersion, replica: replica.store.replicaID,
                    commune: replica.commune, schema: replica.store.schema.tag, epoch: nil, compress: offer)
            ).line
        ])
        guard case .message(.challenge(let hub, let nonce)) = try line(transport)
        else { throw TransportError.closed("no challenge") }
        try transport.send([WireMessage.auth(signature: try credential.sign(nonce: nonce, hub: hub)).line])
        guard case .message(.welcome(let welcome)) = try line(transport) else {
            throw TransportError.closed("no welcome")
        }
        return welcome
    }

    /// The next line the hub sends.
    func line(_ transport: LineTransport) throws -> WireLine {
        guard let bytes = try transport.receive() else { throw TransportError.closed("the hub closed the stream") }
        return try WireLine(bytes: bytes)
    }

    /// The next line the hub sends, as an error code (nil when it is not an error).
    func errorCode(_ transport: LineTransport) throws -> WireError.Code? {
        guard let line = try transport.receive() else { return nil }
        if case .message(.error(let error)) = try WireLine(bytes: line) { return error.code }
        return nil
    }

    /// The three ways to reach a hub: TCP in clear, TLS, and stdio (a hub session on its own thread over
    /// pipes).
    enum Way: CaseIterable, Sendable { case clear, tls, stdio }

    func connect(_ way: Way, _ night: HubFixture, _ replica: CommuneReplica) throws -> LineTransport {
        switch way {
        case .clear: return try LineTransport.connect(to: "127.0.0.1:\(night.port)")
        case .tls:
            let pin = try #require(try Credential.installed(in: replica.store, roles: .ntm)?.tls)
            return try LineTransport.connect(to: "127.0.0.1:\(night.port)", pinning: pin)
        case .stdio: return try night.transport()
        }
    }

    @Test(arguments: Way.allCases)
    func aBrokenOrBombingStreamEndsInAnErrorLine(way: Way) throws {
        let night = try HubFixture("compressed-bad-\(way)", way == .tls ? .served.overTLS : .served)
        defer { night.server.stop() }
        let one = try night.commune("dan-ly")
        // Bytes that are not deflate.
        let broken = try connect(way, night, one)
        defer { broken.close() }
        #expect(try handshake(broken, one, offer: [WireLimits.deflate]).compress == WireLimits.deflate)
        try broken.startCompression()
        try broken.send(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x12, 0x34])
        #expect(try errorCode(broken) == .badMessage)
        // A line of 16 MiB that deflates to some 16 KiB: refused once it passes the line limit, not held.
        let bomb = try connect(way, night, one)
        defer { bomb.close() }
        _ = try handshake(bomb, one, offer: [WireLimits.deflate])
        try bomb.startCompression()
        try? bomb.send([String(repeating: "a", count: 16 << 20)])
        #expect(try errorCode(bomb) == .lineTooLong)
        // The hub still serves a good compressed session.
        let good = try connect(way, night, one)
        defer { good.close() }
        _ = try handshake(good, one, offer: [WireLimits.deflate])
        try good.startCompression()
        try good.send([WireMessage.pull(cursor: HubCursor(position: 0, dot: nil), limit: 10).line])
        guard case .message(let answer) = try line(good) else {
            Issue.record("the hub answers the pull with a message")
            return
        }
        #expect(answer.typeName == "batch" || answer.typeName == "done")
    }

    @Test func anOldClientAndAHubThatDeclinesKeepPlainLines() throws {
        var night = try HubFixture("compressed-old")
        let one = try night.commune("dan-ly")
        _ = try one.assess(code: "17.1", status: "dat", note: Self.marker, author: "Lê Thị Hoa")
        // No offer: no choice, and the lines after the welcome are plain.
        let old = try night.transport()
        defer { old.close() }
        #expect(try handshake(old, one, offer: []).compress == nil)
        try old.send([WireMessage.pull(cursor: HubCursor(position: 0, dot: nil), limit: 10).line])
        #expect(try line(old).isMessage)
        // A hub that does not compress answers an offer without choosing.
        var identity = night.hub
        identity.compresses = false
        night.replaceHub(identity)
        let declined = try night.transport()
        defer { declined.close() }
        #expect(try handshake(declined, one, offer: [WireLimits.deflate, "zstd"]).compress == nil)
        // And a whole sync offering it to such a hub works in plain lines.
        var client = SyncClient(
            store: one.store, commune: one.commune, credential: try Credential.installed(in: one.store, roles: .ntm))
        client.compresses = true
        let result = try client.run(over: try night.transport())
        #expect(result.counts.sent.total >= 1)
        #expect(
            try night.store.summary().origins[one.store.replicaID] == one.store.summary().origins[one.store.replicaID])
    }
}
