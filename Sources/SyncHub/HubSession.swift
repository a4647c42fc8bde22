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

    /// A commune's scope: its own rows, the district's rows, the shared tables.
    public func scope(of commune: String) -> RowScope {
        RowScope(owners: [commune] + (district.map { [$0] } ?? []), tables: sharedTables.sorted())
    }

    /// Whether a row belongs to a commune's scope.
    public func inScope(table: String, row: String, commune: String) -> Bool {
        scope(of: commune).contains(table: table, row: row)
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
        case receiving(client: String, commune: String, batch: Int64, expected: Int)
        case closed
    }

    private let hub: HubIdentity
    private var state = State.awaitingHello
    /// The operations of the push batch being received (kept outside `state`, so that appending does
    /// not copy the batch).
    private var pending: [SyncOperation] = []
    private var pendingBytes = 0
    private var pendingDefaults: OperationDefaults?
    private var lastLength = 0
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
        receive(Self.parse(bytes), length: bytes.count)
    }

    /// Reads a line; pure, so a transport may do it on its own threads before handing the result over.
    public static func parse(_ bytes: some Collection<UInt8>) -> Result<WireLine, WireError> {
        do { return .success(try WireLine(bytes: bytes)) } catch { return .failure(error) }
    }

    /// Handles one line already read by ``parse(_:)``; `length` is its size in bytes without `\n`.
    public func receive(_ parsed: Result<WireLine, WireError>, length: Int) -> [String] {
        stats.bytesIn += length + 1
        lastLength = length
        let out: [String]
        do {
            out = try handle(try parsed.get())
        } catch let error as WireError {
            out = [fail(error)]
        } catch {
            out = [fail(WireError(.unavailable, "the hub database failed: \(error)"))]
        }
        stats.bytesOut += out.reduce(0) { $0 + $1.utf8.count + 1 }
        return out
    }

    /// Ends the session because the transport failed (the peer went away, a line was too long); a
    /// session already closed keeps its first reason.
    public func abort(_ error: WireError) -> String {
        if isClosed { return WireMessage.error(error).line }
        return fail(error)
    }

    private func fail(_ error: WireError) -> String {
        // A batch in flight is dropped whole: nothing of it was applied.
        state = .closed
        pending = []
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
            guard Identifiers.isSlug(hello.commune) else {
                throw WireError(.badMessage, "\"commune\" must be a slug: 1-64 of a-z, 0-9 and '-'")
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
                holds: summary, end: HubCursor(position: end?.position ?? 0, dot: end?.dot), district: hub.district,
                shared: hub.sharedTables.sorted())
            return [WireMessage.welcome(welcome).line]
        case (.ready(let client, let commune), .message(.push(let batch, let count, let defaults))):
            state = .receiving(client: client, commune: commune, batch: batch, expected: count)
            pendingDefaults = defaults
            pending.removeAll(keepingCapacity: true)
            pending.reserveCapacity(count)
            pendingBytes = 0
            return count == 0 ? try commit() : []
        case (.receiving, .partialOperation(let object)):
            guard let defaults = pendingDefaults else {
                throw WireError(.badOperation, "an operation line leaves out members but its push gave no defaults")
            }
            return try handle(.operation(try defaults.complete(object)))
        case (.receiving(_, _, _, let expected), .operation(let op)):
            pendingBytes += lastLength + 1
            guard pendingBytes <= WireLimits.maximumBatchBytes else {
                throw WireError(
                    .batchTooLarge,
                    "a push batch holds more than \(WireLimits.maximumBatchBytes) bytes; send smaller batches")
            }
            pending.append(op)
            stats.operationsIn += 1
            return pending.count == expected ? try commit() : []
        case (.ready(let client, let commune), .message(.pull(let cursor, let limit))):
            return try pull(client: client, commune: commune, cursor: cursor, limit: limit)
        case (.receiving, .message(let message)):
            throw WireError(
                .outOfOrder, "\(Self.name(message)) arrived inside a push batch, before its operations ended")
        case (_, .message(let message)):
            throw WireError(.outOfOrder, "\(Self.name(message)) is not expected here")
        case (_, .operation), (_, .partialOperation):
            throw WireError(.outOfOrder, "an operation outside a push batch")
        }
    }

    /// Checks a whole push batch and applies it in one transaction.
    private func commit() throws -> [String] {
        guard case .receiving(let client, let commune, let batch, _) = state else { return [] }
        let ops = pending
        pending.removeAll(keepingCapacity: true)
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

    /// Answers a pull: the operations in the client's scope after its cursor, one bounded batch. At
    /// most `scanLimit` log positions are looked at, so an answer costs the same however large the log.
    private func pull(client: String, commune: String, cursor: HubCursor, limit: Int) throws -> [String] {
        var position = cursor.position
        // A cursor naming another operation than the one there (a hub restored from an older backup, or
        // another hub) is not trusted: the client is served from the start; applying twice is harmless.
        if position > 0, try hub.store.dot(atPosition: position) != cursor.dot { position = 0 }
        guard let end = try hub.store.logEnd(), end.position > position else {
            state = .closed
            return [WireMessage.done(cursor: position == 0 ? .start : cursor).line]
        }
        let bound = min(end.position, position + Int64(scanLimit))
        let entries = try hub.store.logEntries(
            after: position, upTo: bound, in: hub.scope(of: commune), excluding: client, limit: limit)
        // The batch ends at the last entry sent when the limit cut it, else at the end of the scanned range.
        let to: HubCursor
        if entries.count == limit, let last = entries.last {
            to = HubCursor(position: last.position, dot: last.operation.dot)
        } else if bound == end.position {
            to = HubCursor(position: end.position, dot: end.dot)
        } else {
            to = HubCursor(position: bound, dot: try hub.store.dot(atPosition: bound))
        }
        // A batch also stops at 4 MiB of operation lines, so that one client never makes the hub hold
        // more than that for it; the cursor then ends at the last operation sent.
        let defaults = OperationDefaults.common(entries.map(\.operation))
        var lines: [String] = []
        var bytes = 0
        var batchEnd = to
        var sent: LoggedOperation?
        for entry in entries {
            let line = defaults?.line(entry.operation) ?? entry.operation.jsonLine
            if let last = sent, bytes + line.utf8.count + 1 > WireLimits.maximumPullBytes {
                batchEnd = HubCursor(position: last.position, dot: last.operation.dot)
                break
            }
            bytes += line.utf8.count + 1
            lines.append(line)
            sent = entry
        }
        stats.operationsOut += lines.count
        return [WireMessage.batch(to: batchEnd, count: lines.count, defaults: defaults).line] + lines
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
