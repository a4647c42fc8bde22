import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// A commune laptop loses power while importing: the child process importing a large bundle is killed
/// with SIGKILL at random moments. Each time, SQLite's integrity check passes, the replica holds either
/// none or all of the bundle, and importing again reaches the same state as an uninterrupted import.
@Suite struct CrashAtomicityTests {
    let ntm = NTMBinary()

    /// Writes about `rows` × 4 operations on a source replica and exports them.
    func largeBundle(in folder: TemporaryDirectory, rows: Int) throws -> String {
        let source = try CommuneReplica.create(
            at: folder.file("source.sqlite"), replicaID: "xa-nguon", commune: "dan-ly", name: "Dân Lý",
            setID: "qd1980-2016",
            author: "Lan")
        let codes = source.catalogue.indicators.map(\.code)
        var changes: [RowChange] = []
        for index in 0..<rows {
            changes.append(
                RowChange(
                    table: NTMSchema.Table.evidence,
                    row: NTMSchema.evidenceRow(commune: "dan-ly", uid: String(format: "%012x", index)),
                    values: [
                        "indicator": .text(codes[index % codes.count]), "title": .text("Biên bản số \(index)"),
                        "kind": .text("biên bản"), "number": .text("\(index)/BB-UBND"),
                    ]))
            if changes.count == 500 {
                try source.store.write(changes, author: "Lan")
                changes.removeAll()
            }
        }
        try source.store.write(changes, author: "Lan")
        let path = folder.file("large.ndjson")
        _ = try source.store.exportBundle(to: path)
        return path
    }

    @Test func killingAnImportAtRandomMomentsLosesNothing() throws {
        let folder = TemporaryDirectory("crash")
        let bundle = try largeBundle(in: folder, rows: 2_500)
        #expect(
            try ntm.run(
                ["init", "--replica", "xa-dich", "--commune", "dan-ly", "--by", "Hùng", "--db", "template.sqlite"],
                in: folder.path
            ).status == 0)
        let before = try ntm.run(["dump", "--db", "template.sqlite"], in: folder.path).stdout

        // The uninterrupted import, timed, gives the expected final state.
        try FileManager.default.copyItem(
            atPath: folder.file("template.sqlite"), toPath: folder.file("reference.sqlite"))
        let started = Date()
        let reference = try ntm.run(["bundle", "import", bundle, "--db", "reference.sqlite"], in: folder.path)
        let duration = Date().timeIntervalSince(started)
        #expect(reference.status == 0, "\(reference.stderr)")
        let after = try ntm.run(["dump", "--db", "reference.sqlite"], in: folder.path).stdout
        #expect(after != before)

        var random = SeededRandom(seed: 2026)
        var outcomes = (before: 0, after: 0)
        for attempt in 0..<30 {
            let db = folder.file("crash\(attempt).sqlite")
            try FileManager.default.copyItem(atPath: folder.file("template.sqlite"), toPath: db)
            let process = try ntm.start(["bundle", "import", bundle, "--db", db], in: folder.path)
            usleep(useconds_t(Double.random(in: 0...(duration * 1.1), using: &random) * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let replica = try CommuneReplica.open(at: db)
            #expect(try replica.store.integrityCheck() == ["ok"])
            let dump = try replica.store.dump()
            #expect(dump == before || dump == after, "attempt \(attempt): a half-applied import")
            if dump == before { outcomes.before += 1 } else { outcomes.after += 1 }
            let again = try ntm.run(["bundle", "import", bundle, "--db", db], in: folder.path)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try ntm.run(["dump", "--db", db], in: folder.path).stdout == after)
            try? FileManager.default.removeItem(atPath: db)
        }
        // The kills should have landed before the commit at least sometimes, or the test proves nothing.
        #expect(outcomes.before > 0, "no kill interrupted an import: \(outcomes)")
    }
}
