import Foundation
import NIOCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// A peer that trickles bytes (never a whole line) without authenticating is never idle; the
/// handshake deadline still closes it, so it cannot hold a session place for long.
@Suite struct HubHandshakeDeadlineTests {
    @Test func aPeerTricklingBytesWithoutAuthenticatingIsClosedAtTheDeadline() throws {
        let hub = try HubFixture(
            "handshake-deadline", .guarded.serving(idleTimeout: .seconds(30), handshakeTimeout: .seconds(1)))
        defer { hub.server.stop() }
        _ = try hub.enrol("xa-dan-ly-2", as: .commune("dan-ly"))
        let connection = try RawConnection(port: hub.port, timeoutSeconds: 10)
        defer { connection.close() }
        connection.send(Array((HostileLines.hello("xa-dan-ly-2") + "\n").utf8))
        let challenge = connection.nextLine().map { String(decoding: $0, as: UTF8.self) }
        #expect(challenge?.hasPrefix(#"{"type":"challenge""#) == true)
        let started = Date()
        let stop = Flag()
        // Only this thread writes to the connection while the test thread reads from it.
        nonisolated(unsafe) let writer = connection
        let trickle = Thread {
            while !stop.isSet, writer.send([0x20]) { usleep(200_000) }
        }
        trickle.start()
        let (lines, end) = connection.readToEnd()
        stop.set()
        let elapsed = Date().timeIntervalSince(started)
        #expect(lines.count == 1 && HostileLines.errorCode(lines[0]) == .unavailable, "\(lines)")
        #expect(end == .closed || end == .reset)
        #expect(elapsed < 6, "closed after \(elapsed) s")
        // A session that authenticated in time is not bound by it: it may pause past the deadline.
        let credential = try hub.enrol("xa-dan-ly-3", as: .commune("dan-ly"))
        let good = try RawConnection(port: hub.port, timeoutSeconds: 10)
        defer { good.close() }
        good.send(Array((HostileLines.hello("xa-dan-ly-3") + "\n").utf8))
        guard let line = good.nextLine(),
            case .message(.challenge(let name, let nonce))? = try? WireLine(bytes: line)
        else {
            Issue.record("no challenge")
            return
        }
        let auth = WireMessage.auth(signature: try credential.sign(nonce: nonce, hub: name)).line
        good.send(Array((auth + "\n").utf8))
        #expect(good.nextLine().map { String(decoding: $0, as: UTF8.self).hasPrefix(#"{"type":"welcome""#) } == true)
        Thread.sleep(forTimeInterval: 1.5)
        good.send(Array((#"{"type":"pull","cursor":{"pos":0},"limit":5}"# + "\n").utf8))
        #expect(good.nextLine().map { String(decoding: $0, as: UTF8.self).hasPrefix(#"{"type":"batch""#) } == true)
    }
}
