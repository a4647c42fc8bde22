import Foundation
import NIOSSL
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// The hub's TLS 1.3 transport, over real sockets on loopback: the credential pins the hub's key, a
/// server with another key gets not one line, what crosses the network shows no operation text, and
/// the deadlines still hold.
@Suite(.serialized) struct HubTLSTests {
    /// A commune replica's distinctive author: it is in every operation line the commune pushes.
    static let marker = "Cán bộ đo-mật-7f3a"

    @Test func theKeyIsMadeOnceAndItsPinIsTheCertificatesKeyAsTheClientSeesIt() throws {
        let folder = TemporaryDirectory("tls-identity")
        let store = try ReplicaStore.create(
            at: folder.file("hub.sqlite"), replicaID: "huyen-trieu-son", schema: NTMSchema.schema)
        #expect(try HubTLSIdentity.stored(in: store) == nil)
        let made = try HubTLSIdentity.ensure(in: store, name: "huyen-trieu-son")
        #expect(try HubTLSIdentity.ensure(in: store, name: "huyen-trieu-son").pin == made.pin)
        #expect(try store.metadata(.tlsKey) == made.keyPEM && made.keyPEM.contains("BEGIN PRIVATE KEY"))
        #expect(try store.metadata(.tlsCertificate) == made.certificatePEM)
        // The pin as the TLS library reads the certificate: SHA-256 of its SubjectPublicKeyInfo.
        let certificate = try NIOSSLCertificate(bytes: Array(made.certificatePEM.utf8), format: .pem)
        #expect(made.pin == HubTLSIdentity.pin(spki: try certificate.extractPublicKey().toSPKIBytes()))
        #expect(made.pin.count == 64 && made.pin == made.pin.lowercased())
        // Another hub, another key.
        #expect(try HubTLSIdentity.make(name: "huyen-trieu-son").pin != made.pin)
        // A certificate that is not for the key is refused.
        let other = try HubTLSIdentity.make(name: "x")
        #expect(throws: HubTLSError.self) {
            try HubTLSIdentity(keyPEM: made.keyPEM, certificatePEM: other.certificatePEM)
        }
    }

    @Test func theCredentialCarriesThePinAndAnOldOneWithoutItStillReads() throws {
        let pin = String(repeating: "ab", count: 32)
        let issued = Credential.issue(
            replica: "xa-dan-ly-1", role: .commune("dan-ly"), hub: "huyen-trieu-son", district: "trieu-son", tls: pin)
        #expect(issued.fileContents.contains(#""tls":"\#(pin)""#))
        let read = try Credential(fileContents: Array(issued.fileContents.utf8), roles: .ntm)
        #expect(read.tls == pin)
        let old = Credential.issue(
            replica: "xa-dan-ly-1", role: .commune("dan-ly"), hub: "huyen-trieu-son", district: "trieu-son")
        #expect(!old.fileContents.contains("tls"))
        #expect(try Credential(fileContents: Array(old.fileContents.utf8), roles: .ntm).tls == nil)
        for bad in [#""AB""#, #""abc""#, "1", #""\#(String(repeating: "AB", count: 32))""#] {
            let text = old.fileContents.replacingOccurrences(of: "}\n", with: #","tls":\#(bad)}"#)
            #expect(throws: CredentialError.notACredential(.invalid("tls"))) {
                try Credential(fileContents: Array(text.utf8), roles: .ntm)
            }
        }
    }

    /// A hub server over the fixture's database with `identity` as its TLS key, logging to `capture`.
    func impostor(_ night: HubFixture, _ identity: HubTLSIdentity, _ capture: LogCapture) throws -> (HubServer, Int) {
        let server = HubServer(hub: night.hub, logger: capture.logger)
        return (server, try server.start(host: "127.0.0.1", port: 0, tls: identity))
    }

    @Test func aServerWithAnotherKeyIsRefusedBeforeAnyLineIsSent() throws {
        let night = try HubFixture("tls-impostor", .served.overTLS)
        defer { night.server.stop() }
        let commune = try night.commune("dan-ly")
        try commune.assess(code: "17.1", status: "dat", author: Self.marker)
        // The same hub database served with another key: the client stops inside the handshake.
        let capture = LogCapture()
        let (server, port) = try impostor(night, try HubTLSIdentity.make(name: night.hub.name), capture)
        defer { server.stop() }
        #expect(throws: TransportError.wrongHubKey("127.0.0.1:\(port)")) { try night.sync(commune, at: port) }
        // The hub's session line: nothing read, no replica named.
        let sessions = capture.wait(for: "session")
        #expect(sessions.count == 1)
        #expect(sessions.first?.metadata["bytes_in"] == "0" && sessions.first?.metadata["replica"] == "?")
        #expect(try night.store.summary().origins[commune.store.replicaID] == nil)
        // The same server with the right key: the log shows the session that the wrong key never got.
        let rightCapture = LogCapture()
        let (right, rightPort) = try impostor(night, night.hub.tls!, rightCapture)
        defer { right.stop() }
        let result = try night.sync(commune, at: rightPort)
        #expect(result.counts.sent.new > 0)
        let served = rightCapture.wait(for: "session")
        #expect(served.first?.metadata["replica"] == commune.store.replicaID)
        #expect(Int(served.first?.metadata["bytes_in"] ?? "0") ?? 0 > 0)
    }

    @Test(arguments: [true, false])
    func aCaptureOfTheNetworkShowsNoOperationTextOverTLSAndShowsItInClear(tls: Bool) throws {
        let night = try HubFixture(tls ? "tls-capture" : "tls-capture-clear", tls ? .served.overTLS : .served)
        defer { night.server.stop() }
        let commune = try night.commune("dan-ly")
        try commune.assess(code: "17.1", status: "dat", author: Self.marker)
        let noteID = try commune.addNote("Bể lọc thôn 3 đã kiểm tra", author: Self.marker)
        let relay = try RecordingRelay(to: night.port)
        let result = try night.sync(commune, at: relay.port)
        #expect(result.counts.sent.new == (try commune.store.localOperationCount()))
        // The operations crossed (the hub holds them) …
        #expect(try communeDump(commune.store, "dan-ly") == communeDump(night.store, "dan-ly"))
        #expect(relay.bytes.count > 1000)
        // … and a listener on the path reads them only in clear.
        for text in [Self.marker, noteID, "Bể lọc thôn 3", "\"type\":\"hello\"", commune.store.replicaID] {
            #expect(relay.saw(text) == !tls, "\(text)")
        }
    }

    @Test func aListenerThatNeverFinishesTheHandshakeIsNamedAfterTheDeadline() throws {
        let listener = try LoopbackListener()
        let started = Date()
        #expect(throws: TransportError.noAnswer("127.0.0.1:\(listener.port)", 1)) {
            try LineTransport.connect(
                to: "127.0.0.1:\(listener.port)", pinning: String(repeating: "0", count: 64), timeout: 1)
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func aHubInClearReachedOverTLSAndATLSHubReachedInClearAreNamed() throws {
        let clear = try HubFixture("tls-mismatch-clear", .served)
        defer { clear.server.stop() }
        #expect(throws: TransportError.speaksClear("127.0.0.1:\(clear.port)")) {
            try LineTransport.connect(to: "127.0.0.1:\(clear.port)", pinning: String(repeating: "0", count: 64))
        }
        let secure = try HubFixture("tls-mismatch-tls", .served.overTLS)
        defer { secure.server.stop() }
        let commune = try secure.commune("dan-ly")
        let credential = try Credential.installed(in: commune.store, roles: .ntm)
        #expect(throws: SyncError.transport(.speaksTLS("127.0.0.1:\(secure.port)"))) {
            try SyncClient(store: commune.store, commune: "dan-ly", credential: credential).run(
                over: try LineTransport.connect(to: "127.0.0.1:\(secure.port)"))
        }
    }
}

