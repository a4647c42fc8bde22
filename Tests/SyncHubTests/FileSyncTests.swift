import Foundation
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire
import TestSupport
import Testing

/// Evidence files travel over the real TCP server after the operations (`protocol/PROTOCOL.md` §12):
/// whole, checked, only to replicas whose scope holds their rows, and never as a dump.
@Suite struct FileSyncTests {
    /// Writes `size` bytes of seeded random content to a file in the fixture's folder.
    static func file(_ night: HubFixture, _ name: String, size: Int, seed: UInt64) throws -> String {
        var random = SeededRandom(seed: seed)
        var bytes = [UInt8](repeating: 0, count: size)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: random.next()) }
        let path = night.folder.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Adds an evidence document carrying the file's content.
    static func attach(_ replica: CommuneReplica, _ path: String, code: String = "17.1") throws -> String {
        let manifest = try replica.store.storeFile(at: path)
        _ = try replica.addEvidence(
            code: code, title: "Biên bản \(manifest.sha256.prefix(6))", file: path, author: "Lan")
        return manifest.sha256
    }

    static func exported(_ store: ReplicaStore, _ sha: String, _ night: HubFixture) throws -> Data {
        let out = night.folder.file("out-\(store.replicaID)-\(sha.prefix(8))")
        try store.exportFile(sha, to: out)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    @Test func filesTravelFromOneLaptopThroughTheHubToTheNextAndNeverToAnotherCommune() throws {
        let night = try HubFixture("files-travel", .served)
        defer { night.server.stop() }
        let first = try night.commune("dan-ly")
        let second = try night.commune("dan-ly", replica: "xa-dan-ly-2")
        let other = try night.commune("tan-ninh")
        let paths = [
            try Self.file(night, "bien-ban.pdf", size: 3_500_000, seed: 1),
            try Self.file(night, "anh.jpg", size: 200_000, seed: 2),
            try Self.file(night, "empty.txt", size: 0, seed: 3),
        ]
        let shas = try paths.map { try Self.attach(first, $0) }
        let pushed = try night.sync(first)
        #expect(pushed.counts.filesSent.complete == 3)
        #expect(pushed.counts.filesSent.bytes == 3_700_000)
        for sha in shas {
            #expect(try night.store.fileStatus(sha)?.state == .present)
            #expect(try first.store.fileStatus(sha)?.atHub == true)
        }
        let pulled = try night.sync(second)
        #expect(pulled.counts.filesReceived.complete == 3)
        for (sha, path) in zip(shas, paths) {
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(try Self.exported(night.store, sha, night) == original)
            #expect(try Self.exported(second.store, sha, night) == original)
        }
        // Tân Ninh's laptop receives neither the rows nor the files.
        let elsewhere = try night.sync(other)
        #expect(elsewhere.counts.filesReceived.bytes == 0)
        for sha in shas { #expect(try other.store.fileStatus(sha) == nil) }
        // A second sync moves nothing again.
        let again = try night.sync(second)
        #expect(again.counts.filesReceived.bytes == 0 && again.counts.filesSent.bytes == 0)
    }

    /// A session of `replica` with the served hub, authenticated and pulled to `done`: the file phase
    /// (protocol 4), with a function that sends one line and reads the hub's answer.
    static func filePhase(_ night: HubFixture, _ replica: CommuneReplica) throws -> (
        LineTransport, (String) throws -> WireMessage
    ) {
        let transport = try LineTransport.connect(to: "127.0.0.1:\(night.port)")
        let credential = try #require(try Credential.installed(in: replica.store, roles: .ntm))
        let exchange = { (line: String) throws -> WireMessage in
            try transport.send([line])
            let answer = try #require(try transport.receive())
            guard case .message(let message) = try WireLine(bytes: answer) else { throw WireError(.badJSON, "op") }
            return message
        }
        let hello = WireMessage.hello(
            .init(
                protocolVersion: WireLimits.protocolVersion, replica: replica.store.replicaID,
                commune: replica.commune, schema: replica.store.schema.tag, epoch: nil))
        guard case .challenge(let hub, let nonce) = try exchange(hello.line),
            case .welcome(let welcome) = try exchange(
                WireMessage.auth(signature: try credential.sign(nonce: nonce, hub: hub)).line)
        else { throw WireError(.outOfOrder, "no welcome") }
        #expect(
            welcome.fileLimit == WireLimits.defaultFileLimit && welcome.protocolVersion == WireLimits.protocolVersion)
        var cursor = HubCursor.start
        while true {
            let answer = try exchange(WireMessage.pull(cursor: cursor, limit: 5000).line)
            if case .done = answer { break }
            guard case .batch(let to, let count, _, _) = answer else { throw WireError(.outOfOrder, "no batch") }
            for _ in 0..<count { _ = try transport.receive() }
            cursor = to
        }
        return (transport, exchange)
    }

    @Test func aChunkInFlightWhenTheHubDeclinedItsFileIsAnsweredAndTheSessionGoesOn() throws {
        let night = try HubFixture("files-late-chunk", .served)
        defer { night.server.stop() }
        let danLy = try night.commune("dan-ly")
        // A row names a file whose chunks, sent as offered, will not make it (the manifest lies).
        let data = Self.content(FileManifest.chunkSize + 10, seed: 9)
        let chunks = [data.prefix(FileManifest.chunkSize), data.suffix(10)].map { Data($0) }
        let lie = FileManifest(
            sha256: String(repeating: "ab", count: 32), size: Int64(data.count),
            chunks: chunks.map { FileManifest.digest($0) })
        try danLy.store.write(
            [
                RowChange(
                    table: "evidence", row: "dan-ly/e-00000000000a",
                    values: ["file_sha256": .text(lie.sha256), "file_size": .int(lie.size)])
            ], author: "Lan")
        _ = try night.sync(danLy)
        let (transport, exchange) = try Self.filePhase(night, danLy)
        defer { transport.close() }
        #expect(try exchange(WireMessage.file(.offer(lie)).line) == .file(.accept(sha256: lie.sha256, need: [0, 1])))
        func send(_ index: Int) throws -> WireMessage {
            try exchange(WireMessage.file(.chunk(sha256: lie.sha256, index: index, data: chunks[index])).line)
        }
        #expect(try send(0) == .file(.stored(sha256: lie.sha256, index: 0, ok: true, complete: false)))
        guard case .file(.decline(_, "bad-file", _)) = try send(1) else {
            Issue.record("the last chunk should decline the file")
            return
        }
        // A copy of a chunk still in flight is answered; the session goes on.
        #expect(try send(1) == .file(.stored(sha256: lie.sha256, index: 1, ok: false, complete: false)))
        guard case .file(.decline(_, "not-held", _)) = try exchange(WireMessage.file(.fetch(sha256: lie.sha256)).line)
        else {
            Issue.record("the hub should say it does not hold the file")
            return
        }
        #expect(try night.store.fileStatus(lie.sha256)?.isWhole == false)
        #expect(try night.store.missingChunks(lie.sha256) == [0, 1])
    }

    static func content(_ size: Int, seed: UInt64) -> Data {
        var random = SeededRandom(seed: seed)
        return Data((0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) })
    }

    @Test func theCommunesOtherLaptopDeliversAFileItReceivedOnAUSBStick() throws {
        let night = try HubFixture("files-relay", .served)
        defer { night.server.stop() }
        let first = try night.commune("dan-ly")
        let second = try night.commune("dan-ly", replica: "xa-dan-ly-2")
        let path = try Self.file(night, "bien-ban.pdf", size: 600_000, seed: 11)
        let sha = try Self.attach(first, path)
        // The first laptop's row reaches the hub, but not its file (the district's limit was too low).
        try night.store.setMetadata(.fileLimit, "1000")
        let refused = try night.sync(first)
        #expect(refused.counts.filesSent.refused == 1 && refused.counts.filesSent.bytes == 0)
        // A USB stick carries the work and the file to the second laptop, which syncs once the limit is
        // raised: it delivers the file it did not write.
        let stick = night.folder.file("stick.ndjson")
        try first.store.exportBundle(to: stick)
        _ = try second.store.importBundle(from: stick)
        try night.store.setMetadata(.fileLimit, String(50 << 20))
        let relayed = try night.sync(second)
        #expect(relayed.counts.filesSent.complete == 1 && relayed.counts.filesSent.refused == 0)
        #expect(try night.store.fileStatus(sha)?.state == .present)
        #expect(try Self.exported(night.store, sha, night) == (try Data(contentsOf: URL(fileURLWithPath: path))))
        // The first laptop learns at its next sync that the hub has it: one chunk moves, as its proof of
        // holding the file, and no refusal is left.
        let settled = try night.sync(first)
        #expect(settled.counts.filesSent.bytes > 0 && settled.counts.filesSent.bytes <= Int64(FileManifest.chunkSize))
        #expect(try first.store.fileStatus(sha)?.state == .present && first.store.fileStatus(sha)?.atHub == true)
    }

    @Test func aChunkThatKeepsArrivingDamagedIsAskedForAgainThenTheFileIsRefusedAndNothingShownHere() throws {
        let night = try HubFixture("files-damaged", .served)
        defer { night.server.stop() }
        let first = try night.commune("dan-ly")
        let second = try night.commune("dan-ly", replica: "xa-dan-ly-2")
        let sha = try Self.attach(first, try Self.file(night, "scan.pdf", size: 700_000, seed: 12))
        _ = try night.sync(first)
        // The hub's copy of chunk 1 is damaged behind its back: it serves it as it is.
        _ = try sqlite3(
            night.store.path, "UPDATE file_chunk SET data = zeroblob(length(data)) WHERE sha256 = '\(sha)' AND idx = 1")
        let result = try night.sync(second)
        #expect(result.counts.filesReceived.refused == 1 && result.counts.filesReceived.complete == 0)
        // Chunks 0 and 2 once each, chunk 1 three times: asked for again, then given up.
        let chunk = Int64(FileManifest.chunkSize)
        #expect(result.counts.filesReceived.bytes == 700_000 - chunk + 3 * chunk)
        guard case .refused("bad-chunks", _)? = try second.store.fileStatus(sha)?.state else {
            Issue.record(
                "the file should be refused for its chunks, is \(String(describing: try second.store.fileStatus(sha)))")
            return
        }
        #expect(try second.store.fileStatus(sha)?.isWhole == false)
        #expect(throws: FileError.self) { try second.store.exportFile(sha, to: night.folder.file("out")) }
        #expect(try second.store.missingChunks(sha) == [1])
        // The district stores the original again, which repairs its copy; the next sync asks again
        // and fetches only the chunk that was missing.
        #expect(try night.store.damagedFiles() == [sha])
        _ = try night.store.storeFile(at: night.folder.file("scan.pdf"))
        #expect(try night.store.damagedFiles().isEmpty)
        let again = try night.sync(second)
        #expect(again.counts.filesReceived.complete == 1 && again.counts.filesReceived.bytes == chunk)
        #expect(try second.store.fileStatus(sha)?.state == .present)
    }

    @Test func knowingAnotherCommunesFileHashIsNotEnoughToFetchIt() throws {
        let night = try HubFixture("files-hash", .served)
        defer { night.server.stop() }
        let tanNinh = try night.commune("tan-ninh")
        let danLy = try night.commune("dan-ly")
        let path = try Self.file(night, "quyet-dinh.pdf", size: 400_000, seed: 13)
        let sha = try Self.attach(tanNinh, path)
        _ = try night.sync(tanNinh)
        // Dân Lý learnt the hash somehow and writes a row of its own that names it.
        try danLy.store.write(
            [
                RowChange(
                    table: "evidence", row: "dan-ly/e-00000000000b",
                    values: ["file_sha256": .text(sha), "file_size": .int(400_000), "file_name": .text("x.pdf")])
            ], author: "Lan")
        let stolen = try night.sync(danLy)
        #expect(stolen.counts.filesReceived.bytes == 0 && stolen.files.notAtHub == 1)
        #expect(try danLy.store.fileStatus(sha)?.isWhole != true)
        // A commune that holds the same document (a district decision both attach) proves it with one
        // chunk when it offers it, and its other laptop then receives it.
        let other = try night.commune("dan-ly", replica: "xa-dan-ly-2")
        let holder = try night.commune("dan-ly", replica: "xa-dan-ly-3")
        _ = try Self.attach(holder, path)
        let proved = try night.sync(holder)
        #expect(proved.counts.filesSent.complete == 1 && proved.counts.filesSent.bytes <= Int64(FileManifest.chunkSize))
        #expect(try night.store.fileSources(sha) == ["xa-tan-ninh-1", "xa-dan-ly-3"])
        let fetched = try night.sync(other)
        #expect(fetched.counts.filesReceived.complete == 1)
        #expect(try Self.exported(other.store, sha, night) == (try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func theHubRefusesFilesNothingReferencesAndFilesOutOfScope() throws {
        let night = try HubFixture("files-refused", .served)
        defer { night.server.stop() }
        let danLy = try night.commune("dan-ly")
        let tanNinh = try night.commune("tan-ninh")
        let sha = try Self.attach(danLy, try Self.file(night, "scan.pdf", size: 300_000, seed: 4))
        _ = try night.sync(danLy)
        // Tân Ninh stores a file no row references and asks for Dân Lý's by its hash.
        let stray = try tanNinh.store.storeFile(at: try Self.file(night, "stray.bin", size: 1000, seed: 5))
        let (transport, exchange) = try Self.filePhase(night, tanNinh)
        defer { transport.close() }
        let offer = try exchange(WireMessage.file(.offer(stray)).line)
        guard case .file(.decline(_, let offerCode, _)) = offer else {
            Issue.record("expected decline, got \(offer)")
            return
        }
        #expect(offerCode == "not-referenced")
        let fetch = try exchange(WireMessage.file(.fetch(sha256: sha)).line)
        guard case .file(.decline(_, let code, _)) = fetch else {
            Issue.record("expected decline, got \(fetch)")
            return
        }
        #expect(code == "out-of-scope")
        // A chunk of a file the hub did not accept ends the session with an error object.
        let chunk = try exchange(
            WireMessage.file(.chunk(sha256: sha, index: 0, data: Data(repeating: 1, count: 10))).line)
        guard case .error(let error) = chunk else {
            Issue.record("expected an error, got \(chunk)")
            return
        }
        #expect(error.code == .outOfOrder)
    }

    @Test func aBadChunkIsAskedForAgainAndAWholeMismatchDiscardsThePartialFile() throws {
        let night = try HubFixture("files-bad-chunk")
        let sha = String(repeating: "a", count: 64)
        let data = Data(repeating: 7, count: 10)
        let manifest = FileManifest(sha256: sha, size: 10, chunks: [FileManifest.digest(data)])
        #expect(try night.store.prepareFile(manifest) == [0])
        #expect(
            try night.store.storeChunk(sha, index: 0, data: Data(repeating: 8, count: 10)) == .badChunk(failures: 1))
        #expect(try night.store.missingChunks(sha) == [0])
        // The chunk matches its hash, but the chunks do not make the file: all of them are dropped.
        #expect(try night.store.storeChunk(sha, index: 0, data: data) == .fileMismatch(failures: 2))
        #expect(try night.store.missingChunks(sha) == [0])
        #expect(try night.store.fileStatus(sha)?.isWhole == false)
    }
}
