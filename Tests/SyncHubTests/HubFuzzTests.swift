import Foundation
import Logging
import NIOCore
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// The longest line content the limit allows: 1 MiB less the `\n`.
private let longestContent = LineLimit.maximumBytes - 1

/// Hostile input: the protocol's example lines mutated by a seeded generator (flipped bytes, cuts,
/// duplicates, splices, NUL bytes, invalid UTF-8, lines over 1 MiB, 100,000 levels of nesting, numbers
/// past every range, members of the wrong type, random bytes, forged challenges and answers to them)
/// are read by the hub's decoder and its session state machine as error values, never a trap; an
/// answer to the challenge that is not the enrolled key's signature of this session's nonce is one
/// `unauthenticated` error, and nothing but a challenge or an error is ever sent before a good one; a
/// live hub answers such lines over many connections with one error object each, changes nothing, and
/// still serves a good client meanwhile; and idle connections beyond the session cap are refused or
/// timed out, not piled up, whether they said hello or nothing.
@Suite(.serialized) struct HubFuzzTests {
    /// The number of the generator behind each test, so that a failure reproduces.
    static let decoderSeed: UInt64 = 0x4E54_4D00_0001
    static let liveSeed: UInt64 = 0x4E54_4D00_0002
    /// The challenge of the sessions that wait for an answer in the decoder test (not ``Night/nonce``,
    /// which the authenticated sessions answer, so that their answers are replays there).
    static let waitingNonce = [UInt8](repeating: 0xA5, count: 32)
    /// The replica the waiting sessions said hello for.
    static let waitingReplica = "xa-dan-ly-2"

