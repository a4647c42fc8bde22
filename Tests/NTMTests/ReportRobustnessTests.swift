import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// Replicated rows can hold any value another replica (or another program) wrote. Reports must read
/// what they understand, leave out the rest, and never crash.
@Suite struct ReportRobustnessTests {
    func foreign(_ table: String, _ row: String, _ column: String, _ value: FieldValue, seq: UInt64) -> SyncOperation {
        SyncOperation(
            dot: Dot(origin: "other-program", seq: seq), key: FieldKey(table: table, row: row, column: column),
            value: value, context: VersionVector(), author: "?", wallMs: 0)
    }

    @Test func valuesOfUnexpectedTypesAreLeftOutNotFatal() throws {
        let folder = TemporaryDirectory("foreign-values")
        let clock = ManualClock("02/11/2018")
        let database = try NTMDatabase.create(
            at: folder.file("x.sqlite"), replicaID: "xa-1",
            home: .commune(.init(slug: "dan-ly", name: "Dân Lý", year: "2018")), author: "Lan", clock: clock.now)
        let replica = try database.commune()
        try replica.appraisal(sector: "Sở Xây dựng", sent: "01/11/2018", inspected: nil, verdict: nil, author: "Lan")
        try database.store.apply([
            foreign(NTMSchema.Table.target, "dan-ly/qd318-2022", "level", .text("ntm"), seq: 1),
            foreign(NTMSchema.Table.target, "dan-ly/qd318-2022", "year", .double(1e300), seq: 2),
            foreign(NTMSchema.Table.target, "dan-ly/qd999", "level", .int(3), seq: 3),
            foreign(NTMSchema.Table.catalogue, "tinh-x", "data", .int(5), seq: 4),
            foreign(NTMSchema.Table.appraisal, "dan-ly/qd1980-2016/so-giao-thong-van-tai", "sent", .null, seq: 5),
            foreign(NTMSchema.Table.appraisal, "dan-ly/qd1980-2016/so-y-te", "inspected", .bool(true), seq: 6),
            foreign(NTMSchema.Table.assessment, "dan-ly/qd1980-2016/5", "status", .int(1), seq: 7),
            foreign(NTMSchema.Table.deadline, "dan-ly/000000000001", "due", .text("not a date"), seq: 8),
            foreign(NTMSchema.Table.dossier, "dan-ly/qd1980-2016/3", "complete", .text("yes"), seq: 9),
        ])
        #expect(try database.targets(of: "dan-ly").map(\.setID) == ["qd1980-2016", "qd318-2022"])
        #expect(try database.targets(of: "dan-ly").last?.year == nil)
        let figures = try database.commune(set: "qd1980-2016").figures()
        #expect(figures.sectorsSent == 1 && figures.sectorsInspected == 0)
        #expect(figures.indicatorsAssessed == 0 && figures.dossiersComplete == 0 && figures.overdue.isEmpty)
        #expect(try database.library().imported.isEmpty)
        #expect(try database.districtFigures().communes.count == 1)
    }

    @Test func aDistrictReportLeavesOutCommunesOfAnotherDistrict() throws {
        var district = try District("trieu-son", name: "Triệu Sơn", on: "11/11/2020")
        try district.commune("Dân Lý")
        let stranger = try NTMDatabase.create(
            at: district.folder.file("xuan-hoa.sqlite"), replicaID: "xa-xuan-hoa-1",
            home: .commune(.init(slug: "xuan-hoa", name: "Xuân Hòa", district: "tho-xuan")), author: "Hà")
        try stranger.store.exportBundle(to: district.folder.file("stranger.ndjson"))
        try district.office.store.importBundle(from: district.folder.file("stranger.ndjson"))
        try district.collect()
        #expect(try district.report().communes.map(\.commune.name) == ["Dân Lý"])
    }

    @Test func aDeadlineCannotBeDoneInTheFuture() throws {
        let district = try District("trieu-son", name: "Triệu Sơn", on: "11/11/2020")
        let office = try district.office.commune()
        let uid = try office.addDeadline(
            title: "Nộp hồ sơ", due: "30/11/2020", owner: .department("Văn phòng Điều phối NTM huyện"), author: "A")
        #expect(throws: NTMError.futureDate("12/11/2020", option: "--date")) {
            try office.completeDeadline(uid, on: "12/11/2020", author: "A")
        }
        try office.completeDeadline(uid, on: "11/11/2020", author: "A")
        #expect(try office.deadlines().first?.done == CalendarDate(parsing: "11/11/2020"))
    }
}
