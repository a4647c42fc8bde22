import GRDB
import SyncCore

/// The hub's one way in, inside one open transaction: judges each arriving operation (whose it is,
/// whether its writer vouched for it, whether its role may write it) and applies or quarantines it
/// through an ``Applier``. A session's push batch and a bundle imported at the hub both go through it
/// (`protocol/PROTOCOL.md` §14).
///
/// An operation of the session's own replica is trusted by the session. Any other origin's run is
/// taken only up to a checkpoint its enrolled writer signed: each operation must name the hash of the
/// one before it, and the operation at the checkpoint's sequence number must hash to its head, so one
/// signature vouches for the whole run. What lies beyond the last checkpoint waits (not held, taken
/// when it comes again with a later one). Any contradiction refuses the whole batch or bundle.
final class IngestChecker {
    /// How an origin's operations are taken in this ingest.
    private struct Plan {
        /// The role its writes are judged by; nil: the hub itself, every write allowed.
        var role: Role?
        /// Operations up to this sequence number may be taken.
        var through: UInt64
        /// The head the operation at `through` must hash to (nil: trusted by the session or vouched).
        var head: [UInt8]?
        /// Whether each operation must name its previous one (relayed work is bound by the chain).
        var chained: Bool
        /// Whether the operation at `through` was met (or held before).
        var reached = false
        /// Why the origin's operations wait, when they do.
        var wait: IngestWait?
        /// Operations after this one are quarantined (a revoked writer's work after its cutoff).
        var quarantineAfter: UInt64? = nil
        /// The hashes some operations must have: what the writer signed (its own checkpoints in a
        /// session) and what the hub recorded at a renewal or a revocation.
        var anchors: [UInt64: [UInt8]] = [:]
    }

    private let db: Database
    private let applier: Applier
    private let schema: ReplicatedSchema
    private let rules: IngestRules
    private let source: IngestSource
    private let hubOrigin: String
    private let sender: String
    private let receivedMs: Int64
    private var carried: [String: [Checkpoint]] = [:]
    private var plans: [String: Plan] = [:]
    /// The last operation of each origin met in this ingest (taken, or held already), for the next
    /// one's chain check.
    private var last: [String: SyncOperation] = [:]
    /// The last operation of each origin newly taken (applied or quarantined) in this ingest, as
    /// prepared: its hash, when the next one needs it, is read from its canonical line when it came as
    /// one (no line is written again).
    private var taken: [String: PreparedOperation] = [:]
    /// The checkpoints verified in this ingest, kept when it commits.
    private var verified: [Checkpoint] = []
    private(set) var report = IngestReport()
    /// Operations whose `prev` the batch reader took from the line before them in the same batch (the
    /// same origin's previous operation): their link to it holds by construction, so it is not hashed
    /// again when that operation is the one met just before in this ingest.
    private let linked: Set<Dot>

    init(
        _ db: Database, applier: Applier, schema: ReplicatedSchema, rules: IngestRules, source: IngestSource,
        hubOrigin: String, sender: String, receivedMs: Int64, checkpoints: [Checkpoint], linked: Set<Dot> = []
    ) {
        self.linked = linked
        self.db = db
        self.applier = applier
        self.schema = schema
        self.rules = rules
        self.source = source
        self.hubOrigin = hubOrigin
        self.sender = sender
        self.receivedMs = receivedMs
        for checkpoint in checkpoints { carried[checkpoint.origin, default: []].append(checkpoint) }
    }