    @Test func twelveThousandHostileLinesAreErrorValuesNeverATrap() throws {
        let night = try Night("fuzz-decoder")
        _ = try night.hubStore.importBundle(from: Examples.path("concurrent-edit.bundle.ndjson"))
        // The replicas the scripted sessions speak for, enrolled at the hub under test.
        var credentials: [String: Credential] = [:]
        for number in 2...8 {
            credentials["xa-dan-ly-\(number)"] = try night.enrol("xa-dan-ly-\(number)", as: .commune("dan-ly"))
        }
        let hubID = night.hubStore.replicaID
        let before = try night.hubStore.operationCount()
        let quarantinedBefore = try night.hubStore.quarantine().count
        // Answers that never answer the waiting sessions' challenge: right keys for another challenge or
        // another hub, another replica's key, a key never enrolled; and the right answer, only ever sent
        // with a bit flipped.
        let signatures = try HostileLines.foreignSignatures(
            of: credentials.keys.sorted().map { credentials[$0]! }, answering: Self.waitingNonce, hub: hubID,
            replica: Self.waitingReplica)
        let right = try credentials[Self.waitingReplica]!.sign(nonce: Self.waitingNonce, hub: hubID)
        #expect(!signatures.contains(right))
        var lines = HostileLines(
            seeds: try Examples.lines(), seed: Self.decoderSeed, signatures: signatures, nearMisses: [right])
        var problems: [String] = []
        var refused: [WireError.Code: Int] = [:]
        var mutations: [HostileLines.Mutation: Int] = [:]
        var readable = 0
        var applied = 0
        var refusedDots: Set<Dot> = []
        var challenged = 0
        var answersRefused = 0
        // A session that authenticated (and, every other time, opened a push batch: of three operations,
        // or of one with defaults naming its own origin, so that a seed's operation may be committed)
        // takes every third line until one ends it; then the next one starts.
        var opened = 0
        var session = night.session()
        func reopen() throws {
            session = night.session()
            opened += 1
            let replica = "xa-dan-ly-\(opened % 7 + 2)"
            _ = session.receive(Array(HostileLines.hello(replica).utf8))
            let welcome = session.receive(Array(try night.auth(credentials[replica]!).utf8))
            guard HostileLines.messageType(welcome.first) == "welcome" else {
                problems.append("session \(opened) was not welcomed: \(welcome)")
                return
            }
            if opened % 4 == 2 {
                _ = session.receive(Array(#"{"type":"push","batch":1,"count":3}"#.utf8))
            } else if opened % 4 == 0 {
                let push =
                    #"{"type":"push","batch":1,"count":1,"defaults":{"origin":"\#(replica)","author":"Lê Văn Hùng","#
                    + #""wall_ms":1541300000000}}"#
                _ = session.receive(Array(push.utf8))
            }
        }
        // A session that said hello and waits for the answer to its challenge takes every third line
        // (the next after the authenticated session's); any line ends it, and the next one starts.
        var waiting = HubSession(hub: night.hub, nonce: { Self.waitingNonce })
        func rewait() {
            waiting = HubSession(hub: night.hub, nonce: { Self.waitingNonce })
            let challenge = waiting.receive(Array(HostileLines.hello(Self.waitingReplica).utf8))
            if challenge != [WireMessage.challenge(hub: hubID, nonce: Self.waitingNonce).line] {
                problems.append("no challenge after hello: \(challenge)")
            }
        }
        try reopen()
        rewait()
        for index in 0..<12_000 {
            let hostile = lines.next()
            let line = hostile.bytes
            func problem(_ what: String) {
                problems.append("line \(index) (\(hostile.mutation), seed \(Self.decoderSeed)): \(what.prefix(300))")
            }
            mutations[hostile.mutation, default: 0] += 1
            let read = HubSession.parse(line)
            switch read {
            case .success: readable += 1
            case .failure(let error):
                refused[error.code, default: 0] += 1
                if !HostileLines.decoderCodes.contains(error.code) { problem("refused as \(error)") }
            }
            // What every reader must say of such a line, whatever the mutation.
            for code in [HostileLines.requiredCode(line), hostile.expected] where code != nil && read.code != code {
                problem("expected \(code!), read \(read)")
            }
            // A session waiting for hello answers a failed read with exactly the decoder's error, and
            // anything else with at most one well-formed line: an error object, or a challenge (never a
            // welcome: nobody has answered a challenge yet).
            let fresh = HubSession(hub: night.hub).receive(line)
            if case .failure(let error) = read, fresh != [WireMessage.error(error).line] {
                problem("answered \(fresh)")
            }
            if fresh.count > 1 { problem("answered \(fresh.count) lines to one: \(fresh)") }
            for answer in fresh {
                if !HostileLines.isWellFormedAnswer(answer) { problem("answered \(answer)") }
                switch HostileLines.messageType(answer) {
                case "challenge": challenged += 1
                case "error": break
                default: problem("answered \(answer) before any challenge was answered")
                }
            }
            if index % 3 == 1 {
                // A session waiting for the answer to its challenge: a failed read is answered with the
                // decoder's error, any answer (none of which is right) with exactly one `unauthenticated`,
                // any other line with `out-of-order`; the session ends, and nothing but that error is sent.
                let answers = waiting.receive(line)
                switch read {
                case .failure(let error):
                    if answers != [WireMessage.error(error).line] { problem("answered \(answers) to a challenge") }
                case .success(.message(.auth)):
                    answersRefused += 1
                    if answers.count != 1 || HostileLines.errorCode(answers[0].utf8) != .unauthenticated {
                        problem("answered \(answers) to a wrong answer to a challenge")
                    }
                case .success(.message(.error)):
                    if !answers.isEmpty { problem("answered \(answers) to an error after a challenge") }
                default:
                    if answers.count != 1 || HostileLines.errorCode(answers[0].utf8) != .outOfOrder {
                        problem("answered \(answers) to a challenge")
                    }
                }
                for answer in answers where HostileLines.errorCode(answer.utf8) == nil {
                    problem("sent \(answer) to an unauthenticated session")
                }
                if !waiting.isClosed { problem("a session went on after a wrong answer to its challenge") }
                rewait()
            }
            // The same inside an authenticated session under way.
            guard index % 3 == 0 else { continue }
            let answers = session.receive(line)
            if case .failure(let error) = read, answers != [WireMessage.error(error).line] {
                problem("answered \(answers) in a session")
            }
            for answer in answers {
                if !HostileLines.isWellFormedAnswer(answer) { problem("answered \(answer) in a session") }
                if case .message(.pushed(_, let count, _, let refusals))? = try? WireLine(bytes: Array(answer.utf8)) {
                    applied += count
                    refusedDots.formUnion(refusals.map(\.dot))
                }
            }
            if session.isClosed { try reopen() }
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(20))")
        // The hub's database changed only by batches it acknowledged: applied, or held as refused.
        #expect(try night.hubStore.operationCount() == before + applied)
        #expect(try night.hubStore.quarantine().count == quarantinedBefore + refusedDots.count)
        // The generator reached every refusal the decoder knows, and past the decoder into the session:
        // hellos challenged, answers to challenges refused.
        for code in HostileLines.decoderCodes { #expect(refused[code, default: 0] > 0, "no \(code) line") }
        for mutation in HostileLines.Mutation.allCases { #expect(mutations[mutation, default: 0] > 0) }
        #expect(readable > 100)
        #expect(challenged > 20, "\(challenged) hostile hellos challenged")
        #expect(answersRefused > 100, "\(answersRefused) wrong answers to a challenge")
        #expect(applied > 0, "no hostile batch reached a commit")
    }

    @Test func aLiveHubAnswersOnlyErrorObjectsToHostileConnectionsAndChangesNothingWhileAGoodClientSyncs() throws {
        let hub = try GuardedHub("fuzz-live")
        defer { hub.server.stop() }
        let good = try hub.commune("tan-ninh")
        // The replicas the hostile connections speak for (xa-dan-ly-52 … are not enrolled).
        let credentials = try (2...51).map { try hub.enrol("xa-dan-ly-\($0)", as: .commune("dan-ly")) }
        let outsideGood: (String, String) -> Bool = { _, row in RowScope.owner(of: row) != "tan-ninh" }
        let dumpBefore = try hub.store.dump(rowFilter: outsideGood)
        let holdsBefore = try hub.store.summary()
        let countBefore = try hub.store.operationCount()
        // The live hub's nonces are random: every answer made ahead answers some other challenge.
        let signatures = try HostileLines.foreignSignatures(
            of: Array(credentials.prefix(5)), answering: Night.nonce, hub: hub.store.replicaID,
            replica: credentials[0].replica)
        let scripts = HostileScript.make(
            count: 2000, seeds: try Examples.lines(), seed: Self.liveSeed, credentials: credentials,
            signatures: signatures)
        let failures = Failures()
        let hostileDone = Answers()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 {
                // A good client writes and syncs, again and again, until the hostile connections are over.
                for round in 0..<200 where round < 4 || hostileDone.get(0) == nil {
                    do {
                        try good.assess(
                            code: ["17.1", "15.1", "5", "2.1"][round % 4], status: round % 2 == 0 ? "dat" : "chua-dat",
                            author: "Cán bộ tan-ninh")
                        _ = try hub.sync(good)
                    } catch {
                        failures.add("good client, round \(round): \(error)")
                    }
                }
                return
            }
            defer { hostileDone.set(0, "done") }
            // Hostile connections, 25 open at a time.
            for start in stride(from: 0, to: scripts.count, by: 25) {
                var open: [(HostileScript, RawConnection)] = []
                for script in scripts[start..<min(start + 25, scripts.count)] {
                    do { open.append((script, try RawConnection(port: hub.port))) } catch {
                        failures.add("\(script.name): \(error)")
                    }
                }
                for (script, connection) in open { connection.send(script.opening) }
                // Those that get in first answer their challenge (with the key enrolled for them).
                var read: [[[UInt8]]] = []
                for (script, connection) in open {
                    guard let credential = script.credential else {
                        read.append([])
                        continue
                    }
                    guard let challenge = connection.nextLine() else {
                        read.append([])
                        continue
                    }
                    read.append([challenge])
                    guard case .message(.challenge(let hubID, let nonce))? = try? WireLine(bytes: challenge),
                        let signature = try? credential.sign(nonce: nonce, hub: hubID)
                    else { continue }
                    connection.send(Array((WireMessage.auth(signature: signature).line + "\n").utf8) + script.rest)
                }
                for ((script, connection), first) in zip(open, read) {
                    let (lines, end) = connection.readToEnd()
                    connection.close()
                    if let problem = script.problem(lines: first + lines, end: end) { failures.add(problem) }
                }
            }
        }
        #expect(failures.all == [])
        // Nothing but the good client's own operations reached the hub, and nothing was held as refused.
        let goodOrigin = good.store.replicaID
        var holds = try hub.store.summary()
        #expect(holds.origins.removeValue(forKey: goodOrigin) != nil)
        #expect(holds == holdsBefore)
        #expect(try hub.store.quarantine().isEmpty)
        #expect(try hub.store.dump(rowFilter: outsideGood) == dumpBefore)
        #expect(try hub.store.operationCount() == countBefore + good.store.localOperationCount())
        #expect(try communeDump(good.store, "tan-ninh") == communeDump(hub.store, "tan-ninh"))
    }

    @Test func sessionsBeyondTheCapAreRefusedAndAGoodClientSyncsOnceIdleOnesClose() throws {
        let hub = try GuardedHub("fuzz-cap")
        defer { hub.server.stop() }
        let cap = hub.server.maximumSessions
        let beyond = 44
        let replica = try hub.commune("tan-ninh")
        try replica.assess(code: "17.1", status: "dat", author: "Cán bộ tan-ninh")
        // Connections that say hello and then never answer the challenge, more than the hub serves at once.
        var idle: [RawConnection] = []
        defer { for connection in idle { connection.close() } }
        for index in 0..<(cap + beyond) {
            let connection = try RawConnection(port: hub.port)
            connection.send(Array((HostileLines.hello("xa-dan-ly-\(index + 2)") + "\n").utf8))
            idle.append(connection)
        }
        var nonces: Set<[UInt8]> = []
        var refused = 0
        for (index, connection) in idle.enumerated() {
            guard let line = connection.nextLine() else {
                Issue.record("connection \(index) got no answer: \(connection.end.map { "\($0)" } ?? "?")")
                continue
            }
            if case .message(.challenge(let hubID, let nonce))? = try? WireLine(bytes: line) {
                #expect(hubID == hub.store.replicaID && nonce.count == 32)
                nonces.insert(nonce)
            } else if HostileLines.errorCode(line) == .unavailable {
                refused += 1
                // A refused connection is closed at once.
                let (rest, end) = connection.readToEnd()
                #expect(rest.isEmpty && (end == .closed || end == .reset), "connection \(index): \(end)")
            } else {
                Issue.record("connection \(index): \(String(decoding: line, as: UTF8.self))")
            }
        }
        // Every served connection was challenged, each with a nonce of its own (so no answer replays).
        #expect(nonces.count == cap)
        #expect(refused == beyond)
        // While every place is taken, a good client is told to retry later.
        do {
            _ = try hub.sync(replica)
            Issue.record("a sync got through a full hub")
        } catch SyncError.hub(let error) {
            #expect(error.code == .unavailable)
        }
        for connection in idle { connection.close() }
        let result = try hub.syncOnceFree(replica)
        #expect(result.counts.sent.new == (try replica.store.localOperationCount()))
        #expect(try communeDump(replica.store, "tan-ninh") == communeDump(hub.store, "tan-ninh"))
    }

    @Test func idleConnectionsAreClosedAfterTheIdleTimeoutAndAGoodClientSyncsAfterThem() throws {
        let hub = try GuardedHub("fuzz-idle", idleTimeout: .seconds(2))
        defer { hub.server.stop() }
        let replica = try hub.commune("tan-ninh")
        try replica.assess(code: "17.1", status: "dat", author: "Cán bộ tan-ninh")
        // Connections that send nothing at all, or a hello and then no answer to the challenge, more than
        // the hub serves at once.
        let idle = try (0..<(hub.server.maximumSessions + 44)).map { index in
            let connection = try RawConnection(port: hub.port)
            if index % 2 == 1 { connection.send(Array((HostileLines.hello("xa-dan-ly-\(index + 2)") + "\n").utf8)) }
            return connection
        }
        var reasons: [String: Int] = [:]
        var challenged = 0
        for (index, connection) in idle.enumerated() {
            let (read, end) = connection.readToEnd()
            var lines = read
            connection.close()
            // A hello within the cap is challenged, and nothing more is sent before an answer.
            if let first = lines.first, HostileLines.messageType(first) == "challenge" {
                #expect(index % 2 == 1, "connection \(index) was challenged without a hello")
                challenged += 1
                lines.removeFirst()
            }
            // Each one is answered `unavailable` (too many sessions, or idle too long), then closed.
            #expect(
                lines.count == 1 && (end == .closed || end == .reset), "connection \(index): \(lines.count), \(end)")
            guard let line = lines.first else { continue }
            #expect(HostileLines.errorCode(line) == .unavailable, "\(String(decoding: line, as: UTF8.self))")
            let message = (try? JSONParser.parse(line))?["message"]?.string ?? "?"
            reasons[message, default: 0] += 1
        }
        #expect(challenged > 0)
        #expect(reasons["the session was idle too long", default: 0] > 0, "\(reasons)")
        let result = try hub.syncOnceFree(replica)
        #expect(result.counts.sent.new == (try replica.store.localOperationCount()))
    }
}

/// The protocol's example files, read from the package directory.
enum Examples {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("protocol/examples")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Every line of every example file, without the speaker tags of the session transcripts.
    static func lines() throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".ndjson")
        }.sorted()
        var lines: [[UInt8]] = []
        for name in names {
            for line in try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n") {
                var body = Substring(line)
                if let tag = [">! ", "> ", "< "].first(where: { body.hasPrefix($0) }) {
                    body = body.dropFirst(tag.count)
                }
                lines.append(Array(body.utf8))
            }
        }
        return lines
    }
}

