import Foundation
import Replica
import SyncCore
import SyncHub
import SyncWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file figures (issue 14): where chunks live, how fast files cross a hub over loopback, what a
/// cut connection costs, and whether memory stays flat with the file's size. MB here is MiB
/// (1,048,576 bytes), and MB/s the file's bytes over the seconds.
enum BenchFiles {
    static let mebibyte = 1_048_576

    /// What the sync figures move: `files` files of `megabytes` MiB each, from laptop A through the hub
    /// to laptop B (both replicas of commune c0).
    struct Setup {
        var folder: String
        var files: Int
        var megabytes: Int
        var bytesPerFile: Int { megabytes * BenchFiles.mebibyte }
        var totalBytes: Int64 { Int64(files) * Int64(bytesPerFile) }
    }

    /// Writes `bytes` bytes of seeded random content (splitmix64), 1 MiB at a time.
    static func writeRandomFile(_ path: String, bytes: Int, seed: UInt64) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        var buffer = [UInt8](repeating: 0, count: mebibyte)
        var left = bytes
        while left > 0 {
            let count = min(left, buffer.count)
            buffer.withUnsafeMutableBytes { raw in
                let words = raw.bindMemory(to: UInt64.self)
                for index in 0..<(count + 7) / 8 {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var mixed = state
                    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
                    words[index] = mixed ^ (mixed >> 31)
                }
            }
            try handle.write(contentsOf: buffer[0..<count])
            left -= count
        }
    }

    /// The process's peak resident memory so far, in MB.
    static func peakRSS() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int64(usage.ru_maxrss / 1024)
    }

    static func rate(_ bytes: Int64, _ seconds: Double) -> JSONValue {
        .double((Double(bytes) / Double(mebibyte) / seconds * 10).rounded() / 10)
    }

    static func round(_ value: Double, _ places: Double = 1000) -> JSONValue {
        .double((value * places).rounded() / places)
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        exit(1)
    }

    // MARK: files-store

    /// `storeFile(at:)` and `exportFile` of one random file into a fresh replica (chunks in SQLite), and
    /// the same chunks stored one transaction each as `storeChunk` stores them when they arrive, against
    /// the same work with each chunk a file of its own beside the database, each fsync'd.
    static func store(folder: String, megabytes: Int) throws {
        let bytes = Int64(megabytes * mebibyte)
        let source = "\(folder)/source.bin"
        try writeRandomFile(source, bytes: Int(bytes), seed: 14)
        let replica = try ReplicaStore.create(
            at: "\(folder)/store.sqlite", replicaID: "bench-files", schema: Bench.schema)
        var started = Date()
        let manifest = try replica.storeFile(at: source)
        let sqliteWrite = Date().timeIntervalSince(started)
        started = Date()
        try replica.exportFile(manifest.sha256, to: "\(folder)/export-sqlite.bin")
        let sqliteRead = Date().timeIntervalSince(started)
        // As chunks arrive over the network: each stored in its own transaction (one fsync each).
        let received = try ReplicaStore.create(
            at: "\(folder)/received.sqlite", replicaID: "bench-received", schema: Bench.schema)
        started = Date()
        _ = try received.prepareFile(manifest)
        guard let reader = FileHandle(forReadingAtPath: source) else { fail("cannot read \(source)") }
        for index in manifest.chunks.indices {
            let data = try reader.read(upToCount: FileManifest.chunkSize) ?? Data()
            guard case .stored = try received.storeChunk(manifest.sha256, index: index, data: data) else {
                fail("files_store: chunk \(index) was not stored")
            }
        }
        try reader.close()
        let chunkWrite = Date().timeIntervalSince(started)
        guard try received.fileStatus(manifest.sha256)?.state == .present else { fail("files_store: not present") }
        let chunks = "\(folder)/chunks"
        try FileManager.default.createDirectory(atPath: chunks, withIntermediateDirectories: true)
        started = Date()
        let beside = try writeChunkFiles(source, to: chunks)
        let filesWrite = Date().timeIntervalSince(started)
        started = Date()
        let digest = try readChunkFiles(chunks, beside, to: "\(folder)/export-files.bin")
        let filesRead = Date().timeIntervalSince(started)
        guard beside == manifest, digest == manifest.sha256 else { fail("files_store: the chunk files differ") }
        print(
            JSONWriter.string(
                .object([
                    "name": .string("files_store"), "mb": .int(Int64(megabytes)),
                    "chunks": .int(Int64(manifest.chunks.count)),
                    "sqlite_write_mb_per_s": rate(bytes, sqliteWrite), "sqlite_read_mb_per_s": rate(bytes, sqliteRead),
                    "sqlite_chunk_by_chunk_write_mb_per_s": rate(bytes, chunkWrite),
                    "baseline_files_write_mb_per_s": rate(bytes, filesWrite),
                    "baseline_files_read_mb_per_s": rate(bytes, filesRead),
                    "write_ratio": round(filesWrite / sqliteWrite), "read_ratio": round(filesRead / sqliteRead),
                    "peak_rss_mb": .int(peakRSS()),
                ])))
    }

    /// The baseline store: the file hashed once, then read again a chunk at a time, each chunk checked
    /// and written to a file named by its hash and fsync'd, then the folder fsync'd (what `storeFile`
    /// does, with files instead of rows).
    static func writeChunkFiles(_ source: String, to folder: String) throws -> FileManifest {
        guard let hashing = FileHandle(forReadingAtPath: source) else { fail("cannot read \(source)") }
        var first = FileManifestBuilder()
        while let data = try hashing.read(upToCount: mebibyte), !data.isEmpty { first.add(data) }
        try hashing.close()
        let manifest = first.finish()
        guard let handle = FileHandle(forReadingAtPath: source) else { fail("cannot read \(source)") }
        defer { try? handle.close() }
        var builder = FileManifestBuilder()
        for (index, hash) in manifest.chunks.enumerated() {
            let data = try handle.read(upToCount: FileManifest.chunkSize) ?? Data()
            guard data.count == manifest.length(ofChunk: index), FileManifest.digest(data) == hash else {
                fail("the source changed")
            }
            builder.add(data)
            let fd = open("\(folder)/\(hash)", O_CREAT | O_WRONLY | O_TRUNC, 0o644)
            guard fd >= 0, data.withUnsafeBytes({ BenchSockets.writeAll(fd, $0.baseAddress!, $0.count) }),
                fsync(fd) == 0
            else { fail("cannot write chunk \(index)") }
            close(fd)
        }
        let directory = open(folder, O_RDONLY)
        fsync(directory)
        close(directory)
        guard builder.finish() == manifest else { fail("the source changed") }
        return manifest
    }

    /// The baseline export: each chunk file read in order, hashed and appended to a temporary file
    /// renamed into place; returns the whole file's SHA-256.
    static func readChunkFiles(_ folder: String, _ manifest: FileManifest, to path: String) throws -> String {
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let output = FileHandle(forWritingAtPath: temporary)
        else { fail("cannot write \(path)") }
        var builder = FileManifestBuilder()
        for hash in manifest.chunks {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(hash)"))
            builder.add(data)
            try output.write(contentsOf: data)
        }
        try output.close()
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return builder.finish().sha256
    }

    // MARK: files-sync, files-resume, files-memory

    /// A hub served over loopback, laptop A holding the files and the rows that reference them, and
    /// laptop B, another replica of the same commune, empty.
    struct Laptops {
        var hub: ReplicaStore
        var server: HubServer
        var port: Int
        var a: SyncClient
        var b: SyncClient
        var files: [(sha256: String, path: String)]
    }

    static func prepare(_ setup: Setup) throws -> Laptops {
        let hub = try ReplicaStore.create(at: "\(setup.folder)/hub.sqlite", replicaID: "hub", schema: Bench.schema)
        let a = try ReplicaStore.create(at: "\(setup.folder)/a.sqlite", replicaID: "xa-a", schema: Bench.schema)
        let b = try ReplicaStore.create(at: "\(setup.folder)/b.sqlite", replicaID: "xa-b", schema: Bench.schema)
        var files: [(sha256: String, path: String)] = []
        var changes: [RowChange] = []
        for index in 0..<setup.files {
            let path = "\(setup.folder)/scan-\(index).bin"
            try writeRandomFile(path, bytes: setup.bytesPerFile, seed: UInt64(index + 1))
            let manifest = try a.storeFile(at: path)
            files.append((manifest.sha256, path))
            changes.append(
                RowChange(
                    table: "doc", row: "c0/d\(index)",
                    values: [
                        "name": .text("bien-ban-\(index).pdf"), "file_size": .int(manifest.size),
                        "file_sha256": .text(manifest.sha256),
                    ]))
        }
        try a.write(changes, author: "Cán bộ xã 0")
        let limit = max(WireLimits.defaultFileLimit, Int64(setup.bytesPerFile))
        let (server, port) = try BenchSync.server(hub, fileLimit: limit)
        let identity = BenchSync.hubIdentity(hub, fileLimit: limit)
        let role = BenchSync.commune("c0")
        return Laptops(
            hub: hub, server: server, port: port,
            a: SyncClient(store: a, commune: "c0", credential: try Credential.enrol("xa-a", as: role, at: identity)),
            b: SyncClient(store: b, commune: "c0", credential: try Credential.enrol("xa-b", as: role, at: identity)),
            files: files)
    }

    /// One sync over loopback, timed.
    static func timedSync(_ client: SyncClient, port: Int) throws -> (SyncResult, Double) {
        let started = Date()
        let result = try client.run(over: try LineTransport.connect(to: "127.0.0.1:\(port)"))
        return (result, Date().timeIntervalSince(started))
    }

    /// Whether every file is present at B with the bytes A stored (exported and compared 1 MiB at a time).
    static func identicalAtB(_ laptops: Laptops, _ folder: String) throws -> Bool {
        for (sha, path) in laptops.files {
            guard try laptops.b.store.fileStatus(sha)?.state == .present else { return false }
            let out = "\(folder)/out.bin"
            try laptops.b.store.exportFile(sha, to: out)
            guard let left = FileHandle(forReadingAtPath: path), let right = FileHandle(forReadingAtPath: out) else {
                return false
            }
            defer {
                try? left.close()
                try? right.close()
            }
            while true {
                let one = try left.read(upToCount: mebibyte) ?? Data()
                let other = try right.read(upToCount: mebibyte) ?? Data()
                guard one == other else { return false }
                if one.isEmpty { break }
            }
        }
        return true
    }

    /// `files_sync`: A uploads its files to the hub, then B downloads them, against the same bytes copied
    /// through a plain loopback socket.
    static func sync(_ setup: Setup) throws {
        signal(SIGPIPE, SIG_IGN)
        let laptops = try prepare(setup)
        defer { laptops.server.stop() }
        let baseline = BenchSockets.copyThroughLoopback(total: setup.totalBytes)
        let (up, upSeconds) = try timedSync(laptops.a, port: laptops.port)
        let (down, downSeconds) = try timedSync(laptops.b, port: laptops.port)
        guard up.counts.filesSent.complete == setup.files, down.counts.filesReceived.complete == setup.files,
            try laptops.files.allSatisfy({ try laptops.b.store.fileStatus($0.sha256)?.state == .present })
        else { fail("files_sync: not every file arrived (\(up.counts), \(down.counts))") }
        let total = Double(setup.totalBytes)
        print(
            JSONWriter.string(
                .object([
                    "name": .string("files_sync"), "files": .int(Int64(setup.files)),
                    "file_mb": .int(setup.totalBytes / Int64(mebibyte)),
                    "up_mb_per_s": rate(setup.totalBytes, upSeconds),
                    "down_mb_per_s": rate(setup.totalBytes, downSeconds),
                    "baseline_loopback_mb_per_s": rate(setup.totalBytes, baseline),
                    "up_vs_baseline": round(baseline / upSeconds), "down_vs_baseline": round(baseline / downSeconds),
                    // Whole sessions (operations, manifests and answers included), both ways, over the file bytes.
                    "wire_per_file_byte_up": round(Double(up.counts.bytes) / total),
                    "wire_per_file_byte_down": round(Double(down.counts.bytes) / total),
                    "base64_floor": round(4.0 / 3.0), "peak_rss_mb": .int(peakRSS()),
                ])))
    }

    /// The last figures a session reported before it failed.
    final class LastProgress {
        var counts = SessionCounts()
    }

    /// Syncs `client` through `port` until `finished`, again after each failed session; returns the file
    /// bytes it sent and received across every attempt (a failed one counts up to its last progress
    /// call) and how many sessions failed.
    static func syncUntil(
        _ client: SyncClient, port: Int, attempts limit: Int, finished: () throws -> Bool
    ) throws -> (sent: Int64, received: Int64, failed: Int) {
        var sent: Int64 = 0
        var received: Int64 = 0
        var failed = 0
        for _ in 0..<limit {
            let last = LastProgress()
            var attempt = client
            attempt.progress = { last.counts = $0.counts }
            var counts: SessionCounts
            do {
                counts = try attempt.run(over: try LineTransport.connect(to: "127.0.0.1:\(port)")).counts
            } catch {
                failed += 1
                counts = last.counts
            }
            sent += counts.filesSent.bytes
            received += counts.filesReceived.bytes
            if try finished() { return (sent, received, failed) }
        }
        fail("files_resume: \(client.store.replicaID) did not finish in \(limit) sessions")
    }

    /// `files_resume`: the same upload and download through a relay that cuts the connection `cuts`
    /// times at random byte positions; every session after a cut resumes. The baseline is a pass
    /// without cuts over the same files, in the same run: its sessions' bytes are what the relay's would
    /// be without a cut.
    static func resume(_ setup: Setup, cuts: Int) throws {
        signal(SIGPIPE, SIG_IGN)
        var clean = setup
        clean.folder += "/clean"
        try FileManager.default.createDirectory(atPath: clean.folder, withIntermediateDirectories: true)
        let first = try prepare(clean)
        let (cleanUp, _) = try timedSync(first.a, port: first.port)
        let (cleanDown, _) = try timedSync(first.b, port: first.port)
        first.server.stop()
        guard cleanUp.counts.filesSent.complete == setup.files, cleanDown.counts.filesReceived.complete == setup.files
        else { fail("files_resume: the pass without cuts did not move every file") }
        var cut = setup
        cut.folder += "/cut"
        try FileManager.default.createDirectory(atPath: cut.folder, withIntermediateDirectories: true)
        let laptops = try prepare(cut)
        defer { laptops.server.stop() }
        // Cut positions spread over the bytes the relay is sure to carry: the chunks' base64 both ways
        // (the real stream is longer, and grows with each re-send), so every cut happens.
        var random = SystemRandomNumberGenerator()
        let span = setup.totalBytes * 2 * 4 / 3
        let relay = CuttingRelay(
            target: laptops.port, cuts: (0..<cuts).map { _ in Int64.random(in: 0..<span, using: &random) })
        let started = Date()
        let (a, b) = (laptops.a.store, laptops.b.store)
        let up = try syncUntil(laptops.a, port: relay.port, attempts: cuts + 10) {
            try laptops.files.allSatisfy { try a.fileStatus($0.sha256)?.atHub == true }
        }
        let down = try syncUntil(laptops.b, port: relay.port, attempts: cuts + 10) {
            try laptops.files.allSatisfy { try b.fileStatus($0.sha256)?.state == .present }
        }
        let seconds = Date().timeIntervalSince(started)
        guard try identicalAtB(laptops, cut.folder) else { fail("files_resume: a file differs at B") }
        let counted = up.sent + down.received - 2 * setup.totalBytes
        let resentWire = relay.forwarded - Int64(cleanUp.counts.bytes + cleanDown.counts.bytes)
        let chunkOnWire = Double(FileManifest.chunkSize) * 4 / 3
        print(
            JSONWriter.string(
                .object([
                    "name": .string("files_resume"), "cuts": .int(Int64(relay.cuts)),
                    "failed_sessions_up": .int(Int64(up.failed)), "failed_sessions_down": .int(Int64(down.failed)),
                    "file_mb": .int(setup.totalBytes / Int64(mebibyte)),
                    // Chunk bytes that reached the other side twice (failed sessions counted up to their last
                    // progress call: a chunk cut in flight never arrived and is not in it).
                    "resent_counted_bytes": .int(counted),
                    // What the cuts cost on the wire: the relay's bytes minus the pass without cuts.
                    "resent_wire_bytes": .int(resentWire),
                    "resent_wire_chunks_per_cut": round(
                        Double(resentWire) / chunkOnWire / Double(max(1, relay.cuts)), 100),
                    "seconds": round(seconds, 10), "identical_at_b": .bool(true), "peak_rss_mb": .int(peakRSS()),
                ])))
    }

    /// One file of `megabytes` MiB synced A → hub → B: the peak memory of the whole process.
    static func memory(_ setup: Setup) throws {
        signal(SIGPIPE, SIG_IGN)
        let laptops = try prepare(setup)
        defer { laptops.server.stop() }
        let (up, upSeconds) = try timedSync(laptops.a, port: laptops.port)
        let (down, downSeconds) = try timedSync(laptops.b, port: laptops.port)
        guard up.counts.filesSent.complete == 1, down.counts.filesReceived.complete == 1,
            try laptops.b.store.fileStatus(laptops.files[0].sha256)?.state == .present
        else { fail("files_memory: the file did not arrive") }
        print(
            JSONWriter.string(
                .object([
                    "name": .string("files_memory_one"), "mb": .int(Int64(setup.megabytes)),
                    "up_mb_per_s": rate(setup.totalBytes, upSeconds),
                    "down_mb_per_s": rate(setup.totalBytes, downSeconds),
                    "peak_rss_mb": .int(peakRSS()),
                ])))
    }
}
