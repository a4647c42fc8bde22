import Foundation
import Replica
import SyncCore
import SyncWire

/// The client's side of moving files (`protocol/PROTOCOL.md` §13), after the operations: upload the
/// files this replica's own rows reference that the hub lacks, then download the files the rows in its
/// scope reference that it lacks. One file at a time, a few chunks in flight; every chunk is kept as it
/// is checked, so the next session resumes where this one stopped.
extension SyncClient {
    /// How many chunks may be in flight in either direction: enough to keep a slow link busy while an
    /// answer travels back, few enough that an interruption costs about one chunk.
    public static let chunkWindow = 2
    /// How many times one chunk may fail its hash before the file is marked refused.
    public static let chunkAttempts = 3
    /// The refusals of a download that the next sync tries again.
    static let retried: Set<String> = [
        FileMessage.DeclineCode.badChunks, FileMessage.DeclineCode.badFile, FileMessage.DeclineCode.diskFull,
    ]

    func moveFiles(over transport: LineTransport, result: inout SyncResult) throws {
        // This replica's own files, and the files of rows it received by other ways (a bundle from the
        // commune's other laptop) that the hub may not hold yet: the hub judges whether its role may
        // deliver them.
        let own = try store.ownFileReferences()
        let references = try store.referencedFiles()
        let carried = Set(references.map(\.sha256)).subtracting(own)
        for sha in own.union(carried).sorted() {
            guard let status = try store.fileStatus(sha), status.isWhole, !status.atHub,
                let manifest = try store.manifest(sha)
            else { continue }
            try upload(manifest, mine: own.contains(sha), over: transport, result: &result)
        }
        var wanted: [String: Int64] = [:]
        for reference in references { wanted[reference.sha256] = reference.size }
        for (sha, size) in wanted.sorted(by: { $0.key < $1.key }) {
            let status = try store.fileStatus(sha)
            switch status?.state {
            case .present?: continue
            case .refused(let code, _)?:
                // Damage on the way may not happen again, and the hub may have room now: asked for again
                // at each sync. A file out of this replica's scope is not.
                guard Self.retried.contains(code), status?.isWhole != true else { continue }
            case .partial?, .missing?, nil: break
            }
            if result.files.noRoom {
                result.files.waiting += 1
                continue
            }
            try download(sha, size: size, over: transport, result: &result)
        }
        try store.collectFileGarbage()
    }

    private func report(_ result: SyncResult, _ transport: LineTransport) {
        var partial = result
        partial.counts.bytesIn = transport.bytesIn
        partial.counts.bytesOut = transport.bytesOut
        progress?(partial)
    }

    /// Offers one file and sends the chunks the hub asks for. A decline of a file this replica did not
    /// attach itself is not recorded as its refusal: the file's own writer delivers it.
    private func upload(
        _ manifest: FileManifest, mine: Bool, over transport: LineTransport, result: inout SyncResult
    ) throws {
        let sha = manifest.sha256
        try transport.send([WireMessage.file(.offer(manifest)).line])
        let need: [Int]
        switch try expectMessage(transport) {
        case .file(.accept(let answered, let needed)) where answered == sha:
            guard needed.allSatisfy(manifest.chunks.indices.contains) else {
                throw violation(transport, "accept names a chunk file \(sha.prefix(12))… does not have")
            }
            need = needed
        case .file(.decline(let answered, let code, let reason)) where answered == sha:
            if mine {
                try store.refuseFile(sha, size: manifest.size, code: code, detail: reason)
                result.counts.filesSent.refused += 1
            }
            return
        default: throw violation(transport, "expected accept or decline for file \(sha.prefix(12))…")
        }
        var queue = need[...]
        var failures: [Int: Int] = [:]
        var inFlight = 0
        var stopped = false
        var complete = need.isEmpty
        while !queue.isEmpty || inFlight > 0 {
            while !stopped, inFlight < Self.chunkWindow, let index = queue.popFirst() {
                guard let data = try store.chunk(sha, index: index) else { throw FileError.damaged(sha256: sha) }
                try transport.send([WireMessage.file(.chunk(sha256: sha, index: index, data: data)).line])
                result.counts.filesSent.bytes += Int64(data.count)
                inFlight += 1
                report(result, transport)
            }
            if inFlight == 0 { break }
            let answer = try expectMessage(transport)
            inFlight -= 1
            switch answer {
            case .file(.stored(let answered, let index, let ok, let done))
            where answered == sha && manifest.chunks.indices.contains(index):
                if done { complete = true }
                if !ok {
                    failures[index, default: 0] += 1
                    if failures[index]! < Self.chunkAttempts {
                        queue.append(index)
                    } else if !stopped {
                        stopped = true
                        try store.refuseFile(
                            sha, size: manifest.size, code: FileMessage.DeclineCode.badChunks,
                            detail: "chunk \(index) failed its hash \(Self.chunkAttempts) times at the hub")
                        result.counts.filesSent.refused += 1
                    }
                }
            case .file(.decline(let answered, let code, let reason)) where answered == sha:
                if !stopped {
                    stopped = true
                    try store.refuseFile(sha, size: manifest.size, code: code, detail: reason)
                    result.counts.filesSent.refused += 1
                }
            default: throw violation(transport, "expected stored for file \(sha.prefix(12))…")
            }
            if stopped { queue.removeAll() }
            report(result, transport)
        }
        if complete && !stopped {
            try store.setFileAtHub(sha, size: manifest.size)
            result.counts.filesSent.complete += 1
        }
    }