    /// Judges one operation and applies, quarantines or leaves it waiting.
    func admit(_ prepared: PreparedOperation) throws {
        let op = prepared.operation
        let dot = op.dot
        // A bundle made on a laptop carries the hub's own writes it pulled: the same ones are duplicates.
        if case .bundle = source, dot.origin == hubOrigin, applier.summary.contains(dot) { return try held(op) }
        guard dot.origin != hubOrigin else {
            throw IngestError(.hubOwn, dot, "operation \(dot) claims to be the hub's own")
        }
        // The origin's carried checkpoints are checked first, duplicates or not: one that contradicts
        // what the hub holds proves a fork.
        var plan = try self.plan(for: dot.origin)
        if applier.summary.contains(dot) { return try held(op) }
        if let wait = plan.wait { return waits(dot.origin, wait) }
        let expected = applier.summary.origins[dot.origin]?.firstMissing ?? 1
        guard dot.seq == expected else {
            if case .session = source {
                throw IngestError(
                    .gap, dot,
                    "operation \(dot) would leave a gap: the hub's next operation of \(dot.origin) is \(expected)")
            }
            return waits(dot.origin, .gap)
        }
        guard dot.seq <= plan.through else { return waits(dot.origin, .unsigned) }
        if plan.chained, dot.seq > 1, op.prev == nil {
            // Work written before chains existed cannot be bound to a checkpoint: its writer sends it.
            return waits(dot.origin, .unsigned)
        }
        if let problem = schema.valueProblem(of: op) {
            throw IngestError(.badValue, dot, "operation \(dot): \(problem)")
        }
        try checkChain(op)
        if let anchor = plan.anchors[dot.seq], prepared.hash != anchor {
            throw IngestError(
                .badSignature, dot,
                "operation \(dot) is not the one \(dot.origin) signed (or the hub recorded) at seq \(dot.seq): its hash differs"
            )
        }
        if let head = plan.head, dot.seq == plan.through {
            guard prepared.hash == head else {
                throw IngestError(
                    .badSignature, dot,
                    "operation \(dot) is not the one \(dot.origin) signed at seq \(dot.seq) (its hash differs from the checkpoint's head): the run was changed on the way"
                )
            }
            plan.reached = true
            plans[dot.origin] = plan
        }
        last[dot.origin] = op
        taken[dot.origin] = prepared
        var reason: String?
        if let cutoff = plan.quarantineAfter, dot.seq > cutoff {
            reason = "revoked: the credential of \(dot.origin) was revoked; its work after seq \(cutoff) is not taken"
        } else if let role = plan.role, rules.policy.rule(allowing: op.key, to: role, parents: rules.parents) == nil {
            reason = "forbidden: no rule lets \(role) write \(op.key.column) of \(op.key.table) row \(op.key.row)"
        } else if let unit = rules.bound[dot.origin], !Self.within(op.key.row, unit, rules.parents) {
            reason =
                "forbidden: \(dot.origin) was enrolled through the hub of \(unit) and writes only there, not row \(op.key.row)"
        }
        if let reason {
            applier.hold(dot)
            try db.execute(
                sql: "INSERT INTO quarantine (origin, seq, op, reason, sender, received_ms) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [dot.origin, Int64(dot.seq), op.jsonLine, reason, sender, receivedMs])
            report.refused.append(IngestRefusal(dot: dot, reason: reason))
            report.newlyRefused += 1
            return
        }
        try applier.apply(prepared)
        report.applied += 1
    }

    /// Ends the ingest: every relayed run taken must have reached its checkpoint (else an operation was
    /// left out on the way), and the verified checkpoints are kept.
    func finish() throws -> IngestReport {
        for (origin, plan) in plans where plan.head != nil && !plan.reached && taken[origin] != nil {
            try reachThroughHeld(origin, plan)
        }
        try ReplicaStore.record(db, verified)
        report.checkpoints = verified.count
        return report
    }

    /// A relayed run taken here that stopped before its checkpoint may still reach it through
    /// operations the hub held already (a hole in what it held): each must name the hash of the one
    /// before, up to the checkpoint's head. Otherwise operations were left out on the way.
    private func reachThroughHeld(_ origin: String, _ plan: Plan) throws {
        guard var previous = last[origin] else { return }
        while previous.dot.seq < plan.through {
            let dot = Dot(origin: origin, seq: previous.dot.seq + 1)
            guard
                let next = try ReplicaStore.loggedOperation(db, dot: dot)?.operation
                    ?? ReplicaStore.quarantinedOperation(db, dot: dot)?.operation,
                next.prev == previous.hash
            else { break }
            previous = next
        }
        guard previous.dot.seq == plan.through, previous.hash == plan.head else {
            let end = taken[origin]!.operation.dot
            throw IngestError(
                .badSignature, end,
                "the run of \(origin) ends at seq \(end.seq), before its checkpoint at seq \(plan.through): operations were left out on the way"
            )
        }
    }

    /// An operation whose dot is held: the same operation again (a duplicate, or a refusal to repeat),
    /// else a fork. After operations newly taken here it must continue their chain: a relayed run
    /// cannot slip forged operations into a hole of what the hub held.
    private func held(_ op: SyncOperation) throws {
        let dot = op.dot
        if let prior = taken[dot.origin], prior.operation.dot.seq + 1 == dot.seq,
            last[dot.origin]?.dot == prior.operation.dot, op.prev != prior.hash
        {
            throw IngestError(
                .badSignature, dot,
                "operation \(dot), which the hub holds, does not follow the operations of \(dot.origin) taken before it: they were changed on the way"
            )
        }
        if let logged = try ReplicaStore.loggedOperation(db, dot: dot)?.operation {
            guard logged == op else { throw Self.forked(dot) }
            report.duplicates += 1
            if var plan = plans[dot.origin], plan.head != nil, dot.seq == plan.through {
                plan.reached = true
                plans[dot.origin] = plan
            }
            last[dot.origin] = op
        } else if let quarantined = try ReplicaStore.quarantinedOperation(db, dot: dot) {
            guard quarantined.operation == op else { throw Self.forked(dot) }
            report.refused.append(IngestRefusal(dot: dot, reason: quarantined.reason))
            last[dot.origin] = op
        } else {
            throw IngestError(
                .heldNeither, dot, "operation \(dot) is held by the hub but neither logged nor quarantined")
        }
    }

    private static func forked(_ dot: Dot) -> IngestError {
        IngestError(.fork, dot, "differs from the operation the hub holds with that dot")
    }

    private func waits(_ origin: String, _ reason: IngestWait) {
        report.waiting[origin, default: IngestWaiting(reason: reason, count: 0)].count += 1
        // The rest of the origin waits too: its next operation would follow one not taken.
        if plans[origin]?.wait == nil { plans[origin]?.wait = reason }
    }

    /// How an origin's operations are taken: by the session (its own replica), by its writer's latest
    /// checkpoint carried here, by a person's word for a bundle of an unknown writer, or not at all.
    private func plan(for origin: String) throws -> Plan {
        if let plan = plans[origin] { return plan }
        let plan = try makePlan(for: origin)
        plans[origin] = plan
        return plan
    }

    private func makePlan(for origin: String) throws -> Plan {
        let checkpoints = carried[origin] ?? []
        var anchors = rules.writers[origin]?.anchors ?? [:]
        if let frozen = rules.writers[origin]?.frozenAt {
            if case .session(let replica, _) = source, replica == origin {
                throw IngestError(
                    .fork, Dot(origin: origin, seq: frozen),
                    "is where a fork of \(origin) was proven (two signed histories: a copied database); the hub takes none of its work until the district renews its credential (ntm hub enroll --renew) after ntm replica fork-recover"
                )
            }
            return Plan(role: nil, through: 0, head: nil, chained: true, wait: .frozen)
        }
        if case .session(let replica, let role) = source, replica == origin {
            // Trusted by the session; its own checkpoints are still checked and kept, to be carried on.
            for checkpoint in checkpoints {
                let verdict = rules.writers[origin]?.judge(checkpoint)
                if verdict == .expired { continue }
                guard verdict == .valid else {
                    throw IngestError(
                        .badSignature, Dot(origin: origin, seq: checkpoint.seq),
                        "the checkpoint of \(origin) at seq \(checkpoint.seq) is not signed by its enrolled key")
                }
                try checkAgainstHeld(checkpoint)
                verified.append(checkpoint)
                anchors[checkpoint.seq] = checkpoint.head
            }
            var plan = Plan(role: role, through: .max, head: nil, chained: false)
            plan.anchors = anchors
            return plan
        }
        var writer = rules.writers[origin]
        if writer == nil, let hubKey = rules.hubKey,
            checkpoints.contains(where: { $0.keyID == Checkpoint.keyID(of: hubKey) })
        {
            writer = IngestWriter(role: nil, key: hubKey)
        }
        // A lower hub's former replica id (restored below): vouched for by its log key, judged by its role.
        if writer == nil,
            let lower = rules.lowerHubs.first(where: { hub in
                checkpoints.contains { $0.keyID == Checkpoint.keyID(of: hub.key) }
            })
        {
            writer = IngestWriter(role: lower.role, key: lower.key)
        }
        guard let writer else {
            if case .bundle(let vouched?) = source {
                return Plan(role: vouched, through: .max, head: nil, chained: false)
            }
            return Plan(role: nil, through: 0, head: nil, chained: true, wait: .unknownWriter)
        }
        if writer.revoked && writer.revokedAfter == nil {
            return Plan(role: writer.role, through: 0, head: nil, chained: true, wait: .revoked)
        }
        let held = (applier.summary.origins[origin]?.firstMissing ?? 1) - 1
        var best: Checkpoint?
        for checkpoint in checkpoints {
            let verdict = writer.judge(checkpoint)
            if verdict == .expired { continue }
            guard verdict == .valid else {
                throw IngestError(
                    .badSignature, Dot(origin: origin, seq: checkpoint.seq),
                    "the checkpoint of \(origin) at seq \(checkpoint.seq) is not signed by \(origin)'s enrolled key (signed by another key, or altered)"
                )
            }
            try checkAgainstHeld(checkpoint)
            verified.append(checkpoint)
            if checkpoint.seq > held, checkpoint.seq > best?.seq ?? 0 { best = checkpoint }
        }
        guard let best else {
            // Nothing new is vouched for: what the hub holds is a duplicate, the rest waits.
            var plan = Plan(role: writer.role, through: held, head: nil, chained: true, wait: nil)
            plan.anchors = anchors
            return plan
        }
        var plan = Plan(role: writer.role, through: best.seq, head: best.head, chained: true)
        plan.quarantineAfter = writer.revokedAfter
        plan.anchors = anchors
        return plan
    }

    /// Whether a row lies in `unit`: owned by it, or by a unit placed under it.
    static func within(_ row: String, _ unit: String, _ parents: [String: String]) -> Bool {
        let owner = RowScope.owner(of: row)
        return owner == unit || parents[owner] == unit
    }

    /// A verified checkpoint that contradicts what the hub holds of its origin (another head at a
    /// sequence number the hub holds, or another checkpoint at the same one) proves two databases
    /// writing under one replica id.
    private func checkAgainstHeld(_ checkpoint: Checkpoint) throws {
        let dot = Dot(origin: checkpoint.origin, seq: checkpoint.seq)
        let held =
            try ReplicaStore.loggedOperation(db, dot: dot)?.operation
            ?? ReplicaStore.quarantinedOperation(db, dot: dot)?.operation
        if let held, held.hash != checkpoint.head {
            var error = IngestError(
                .fork, dot, "is signed with another head than the operation the hub holds with that dot")
            error.proven = true
            throw error
        }
        for other in try ReplicaStore.checkpoints(db, origin: checkpoint.origin, seq: checkpoint.seq)
        where other.contradicts(checkpoint) {
            var error = IngestError(
                .fork, dot, "is signed with another head than a checkpoint the hub holds at that seq")
            error.proven = true
            throw error
        }
    }

    /// Checks that a new operation names the hash of its origin's previous one: the one taken before it
    /// here, or the one the hub holds (logged or quarantined). An origin's first names none.
    private func checkChain(_ op: SyncOperation) throws {
        let dot = op.dot
        guard dot.seq > 1 else { return }
        let before = Dot(origin: dot.origin, seq: dot.seq - 1)
        let inIngest = last[dot.origin]?.dot == before
        if inIngest, linked.contains(dot) { return }
        let previous =
            inIngest
            ? last[dot.origin]
            : try ReplicaStore.loggedOperation(db, dot: before)?.operation
                ?? ReplicaStore.quarantinedOperation(db, dot: before)?.operation
        // Operations written before chains existed name no previous one: accepted while the origin's
        // chain has not begun (as `ntm verify` judges them), refused once it has.
        if op.prev == nil, let previous, previous.prev == nil { return }
        guard let previous, let prev = op.prev else {
            throw IngestError(
                .brokenChain, dot,
                "operation \(dot) names no previous operation; every operation after an origin's first names the hash of the one before"
            )
        }
        report.linksHashed += 1
        let previousHash =
            inIngest ? taken[dot.origin].flatMap { $0.operation.dot == before ? $0.hash : nil } : nil
        guard prev == previousHash ?? previous.hash else {
            // Against what the hub already holds, another previous operation is another history of the
            // same origin; inside one batch it is a chain the sender broke itself.
            if !inIngest {
                throw IngestError(
                    .fork, dot, "does not follow \(before) as the hub holds it (its prev is another hash)")
            }
            throw IngestError(
                .brokenChain, dot,
                "operation \(dot) does not follow \(before) of the same batch: its prev is another hash")
        }
    }
}
