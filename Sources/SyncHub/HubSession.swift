import Foundation
import Replica
import SyncCore
import SyncWire

/// Who the hub is: its replica, its epoch and the district whose shared rows every commune receives.
public struct HubIdentity: Sendable {
    /// The hub's replica.
    public let store: ReplicaStore
    /// A random id made when the hub database was created; a replica that sees another epoch re-pulls.
    public let epoch: String
    /// The district slug: rows starting with it are shared with every commune.
    public let district: String?
    /// Tables every commune receives whole (the criteria sets a province imported).
    public let sharedTables: Set<String>

    /// Creates an identity.
    public init(store: ReplicaStore, epoch: String, district: String?, sharedTables: Set<String>) {
        self.store = store
        self.epoch = epoch
        self.district = district
        self.sharedTables = sharedTables
    }

    /// Whether a row belongs to a commune's scope: its own rows, the district's rows, shared tables.
    public func inScope(table: String, row: String, commune: String) -> Bool {
        if sharedTables.contains(table) { return true }
        let owner = row.firstIndex(of: "/").map { String(row[..<$0]) } ?? row
        return owner == commune || (district != nil && owner == district)
    }
}

/// What a session did, for the hub's log line.
public struct SessionStats: Sendable {
    /// The client's replica id, once known.
    public var replica: String?
    /// Operations received.
    public var operationsIn = 0
    /// Operations newly applied at the hub.
    public var applied = 0
    /// Operations sent.
    public var operationsOut = 0
    /// Bytes received and sent (lines with their newline).
    public var bytesIn = 0
    /// Bytes sent.
    public var bytesOut = 0
    /// The error that ended the session, if any.
    public var error: WireError?
}

/// The hub's side of one sync session, as a state machine fed one line at a time. It does not touch
/// sockets: a transport (TCP, stdin/stdout, a test) hands it lines and sends what it returns.
///
/// Every batch a client pushes is checked whole (each line an operation, dots not forged, no gap in
/// any origin's sequence, every row in the client's scope) and applied in one transaction, or not at
/// all; a violation answers an error object and ends the session.
///
/// A session is used by one thread at a time (the transport hands it one line and waits for the
/// answer), which is what makes it safe to pass between threads.
public final class HubSession: @unchecked Sendable {
    enum State {
        case awaitingHello
        case ready(client: String, commune: String)
        case receiving(client: String, commune: String, batch: Int64, expected: Int, ops: [SyncOperation])
        case closed
    }

    private let hub: HubIdentity
    private var state = State.awaitingHello
    /// What the session did so far.
    public private(set) var stats = SessionStats()
    /// How many log entries one pull answer scans at most.
    let scanLimit: Int

    /// Creates a session.
    public init(hub: HubIdentity, scanLimit: Int = 20_000) {
        self.hub = hub
        self.scanLimit = scanLimit
    }

    /// Whether the session has ended (after `done` or an error).
    public var isClosed: Bool { if case .closed = state { return true } else { return false } }

    /// Handles one received line (without its `\n`) and returns the lines to send, in order. After an
    /// error line, or `done`, the session is closed and the transport should close the connection.
    public func receive(_ bytes: some Collection<UInt8>) -> [String] {
        stats.bytesIn += bytes.count + 1
        let out: [String]
        do {
            out = try handle(try WireLine(bytes: bytes))
        } catch let error as WireError {
            out = [fail(error)]
        } catch {
            out = [fail(WireError(.unavailable, "the hub database failed: \(error)"))]
        }
        stats.bytesOut += out.reduce(0) { $0 + $1.utf8.count + 1 }
        return out
    }

    /// Ends the session because the transport failed (the peer went away, a line was too long).
    public func abort(_ error: WireError) -> String { fail(error) }

    private func fail(_ error: WireError) -> String {
        // A batch in flight is dropped whole: nothing of it was applied.
        state = .closed
        stats.error = error
        return WireMessage.error(error).line
    }