/// Lines a broken or hostile peer could send: the protocol's example lines mutated by a seeded
/// generator, after a fixed list of extreme lines, so that a failure names a seed and a line number.
struct HostileLines {
    enum Mutation: String, CaseIterable {
        case extreme, byteFlip, truncation, duplication, splice, nulBytes, invalidUTF8, overlong, deepNesting
        case hugeNumber, wrongType, randomBytes, handshake
    }

    /// One line, how it was made, and the code every reader must refuse it with, when the mutation
    /// decides it.
    struct Line {
        var bytes: [UInt8]
        var mutation: Mutation
        var expected: WireError.Code?
    }

    /// The codes a line alone can be refused with (the rest need a session: order, scope, gaps).
    static let decoderCodes: Set<WireError.Code> = [
        .badJSON, .notAnObject, .lineTooLong, .unknownType, .badMessage, .badOperation,
    ]

    private let seeds: [[UInt8]]
    private var random: SeededRandom
    private var extremes: [Line]
    /// Well-formed signatures that answer no challenge the hub under test sends (see
    /// ``foreignSignatures(of:answering:hub:replica:)``).
    private let signatures: [[UInt8]]
    /// Right answers, only ever sent with one bit flipped.
    private let nearMisses: [[UInt8]]

    /// A generator from the seed lines; `signatures` and `nearMisses` make its hostile `auth` lines.
    init(seeds: [[UInt8]], seed: UInt64, signatures: [[UInt8]], nearMisses: [[UInt8]] = []) {
        self.seeds = seeds
        random = SeededRandom(seed: seed)
        self.signatures = signatures.isEmpty ? [[UInt8](repeating: 0, count: 64)] : signatures
        self.nearMisses = nearMisses.isEmpty ? self.signatures : nearMisses
        extremes = Self.extremeLines(signature: self.signatures[0]).reversed()
    }

