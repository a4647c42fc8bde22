import Foundation
import Replica
import SyncCore
import SyncWire

/// The replica's side of a sync session: push what the hub lacks, then pull what this commune lacks,
/// each batch committed before it is acknowledged (`protocol/PROTOCOL.md`, part II).
///
/// An interrupted sync resumes where it stopped: the hub says which operations it holds, and the pull
/// cursor is saved with each committed batch.
public struct SyncClient {
    /// The replica.
    public let store: ReplicaStore
    /// The commune whose rows this replica works on.
    public let commune: String
    /// What the replica authenticates with.
    public let credential: Credential?
    /// Operations per push batch.
    public var pushBatch = 1000
    /// Operations per pull batch.
    public var pullBatch = 2000
    /// Whether the client signs checkpoints of its own chain before it pushes (§14.1). Off only to
    /// measure what signing costs (`scripts/bench.sh`): unsigned work cannot be relayed.
    public var signsCheckpoints = true
    /// Called after each committed batch with the figures so far.
    public var progress: ((SyncResult) -> Void)?
    /// Set when this replica is itself a hub syncing with the hub above it (a district's with its
    /// province): it shows its own enrolment log, so that the hub above takes its communes' work, and
    /// keeps none of that hub's log in its own.
    public var asHub: HubAsClient?
    /// Whether the client offers to compress the session (`hello.compress`, `protocol/PROTOCOL.md`
    /// §11.13); `ntm sync` does unless told `--no-compress`.
    public var compresses = false

    /// How many enrolment log entries one `enrolments` message carries at most (each about 510 bytes).
    static let enrolmentsPerMessage = 500

    /// Creates a client.
    public init(store: ReplicaStore, commune: String, credential: Credential?) {
        self.store = store
        self.commune = commune
        self.credential = credential
    }