    private func handle(_ line: WireLine) throws -> [String] {
        switch (state, line) {
        case (.closed, _):
            return []
        case (_, .message(.error(let error))):
            // The client gave up; nothing of a batch in flight is applied.
            state = .closed
            stats.error = error
            return []
        case (.awaitingHello, .message(.hello(let hello))):
            guard hello.protocolVersion >= WireLimits.protocolVersion else {
                throw WireError(
                    .unsupportedVersion,
                    "this hub speaks protocol \(WireLimits.protocolVersion); the client speaks \(hello.protocolVersion)"
                )
            }
            guard hello.schema == hub.store.schema.tag else {
                throw WireError(
                    .schemaMismatch, "the client's schema is \(hello.schema), the hub's is \(hub.store.schema.tag)")
            }
            guard !hello.commune.isEmpty, Identifiers.isRowID(hello.commune), !hello.commune.contains("/") else {
                throw WireError(.badMessage, "\"commune\" must be a commune slug")
            }
            guard hello.replica != hub.store.replicaID else {
                throw WireError(.badMessage, "the client's replica id is the hub's own")
            }
            stats.replica = hello.replica
            state = .ready(client: hello.replica, commune: hello.commune)
            let summary = try hub.store.summary()
            let end = try hub.store.logEnd()
            let welcome = WireMessage.Welcome(
                protocolVersion: WireLimits.protocolVersion, hub: hub.store.replicaID, epoch: hub.epoch,
                holds: summary, end: HubCursor(position: end?.position ?? 0, dot: end?.dot))
            return [WireMessage.welcome(welcome).line]
        case (.ready(let client, let commune), .message(.push(let batch, let count))):
            state = .receiving(client: client, commune: commune, batch: batch, expected: count, ops: [])
            return count == 0 ? try commit() : []
        case (.receiving(let client, let commune, let batch, let expected, var ops), .operation(let op)):
            ops.append(op)
            stats.operationsIn += 1
            state = .receiving(client: client, commune: commune, batch: batch, expected: expected, ops: ops)
            return ops.count == expected ? try commit() : []
        case (.ready(let client, let commune), .message(.pull(let cursor, let limit))):
            return try pull(client: client, commune: commune, cursor: cursor, limit: limit)
        case (.receiving, .message(let message)):
            throw WireError(
                .outOfOrder, "\(Self.name(message)) arrived inside a push batch, before its operations ended")
        case (_, .message(let message)):
            throw WireError(.outOfOrder, "\(Self.name(message)) is not expected here")
        case (_, .operation):
            throw WireError(.outOfOrder, "an operation outside a push batch")
        }
    }

    /// Checks a whole push batch and applies it in one transaction.
    private func commit() throws -> [String] {
        guard case .receiving(let client, let commune, let batch, _, let ops) = state else { return [] }
        var summary = try hub.store.summary()
        var duplicates = 0
        var fresh: [SyncOperation] = []
        for op in ops {
            guard hub.inScope(table: op.key.table, row: op.key.row, commune: commune) else {
                throw WireError(
                    .outOfScope,
                    "operation \(op.dot) writes \(op.key.table) row \(op.key.row), outside commune \(commune)")
            }
            guard op.dot.origin != hub.store.replicaID else {
                throw WireError(.forgedDot, "operation \(op.dot) claims to be the hub's own")
            }
            if summary.contains(op.dot) {
                guard let held = try hub.store.operation(op.dot), held == op else {
                    throw WireError(
                        .forgedDot, "operation \(op.dot) differs from the operation the hub holds with that dot")
                }
                duplicates += 1
                continue
            }
            let expected = summary.origins[op.dot.origin]?.firstMissing ?? 1
            guard op.dot.seq == expected else {
                throw WireError(
                    .gap,
                    "operation \(op.dot) would leave a gap: the hub's next operation of \(op.dot.origin) is \(expected)"
                )
            }
            summary.insert(op.dot)
            fresh.append(op)
        }
        let applied = try hub.store.apply(fresh)
        stats.applied += applied
        state = .ready(client: client, commune: commune)
        _ = client
        return [WireMessage.pushed(batch: batch, applied: applied, duplicates: duplicates).line]
    }

    /// Answers a pull: the operations in the client's scope after its cursor, one bounded batch.
    private func pull(client: String, commune: String, cursor: HubCursor, limit: Int) throws -> [String] {
        var position = cursor.position
        // A cursor naming another operation than the one there (a hub restored from an older backup, or
        // another hub) is not trusted: the client is served from the start; applying twice is harmless.
        if position > 0, try hub.store.dot(atPosition: position) != cursor.dot { position = 0 }
        var lines: [String] = []
        var scanned = 0
        var last: LoggedOperation?
        var writer = JSONWriter(capacity: 4096)
        while lines.count < limit {
            let entries = try hub.store.logEntries(after: position, limit: min(scanLimit, 5_000))
            guard !entries.isEmpty else { break }
            for entry in entries {
                last = entry
                scanned += 1
                position = entry.position
                let op = entry.operation
                guard op.dot.origin != client, hub.inScope(table: op.key.table, row: op.key.row, commune: commune)
                else { continue }
                writer.reset()
                op.write(to: &writer)
                lines.append(String(decoding: writer.bytes, as: UTF8.self))
                if lines.count == limit { break }
            }
            if scanned >= scanLimit { break }
        }
        guard let last else {
            let end = position == 0 ? HubCursor.start : cursor
            state = .closed
            return [WireMessage.done(cursor: end).line]
        }
        stats.operationsOut += lines.count
        let to = HubCursor(position: last.position, dot: last.operation.dot)
        return [WireMessage.batch(to: to, count: lines.count).line] + lines
    }

    static func name(_ message: WireMessage) -> String {
        switch message {
        case .hello: return "hello"
        case .welcome: return "welcome"
        case .push: return "push"
        case .pushed: return "pushed"
        case .pull: return "pull"
        case .batch: return "batch"
        case .done: return "done"
        case .error: return "error"
        }
    }
}