    /// Signatures in the form of an answer to a challenge, none of which answers `nonce` of `hub` for
    /// `replica`: each credential's answer to another challenge (``Night/nonce``, or `nonce` with one
    /// byte changed), to `nonce` of another hub, to `nonce` for its own replica (another replica's
    /// answer); an answer made with a key never enrolled; no signature at all (zeros, ones).
    static func foreignSignatures(
        of credentials: [Credential], answering nonce: [UInt8], hub: String, replica: String
    ) throws -> [[UInt8]] {
        var other = nonce
        other[0] ^= 0x01
        var signatures: [[UInt8]] = [[UInt8](repeating: 0, count: 64), [UInt8](repeating: 0xFF, count: 64)]
        for credential in credentials {
            if Night.nonce != nonce { signatures.append(try credential.sign(nonce: Night.nonce, hub: hub)) }
            signatures.append(try credential.sign(nonce: other, hub: hub))
            signatures.append(try credential.sign(nonce: nonce, hub: "huyen-khac"))
            if credential.replica != replica { signatures.append(try credential.sign(nonce: nonce, hub: hub)) }
        }
        let stranger = Credential.issue(replica: replica, role: .commune("dan-ly"), hub: hub, district: "trieu-son")
        signatures.append(try stranger.sign(nonce: nonce, hub: hub))
        return signatures
    }

    /// How often each mutation is drawn: lines over or at 1 MiB are few, as each costs a megabyte.
    static let weights: [(Mutation, Int)] = [
        (.byteFlip, 16), (.truncation, 10), (.duplication, 8), (.splice, 10), (.nulBytes, 8), (.invalidUTF8, 10),
        (.overlong, 1), (.deepNesting, 3), (.hugeNumber, 10), (.wrongType, 18), (.randomBytes, 6), (.handshake, 14),
    ]

    /// The next line: the extreme ones first, then mutations.
    mutating func next() -> Line {
        if let line = extremes.popLast() { return line }
        var draw = Int.random(in: 0..<Self.weights.reduce(0) { $0 + $1.1 }, using: &random)
        var mutation = Mutation.byteFlip
        for (candidate, weight) in Self.weights {
            if draw < weight {
                mutation = candidate
                break
            }
            draw -= weight
        }
        let seed = seeds.randomElement(using: &random)!
        switch mutation {
        case .byteFlip, .extreme:  // (extreme lines are not drawn)
            var line = seed
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                line[Int.random(in: line.indices, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
            return Line(bytes: line, mutation: .byteFlip)
        case .truncation:
            return Line(bytes: Array(seed.prefix(Int.random(in: 0..<seed.count, using: &random))), mutation: mutation)
        case .duplication:
            if Bool.random(using: &random) { return Line(bytes: seed + seed, mutation: mutation, expected: .badJSON) }
            let start = Int.random(in: seed.indices, using: &random)
            let end = Int.random(in: start...seed.count, using: &random)
            return Line(bytes: Array(seed[..<end] + seed[start...]), mutation: mutation)
        case .splice:
            let other = seeds.randomElement(using: &random)!
            let cut = Int.random(in: 0...seed.count, using: &random)
            let from = Int.random(in: 0...other.count, using: &random)
            return Line(bytes: Array(seed[..<cut] + other[from...]), mutation: mutation)
        case .nulBytes:
            var line = seed
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                line.insert(0, at: Int.random(in: 0...line.count, using: &random))
            }
            return Line(bytes: line, mutation: mutation, expected: .badJSON)
        case .invalidUTF8:
            var line = seed
            let bad = Self.invalidUTF8.randomElement(using: &random)!
            // Inside a string most of the time (after an opening quote), anywhere otherwise.
            let quotes = line.indices.filter { line[$0] == UInt8(ascii: "\"") }
            let at =
                random.chance(0.8) && !quotes.isEmpty
                ? quotes.randomElement(using: &random)! + 1 : Int.random(in: 0...line.count, using: &random)
            line.insert(contentsOf: bad, at: at)
            return Line(bytes: line, mutation: mutation, expected: .badJSON)
        case .overlong:
            // Over the limit mostly; exactly at it sometimes (then the line is read whole).
            let over = random.chance(0.85)
            let length =
                over
                ? longestContent + Int.random(in: 1...70_000, using: &random)
                : longestContent
            // Inside the first string value, from a padding made once (a megabyte copied, not built).
            let at = min((seed.firstIndex(of: UInt8(ascii: ":")) ?? 0) + 2, seed.count)
            let line = Array(seed[..<at]) + Self.padding[..<max(0, length - seed.count)] + seed[at...]
            return Line(bytes: line, mutation: mutation, expected: over ? .lineTooLong : nil)
        case .deepNesting:
            let depth = [33, 1000, 100_000].randomElement(using: &random)!
            let array = Bool.random(using: &random)
            var nest = String(repeating: array ? "[" : "{\"a\":", count: depth)
            if Bool.random(using: &random) { nest += "1" + String(repeating: array ? "]" : "}", count: depth) }
            return Line(
                bytes: Self.appending(member: "deep", raw: nest, to: seed), mutation: mutation, expected: .badJSON)
        case .hugeNumber:
            let number = Self.hugeNumbers.randomElement(using: &random)!
            if Bool.random(using: &random) {
                // As a member of its own: a number out of the binary64 range is refused as JSON.
                let overflows = Double(number).map { !$0.isFinite } ?? false
                return Line(
                    bytes: Self.appending(member: "huge", raw: number, to: seed), mutation: mutation,
                    expected: overflows ? .badJSON : nil)
            }
            // In place of a run of digits, in a number or in a string.
            let digits = seed.indices.filter {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(seed[$0])
                    && ($0 == 0 || !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(seed[$0 - 1]))
            }
            guard let start = digits.randomElement(using: &random) else { return Line(bytes: seed, mutation: mutation) }
            var end = start
            while end < seed.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(seed[end]) { end += 1 }
            return Line(bytes: Array(seed[..<start] + Array(number.utf8) + seed[end...]), mutation: mutation)
        case .wrongType:
            return Line(bytes: wrongType(seed), mutation: mutation)
        case .randomBytes:
            if Bool.random(using: &random) {
                let count = Int.random(in: 0...200, using: &random)
                return Line(
                    bytes: (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }, mutation: mutation)
            }
            let tokens = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                Self.tokens.randomElement(using: &random)!
            }
            return Line(bytes: Array(tokens.joined().utf8), mutation: mutation)
        case .handshake:
            return handshake()
        }
    }