    /// Runs one session over `transport` and closes it.
    public func run(over transport: LineTransport) throws -> SyncResult {
        defer { transport.close() }
        var result = SyncResult()
        func finish() -> SyncResult {
            result.counts.bytesIn = transport.bytesIn
            result.counts.bytesOut = transport.bytesOut
            return result
        }
        // A database that forked pushes and pulls nothing until it is recovered: its forked operations
        // hold dots the hub gave other operations.
        if let fork = try ForkRecord.recorded(in: store) { throw SyncError.fork(fork) }
        do {
            let savedEpoch = try store.metadata(.syncEpoch)
            let ownHead = try store.chainHead()
            let ownLogHead = try store.enrolmentLogHead().map { ChainHead(seq: $0.seq, hash: $0.hash) }
            try transport.send([
                WireMessage.hello(
                    .init(
                        protocolVersion: WireLimits.protocolVersion, replica: store.replicaID, commune: commune,
                        schema: store.schema.tag, epoch: savedEpoch,
                        head: ownHead.map { ChainHead(seq: $0.seq, hash: $0.hash) },
                        enrolments: asHub == nil ? ownLogHead : nil,
                        lowerHub: try asHub.map {
                            LowerHubInfo(
                                name: $0.name, key: try Checkpoint.publicKey(seed: $0.seed), head: ownLogHead,
                                units: Array($0.units.prefix(LowerHubInfo.maximumUnits)))
                        }, compress: compresses ? [WireLimits.deflate] : [])
                ).line
            ])
            guard case .challenge(let hub, let nonce) = try firstMessage(transport) else {
                throw violation(transport, "expected challenge")
            }
            guard let credential else {
                try? transport.send([WireMessage.error(WireError(.unauthenticated, "no credential")).line])
                throw SyncError.noCredential
            }
            guard credential.hub == hub else {
                try? transport.send([WireMessage.error(WireError(.unauthenticated, "credential of another hub")).line])
                throw SyncError.otherHub(credential: credential.hub, hub: hub)
            }
            try transport.send([WireMessage.auth(signature: try credential.sign(nonce: nonce, hub: hub)).line])
            guard case .welcome(let welcome) = try expectMessage(transport) else {
                throw violation(transport, "expected welcome")
            }
            if let compress = welcome.compress {
                // Only what was offered; the hub compresses from the line after its welcome on.
                guard compresses, compress == WireLimits.deflate else {
                    throw violation(transport, "the hub chose compression \(compress), which was not offered")
                }
                try transport.startCompression()
            }
            if let fork = try findFork(welcome, local: ownHead?.seq ?? 0, transport: transport) {
                try store.setMetadata(.syncFork, JSONWriter.string(fork.json))
                try? transport.send([WireMessage.error(WireError(.fork, fork.wireMessage)).line])
                throw SyncError.fork(fork)
            }
            if asHub != nil {
                // A hub's own writes the hub above refused stay in its reports (they are its office's);
                // the hub above lists them.
                try checkChain(welcome, transport: transport)
            } else {
                try store.recordRefusals(welcome.refused.map { ($0.dot, $0.reason) })
            }
            // (A lower hub's log may have placed communes under it: the scope it keeps is the one after.)
            let digest = try exchangeEnrolments(welcome, transport: transport, result: &result)
            var cursor = try savedCursor()
            // What this replica receives: a credential of another role (a commune laptop made a
            // department's) widens it, and the rows logged before the cursor must come too.
            let scope = "\(welcome.role) \(welcome.whole)" + (digest.map { " \($0)" } ?? "")
            let savedScope = try store.metadata(.syncScope)
            if savedScope != scope {
                if savedScope != nil { cursor = .start }
                try store.setMetadata([.syncScope: scope, .syncCursor: cursor.jsonText])
            }
            if welcome.epoch != savedEpoch || welcome.end.position < cursor.position {
                cursor = .start
                result.restarted = savedEpoch != nil
                // The new epoch and the fresh cursor are saved together: an interrupted session must not
                // leave another hub's cursor paired with this hub's epoch.
                try store.setMetadata([
                    .syncEpoch: welcome.epoch, .syncCursor: cursor.jsonText, .syncHub: welcome.hub,
                ])
            }
            try push(welcome, transport: transport, result: &result)
            result.refused = asHub == nil ? try store.refusalCount() : result.counts.sent.refused
            while true {
                try transport.send([WireMessage.pull(cursor: cursor, limit: pullBatch).line])
                switch try expectMessage(transport) {
                case .done:
                    // Files move after every operation: operations never wait behind them.
                    if welcome.protocolVersion >= WireLimits.filesProtocolVersion {
                        try moveFiles(over: transport, result: &result)
                        try transport.send([WireMessage.file(.bye).line])
                    }
                    return finish()
                case .batch(let to, let count, let defaults, let checkpoints):
                    var ops: [SyncOperation] = []
                    ops.reserveCapacity(count)
                    var reader = BatchReader(defaults: defaults)
                    for _ in 0..<count {
                        guard let line = try transport.receive() else {
                            throw SyncError.transport(.closed("the hub closed the session inside a batch"))
                        }
                        let op: SyncOperation
                        if let read = line.withUnsafeBytes({ reader.read(bytes: $0) }) {
                            op = read
                        } else {
                            let parsed = try WireLine(bytes: line)
                            if case .message = parsed {
                                throw violation(transport, "expected \(count) operations after batch")
                            }
                            op = try reader.read(parsed)
                        }
                        guard op.dot.origin != store.replicaID else {
                            throw violation(transport, "the hub sent back operation \(op.dot) of this replica")
                        }
                        ops.append(op)
                    }
                    result.counts.received.total += count
                    result.counts.received.new += try store.apply(ops)
                    // Kept to be carried on with the operations (a bundle for a laptop without a connection).
                    try store.recordCheckpoints(checkpoints)
                    cursor = to
                    try store.setMetadata(.syncCursor, cursor.jsonText)
                    progress?(finish())
                default:
                    throw violation(transport, "expected batch or done")
                }
            }
        } catch let error as WireError {
            // A line this replica could not read: tell the hub, then stop.
            try? transport.send([WireMessage.error(error).line])
            throw SyncError.protocolViolation(error)
        } catch let error as TransportError {
            throw SyncError.transport(error)
        }
    }