    /// Fetches one file's manifest and the chunks this replica lacks, keeping each as it checks.
    private func download(_ sha: String, size: Int64, over transport: LineTransport, result: inout SyncResult)
        throws
    {
        try transport.send([WireMessage.file(.fetch(sha256: sha)).line])
        let manifest: FileManifest
        switch try expectMessage(transport) {
        case .file(.offer(let offered)) where offered.sha256 == sha:
            manifest = offered
        case .file(.decline(let answered, let code, let reason)) where answered == sha:
            if code == FileMessage.DeclineCode.notHeld || code == FileMessage.DeclineCode.notReferenced {
                // Not at the hub yet (its writer has not synced): asked again next time.
                result.files.notAtHub += 1
            } else {
                try store.refuseFile(sha, size: size, code: code, detail: reason)
                result.counts.filesReceived.refused += 1
            }
            return
        default: throw violation(transport, "expected offer or decline for file \(sha.prefix(12))…")
        }
        var queue = try store.prepareFile(manifest)[...]
        if queue.isEmpty, try store.fileStatus(sha)?.isWhole == true {
            try store.setFileAtHub(sha, size: manifest.size)
            result.counts.filesReceived.complete += 1
            return
        }
        do {
            try store.checkRoom(for: queue.reduce(Int64(0)) { $0 + Int64(manifest.length(ofChunk: $1)) })
        } catch is FileError {
            result.files.noRoom = true
            result.files.waiting += 1
            return
        }
        var failures: [Int: Int] = [:]
        var inFlight = 0
        var stopped = false
        while !queue.isEmpty || inFlight > 0 {
            while !stopped, inFlight < Self.chunkWindow, let index = queue.popFirst() {
                try transport.send([WireMessage.file(.get(sha256: sha, index: index)).line])
                inFlight += 1
            }
            if inFlight == 0 { break }
            guard case .file(.chunk(let answered, let index, let data)) = try expectMessage(transport), answered == sha
            else { throw violation(transport, "expected a chunk of file \(sha.prefix(12))…") }
            inFlight -= 1
            result.counts.filesReceived.bytes += Int64(data.count)
            if stopped { continue }
            let outcome: ChunkOutcome
            do {
                outcome = try store.storeChunk(sha, index: index, data: data)
            } catch is FileError {
                // The disk reached its floor: keep what is stored, move nothing more this session.
                result.files.noRoom = true
                result.files.waiting += 1
                stopped = true
                continue
            }
            switch outcome {
            case .stored(let complete):
                if complete {
                    try store.setFileAtHub(sha, size: manifest.size)
                    result.counts.filesReceived.complete += 1
                }
            case .alreadyHeld: break
            case .badChunk:
                failures[index, default: 0] += 1
                if failures[index]! < Self.chunkAttempts {
                    queue.append(index)
                } else {
                    stopped = true
                    try store.refuseFile(
                        sha, size: manifest.size, code: FileMessage.DeclineCode.badChunks,
                        detail: "chunk \(index) failed its hash \(Self.chunkAttempts) times")
                    result.counts.filesReceived.refused += 1
                }
            case .fileMismatch:
                stopped = true
                try store.refuseFile(
                    sha, size: manifest.size, code: FileMessage.DeclineCode.badFile,
                    detail: "the hub's chunks do not make a file with this SHA-256; they were discarded")
                result.counts.filesReceived.refused += 1
            }
            report(result, transport)
        }
    }
}
