import Foundation
import NTM
import Replica
import SyncCore

/// What a district waits for in the morning, on a hub holding about a million operations of NTM rows
/// (issue 18): the district report (`ntm hub report`), the open conflicts (`ntm conflicts`) and one
/// indicator's history (`ntm log CODE`).
enum BenchDistrict {
    /// `district_morning`: `communes` commune laptops each write `perCommune` operations on their
    /// indicators' assessments (every indicator's status and a note, rewritten round after round, as
    /// a year of `ntm assess` writes them); before each laptop's bundle reaches the hub, the district
    /// office writes the status of five of its indicators without having seen that work, so that each
    /// commune has up to five open conflicts (none where both chose the same status). Then, timed: the
    /// district report over every commune, the listing of every open conflict with its competing
    /// writes, and `ntm log` of one indicator of one commune, with the log's row index and (the
    /// baseline) without it.
    static func morning(folder: String, communes: Int, perCommune: Int) throws {
        let hub = try NTMDatabase.create(
            at: "\(folder)/hub.sqlite", replicaID: "huyen-bench", home: .district(slug: "bench", name: "Huyện Bench"),
            author: "Văn phòng")
        let statuses = AssessmentStatus.allCases.map(\.rawValue)
        var random = SplitMix(seed: 7)
        var started = Date()
        var sample: (commune: String, code: String)?
        for index in 0..<communes {
            let slug = "xa-\(index)"
            let path = "\(folder)/\(slug).sqlite"
            let laptop = try NTMDatabase.create(
                at: path, replicaID: "\(slug)-1",
                home: .commune(.init(slug: slug, name: "Xã \(index)", district: "bench")),
                author: "Cán bộ xã \(index)")
            let commune = try laptop.commune()
            let codes = commune.catalogue.indicators.map(\.code)
            let rows = codes.map { NTMSchema.assessmentRow(commune: slug, set: commune.catalogue.id, code: $0) }
            if sample == nil, let code = codes.first { sample = (slug, code) }
            var written = try laptop.store.localOperationCount()
            var round = 0
            while written < perCommune {
                var changes: [RowChange] = []
                for row in rows where written < perCommune {
                    var values: [String: FieldValue] = [
                        "status": .text(statuses[Int(random.next() % UInt64(statuses.count))])
                    ]
                    if written + 1 < perCommune { values["note"] = .text("Rà soát lần \(round)") }
                    changes.append(RowChange(table: NTMSchema.Table.assessment, row: row, values: values))
                    written += values.count
                }
                try laptop.store.write(changes, author: "Cán bộ xã \(index)")
                round += 1
            }
            try hub.store.write(
                rows.prefix(5).map {
                    RowChange(table: NTMSchema.Table.assessment, row: $0, values: ["status": .text("chua-dat")])
                }, author: "Phòng Nông nghiệp")
            let bundle = "\(folder)/\(slug).ndjson"
            _ = try laptop.store.exportBundle(to: bundle, since: try hub.store.summary())
            _ = try hub.store.importBundle(from: bundle)
            for file in [bundle, path, path + "-wal", path + "-shm"] {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
        let buildSeconds = Date().timeIntervalSince(started)
        guard let sample else { BenchProvince.fail("district_morning: no indicator") }

        started = Date()
        let figures = try hub.districtFigures()
        let reportSeconds = Date().timeIntervalSince(started)
        started = Date()
        let conflicts = try ConflictReview(database: hub, language: .vi).open()
        let conflictSeconds = Date().timeIntervalSince(started)
        let commune = try hub.commune(sample.commune)
        started = Date()
        let history = try commune.history(code: sample.code)
        let logSeconds = Date().timeIntervalSince(started)
        // The baseline: the same history with the row index dropped (every read scans the log).
        try BenchScale.dropRowIndex(at: "\(folder)/hub.sqlite")
        started = Date()
        let scanned = try commune.history(code: sample.code)
        let scanSeconds = Date().timeIntervalSince(started)
        guard history.count == scanned.count, !history.isEmpty, !conflicts.isEmpty,
            figures.communes.count >= communes
        else {
            BenchProvince.fail(
                "district_morning: \(history.count)/\(scanned.count) log entries, \(conflicts.count) conflicts, \(figures.communes.count) communes"
            )
        }
        let operations = try hub.store.operationCount()
        Bench.report(
            "district_morning", operations: operations, seconds: reportSeconds + conflictSeconds + logSeconds,
            extra: [
                "communes": .int(Int64(communes)), "build_seconds": BenchProvince.rounded(buildSeconds),
                "report_seconds": BenchProvince.rounded(reportSeconds),
                "conflicts": .int(Int64(conflicts.count)), "conflicts_seconds": BenchProvince.rounded(conflictSeconds),
                "log_entries": .int(Int64(history.count)), "log_ms": BenchScale.milliseconds(logSeconds),
                "baseline_log_ms_without_row_index": BenchScale.milliseconds(scanSeconds),
            ])
    }
}
