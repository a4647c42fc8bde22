import Foundation
import Replica
import SyncCore
import SyncWire

/// The hub's side of moving files (`protocol/PROTOCOL.md` §13): after `done`, the client offers the
/// files it uploads and fetches the ones it lacks; the hub answers one message with one message.
///
/// Rights follow the rows: the hub takes a file only when a logged operation that the client's role
/// may write references it (it is not a dump), and sends one only when a logged operation in the
/// client's scope references it (Tân Ninh never gets Dân Lý's scans).
extension HubSession {
    func handle(_ message: FileMessage, from peer: Peer) throws -> [String] {
        switch message {
        case .offer(let manifest): return [try receiveOffer(manifest, from: peer).line]
        case .chunk(let sha256, let index, let data): return [try receiveChunk(sha256, index, data, from: peer).line]
        case .fetch(let sha256): return [try answerFetch(sha256, for: peer).line]
        case .get(let sha256, let index):
            guard downloads.contains(sha256) else {
                throw WireError(.outOfOrder, "get for file \(sha256.prefix(12))… that the hub did not offer")
            }
            guard let data = try hub.store.chunk(sha256, index: index) else {
                throw WireError(.badMessage, "file \(sha256.prefix(12))… has no chunk \(index)")
            }
            stats.counts.filesSent.bytes += Int64(data.count)
            return [WireMessage.file(.chunk(sha256: sha256, index: index, data: data)).line]
        case .bye:
            state = .closed
            return []
        case .accept, .decline, .stored:
            throw WireError(.outOfOrder, "\(message.typeName) is the hub's to send")
        }
    }

    private func decline(_ sha256: String, _ code: String, _ reason: String) -> WireMessage {
        .file(.decline(sha256: sha256, code: code, reason: reason))
    }

    /// An upload offer: checked against the limit, the rows and the room on disk before any byte moves.
    private func receiveOffer(_ manifest: FileManifest, from peer: Peer) throws -> WireMessage {
        let sha = manifest.sha256
        let limit = try currentFileLimit()
        guard manifest.size <= limit else {
            stats.counts.filesReceived.refused += 1
            return decline(
                sha, FileMessage.DeclineCode.tooLarge,
                "the file has \(manifest.size) bytes; the district's limit is \(limit) bytes")
        }
        let writes = try hub.store.fileWrites(sha)
        guard !writes.isEmpty else {
            stats.counts.filesReceived.refused += 1
            return decline(
                sha, FileMessage.DeclineCode.notReferenced,
                "no operation the hub holds references this file; sync its row first")
        }
        let allowed = writes.contains { write in
            guard let column = hub.store.schema.table(write.table)?.file?.sha256 else { return false }
            let key = FieldKey(table: write.table, row: write.row, column: column)
            return hub.policy.rule(allowing: key, to: peer.role) != nil
        }
        guard allowed else {
            stats.counts.filesReceived.refused += 1
            return decline(
                sha, FileMessage.DeclineCode.forbidden,
                "only rows that \(peer.role) may not write reference this file")
        }
        if try hub.store.fileStatus(sha)?.isWhole == true {
            // Held already: a replica that has not delivered it proves it holds it with one chunk, so
            // that knowing a hash is not enough to be counted among its holders (see answerFetch).
            guard !manifest.chunks.isEmpty, try !hub.store.fileSources(sha).contains(peer.client) else {
                return .file(.accept(sha256: sha, need: []))
            }
            uploads[sha] = manifest
            proofs.insert(sha)
            return .file(.accept(sha256: sha, need: [Int.random(in: 0..<manifest.chunks.count)]))
        }
        let need = try hub.store.prepareFile(manifest)
        let bytes = need.reduce(Int64(0)) { $0 + Int64(manifest.length(ofChunk: $1)) }
        do {
            try hub.store.checkRoom(for: bytes)
        } catch let error as FileError {
            stats.counts.filesReceived.refused += 1
            return decline(sha, FileMessage.DeclineCode.diskFull, error.description)
        }
        uploads[sha] = manifest
        return .file(.accept(sha256: sha, need: need))
    }