    /// Sends every operation of this replica's own that the hub lacks, in sequence order without gaps,
    /// vouched for by a checkpoint signed now; then, to a hub of protocol version 5, relays the work of
    /// other replicas this replica holds (received on a USB stick) up to their writers' checkpoints.
    /// Records what the hub refused.
    private func push(_ welcome: WireMessage.Welcome, transport: LineTransport, result: inout SyncResult) throws {
        if let credential, signsCheckpoints { try credential.signCheckpoints(in: store) }
        var holds = welcome.holds
        var batchNumber: Int64 = 0
        var pending: [SyncOperation] = []
        /// Sends the pending batch; false when the hub rejected it (relayed work that does not verify) or
        /// left some of it waiting.
        @discardableResult
        func flush(_ checkpoints: [Checkpoint], relayed: Bool) throws -> Bool {
            guard !pending.isEmpty else { return true }
            batchNumber += 1
            // Members most operations share go once in the header (origin, author, time).
            let defaults = OperationDefaults.common(pending)
            let push = WireMessage.push(
                batch: batchNumber, count: pending.count, defaults: defaults,
                checkpoints: welcome.protocolVersion >= WireLimits.relayProtocolVersion ? checkpoints : [])
            var lines = [push.line]
            var writer = BatchWriter(
                defaults: defaults, omitsSeq: welcome.protocolVersion >= WireLimits.compactProtocolVersion)
            for op in pending { lines.append(writer.line(op)) }
            try transport.send(lines)
            guard
                case .pushed(let acknowledged, let applied, _, let refused, let waiting, let rejected) =
                    try expectMessage(
                        transport),
                acknowledged == batchNumber
            else { throw violation(transport, "expected pushed for batch \(batchNumber)") }
            if let rejected, let origin = pending.first?.dot.origin {
                result.relayRejected[origin] = rejected.message
                pending.removeAll(keepingCapacity: true)
                return false
            }
            // A relayed operation the hub refused is recorded by its writer when it syncs.
            if asHub == nil {
                try store.recordRefusals(
                    refused.filter { $0.dot.origin == store.replicaID }.map { ($0.dot, $0.reason) })
            }
            if relayed {
                result.relayed += applied
            } else {
                result.counts.sent.total += pending.count
                result.counts.sent.new += applied
                result.counts.sent.refused += refused.count
            }
            pending.removeAll(keepingCapacity: true)
            progress?(result)
            // Relayed work the hub let wait (no checkpoint it trusts): the rest of that origin waits too.
            return waiting == 0
        }
        let origin = store.replicaID
        var hub = holds.origins[origin] ?? SeqRanges()
        // Only this credential's checkpoints: a hub's own chain is also signed with its hub key, for its
        // communes, which the hub above does not know.
        let keyID = credential.map { Checkpoint.keyID(of: $0.publicKey) }
        let own = try store.checkpoints(origin: origin, in: hub.firstMissing...UInt64.max).filter {
            keyID == nil || $0.keyID == keyID
        }
        while true {
            let next = hub.firstMissing
            let ops = try store.operations(origin: origin, after: next - 1, limit: pushBatch)
            // Only a run without holes can be pushed: the hub refuses gaps in an origin's sequence.
            var expected = next
            for op in ops where op.dot.seq == expected {
                pending.append(op)
                hub.insert(op.dot.seq)
                expected = hub.firstMissing
                if pending.count == pushBatch { try flush(Self.within(own, pending), relayed: false) }
            }
            if expected == next { break }
        }
        try flush(Self.within(own, pending), relayed: false)
        holds.origins[origin] = hub
        // What this replica holds of others (pushing its own changes nothing of theirs).
        var others = try store.summary().origins.filter { $0.key != origin }
        if asHub != nil {
            // A hub relays upward the work of the replicas it enrolled, and nothing else: what it pulled
            // from above is held there, and the hub above lists only those in `holds` (§15.5).
            let enrolled = Set(try store.enrolments().map(\.replica))
            others = others.filter { enrolled.contains($0.key) }
        }
        if welcome.protocolVersion >= WireLimits.relayProtocolVersion {
            for (other, mine) in others.sorted(by: { $0.key < $1.key }) where other != welcome.hub {
                var held = holds.origins[other] ?? SeqRanges()
                // Nothing of it the hub lacks (most origins, at a hub syncing with its province): no lookup.
                if held.intersectionCount(mine) == mine.count { continue }
                while let run = try relayRun(of: other, after: held) {
                    pending = run.operations
                    guard try flush(run.checkpoints, relayed: true) else { break }
                    for op in run.operations { held.insert(op.dot.seq) }
                }
                holds.origins[other] = held
            }
        }
        for (other, held) in others {
            let hub = holds.origins[other] ?? SeqRanges()
            result.unsent += Int(held.count) - Int(held.intersectionCount(hub))
        }
    }

