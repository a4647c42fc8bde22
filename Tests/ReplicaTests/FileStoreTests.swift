import Foundation
import Replica
import SyncCore
import TestSupport
import Testing

/// The replica's content-addressed file store: chunks checked as they are stored, a file present only
/// when whole, the same content stored once, garbage removed only when nothing references it.
@Suite struct FileStoreTests {
    /// A schema whose table `doc` references files.
    static let schema = ReplicatedSchema(
        tag: "files-1",
        tables: [
            ReplicatedTable(
                name: "doc", keyColumns: ["owner", "uid"],
                columns: [.init("name", .text), .init("size", .integer), .init("sha", .text)],
                file: FileColumns(sha256: "sha", size: "size"))
        ])

    static func replica(_ folder: TemporaryDirectory, _ id: String, clock: ManualClock) throws -> ReplicaStore {
        try ReplicaStore.create(at: folder.file("\(id).sqlite"), replicaID: id, schema: schema, clock: clock.closure)
    }

    static func content(_ size: Int, seed: UInt64) -> Data {
        var random = SeededRandom(seed: seed)
        return Data((0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) })
    }

    /// A size read off the wire near the largest integer counts its chunks without overflowing (the
    /// hub's fuzz test once trapped here).
    @Test func aHugeSizeCountsItsChunksWithoutOverflow() {
        let chunk = Int64(FileManifest.chunkSize)
        #expect(FileManifest.chunkCount(size: 0) == 0 && FileManifest.chunkCount(size: -5) == 0)
        #expect(FileManifest.chunkCount(size: 1) == 1 && FileManifest.chunkCount(size: chunk) == 1)
        #expect(FileManifest.chunkCount(size: chunk + 1) == 2)
        #expect(FileManifest.chunkCount(size: .max) == Int((Int64.max - 1) / chunk) + 1)
    }

    @Test func aManifestIsTheSameWhateverSlicesTheBytesComeIn() {
        let bytes = Self.content(FileManifest.chunkSize * 2 + 17, seed: 1)
        var whole = FileManifestBuilder()
        whole.add(bytes)
        var sliced = FileManifestBuilder()
        var offset = 0
        for step in [1, 1000, 300_000, 7, 100_000, 200_000] where offset < bytes.count {
            let end = min(bytes.count, offset + step)
            sliced.add(bytes[offset..<end])
            offset = end
        }
        sliced.add(bytes[offset...])
        let manifest = whole.finish()
        #expect(sliced.finish() == manifest)
        #expect(manifest.chunks.count == 3 && manifest.isWellFormed)
        #expect(manifest.sha256 == FileManifest.digest(bytes))
        #expect(manifest.length(ofChunk: 2) == 17)
        #expect(manifest.chunks[2] == FileManifest.digest(bytes.suffix(17)))
    }

    @Test func aFileIsStoredOnceCheckedAndExportedByteForByte() throws {
        let folder = TemporaryDirectory("file-store")
        let store = try Self.replica(folder, "a", clock: ManualClock(1_700_000_000_000))
        let bytes = Self.content(700_000, seed: 2)
        let path = folder.file("scan.pdf")
        try bytes.write(to: URL(fileURLWithPath: path))
        let manifest = try store.storeFile(at: path)
        #expect(manifest.size == 700_000 && manifest.chunks.count == 3)
        // The same content under another name is the same file, stored once.
        try bytes.write(to: URL(fileURLWithPath: folder.file("copy.pdf")))
        #expect(try store.storeFile(at: folder.file("copy.pdf")) == manifest)
        #expect(try store.knownFiles().count == 1)
        #expect(try store.fileStatus(manifest.sha256)?.state == .present)
        try store.exportFile(manifest.sha256, to: folder.file("out.pdf"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("out.pdf"))) == bytes)
        #expect(try store.damagedFiles().isEmpty)
    }

    @Test func aPathThatIsNoFileIsOneClearErrorAndStoresNothing() throws {
        let folder = TemporaryDirectory("file-store-bad")
        let store = try Self.replica(folder, "a", clock: ManualClock(1_700_000_000_000))
        #expect(throws: FileError.unreadable(path: folder.file("none.pdf"), reason: "no such file")) {
            try store.storeFile(at: folder.file("none.pdf"))
        }
        try FileManager.default.createDirectory(atPath: folder.file("dir"), withIntermediateDirectories: true)
        #expect(throws: FileError.unreadable(path: folder.file("dir"), reason: "is a directory")) {
            try store.storeFile(at: folder.file("dir"))
        }
        #expect(try store.knownFiles().isEmpty)
        #expect(
            FileError.unreadable(path: "x.pdf", reason: "no such file").message(.vi)
                == "không đọc được tệp x.pdf: không có tệp đó; cần một tệp có thật, không phải thư mục")
    }

    @Test func chunksArriveInAnyOrderAndOnlyTheWholeFileIsPresent() throws {
        let folder = TemporaryDirectory("file-store-chunks")
        let sender = try Self.replica(folder, "a", clock: ManualClock(1_700_000_000_000))
        let receiver = try Self.replica(folder, "b", clock: ManualClock(1_700_000_000_000))
        let bytes = Self.content(FileManifest.chunkSize * 3 + 5, seed: 3)
        try bytes.write(to: URL(fileURLWithPath: folder.file("f")))
        let manifest = try sender.storeFile(at: folder.file("f"))
        #expect(try receiver.prepareFile(manifest) == [0, 1, 2, 3])
        var random = SeededRandom(seed: 4)
        let order = [0, 1, 2, 3].shuffled(using: &random)
        for (position, index) in order.enumerated() {
            let chunk = try #require(try sender.chunk(manifest.sha256, index: index))
            // A damaged copy of the chunk is dropped and counted; the right one is kept.
            var damaged = chunk
            damaged[0] ^= 1
            if case .badChunk = try receiver.storeChunk(manifest.sha256, index: index, data: damaged) {
            } else {
                Issue.record("a damaged chunk was not refused")
            }
            let outcome = try receiver.storeChunk(manifest.sha256, index: index, data: chunk)
            #expect(outcome == .stored(complete: position == 3))
            if position < 3 {
                #expect(try receiver.fileStatus(manifest.sha256)?.isWhole == false)
                #expect(try receiver.missingChunks(manifest.sha256).count == 3 - position)
            }
        }
        #expect(try receiver.fileStatus(manifest.sha256)?.state == .present)
        #expect(try receiver.storeChunk(manifest.sha256, index: 0, data: Data()) == .alreadyHeld)
        try receiver.exportFile(manifest.sha256, to: folder.file("out"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("out"))) == bytes)
    }

    @Test func aFileNotWholeIsNotExportedAndSaysHowMuchIsHere() throws {
        let folder = TemporaryDirectory("file-store-partial")
        let sender = try Self.replica(folder, "a", clock: ManualClock(1_700_000_000_000))
        let receiver = try Self.replica(folder, "b", clock: ManualClock(1_700_000_000_000))
        try Self.content(FileManifest.chunkSize * 2, seed: 5).write(to: URL(fileURLWithPath: folder.file("f")))
        let manifest = try sender.storeFile(at: folder.file("f"))
        _ = try receiver.prepareFile(manifest)
        _ = try receiver.storeChunk(
            manifest.sha256, index: 1, data: try #require(try sender.chunk(manifest.sha256, index: 1)))
        #expect(try receiver.fileStatus(manifest.sha256)?.state == .partial(held: Int64(FileManifest.chunkSize)))
        #expect(
            throws: FileError.notHere(
                sha256: manifest.sha256, held: Int64(FileManifest.chunkSize), size: manifest.size)
        ) { try receiver.exportFile(manifest.sha256, to: folder.file("out")) }
        #expect(!FileManager.default.fileExists(atPath: folder.file("out")))
    }

    @Test func garbageIsWhatNoWriteReferencesOnceItIsOld() throws {
        let folder = TemporaryDirectory("file-store-garbage")
        let clock = ManualClock(1_700_000_000_000)
        let store = try Self.replica(folder, "a", clock: clock)
        try Self.content(1000, seed: 6).write(to: URL(fileURLWithPath: folder.file("kept")))
        try Self.content(1000, seed: 7).write(to: URL(fileURLWithPath: folder.file("stray")))
        try Self.content(1000, seed: 8).write(to: URL(fileURLWithPath: folder.file("replaced")))
        let kept = try store.storeFile(at: folder.file("kept"))
        let stray = try store.storeFile(at: folder.file("stray"))
        let replaced = try store.storeFile(at: folder.file("replaced"))
        // A row referenced `replaced`, then another file: history keeps both.
        try store.write(
            [RowChange(table: "doc", row: "x/1", values: ["sha": .text(replaced.sha256), "size": .int(1000)])],
            author: "Lan")
        try store.write(
            [RowChange(table: "doc", row: "x/1", values: ["sha": .text(kept.sha256), "size": .int(1000)])],
            author: "Lan")
        #expect(try store.referencedFiles().map(\.sha256) == [kept.sha256])
        #expect(try store.collectFileGarbage() == 0, "nothing is old yet")
        _ = clock.tick(8 * 24 * 3_600_000)
        #expect(try store.collectFileGarbage() == 1)
        #expect(try store.fileStatus(stray.sha256) == nil)
        #expect(try store.fileStatus(kept.sha256)?.state == .present)
        #expect(try store.fileStatus(replaced.sha256)?.state == .present)
    }
}
