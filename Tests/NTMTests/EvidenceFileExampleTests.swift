import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// `protocol/examples/evidence-file.bundle.ndjson` is what the bundle writer writes for an evidence row
/// and its 300,000-byte scan (a version 2 bundle with two chunks), and it carries the scan to another
/// laptop. `NTM_WRITE_EXAMPLES=1 swift test --filter EvidenceFileExampleTests` writes it again.
@Suite struct EvidenceFileExampleTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("protocol/examples/evidence-file.bundle.ndjson").path

    /// The scan: 300,000 bytes of text, so that the example stays readable where it is not base64.
    static let scan: Data = {
        var text = "%PDF-1.4\n"
        var line = 1
        while text.utf8.count < 300_000 {
            text += "Biên bản kiểm tra nước sạch, xã Dân Lý, trang \(line / 40 + 1), dòng \(line)\n"
            line += 1
        }
        return Data(text.utf8.prefix(300_000))
    }()

    /// A clock that starts at 1 November 2018, 10:00 (Vietnam) and moves one second a call.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var now: Int64 = 1_541_041_200_000
        func tick() -> Int64 {
            lock.lock()
            defer { lock.unlock() }
            now += 1_000
            return now
        }
    }

    func write(_ path: String, in folder: TemporaryDirectory) throws -> FileManifest {
        let clock = Clock()
        let store = try ReplicaStore.create(
            at: folder.file("xa-dan-ly-1.sqlite"), replicaID: "xa-dan-ly-1", schema: NTMSchema.schema,
            clock: { clock.tick() })
        let scan = folder.file("bien-ban-kiem-tra.pdf")
        try Self.scan.write(to: URL(fileURLWithPath: scan))
        let manifest = try store.storeFile(at: scan)
        try store.write(
            [
                RowChange(
                    table: NTMSchema.Table.evidence,
                    row: NTMSchema.evidenceRow(commune: "dan-ly", uid: "e-5b7c1d2e3f40"),
                    values: [
                        "criteria_set": .text("qd1980-2016"), "indicator": .text("17.1"),
                        "title": .text("Biên bản kiểm tra nước sạch (bản quét)"),
                        "file_name": .text("bien-ban-kiem-tra.pdf"), "file_size": .int(manifest.size),
                        "file_sha256": .text(manifest.sha256),
                    ])
            ], author: "Lê Thị Hoa")
        let stats = try store.exportBundle(to: path)
        #expect(stats.files.files == 1 && stats.files.chunks == 2)
        return manifest
    }

    @Test func theExampleIsWhatTheWriterWritesAndCarriesTheScan() throws {
        let folder = TemporaryDirectory("evidence-file-example")
        let written = folder.file("written.ndjson")
        let manifest = try write(written, in: folder)
        if ProcessInfo.processInfo.environment["NTM_WRITE_EXAMPLES"] == "1" {
            try? FileManager.default.removeItem(atPath: Self.example)
            try FileManager.default.copyItem(atPath: written, toPath: Self.example)
        }
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: written)) == Data(contentsOf: URL(fileURLWithPath: Self.example)))
        let laptop = try CommuneReplica.create(
            at: folder.file("xa-dan-ly-2.sqlite"), replicaID: "xa-dan-ly-2", commune: "dan-ly", name: "Dân Lý",
            author: "Hùng")
        let stats = try laptop.store.importBundle(from: Self.example)
        #expect(stats.files.completed == 1 && stats.files.storedBytes == 300_000)
        let out = folder.file("out.pdf")
        try laptop.store.exportFile(manifest.sha256, to: out)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Self.scan)
    }
}