    /// A challenge or an answer to one, made hostile: an answer to another challenge, hub or replica, or
    /// with another key; the right answer with one bit flipped; signatures of the wrong length, odd,
    /// not hex, huge, of the wrong type, left out or given twice; nonces too short, too long or not hex;
    /// hubs that are not replica ids. `expected` is what the decoder must say (nil: it reads the line).
    private mutating func handshake() -> Line {
        func auth(_ signature: String) -> [UInt8] { Array(#"{"type":"auth","signature":"\#(signature)"}"#.utf8) }
        func line(_ bytes: [UInt8], _ expected: WireError.Code?) -> Line {
            Line(bytes: bytes, mutation: .handshake, expected: expected)
        }
        let signature = signatures.randomElement(using: &random)!
        let hex = signature.hexString
        switch Int.random(in: 0..<14, using: &random) {
        case 0, 1, 2:
            // Well formed, and wrong: the hub must check it against the enrolled key and this challenge.
            return line(auth(random.chance(0.2) ? hex.uppercased() : hex), nil)
        case 3:
            var near = nearMisses.randomElement(using: &random)!
            near[Int.random(in: near.indices, using: &random)] ^= 1 << UInt8.random(in: 0...7, using: &random)
            return line(auth(near.hexString), nil)
        case 4:
            let length = [0, 1, 31, 32, 63, 65, 66, 96, 128, 1000].randomElement(using: &random)!
            let bytes = (0..<length).map { $0 < 64 ? signature[$0] : UInt8.random(in: 0...255, using: &random) }
            return line(auth(bytes.hexString), .badMessage)
        case 5:
            return line(auth(Bool.random(using: &random) ? String(hex.dropLast()) : hex + "0"), .badMessage)
        case 6:
            // One digit replaced by what is not a hex digit (raw, or as a JSON escape), or a prefix.
            let bad = ["g", "G", "x", " ", "-", ":", "é", "\\n", "\\u0000", "\\u0661", "\\\"", "０"]
                .randomElement(using: &random)!
            var digits = hex.map(String.init)
            digits[Int.random(in: digits.indices, using: &random)] = bad
            let text = random.chance(0.2) ? "0x" + String(hex.dropLast(2)) : digits.joined()
            return line(auth(text), .badMessage)
        case 7:
            // Huge: the signature repeated, up to half the line limit.
            let count = Int.random(in: 2...4_000, using: &random)
            return line(auth(String(repeating: hex, count: count)), .badMessage)
        case 8:
            let value = [
                "null", "64", "-1", "1e400", "true", "[]", "{}", "\"\"",
                "[\(signature.map(String.init).joined(separator: ","))]",
            ]
            .randomElement(using: &random)!
            return line(
                Array(#"{"type":"auth","signature":\#(value)}"#.utf8), value == "1e400" ? .badJSON : .badMessage)
        case 9:
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return line(Array(#"{"type":"auth"}"#.utf8), .badMessage)
            case 1: return line(Array(#"{"type":"auth","signature":"\#(hex)","signature":"\#(hex)"}"#.utf8), .badJSON)
            case 2:
                // Members a hub does not read, which must change nothing.
                return line(
                    Array(#"{"type":"auth","replica":"xa-dan-ly-1","signature":"\#(hex)","hub":"huyen-khac"}"#.utf8),
                    nil)
            default: return line(Array(#"{"signature":"\#(hex)"}"#.utf8), .badMessage)
            }
        default:
            // A challenge, which no client may send; well formed or not.
            let length = [0, 1, 15, 16, 32, 64, 65, 200].randomElement(using: &random)!
            var nonce = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }.hexString
            var good = (16...64).contains(length)
            if random.chance(0.15) {
                nonce = nonce.isEmpty ? "zz" : "z" + String(nonce.dropFirst())
                good = false
            }
            let (hub, valid) = [
                ("huyen-trieu-son", true), ("huyen-khac", true), ("x.y_z", true), ("", false), ("Huyen", false),
                ("a b", false), ("-x", false), ("../x", false), ("é", false),
                (String(repeating: "h", count: 300), false),
            ].randomElement(using: &random)!
            let object: JSONValue = .object([
                "type": .string("challenge"), "hub": .string(hub), "nonce": .string(nonce),
            ])
            return line(Array(JSONWriter.string(object).utf8), good && valid ? nil : .badMessage)
        }
    }

    /// The seed with one member of another type, a member left out, another `type`, or not an object.
    private mutating func wrongType(_ seed: [UInt8]) -> [UInt8] {
        guard case .object(var object)? = try? JSONParser.parse(seed), !object.members.isEmpty else { return seed }
        let odd = Self.oddValues.randomElement(using: &random)!
        switch Int.random(in: 0..<10, using: &random) {
        case 0:
            return Array(JSONWriter.string(odd).utf8)
        case 1:
            object["type"] = .string(Self.types.randomElement(using: &random)!)
        case 2:
            object.members.remove(at: Int.random(in: object.members.indices, using: &random))
        default:
            let index = Int.random(in: object.members.indices, using: &random)
            if case .object(var inner) = object.members[index].value, !inner.members.isEmpty,
                Bool.random(using: &random)
            {
                inner.members[Int.random(in: inner.members.indices, using: &random)].value = odd
                object.members[index].value = .object(inner)
            } else {
                object.members[index].value = odd
            }
        }
        return Array(JSONWriter.string(.object(object)).utf8)
    }

    /// The object line with one more member, written as raw text before its closing brace.
    static func appending(member: String, raw: String, to line: [UInt8]) -> [UInt8] {
        guard line.last == UInt8(ascii: "}") else { return line + Array(",\"\(member)\":\(raw)".utf8) }
        return line.dropLast() + Array(",\"\(member)\":\(raw)}".utf8)
    }

    /// The code the protocol requires for a line, whatever else is wrong with it: too long, then not
    /// UTF-8 or holding a NUL byte (never valid JSON, inside a string or out).
    static func requiredCode(_ line: [UInt8]) -> WireError.Code? {
        if line.count > longestContent { return .lineTooLong }
        if line.contains(0) || String(validating: line, as: UTF8.self) == nil { return .badJSON }
        return nil
    }

    /// The code of an error object `{"type":"error","code":…,"message":…}` with nothing else in it and a
    /// code this version knows; nil for any other line.
    static func errorCode(_ line: some Collection<UInt8>) -> WireError.Code? {
        guard let object = (try? JSONParser.parse(line))?.object, object.members.count == 3,
            object["type"]?.string == "error", object["message"]?.string != nil,
            let code = object["code"]?.string.flatMap(WireError.Code.init(rawValue:)), code != .unknown
        else { return nil }
        return code
    }

    /// Whether a hub's answer is a line a client can read: within the line limit, and an error object or
    /// another message or operation of the protocol.
    static func isWellFormedAnswer(_ line: String) -> Bool {
        let bytes = Array(line.utf8)
        guard bytes.count <= longestContent else { return false }
        if (try? JSONParser.parse(bytes))?["type"]?.string == "error" { return errorCode(bytes) != nil }
        return (try? WireLine(bytes: bytes)) != nil
    }

    /// The `type` of a line the hub sent; nil when it has none.
    static func messageType(_ line: some Collection<UInt8>) -> String? {
        (try? JSONParser.parse(line))?["type"]?.string
    }

    static func messageType(_ line: String?) -> String? { line.flatMap { messageType(Array($0.utf8)) } }

    static func hello(_ replica: String, protocol version: Int = WireLimits.protocolVersion) -> String {
        WireMessage.hello(
            .init(protocolVersion: version, replica: replica, commune: "dan-ly", schema: "ntm-2", epoch: nil)
        ).line
    }

    static let padding = [UInt8](repeating: UInt8(ascii: "x"), count: longestContent + 70_000)

    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xFE], [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xC3], [0xC3, 0x28], [0xE2, 0x82],
        [0xF0, 0x9F, 0x98], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    static let hugeNumbers: [String] = [
        "1e400", "-1e400", "1E+999999999999999999999", "99999999999999999999999", "-99999999999999999999999",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "9007199254740991", "9007199254740992", "18446744073709551616", "1e-400", "-0", "1.0", "1e0", "0.5",
        String(repeating: "9", count: 400), "1" + String(repeating: "0", count: 400) + ".0",
        "0." + String(repeating: "0", count: 400) + "1", "00", "01", "-", "1.", ".5", "+1", "0x10", "1e", "NaN",
        "Infinity", "-Infinity",
    ]

    static let oddValues: [JSONValue] = [
        .null, .bool(true), .bool(false), .int(0), .int(-1), .int(Int64.max), .int(Int64.min), .double(1.5),
        .double(-0.0), .double(1e308), .string(""), .string("1"), .string("op"), .string("\u{0}"),
        .string("dan-ly/../tan-ninh"), .string(String(repeating: "é", count: 300)), .array([]),
        .array([.int(1), .int(1)]), .object(JSONObject()), .object(["type": .string("op")]),
        .object(["pos": .int(-1)]),
    ]

    static let types = [
        "op", "hello", "challenge", "auth", "welcome", "push", "pushed", "pull", "batch", "done", "error", "Op", "",
        "hola", "Auth",
    ]

    static let tokens = [
        "{", "}", "[", "]", ",", ":", "\"type\"", "\"op\"", "\"hello\"", "\"push\"", "\"count\"", "1", "-", "e", "0",
        ".", "true", "null", "nul", " ", "\t", "\r", "\"", "\\", "\\u", "D800", "\\uDC00", "é", "\u{0}",
        "\"auth\"", "\"signature\"", "\"challenge\"", "\"nonce\"", "\"6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e\"",
    ]

    /// Lines made by hand at the edges: every one refused or read without a trap.
    static func extremeLines(signature: [UInt8]) -> [Line] {
        func text(_ value: String, _ expected: WireError.Code? = nil) -> Line {
            Line(bytes: Array(value.utf8), mutation: .extreme, expected: expected)
        }
        // The largest summary a line carries: separate ranges, as many as fit in 1 MiB (some 70,000;
        // read one insert at a time, each copying the ranges so far, it held an event loop for minutes).
        var ranges: [String] = []
        var length = 0
        var first = 1
        while length < longestContent - 300 {
            let range = "[\(first),\(first)]"
            ranges.append(range)
            length += range.utf8.count + 1
            first += 2
        }
        ranges.removeLast()
        let welcome =
            #"{"type":"welcome","protocol":3,"hub":"h","epoch":"e","holds":{"x":["# + ranges.joined(separator: ",")
            + #"]},"end":{"pos":0},"district":null,"shared":[],"role":"commune:dan-ly","whole":false,"refused":[]}"#
        // Lines exactly at the limit whose refusal quotes a long part of them (a type, a schema, a key).
        func atLimit(_ before: String, _ after: String) -> String {
            before + String(repeating: "x", count: longestContent - before.utf8.count - after.utf8.count)
                + after
        }
        let key = String(repeating: "k", count: (longestContent - 11) / 2)
        let op =
            #"{"type":"op","origin":"xa-dan-ly-2","seq":1,"table":"assessment","row":"dan-ly/x","#
            + #""column":"status","value":"dat","#
        let quoting = [
            text(atLimit(#"{"type":""#, #""}"#), .unknownType),
            text(
                atLimit(
                    #"{"type":"hello","protocol":3,"replica":"xa-dan-ly-2","commune":"dan-ly","schema":""#,
                    #"","epoch":null}"#)),
            text(#"{"\#(key)":1,"\#(key)":1}"#, .badJSON),
            text(atLimit(op + #""author":"a","wall_ms":0,"context":{""#, #"":1}}"#), .badOperation),
            // Handshake lines at the limit: a signature and a nonce of a megabyte, a hub that long.
            text(atLimit(#"{"type":"auth","signature":""#, #""}"#), .badMessage),
            text(atLimit(#"{"type":"challenge","hub":"huyen-trieu-son","nonce":""#, #""}"#), .badMessage),
            text(atLimit(#"{"type":"challenge","nonce":"\#(Night.nonce.hexString)","hub":""#, #""}"#), .badMessage),
        ]
        let hex = signature.hexString
        let handshake = [
            text(
                #"{"type":"hello","protocol":2,"replica":"xa-dan-ly-2","commune":"dan-ly","schema":"ntm-2","epoch":null}"#
            ),
            text(#"{"type":"auth","signature":"\#(hex)"}"#), text(#"{"type":"auth","signature":""}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex.dropLast(2))"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex)00"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex.dropLast())"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex.dropLast())g"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex.uppercased())"}"#),
            text(#"{"type":"auth","signature":null}"#, .badMessage), text(#"{"type":"auth"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(String(repeating: hex, count: 8000))"}"#, .badMessage),
            text(#"{"type":"challenge","hub":"huyen-trieu-son","nonce":"\#(Night.nonce.hexString)"}"#),
            text(
                #"{"type":"challenge","hub":"huyen-trieu-son","nonce":"\#(Night.nonce.prefix(15).hexString)"}"#,
                .badMessage),
            text(
                #"{"type":"challenge","hub":"huyen-trieu-son","nonce":"\#(String(repeating: "6e", count: 65))"}"#,
                .badMessage),
            text(#"{"type":"challenge","hub":"HUYEN","nonce":"\#(Night.nonce.hexString)"}"#, .badMessage),
            text(#"{"type":"challenge","hub":"huyen-trieu-son","nonce":6}"#, .badMessage),
        ]
        let manyKeys = "{" + (0..<60_000).map { "\"k\($0)\":0" }.joined(separator: ",") + "}"
        let bigContext =
            op + #""context":{"# + (0...1024).map { "\"r\($0)\":1" }.joined(separator: ",")
            + #"},"author":"a","wall_ms":0}"#
        return [
            text("", .badJSON), text(" ", .badJSON), text("\r", .badJSON), text("\t\r ", .badJSON),
            Line(bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), mutation: .extreme, expected: .badJSON),
            Line(bytes: [UInt8](repeating: UInt8(ascii: "["), count: 100_000), mutation: .extreme, expected: .badJSON),
            Line(bytes: [UInt8](repeating: UInt8(ascii: "{"), count: 100_000), mutation: .extreme, expected: .badJSON),
            text(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), .badJSON),
            text(String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000), .badJSON),
            text("1e400", .badJSON), text("99999999999999999999999", .notAnObject), text("[]", .notAnObject),
            text("\"op\"", .notAnObject), text("null", .notAnObject),
            text(#"{"type":"op","origin":"xa-dan-ly-1","seq":1e400}"#, .badJSON),
            text(#"{"type":"push","batch":99999999999999999999999,"count":1}"#, .badMessage),
            text(#"{"type":"push","batch":1,"count":1e400}"#, .badJSON),
            text(#"{"type":"push","batch":1,"count":5001}"#, .badMessage),
            text(#"{"type":"push","batch":1,"count":1,"defaults":{"wall_ms":1.0}}"#, .badMessage),
            text(#"{"type":"pull","cursor":{"pos":9223372036854775807,"origin":"x","seq":1},"limit":5}"#, .badMessage),
            text(#"{"type":"pull","cursor":{"pos":-9223372036854775808},"limit":5}"#, .badMessage),
            text(#"{"type":"pull","cursor":{"pos":1,"origin":"x","seq":-1},"limit":5}"#, .badMessage),
            text(
                #"{"type":"hello","protocol":9223372036854775807,"replica":"x","#
                    + #""commune":"dan-ly","schema":"ntm-2","epoch":null}"#, .badMessage),
            text(#"{"type":"op","origin":"x","seq":9007199254740992,"author":"a","wall_ms":0}"#, .badOperation),
            text(#"{"type":"\ud800"}"#, .badJSON), text(#"{"type":"\udc00"}"#, .badJSON),
            text(#"{"type":"\ud800\u0041"}"#, .badJSON), text(#"{"type":"op","type":"op"}"#, .badJSON),
            text(#"{"type":NaN}"#, .badJSON), text(#"{"type":Infinity}"#, .badJSON), text(#"{"type":-}"#, .badJSON),
            text(#"{"type":"\#(String(repeating: "\\u0000", count: 100_000))"}"#, .unknownType),
            text(welcome), text(manyKeys, .badMessage), text(bigContext, .badOperation),
            Line(
                bytes: [UInt8](repeating: 0x20, count: longestContent), mutation: .extreme,
                expected: .badJSON),
            Line(
                bytes: [UInt8](repeating: 0x20, count: longestContent + 1), mutation: .extreme,
                expected: .lineTooLong),
            Line(bytes: [UInt8](repeating: 0, count: 1000), mutation: .extreme, expected: .badJSON),
        ] + quoting + handshake
    }
}

extension Result<WireLine, WireError> {
    /// The code of a failed read; nil when the line was read.
    var code: WireError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}

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

/// A hub served over TCP on loopback with the limits a test chooses; its database also holds the
/// concurrent edit of `protocol/examples/concurrent-edit.bundle.ndjson`.
struct GuardedHub {
    let folder: TemporaryDirectory
    let database: NTMDatabase
    let server: HubServer
    let port: Int

    var store: ReplicaStore { database.store }

    /// Who the hub is, as its server was given it.
    var identity: HubIdentity {
        HubIdentity(
            store: database.store, epoch: "e1", district: "trieu-son", sharedTables: ["catalogue"],
            policy: NTMSchema.writePolicy, scope: .ntm)
    }

    init(_ name: String, idleTimeout: TimeAmount = .seconds(120), handshakeTimeout: TimeAmount = .seconds(15))
        throws
    {
        // A write to a connection the hub has closed must fail, not kill the test process (as in `ntm`).
        signal(SIGPIPE, SIG_IGN)
        folder = TemporaryDirectory(name)
        database = try NTMDatabase.create(
            at: folder.file("hub.sqlite"), replicaID: "huyen-trieu-son",
            home: .district(slug: "trieu-son", name: "Triệu Sơn"), author: "Văn phòng")
        _ = try database.store.importBundle(from: Examples.path("concurrent-edit.bundle.ndjson"))
        server = HubServer(
            hub: HubIdentity(
                store: database.store, epoch: "e1", district: "trieu-son", sharedTables: ["catalogue"],
                policy: NTMSchema.writePolicy, scope: .ntm),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), idleTimeout: idleTimeout,
            handshakeTimeout: handshakeTimeout)
        port = try server.start(host: "127.0.0.1", port: 0)
    }

    /// A commune replica, enrolled at this hub with its credential installed.
    func commune(_ slug: String) throws -> CommuneReplica {
        let replica = try NTMDatabase.create(
            at: folder.file("\(slug).sqlite"), replicaID: "xa-\(slug)-1",
            home: .commune(.init(slug: slug, name: slug, district: "trieu-son", year: "2020")), author: "Cán bộ \(slug)"
        ).commune()
        try install(try enrol(replica.store.replicaID, as: .commune(slug)), in: replica.store)
        return replica
    }

    /// Enrols a replica at this hub and returns its credential.
    func enrol(_ replica: String, as role: Role) throws -> Credential {
        try Credential.enrol(replica, as: role, at: identity)
    }

    func sync(_ replica: CommuneReplica) throws -> SyncResult {
        try SyncClient(
            store: replica.store, commune: replica.commune,
            credential: try Credential.installed(in: replica.store, roles: .ntm)
        ).run(
            over: try LineTransport.connect(to: "127.0.0.1:\(port)"))
    }

    /// Syncs once the hub has a free place: it frees a closed connection's place a moment after the close,
    /// so `unavailable` is retried a bounded number of times.
    func syncOnceFree(_ replica: CommuneReplica) throws -> SyncResult {
        for _ in 0..<400 {
            do { return try sync(replica) } catch SyncError.hub(let error) where error.code == .unavailable {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        return try sync(replica)
    }
}

/// A bare TCP connection that sends bytes as they are and reads the hub's answers line by line, with a
/// read timeout so that a hub that stops answering fails the test instead of hanging it.
final class RawConnection {
    /// How the stream ended.
    enum End: Equatable {
        /// The hub closed it at a line boundary.
        case closed
        /// The hub reset it (it closed with bytes of ours still unread).
        case reset
        /// The hub sent nothing for the read timeout.
        case timedOut
        /// The hub closed it inside a line.
        case cutInsideALine
    }

    private var fd: Int32
    private var buffer: [UInt8] = []
    /// How the stream ended, once it has.
    private(set) var end: End?

    init(port: Int, timeoutSeconds: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TransportError.closed(String(cString: strerror(errno))) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw TransportError.unreachable("127.0.0.1:\(port)", reason)
        }
        var wait = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends bytes as they are; false when the hub had closed the connection before all were sent.
    @discardableResult func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count, fd >= 0 {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return offset == bytes.count
    }

    /// The next line the hub sends (without `\n`); nil once the stream has ended (see ``end``).
    func nextLine() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                return line
            }
            guard end == nil, fd >= 0 else { return nil }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count > 0 {
                buffer += chunk[0..<count]
            } else if count == 0 {
                end = buffer.isEmpty ? .closed : .cutInsideALine
            } else if errno == EINTR {
                continue
            } else {
                end = errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .reset
            }
        }
    }

    /// Every line the hub sends until the stream ends, and how it ended.
    func readToEnd() -> (lines: [[UInt8]], end: End) {
        var lines: [[UInt8]] = []
        while let line = nextLine() { lines.append(line) }
        return (lines, end ?? .closed)
    }

    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    deinit { close() }
}

/// A peer that trickles bytes (never a whole line) without authenticating is never idle; the
/// handshake deadline still closes it, so it cannot hold a session place for long.
@Suite struct HubHandshakeDeadlineTests {
    @Test func aPeerTricklingBytesWithoutAuthenticatingIsClosedAtTheDeadline() throws {
        let hub = try GuardedHub("handshake-deadline", idleTimeout: .seconds(30), handshakeTimeout: .seconds(1))
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

/// A flag set by one thread and read by another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
