import Foundation
import Replica
import SyncCore
import TestSupport
import Testing

/// A schema with one table whose rows reference files, for the bundle's file section.
let fileSchema = ReplicatedSchema(
    tag: "test-files-1",
    tables: [
        ReplicatedTable(
            name: "doc", keyColumns: ["key"],
            columns: [.init("name", .text), .init("size", .integer), .init("sha", .text)],
            file: FileColumns(sha256: "sha", size: "size"))
    ])

/// Evidence files travel inside a bundle (version 2): carried, checked chunk by chunk, kept when the
/// bundle is cut off, never made present unless whole.
@Suite struct BundleFileTests {
    /// The content of a 700,000-byte scan: three chunks, the last one short.
    static let content = Data((0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 9)) })

    func replica(_ folder: TemporaryDirectory, _ id: String) throws -> ReplicaStore {
        try ReplicaStore.create(
            at: folder.file("\(id).sqlite"), replicaID: id, schema: fileSchema,
            clock: ManualClock(1_700_000_000_000).closure)
    }

    /// A sender holding a row that references a stored file, its bundle, and the file's manifest.
    func setUp(_ folder: TemporaryDirectory) throws -> (ReplicaStore, String, FileManifest) {
        let sender = try replica(folder, "sender")
        let scan = folder.file("bien-ban.pdf")
        try Self.content.write(to: URL(fileURLWithPath: scan))
        let manifest = try sender.storeFile(at: scan)
        try sender.write(
            [
                RowChange(
                    table: "doc", row: "d1",
                    values: [
                        "name": .text("biên bản.pdf"), "size": .int(manifest.size), "sha": .text(manifest.sha256),
                    ])
            ], author: "Lan")
        try sender.write([RowChange(table: "doc", row: "d2", values: ["name": .text("không tệp")])], author: "Lan")
        let path = folder.file("sender.ndjson")
        let stats = try sender.exportBundle(to: path)
        #expect(stats.files.files == 1 && stats.files.chunks == 3 && stats.files.bytes == 700_000)
        return (sender, path, manifest)
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Imports `path`, which must stop in its file section; returns the file section's error.
    func expectFileProblem(
        _ receiver: ReplicaStore, _ path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> BundleFileError? {
        do {
            _ = try receiver.importBundle(from: path)
            Issue.record("the bundle was accepted", sourceLocation: sourceLocation)
        } catch ReplicaError.bundleFiles(let error, let imported) {
            #expect(imported.operations == 4, sourceLocation: sourceLocation)
            // The operations are in, whatever became of the files.
            #expect(try receiver.rowState(table: "doc", row: "d1") != nil, sourceLocation: sourceLocation)
            #expect(try receiver.integrityCheck() == ["ok"], sourceLocation: sourceLocation)
            return error
        }
        return nil
    }

    func exported(_ store: ReplicaStore, _ sha: String, _ folder: TemporaryDirectory) throws -> Data {
        let out = folder.file("out-\(UUID().uuidString).pdf")
        try store.exportFile(sha, to: out)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    @Test func aBundleCarriesAFileToAReplicaWithNoNetwork() throws {
        let folder = TemporaryDirectory("bundle-files")
        let (_, path, manifest) = try setUp(folder)
        let text = try lines(path)
        #expect(text[0].contains(#""version":2"#))
        #expect(text.last == #"{"type":"files-end","files":1,"chunks":3}"#)
        #expect(text.filter { $0.hasPrefix(#"{"type":"chunk","sha256":""#) }.count == 3)
        let receiver = try replica(folder, "receiver")
        let first = try receiver.importBundle(from: path)
        #expect(first.applied == 4)
        #expect(first.files.completed == 1 && first.files.storedChunks == 3 && first.files.storedBytes == 700_000)
        #expect(try receiver.fileStatus(manifest.sha256)?.state == .present)
        #expect(try exported(receiver, manifest.sha256, folder) == Self.content)
        // Twice: nothing new, nothing changed.
        let dump = try receiver.dump()
        let second = try receiver.importBundle(from: path)
        #expect(second.applied == 0 && second.files.alreadyPresent == 1 && second.files.storedChunks == 0)
        #expect(try receiver.dump() == dump)
        #expect(try exported(receiver, manifest.sha256, folder) == Self.content)
    }

    @Test func aGzipBundleCarriesTheSameLinesAndItsFileAndACutOneChangesNothing() throws {
        let folder = TemporaryDirectory("bundle-files-gzip")
        let (sender, path, manifest) = try setUp(folder)
        let gzipPath = folder.file("sender.ndjson.gz")
        let stats = try sender.exportBundle(to: gzipPath)
        let gzip = try Data(contentsOf: URL(fileURLWithPath: gzipPath))
        #expect(gzip.prefix(2) == Data([0x1F, 0x8B]) && stats.bytes == gzip.count)
        #expect(stats.files.files == 1 && stats.files.chunks == 3)
        // Read by its first bytes, whatever its name: the operations and the file section's scan.
        let renamed = folder.file("renamed.ndjson")
        try gzip.write(to: URL(fileURLWithPath: renamed))
        let receiver = try replica(folder, "receiver")
        let first = try receiver.importBundle(from: renamed)
        #expect(first.applied == 4 && first.files.completed == 1 && first.files.storedBytes == 700_000)
        #expect(try exported(receiver, manifest.sha256, folder) == Self.content)
        // The same operations as the plain bundle.
        let plain = try replica(folder, "plain")
        try plain.importBundle(from: path)
        #expect(try plain.summary() == receiver.summary())
        // Cut inside its operations (the 700,000 bytes of scan compress little, so keep only the start):
        // refused whole.
        let lines = try self.lines(path)
        let operationsOnly = folder.file("ops.ndjson.gz")
        try sender.exportBundle(to: operationsOnly, files: false)
        let small = try Data(contentsOf: URL(fileURLWithPath: operationsOnly))
        #expect(lines.count > 3)
        let cut = folder.file("cut.ndjson.gz")
        try small.prefix(small.count - 10).write(to: URL(fileURLWithPath: cut))
        let empty = try replica(folder, "empty")
        let before = try empty.dump()
        #expect(throws: ReplicaError.bundle(.gzipTruncated)) { try empty.importBundle(from: cut) }
        #expect(try empty.dump() == before)
        var damaged = small
        damaged[small.count / 2] ^= 0x55
        try damaged.write(to: URL(fileURLWithPath: cut))
        #expect(throws: ReplicaError.self) { try empty.importBundle(from: cut) }
        #expect(try empty.dump() == before)
    }

    @Test func theReceiversSummaryAndNoFilesLeaveTheFileOut() throws {
        let folder = TemporaryDirectory("bundle-files-since")
        let (sender, path, manifest) = try setUp(folder)
        let receiver = try replica(folder, "receiver")
        _ = try receiver.importBundle(from: path)
        #expect(try receiver.presentFilePrefixes() == [String(manifest.sha256.prefix(16))])
        try sender.write(
            [RowChange(table: "doc", row: "d1", values: ["name": .text("biên bản số 2.pdf")])], author: "Lan")
        // The receiver lists the file: the delta is a version 1 bundle with the one new operation.
        let delta = folder.file("delta.ndjson")
        let stats = try sender.exportBundle(
            to: delta, since: try receiver.summary(), receiverFiles: try receiver.presentFilePrefixes())
        #expect(stats.operations == 1 && stats.files == BundleFileStats())
        #expect(try lines(delta)[0].contains(#""version":1"#) && lines(delta).count == 3)
        // A summary without files: the file goes again (the live row references it).
        let again = try sender.exportBundle(to: delta, since: try receiver.summary())
        #expect(again.operations == 1 && again.files.files == 1)
        // --no-files: none, and a version 1 bundle.
        let bare = try sender.exportBundle(to: delta, files: false)
        #expect(bare.files.files == 0 && bare.operations == 5)
        #expect(try lines(delta)[0].contains(#""version":1"#))
        #expect(try !lines(delta).contains { $0.contains(#""type":"chunk""#) })
    }

    @Test func aFileNotWholeHereIsCountedNotCarried() throws {
        let folder = TemporaryDirectory("bundle-files-absent")
        let sender = try replica(folder, "sender")
        try sender.write(
            [
                RowChange(
                    table: "doc", row: "d1",
                    values: ["size": .int(5), "sha": .text(String(repeating: "ab", count: 32))])
            ],
            author: "Lan")
        let stats = try sender.exportBundle(to: folder.file("b.ndjson"))
        #expect(stats.files.files == 0 && stats.files.notHere == 1)
        #expect(try lines(folder.file("b.ndjson"))[0].contains(#""version":1"#))
    }

    @Test func aTruncatedBundleKeepsTheChunksItVerified() throws {
        let folder = TemporaryDirectory("bundle-files-cut")
        let (_, path, manifest) = try setUp(folder)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let newlines = bytes.indices.filter { bytes[$0] == 0x0A }
        // Lines: header, 4 operations, end (index 5), file (6), chunks (7, 8, 9), files-end (10).
        #expect(newlines.count == 11)
        let cuts: [(Int, held: Int)] = [
            (newlines[5] + 1, 0),  // right after the operations' trailer
            (newlines[6] + 1, 0),  // after the manifest line
            (newlines[6] + 200, 0),  // in the first chunk line
            (newlines[7], 0),  // the first chunk line without its newline
            (newlines[7] + 1, 1),
            (newlines[8] + 5_000, 2),
            (newlines[9] + 1, 3),  // every chunk, no files-end
            (newlines[9] + 20, 3),
        ]
        for (number, (cut, held)) in cuts.enumerated() {
            let receiver = try replica(folder, "receiver-\(number)")
            let truncated = folder.file("cut-\(number).ndjson")
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: truncated))
            let error = try expectFileProblem(receiver, truncated)
            let state = try receiver.fileStatus(manifest.sha256)?.state
            if held == 3 {
                #expect(error == .truncated(files: 1), "cut at \(cut)")
                #expect(state == .present)
            } else if cut == newlines[5] + 1 {
                #expect(error == .truncated(files: 0))
                #expect(state == nil)
            } else {
                let heldBytes = Int64(held * FileManifest.chunkSize)
                #expect(
                    error
                        == .truncatedInFile(
                            sha256: manifest.sha256, held: held, chunks: 3, heldBytes: heldBytes, size: 700_000),
                    "cut at \(cut)")
                #expect(state == (held == 0 ? .missing : .partial(held: heldBytes)))
                #expect(try receiver.missingChunks(manifest.sha256) == Array(held..<3))
            }
            #expect(
                error?.message(.vi).contains(held == 3 || cut == newlines[5] + 1 ? "sau" : "\(held)/3 phần") == true)
            // The whole bundle afterwards completes the file.
            let whole = try receiver.importBundle(from: path)
            #expect(whole.applied == 0 && whole.files.storedChunks == (held == 3 ? 0 : 3 - held))
            #expect(try exported(receiver, manifest.sha256, folder) == Self.content)
        }
        let message = BundleFileError.truncatedInFile(
            sha256: manifest.sha256, held: 12, chunks: 32, heldBytes: 3_100_000, size: 8_000_000)
        #expect(message.message(.vi).contains("đã giữ 12/32 phần (3,1/8,0 MB); xuất lại gói để nhận phần còn lại"))
        #expect(message.message(.en).contains("kept 12 of 32 chunks (3.1 of 8.0 MB)"))
    }

    @Test func aDamagedChunkIsDroppedAndTheFileStaysIncomplete() throws {
        let folder = TemporaryDirectory("bundle-files-damaged")
        let (_, path, manifest) = try setUp(folder)
        var text = try lines(path)
        // Flip one base64 character in the middle of the second chunk's data.
        var chars = Array(text[8])
        let index = chars.count / 2
        chars[index] = chars[index] == "A" ? "B" : "A"
        text[8] = String(chars)
        let damaged = folder.file("damaged.ndjson")
        try (text.joined(separator: "\n") + "\n").write(toFile: damaged, atomically: true, encoding: .utf8)
        let receiver = try replica(folder, "receiver")
        let error = try expectFileProblem(receiver, damaged)
        #expect(error == .badChunks(sha256: manifest.sha256, dropped: 1, held: 2, chunks: 3))
        #expect(
            error?.message(.en).contains(
                "1 chunk of the file \(manifest.sha256.prefix(12))… did not match its SHA-256 and was dropped (kept 2 of 3)"
            ) == true)
        #expect(try receiver.missingChunks(manifest.sha256) == [1])
        #expect(try receiver.fileStatus(manifest.sha256)?.state != .present)
        #expect(try receiver.importBundle(from: path).files.completed == 1)
        #expect(try exported(receiver, manifest.sha256, folder) == Self.content)
    }

    @Test func everyBadFileLineStopsThereKeepingWhatCameBefore() throws {
        let folder = TemporaryDirectory("bundle-files-bad")
        let (_, path, manifest) = try setUp(folder)
        let text = try lines(path)
        let operations = Array(text[0...5])
        let (file, chunks, end) = (text[6], Array(text[7...9]), text[10])
        // What is kept: the file unknown (nil), known with nothing held, or its first chunk held.
        let one = FileState.partial(held: Int64(FileManifest.chunkSize))
        let cases: [(name: String, lines: [String], line: Int, kept: FileState?)] = [
            ("chunk before its file", [chunks[0], file] + chunks + [end], 7, nil),
            ("not JSON", [file, chunks[0], "{\"type\":"] + chunks.dropFirst() + [end], 9, one),
            (
                "index out of range",
                [file, chunks[0], chunks[1].replacingOccurrences(of: #""index":1"#, with: #""index":3"#)], 9, one
            ),
            ("bad manifest", [file.replacingOccurrences(of: #""size":700000"#, with: #""size":7"#)], 7, nil),
            ("bad base64", [file, chunks[0].replacingOccurrences(of: #""data":""#, with: #""data":"*"#)], 8, .missing),
            ("an operation in the file section", [file, text[1]], 8, .missing),
            (
                "a chunk of another file",
                [file, chunks[0].replacingOccurrences(of: manifest.sha256, with: manifest.chunks[0])], 8, .missing
            ),
        ]
        for (number, item) in cases.enumerated() {
            let receiver = try replica(folder, "receiver-\(number)")
            let bundle = folder.file("bad-\(number).ndjson")
            try ((operations + item.lines).joined(separator: "\n") + "\n").write(
                toFile: bundle, atomically: true, encoding: .utf8)
            let error = try expectFileProblem(receiver, bundle)
            guard case .badLine(let line, _) = error else {
                Issue.record("\(item.name): \(String(describing: error))")
                continue
            }
            #expect(line == item.line, "\(item.name)")
            #expect(try receiver.fileStatus(manifest.sha256)?.state == item.kept, "\(item.name)")
        }
        // Wrong counts, and data after files-end: the file is stored, the problem reported.
        for (number, tail) in [
            [end.replacingOccurrences(of: #""chunks":3"#, with: #""chunks":4"#)], [end, end],
        ].enumerated() {
            let receiver = try replica(folder, "tail-\(number)")
            let bundle = folder.file("tail-\(number).ndjson")
            try ((operations + [file] + chunks + tail).joined(separator: "\n") + "\n").write(
                toFile: bundle, atomically: true, encoding: .utf8)
            let error = try expectFileProblem(receiver, bundle)
            #expect(
                number == 0
                    ? error == .countMismatch(announcedFiles: 1, files: 1, announcedChunks: 4, chunks: 3)
                    : error == .dataAfterEnd(line: 12))
            #expect(try receiver.fileStatus(manifest.sha256)?.state == .present)
        }
    }

    @Test func aDamagedOperationPartRefusesTheBundleWholeFilesIncluded() throws {
        let folder = TemporaryDirectory("bundle-files-ops")
        let (_, path, manifest) = try setUp(folder)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let altered = folder.file("altered.ndjson")
        try text.replacingOccurrences(of: "không tệp", with: "không có tệp").write(
            toFile: altered, atomically: true, encoding: .utf8)
        let receiver = try replica(folder, "receiver")
        let before = try receiver.dump()
        #expect(throws: ReplicaError.bundle(.digestMismatch)) { try receiver.importBundle(from: altered) }
        #expect(try receiver.dump() == before)
        #expect(try receiver.fileStatus(manifest.sha256) == nil && receiver.knownFiles().isEmpty)
    }

    @Test func aFileNoRowReferencesIsSkipped() throws {
        let folder = TemporaryDirectory("bundle-files-unreferenced")
        let (_, path, manifest) = try setUp(folder)
        let text = try lines(path)
        // The operations without the one that references the file: the trailer is rebuilt.
        let kept = text[1...4].filter { !$0.contains(manifest.sha256) }
        let body = kept.map { $0 + "\n" }.joined()
        let digest = FileManifest.digest(Array(body.utf8))
        let trailer = #"{"type":"end","count":\#(kept.count),"sha256":"\#(digest)"}"#
        let bundle = folder.file("unreferenced.ndjson")
        try ([text[0]] + kept + [trailer] + text[6...10]).joined(separator: "\n").appending("\n").write(
            toFile: bundle, atomically: true, encoding: .utf8)
        let receiver = try replica(folder, "receiver")
        let stats = try receiver.importBundle(from: bundle)
        #expect(stats.files.unreferenced == 1 && stats.files.storedChunks == 0 && stats.files.chunks == 3)
        #expect(try receiver.fileStatus(manifest.sha256) == nil)
    }
}