    /// One uploaded chunk of an accepted file: kept when its hash matches; the last one makes the file
    /// present when the whole hashes right, else every chunk is discarded and the file declined.
    private func receiveChunk(_ sha256: String, _ index: Int, _ data: Data, from peer: Peer) throws -> WireMessage {
        guard let manifest = uploads[sha256] else {
            // A chunk already in flight when the hub declined its file: answered, not an error.
            if declinedUploads.contains(sha256) {
                return .file(.stored(sha256: sha256, index: index, ok: false, complete: false))
            }
            throw WireError(.outOfOrder, "chunk of file \(sha256.prefix(12))… that the hub did not accept")
        }
        guard manifest.chunks.indices.contains(index) else {
            throw WireError(.badMessage, "file \(sha256.prefix(12))… has no chunk \(index)")
        }
        stats.counts.filesReceived.bytes += Int64(data.count)
        if proofs.contains(sha256) {
            guard try hub.store.isChunk(data, of: sha256, index: index) else {
                return .file(.stored(sha256: sha256, index: index, ok: false, complete: false))
            }
            try hub.store.addFileSource(sha256, replica: peer.client)
            proofs.remove(sha256)
            uploads[sha256] = nil
            return .file(.stored(sha256: sha256, index: index, ok: true, complete: true))
        }
        let outcome: ChunkOutcome
        do {
            outcome = try hub.store.storeChunk(sha256, index: index, data: data, source: peer.client)
        } catch let error as FileError {
            uploads[sha256] = nil
            declinedUploads.insert(sha256)
            return decline(sha256, FileMessage.DeclineCode.diskFull, error.description)
        }
        switch outcome {
        case .stored(let complete):
            if complete {
                stats.counts.filesReceived.complete += 1
                uploads[sha256] = nil
            }
            return .file(.stored(sha256: sha256, index: index, ok: true, complete: complete))
        case .alreadyHeld:
            return .file(.stored(sha256: sha256, index: index, ok: true, complete: false))
        case .badChunk:
            return .file(.stored(sha256: sha256, index: index, ok: false, complete: false))
        case .fileMismatch:
            uploads[sha256] = nil
            declinedUploads.insert(sha256)
            stats.counts.filesReceived.refused += 1
            return decline(
                sha256, FileMessage.DeclineCode.badFile,
                "the chunks do not make a file with this SHA-256; they were discarded")
        }
    }

    /// A download request: the file's manifest, when a row in the client's scope references it and the
    /// hub holds it whole.
    private func answerFetch(_ sha256: String, for peer: Peer) throws -> WireMessage {
        let writes = try hub.store.fileWrites(sha256)
        guard !writes.isEmpty else {
            return decline(
                sha256, FileMessage.DeclineCode.notReferenced, "no operation the hub holds references this file")
        }
        guard writes.contains(where: { peer.scope.contains(table: $0.table, row: $0.row) }) else {
            return decline(
                sha256, FileMessage.DeclineCode.outOfScope, "no row in the scope of \(peer.role) references this file")
        }
        let inScope = writes.filter { peer.scope.contains(table: $0.table, row: $0.row) }
        guard try isVouched(sha256, for: inScope) else {
            // Not held for this client yet: asked again at its next sync, once its own writer delivers it.
            return decline(
                sha256, FileMessage.DeclineCode.notHeld,
                "no replica that may write a row in the scope of \(peer.role) has delivered this file yet")
        }
        guard try hub.store.fileStatus(sha256)?.isWhole == true, let manifest = try hub.store.manifest(sha256)
        else {
            return decline(
                sha256, FileMessage.DeclineCode.notHeld,
                "the hub does not hold this file whole yet; its writer has not uploaded it")
        }
        downloads.insert(sha256)
        return .file(.offer(manifest))
    }

    /// Whether a row that references the file in the client's scope was written by someone who could
    /// have had its content: the hub itself holds it on its own account (stored or imported there), or
    /// a replica that delivered it (or proved to hold it) may write one of those rows. A replica that
    /// merely names another commune's file's hash in a row of its own gets nothing. Before anyone
    /// delivered the file it is not held, which the caller answers.
    private func isVouched(_ sha256: String, for writes: [(table: String, row: String, origin: String)]) throws
        -> Bool
    {
        let sources = try hub.store.fileSources(sha256)
        if sources.isEmpty || sources.contains(hub.store.replicaID) || sources.contains(hub.name) { return true }
        let roles = try sources.compactMap { try hub.store.enrolment(of: $0)?.role }
        return writes.contains { write in
            guard let column = hub.store.schema.table(write.table)?.file?.sha256 else { return false }
            let key = FieldKey(table: write.table, row: write.row, column: column)
            return roles.contains { hub.policy.rule(allowing: key, to: $0) != nil }
        }
    }
}
