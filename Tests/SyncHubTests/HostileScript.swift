import Foundation
import SyncCore
import SyncHub
import SyncWire
import TestSupport

/// One hostile connection to a live hub: what it sends, and what the hub must answer. A connection
/// that lands after authentication says hello, reads the challenge, answers it with the key enrolled
/// for it, then sends the rest at once; the others send everything at once. The hub must answer a
/// challenge first when it starts with a valid hello, then a welcome when the challenge was answered
/// right, then one error object with the code the first hostile line calls for, then close the
/// connection, and never send a welcome, a summary or an operation to a connection that did not
/// answer its challenge.
struct HostileScript {
    /// Where the first hostile line lands: before hello, in place of the answer to the challenge,
    /// after a welcome, inside a push batch.
    enum Landing: CaseIterable { case beforeHello, afterChallenge, afterAuth, insidePush }

    var name: String
    /// Sent as soon as the connection is open.
    var opening: [UInt8]
    /// The key that answers the challenge, when the script lands after authentication.
    var credential: Credential?
    /// Sent after the answer to the challenge.
    var rest: [UInt8] = []
    var landing: Landing
    var expected: WireError.Code

    /// `count` scripts from the example lines, by a seeded generator; the replicas of `credentials`
    /// are enrolled at the hub, `signatures` answer none of its challenges.
    static func make(
        count: Int, seeds: [[UInt8]], seed: UInt64, credentials: [Credential], signatures: [[UInt8]]
    ) -> [HostileScript] {
        var lines = HostileLines(seeds: seeds, seed: seed, signatures: signatures)
        var random = SeededRandom(seed: seed ^ 0xFFFF)
        var scripts: [HostileScript] = []
        func bytes(_ text: [String]) -> [UInt8] { Array((text.map { $0 + "\n" }).joined().utf8) }
        while scripts.count < count {
            let landing = Landing.allCases.randomElement(using: &random)!
            // The first hostile line is one the hub must refuse where it lands (not a line it would serve,
            // such as a valid pull after welcome), and one line on the wire.
            var first = lines.next()
            var expected = code(first.bytes, landing)
            while expected == nil || first.bytes.contains(0x0A) {
                first = lines.next()
                expected = code(first.bytes, landing)
            }
            var hostile = first.bytes + [0x0A]
            // More hostile lines after it, sent at once, which the hub reads or not and drops either way.
            // (Not over 1 MiB: the hub would end the session at such a line as soon as it arrived, before
            // handling the lines ahead of it.)
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let line = lines.next().bytes
                if line.count <= longestContent { hostile += line + [0x0A] }
            }
            let credential = credentials[scripts.count % credentials.count]
            let name = "connection \(scripts.count) (\(landing), \(first.mutation))"
            var script = HostileScript(
                name: name, opening: hostile, landing: landing, expected: expected!)
            switch landing {
            case .beforeHello: break
            case .afterChallenge:
                // An enrolled replica mostly, one never enrolled sometimes: either way no answer is right.
                let replica = random.chance(0.8) ? credential.replica : "xa-dan-ly-\(credentials.count + 2)"
                script.opening = bytes([HostileLines.hello(replica)]) + hostile
            case .afterAuth, .insidePush:
                script.opening = bytes([HostileLines.hello(credential.replica)])
                script.credential = credential
                script.rest = hostile
                if landing == .insidePush {
                    // A valid operation first: the batch it opens must be dropped whole.
                    script.rest =
                        bytes([
                            #"{"type":"push","batch":1,"count":2}"#,
                            opLine(origin: credential.replica, seq: 1, row: "dan-ly/qd1980-2016/5"),
                        ]) + hostile
                }
            }
            scripts.append(script)
        }
        return scripts
    }

    /// The code the hub answers `line` with where it lands; nil for a line it would serve or that ends a
    /// session without an answer (a hello before hello, a push or pull after welcome, an operation inside
    /// a batch, an error object).
    static func code(_ line: [UInt8], _ landing: Landing) -> WireError.Code? {
        switch (HubSession.parse(line), landing) {
        case (.failure(let error), _): return error.code
        case (.success(.message(.error)), _): return nil
        case (.success(.message(.hello)), .beforeHello): return nil
        case (.success(.message(.auth)), .afterChallenge): return .unauthenticated
        case (.success(.message(.push)), .afterAuth), (.success(.message(.pull)), .afterAuth): return nil
        case (.success(.operation), .insidePush): return nil
        case (.success(.partialOperation(let object)), .insidePush):
            // Only `prev` left out, after a line that is not its predecessor: an operation without `prev`
            // (PROTOCOL.md §11.2), which the hub reads and then judges; any other member left out
            // without `defaults` is a bad operation.
            let onlyPrev = ["origin", "author", "wall_ms"].allSatisfy { object[$0] != nil }
            return onlyPrev ? nil : .badOperation
        default: return .outOfOrder
        }
    }

    /// What is wrong with the hub's answer, if anything.
    func problem(lines: [[UInt8]], end: RawConnection.End) -> String? {
        let shown = lines.map { String(decoding: $0.prefix(300), as: UTF8.self) }
        guard lines.allSatisfy({ $0.count <= longestContent }) else {
            return "\(name): a line over the limit: \(lines.map(\.count)) bytes, \(shown)"
        }
        var answers = lines[...]
        if landing != .beforeHello {
            guard let challenge = answers.popFirst(),
                case .message(.challenge(let hub, let nonce))? = try? WireLine(bytes: challenge),
                hub == "huyen-trieu-son", nonce.count == 32
            else {
                return "\(name): no challenge first: \(shown)"
            }
        }
        if landing == .afterAuth || landing == .insidePush {
            guard let welcome = answers.popFirst(),
                case .message(.welcome(let welcome))? = try? WireLine(bytes: welcome),
                welcome.role == "commune:dan-ly"
            else {
                return "\(name): no welcome after the answer to the challenge: \(shown)"
            }
        }
        // Then one error object: before a good answer to the challenge, nothing else ever.
        guard answers.count == 1, let code = HostileLines.errorCode(answers.first!) else {
            return "\(name): expected one error object, got \(shown), \(end)"
        }
        guard code == expected else { return "\(name): expected \(expected), got \(shown)" }
        guard end == .closed || end == .reset else { return "\(name): the hub did not close the session: \(end)" }
        return nil
    }
}
