import Foundation
import NIOCore
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

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
    /// The challenge of the sessions that wait for an answer in the decoder test (not ``HubFixture/nonce``,
    /// which the authenticated sessions answer, so that their answers are replays there).
    static let waitingNonce = [UInt8](repeating: 0xA5, count: 32)
    /// The replica the waiting sessions said hello for.
    static let waitingReplica = "xa-dan-ly-2"

    @Test func twelveThousandHostileLinesAreErrorValuesNeverATrap() throws {
        let night = try HubFixture("fuzz-decoder")
        _ = try night.store.importBundle(from: Examples.path("concurrent-edit.bundle.ndjson"))
        // The replicas the scripted sessions speak for, enrolled at the hub under test.
        var credentials: [String: Credential] = [:]
        for number in 2...8 {
            credentials["xa-dan-ly-\(number)"] = try night.enrol("xa-dan-ly-\(number)", as: .commune("dan-ly"))
        }
        let hubID = night.store.replicaID
        let before = try night.store.operationCount()
        let quarantinedBefore = try night.store.quarantine().count
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
                if case .message(.pushed(_, let count, _, let refusals, _, _))? = try? WireLine(
                    bytes: Array(answer.utf8))
                {
                    applied += count
                    refusedDots.formUnion(refusals.map(\.dot))
                }
            }
            if session.isClosed { try reopen() }
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(20))")
        // The hub's database changed only by batches it acknowledged: applied, or held as refused.
        #expect(try night.store.operationCount() == before + applied)
        #expect(try night.store.quarantine().count == quarantinedBefore + refusedDots.count)
        // The generator reached every refusal the decoder knows, and past the decoder into the session:
        // hellos challenged, answers to challenges refused.
        for code in HostileLines.decoderCodes { #expect(refused[code, default: 0] > 0, "no \(code) line") }
        for mutation in HostileLines.Mutation.allCases { #expect(mutations[mutation, default: 0] > 0) }
        #expect(readable > 100)
        #expect(challenged > 20, "\(challenged) hostile hellos challenged")
        #expect(answersRefused > 100, "\(answersRefused) wrong answers to a challenge")
        #expect(applied > 0, "no hostile batch reached a commit")
    }

    /// Run in clear and over TLS 1.3 (the lines inside the tunnel are the same hostile lines).
    @Test(arguments: [false, true])
    func aLiveHubAnswersOnlyErrorObjectsToHostileConnectionsAndChangesNothingWhileAGoodClientSyncs(tls: Bool) throws {
        let hub = try HubFixture(tls ? "fuzz-live-tls" : "fuzz-live", tls ? .guarded.overTLS : .guarded)
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
            of: Array(credentials.prefix(5)), answering: HubFixture.nonce, hub: hub.store.replicaID,
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
                    do { open.append((script, try hub.rawConnection())) } catch {
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

    /// Run in clear and over TLS 1.3 (where a connection counts from before its handshake, and one
    /// beyond the cap is refused once the handshake is over).
    @Test(arguments: [false, true])
    func sessionsBeyondTheCapAreRefusedAndAGoodClientSyncsOnceIdleOnesClose(tls: Bool) throws {
        // Opening 300 connections (TLS handshakes on the client side) can take longer than the default 15 s
        // handshake timeout on a loaded machine: the first idle sessions would then be closed, freeing
        // places, and the later ones served instead of refused. The timeouts have their own test.
        let limits = HubFixture.Options.guarded.serving(idleTimeout: .seconds(900), handshakeTimeout: .seconds(900))
        let hub = try HubFixture(tls ? "fuzz-cap-tls" : "fuzz-cap", tls ? limits.overTLS : limits)
        defer { hub.server.stop() }
        let cap = hub.server.maximumSessions
        let beyond = 44
        let replica = try hub.commune("tan-ninh")
        try replica.assess(code: "17.1", status: "dat", author: "Cán bộ tan-ninh")
        // Connections that say hello and then never answer the challenge, more than the hub serves at once.
        var idle: [RawConnection] = []
        defer { for connection in idle { connection.close() } }
        for index in 0..<(cap + beyond) {
            let connection = try hub.rawConnection()
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
        let hub = try HubFixture("fuzz-idle", .guarded.serving(idleTimeout: .seconds(2)))
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