    /// Keeps the hub's enrolment log entries this replica lacks (each signed by the hub's key, which
    /// it keeps from its first version 5 session), and gives back its own when the hub lacks them (a
    /// hub restored from an older backup, §14.6).
    /// Returns the scope digest to keep: the welcome's, or the one the hub sent after taking a lower
    /// hub's log.
    private func exchangeEnrolments(
        _ welcome: WireMessage.Welcome, transport: LineTransport, result: inout SyncResult
    ) throws -> String? {
        var scopeDigest = welcome.scopeDigest
        if let asHub {
            // A hub keeps only its own log; the hub above asks for it to enrol this hub's communes.
            guard welcome.enrolmentsWanted else { return scopeDigest }
            let key = try Checkpoint.publicKey(seed: asHub.seed)
            let own = EnrolmentRecord.vouched(try store.enrolmentLog(), hub: asHub.name, hubKey: key)
            // In pieces, each well within the line limit, however long the log.
            for start in stride(from: 0, to: max(own.count, 1), by: Self.enrolmentsPerMessage) {
                let piece = Array(own[start..<min(start + Self.enrolmentsPerMessage, own.count)])
                try transport.send([WireMessage.enrolments(piece).line])
                guard case .enrolmentsTaken(let taken, let digest) = try expectMessage(transport) else {
                    throw violation(transport, "expected enrolments-taken")
                }
                result.enrolmentsDelegated += taken
                if let digest { scopeDigest = digest }
            }
            return scopeDigest
        }
        guard let key = welcome.hubKey else { return scopeDigest }
        if let known = try store.metadata(.syncHubKey), known != key.hexString {
            // Another key under the same hub name: keep the first one's entries, take none of these.
            return scopeDigest
        }
        try store.setMetadata(.syncHubKey, key.hexString)
        let valid = credential.map { EnrolmentRecord.vouched(welcome.enrolments, hub: $0.hub, hubKey: key) } ?? []
        try store.takeEnrolmentRecords(valid, apply: false)
        guard welcome.enrolmentsWanted else { return scopeDigest }
        let own =
            try credential.map { EnrolmentRecord.vouched(try store.enrolmentLog(), hub: $0.hub, hubKey: key) } ?? []
        try transport.send([WireMessage.enrolments(own).line])
        guard case .enrolmentsTaken(let taken, _) = try expectMessage(transport) else {
            throw violation(transport, "expected enrolments-taken")
        }
        result.enrolmentsGivenBack = taken
        return scopeDigest
    }

    /// A hub syncing upward checks that the hub above is not below it (its `above` would name this
    /// hub: a cycle), then records that chain as its own, nearest first.
    private func checkChain(_ welcome: WireMessage.Welcome, transport: LineTransport) throws {
        guard welcome.protocolVersion >= WireLimits.hierarchyProtocolVersion else { return }
        let names = [store.replicaID, asHub?.name].compactMap { $0 }
        if welcome.above.contains(where: { names.contains($0.hub) }) {
            try? transport.send([
                WireMessage.error(WireError(.forbidden, "cycle: this hub is above the hub it syncs with")).line
            ])
            throw SyncError.cycle(hub: welcome.hub)
        }
        try store.recordUpperHubs([UpperHub(hub: welcome.hub, unit: welcome.district)] + welcome.above)
    }

    /// The checkpoints among `checkpoints` whose operation is in `batch`.
    private static func within(_ checkpoints: [Checkpoint], _ batch: [SyncOperation]) -> [Checkpoint] {
        guard let first = batch.first?.dot.seq, let last = batch.last?.dot.seq else { return [] }
        return checkpoints.filter { (first...last).contains($0.seq) }
    }

    /// The next run of another origin's operations to relay: from the first one the hub lacks to a
    /// checkpoint of its writer held here, about ``pushBatch`` long (cut at the last checkpoint within
    /// that, else at the first one after), without holes (a dot the hub holds fills one); when a hole
    /// comes before that checkpoint, the run ends at the last checkpoint before the hole. Nil when no
    /// checkpoint lies ahead or a hole comes before the first one.
    private func relayRun(of origin: String, after hub: SeqRanges) throws -> (
        operations: [SyncOperation], checkpoints: [Checkpoint]
    )? {
        let next = hub.firstMissing
        let marks = try store.checkpoints(origin: origin, in: next...UInt64.max)
        guard let first = marks.first else { return nil }
        let window = next + UInt64(pushBatch) - 1
        let farthest = marks.last(where: { $0.seq <= window }) ?? first
        guard farthest.seq - next < UInt64(WireLimits.maximumBatch) else { return nil }
        var held = hub
        var run: [SyncOperation] = []
        for op in try store.operations(origin: origin, after: next - 1, limit: Int(farthest.seq - next + 1)) {
            guard op.dot.seq <= farthest.seq, op.dot.seq == held.firstMissing else { break }
            run.append(op)
            held.insert(op.dot.seq)
        }
        // A run cut short on the way (a bundle that lost its last operations) still carries what an
        // earlier checkpoint vouches for.
        guard let end = marks.last(where: { $0.seq < held.firstMissing && $0.seq <= farthest.seq }) else {
            return nil
        }
        run.removeAll { $0.dot.seq > end.seq }
        guard !run.isEmpty else { return nil }
        // Every key's checkpoint at that seq (after a renewal the old key's no longer vouches for it).
        return (run, marks.filter { $0.seq == end.seq })
    }

