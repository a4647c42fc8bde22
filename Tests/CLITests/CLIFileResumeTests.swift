import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import TestSupport
import Testing

/// A large evidence file moves while the real hub process (`ntm hub serve`) is killed again and again:
/// it arrives whole, in both directions, and each interruption costs at most the chunks in flight.
@Suite struct CLIFileResumeTests {
    let ntm = NTMBinary()

    /// The last figures a sync reported before it ended (or was cut), read from its progress callback.
    final class LastReport: @unchecked Sendable {
        private let lock = NSLock()
        private var value = SyncResult()
        var result: SyncResult { lock.withLock { value } }
        func set(_ result: SyncResult) { lock.withLock { value = result } }
    }

    /// Syncs `db` with the hub at `port` in this process; when `killAt` is given, kills the hub with
    /// SIGKILL as soon as this sync has moved that many bytes of file content (`bytes` says which).
    /// Returns the figures and whether the sync completed.
    func sync(
        _ folder: TemporaryDirectory, _ db: String, port: Int, hub: Process, killAt: Int64?,
        bytes: @escaping @Sendable (SyncResult) -> Int64
    ) throws -> (SyncResult, Bool) {
        let store = try ReplicaStore.open(at: folder.file(db), schema: NTMSchema.schema)
        let credential = try Credential.installed(in: store, roles: .ntm)
        var client = SyncClient(store: store, commune: "dan-ly", credential: credential)
        let last = LastReport()
        let pid = hub.processIdentifier
        client.progress = { result in
            last.set(result)
            if let killAt, bytes(result) >= killAt { Foundation.kill(pid, SIGKILL) }
        }
        do {
            // Over TLS, as `ntm hub serve` speaks it: each kill cuts the tunnel, not only the lines.
            let result = try client.run(
                over: try LineTransport.connect(to: "127.0.0.1:\(port)", pinning: credential?.tls ?? ""))
            return (result, true)
        } catch SyncError.transport, SyncError.hub {
            return (last.result, false)
        }
    }

    func serve(_ folder: TemporaryDirectory, port: Int) throws -> Process {
        let process = try ntm.start(
            ["hub", "serve", "--listen", "127.0.0.1:\(port)", "--db", "hub.sqlite"], in: folder.path)
        if !PortProbe.waitUntilListening(port) { Issue.record("the hub did not start listening") }
        return process
    }

    /// Syncs `db` `cuts` times, each killing the hub once the sync has moved a random number of bytes
    /// of the file (at least 4 chunks, so that each cut session had chunks acknowledged), then once
    /// more without a kill; returns the file bytes moved in all and how many syncs were cut. After each
    /// cut the receiver holds more chunks than before (`held`): what was verified is kept.
    func syncThroughCuts(
        _ folder: TemporaryDirectory, _ db: String, port: Int, cuts: Int, random: inout SeededRandom,
        held: () throws -> Int, bytes: @escaping @Sendable (SyncResult) -> Int64
    ) throws -> (moved: Int64, cut: Int) {
        var before = try held()
        var moved: Int64 = 0
        var cut = 0
        for attempt in 0...cuts {
            let hub = try serve(folder, port: port)
            let chunk = Int64(FileManifest.chunkSize)
            let killAt = attempt < cuts ? Int64.random(in: 4 * chunk...6 * chunk, using: &random) : nil
            let (result, completed) = try sync(folder, db, port: port, hub: hub, killAt: killAt, bytes: bytes)
            moved += bytes(result)
            if completed {
                hub.terminate()
                hub.waitUntilExit()
                return (moved, cut)
            }
            hub.waitUntilExit()
            cut += 1
            let now = try held()
            #expect(now > before, "cut \(cut): \(now) chunks held, \(before) before")
            before = now
        }
        Issue.record("the last sync, not cut, did not complete")
        return (moved, cut)
    }

    @Test func aLargeFileArrivesWholeThroughAHubKilledAgainAndAgain() throws {
        // A write to a connection the killed hub had open must fail, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let folder = TemporaryDirectory("cli-file-kill")
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        var random = SeededRandom(seed: 14)
        var content = [UInt8](repeating: 0, count: 6_000_000)
        for index in content.indices { content[index] = UInt8(truncatingIfNeeded: random.next() >> 13) }
        try Data(content).write(to: URL(fileURLWithPath: folder.file("so-do.tif")))
        for (replica, db) in [("xa-dan-ly-1", "one.sqlite"), ("xa-dan-ly-2", "two.sqlite")] {
            _ = try NTMDatabase.create(
                at: folder.file(db), replicaID: replica,
                home: .commune(.init(slug: "dan-ly", district: "trieu-son", year: "2020")), author: "Lan")
            #expect(try ntm.enrol(replica, as: "commune:dan-ly", db: db, in: folder.path) == nil)
        }
        let one = try NTMDatabase.open(at: folder.file("one.sqlite")).commune()
        let manifest = try one.store.storeFile(at: folder.file("so-do.tif"))
        _ = try one.addEvidence(code: "17.1", title: "Sơ đồ", file: folder.file("so-do.tif"), author: "Lan")
        let chunk = Int64(FileManifest.chunkSize)
        let window = Int64(SyncClient.chunkWindow)
        let port = try PortProbe.freePort()

        func held(_ db: String) throws -> Int {
            let store = try ReplicaStore.open(at: folder.file(db), schema: NTMSchema.schema)
            return manifest.chunks.count
                - (try store.manifest(manifest.sha256) == nil
                    ? manifest.chunks.count : try store.missingChunks(manifest.sha256).count)
        }
        let up = try syncThroughCuts(
            folder, "one.sqlite", port: port, cuts: 3, random: &random, held: { try held("hub.sqlite") }
        ) { $0.counts.filesSent.bytes }
        let down = try syncThroughCuts(
            folder, "two.sqlite", port: port, cuts: 3, random: &random, held: { try held("two.sqlite") }
        ) { $0.counts.filesReceived.bytes }
        // Both directions were cut at least once, and each cut re-sent at most the chunks in flight.
        #expect(up.cut > 0 && down.cut > 0, "up \(up.cut) cuts, down \(down.cut) cuts")
        #expect(up.moved <= manifest.size + Int64(up.cut) * window * chunk, "up: \(up.moved) bytes, \(up.cut) cuts")
        #expect(
            down.moved <= manifest.size + Int64(down.cut) * window * chunk,
            "down: \(down.moved) bytes, \(down.cut) cuts")
        let hub = try ReplicaStore.open(at: folder.file("hub.sqlite"), schema: NTMSchema.schema)
        let two = try ReplicaStore.open(at: folder.file("two.sqlite"), schema: NTMSchema.schema)
        for store in [hub, two] {
            #expect(try store.fileStatus(manifest.sha256)?.state == .present)
            let out = folder.file("out-\(store.replicaID)")
            try store.exportFile(manifest.sha256, to: out)
            #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(content))
            #expect(try store.damagedFiles().isEmpty)
            #expect(try store.integrityCheck() == ["ok"])
        }
    }
}