/// PROTOCOL.md §11.11.1: a peer that has not authenticated is told one thing for a replica id that is
/// not enrolled, one that is revoked, and a signature with another key; the hub's log says which.
@Suite struct UnauthenticatedWordingTests {
    @Test func notEnrolledRevokedAndWrongKeyReadTheSameOnTheWireAndApartInTheLog() throws {
        let night = try HubFixture("auth-wording")
        let enrolled = try night.enrol("xa-dan-ly-1", as: .commune("dan-ly"))
        let revoked = try night.enrol("xa-dan-ly-2", as: .commune("dan-ly"))
        _ = try night.store.revoke("xa-dan-ly-2")
        let stranger = Credential.issue(
            replica: "xa-dan-ly-1", role: .commune("dan-ly"), hub: night.hub.name, district: "trieu-son")
        let unknown = Credential.issue(
            replica: "xa-dan-ly-3", role: .commune("dan-ly"), hub: night.hub.name, district: "trieu-son")
        var answers: [String] = []
        var details: [String] = []
        for credential in [unknown, revoked, stranger] {
            let session = night.session()
            _ = session.receive(Array(HostileLines.hello(credential.replica).utf8))
            let out = session.receive(Array(try night.auth(credential).utf8))
            #expect(out.count == 1 && HostileLines.errorCode(out[0].utf8) == .unauthenticated)
            answers += out
            details.append(session.stats.detail ?? "")
        }
        #expect(Set(answers).count == 1, "\(answers)")
        #expect(answers.first?.contains(HubSession.credentialNotAccepted) == true)
        #expect(
            details[0].contains("not enrolled") && details[1].contains("revoked") && details[2].contains("signature"))
        // The enrolled key still gets in.
        let session = night.session()
        _ = session.receive(Array(HostileLines.hello(enrolled.replica).utf8))
        #expect(HostileLines.messageType(session.receive(Array(try night.auth(enrolled).utf8)).first) == "welcome")
    }
}