    /// Compares this replica's own chain with what the hub holds of it (welcome's head, then probes),
    /// and returns the fork when they part: the first sequence number whose operation differs, or the
    /// first one the hub holds and this database lacks. Chains are hashes of hashes, so two chains that
    /// agree at a sequence number agree before it: a binary search finds the point in log₂ n probes.
    private func findFork(_ welcome: WireMessage.Welcome, local: UInt64, transport: LineTransport) throws
        -> ForkRecord?
    {
        guard let hub = welcome.head else { return nil }
        func agrees(_ seq: UInt64) throws -> Bool {
            guard let own = try store.operation(Dot(origin: store.replicaID, seq: seq))?.hash else { return false }
            if seq == hub.seq { return own == hub.hash }
            try transport.send([WireMessage.probe(seq: seq).line])
            guard case .probed(let answered, let hash) = try expectMessage(transport), answered == seq else {
                throw violation(transport, "expected probed for seq \(seq)")
            }
            return hash == own
        }
        let record = { (seq: UInt64) in
            ForkRecord(replica: store.replicaID, hub: welcome.hub, seq: seq, hubSeq: hub.seq, localSeq: local)
        }
        let common = min(local, hub.seq)
        if common > 0, try agrees(common) {
            return local >= hub.seq ? nil : record(common + 1)
        }
        // The chains differ at `common` (or this database holds nothing of its own): find the first
        // sequence number where they part; they agree below `low`.
        var low: UInt64 = 1
        var high = max(common, 1)
        while low < high {
            let middle = low + (high - low) / 2
            if try agrees(middle) { low = middle + 1 } else { high = middle }
        }
        return record(low)
    }

    /// The hub's first line: a peer whose first line is not an ntm message at all (an HTTP or ssh
    /// server on the port) is named as such, not as a protocol violation.
    private func firstMessage(_ transport: LineTransport) throws -> WireMessage {
        let line: ArraySlice<UInt8>?
        do {
            line = try Self.receiveInClear(transport)
        } catch let error as WireError where error.code == .lineTooLong {
            throw SyncError.notNTM(Self.quote(transport.peek()))
        }
        guard let line else { throw SyncError.transport(.closed("the hub closed the connection")) }
        let parsed: WireLine
        do {
            parsed = try WireLine(bytes: line)
        } catch let error where [.badJSON, .notAnObject, .unknownType].contains(error.code) {
            throw SyncError.notNTM(Self.quote(line))
        }
        switch parsed {
        case .message(.error(let error)):
            if error.code == .badMessage, try store.metadata(.hubEpoch) != nil { throw SyncError.syncWithItself }
            throw SyncError.hub(error)
        case .message(let message): return message
        case .operation, .partialOperation: throw SyncError.notNTM(Self.quote(line))
        }
    }

    /// The next line; a stream that ends in a TLS alert (record type 21, version 3.x) is a hub that
    /// speaks TLS, reached in clear.
    private static func receiveInClear(_ transport: LineTransport) throws -> ArraySlice<UInt8>? {
        do {
            return try transport.receive()
        } catch TransportError.closed(let reason) {
            if transport.peek(2) == [0x15, 0x03] { throw SyncError.transport(.speaksTLS(transport.address ?? "?")) }
            throw TransportError.closed(reason)
        }
    }

    /// The first bytes of what a peer sent, readable on one line.
    static func quote(_ bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(48), as: UTF8.self).map { $0.isNewline || $0 == "\r" ? " " : $0 }
        return String(text).trimmingCharacters(in: .whitespaces) + (bytes.count > 48 ? "…" : "")
    }

    func expectMessage(_ transport: LineTransport) throws -> WireMessage {
        guard let line = try transport.receive() else {
            throw SyncError.transport(.closed("the hub closed the connection"))
        }
        switch try WireLine(bytes: line) {
        case .message(.error(let error)): throw SyncError.hub(error)
        case .message(let message): return message
        case .operation, .partialOperation: throw violation(transport, "an operation where a message was expected")
        }
    }

    func violation(_ transport: LineTransport, _ what: String) -> SyncError {
        let error = WireError(.outOfOrder, what)
        try? transport.send([WireMessage.error(error).line])
        return .protocolViolation(error)
    }

    private func savedCursor() throws -> HubCursor {
        guard let text = try store.metadata(.syncCursor), let json = try? JSONParser.parse(text),
            let cursor = try? HubCursor(json: json, field: "cursor")
        else { return .start }
        return cursor
    }
}

extension HubCursor {
    /// The cursor as stored in the replica's metadata.
    var jsonText: String { JSONWriter.string(json) }
}
