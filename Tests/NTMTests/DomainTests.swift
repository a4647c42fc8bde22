import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

@Suite struct TextTests {
    @Test(arguments: [
        ("chưa đạt", "chua dat"), ("ĐẠT", "dat"), ("Đang  thực hiện", "dang thuc hien"), ("Sở Xây dựng", "so xay dung"),
        ("Nu\u{031B}o\u{031B}\u{0301}c sa\u{0323}ch", "nuoc sach"),
    ])
    func foldingIgnoresDiacriticsCaseAndSpacing(input: String, folded: String) {
        #expect(Text.folded(input) == folded)
    }

    @Test func normalisingGivesNFC() {
        let nfd = "Xua\u{0302}n Tru\u{031B}o\u{031B}\u{0300}ng"
        let nfc = Text.normalized(nfd)
        #expect(Array(nfc.utf8) == Array("Xuân Trường".precomposedStringWithCanonicalMapping.utf8))
        #expect(nfc.unicodeScalars.count == 11)
    }

    @Test func slugs() {
        #expect(Text.slug("Sở Giao thông vận tải") == "so-giao-thong-van-tai")
        #expect(Text.slug("Bộ Chỉ huy Quân sự tỉnh") == "bo-chi-huy-quan-su-tinh")
    }
}

@Suite struct VocabularyTests {
    @Test(arguments: [
        ("dat", AssessmentStatus.met), ("Đạt", .met), ("đạt", .met), ("chua-dat", .notMet), ("chưa đạt", .notMet),
        ("Chua Dat", .notMet), ("dang-thuc-hien", .inProgress), ("đang thực hiện", .inProgress),
    ])
    func statusesAreAcceptedWithOrWithoutDiacritics(text: String, status: AssessmentStatus) {
        #expect(AssessmentStatus(parsing: text) == status)
    }

    @Test func unknownStatusesAreRefused() {
        #expect(AssessmentStatus(parsing: "tốt") == nil)
        #expect(Verdict(parsing: "đạt") == .met)
        #expect(Verdict(parsing: "không đạt") == .notMet)
        #expect(Verdict(parsing: "chờ") == .pending)
    }

    @Test(arguments: [
        ("30/9/2021", "2021-09-30"), ("02/11/2018", "2018-11-02"), ("2020-04-23", "2020-04-23"),
        ("29/02/2020", "2020-02-29"),
        ("1.10.2021", "2021-10-01"),
    ])
    func datesAreReadAsOfficialsWriteThem(text: String, iso: String) throws {
        let date = try #require(CalendarDate(parsing: text))
        #expect(date.iso == iso)
        #expect(CalendarDate(parsing: date.iso) == date)
    }

    @Test(arguments: [
        "31/02/2021", "29/02/2021", "00/01/2020", "12/13/2020", "2020-02-30", "30/9/21", "hôm qua", "1/2/3/4",
    ])
    func impossibleDatesAreRefused(text: String) {
        #expect(CalendarDate(parsing: text) == nil)
    }

    @Test func numbersAndDatesPrintTheVietnameseWay() {
        #expect(CalendarDate(year: 2021, month: 9, day: 30)?.description == "30/09/2021")
        #expect(formatNumber(96.5, .vi) == "96,5")
        #expect(formatNumber(96.5, .en) == "96.5")
        #expect(formatNumber(85, .vi) == "85")
        #expect(parseMeasuredValue("96,5%") == 96.5)
        #expect(parseMeasuredValue("abc") == nil)
    }
}

@Suite struct CommuneReplicaTests {
    func replica(_ folder: TemporaryDirectory) throws -> CommuneReplica {
        let ids = IncrementingIDs()
        return try CommuneReplica.create(
            at: folder.file("x.sqlite"), replicaID: "xa-1", commune: "xuan-truong", name: "Xuân Trường",
            setID: "qd1980-2016",
            author: "Mai", clock: { 1_700_000_000_000 },
            makeID: { ids.next() })
    }

    @Test func statusCountsCriteriaMetOnlyWhenAllTheirIndicatorsAre() throws {
        let folder = TemporaryDirectory("domain")
        let replica = try replica(folder)
        for code in ["17.1", "17.2", "17.3", "17.4", "17.5", "17.6", "17.7"] {
            try replica.assess(code: code, status: "dat", author: "Mai")
        }
        #expect(try replica.status().figures.criteriaMet == 0)
        try replica.assess(code: "17.8", status: "dat", author: "Mai")
        try replica.assess(code: "5", status: "dat", author: "Mai")
        let status = try replica.status()
        #expect(status.figures.criteriaMet == 2)
        #expect(status.figures.indicatorsMet == 9)
        try replica.assess(code: "5", status: "chua dat", author: "Mai")
        #expect(try replica.status().figures.criteriaMet == 1)
    }

    /// `assessment.value` is a real (protocol appendix B): `--value 100` and a write of the integer 100
    /// through the engine are both written `100.0`, so equal numbers are equal values and never conflict;
    /// the schema names an integer there as not canonical (the hub refuses it, `bad-operation`).
    @Test func assessmentValuesAreAlwaysWrittenAsRealNumbers() throws {
        let folder = TemporaryDirectory("domain-real")
        let replica = try replica(folder)
        let assessed = try replica.assess(code: "15.1", status: "dang-thuc-hien", value: "100", author: "Mai")
        let value = try #require(assessed.first { $0.key.column == "value" })
        #expect(value.value == .double(100))
        #expect(value.jsonLine.contains(#""value":100.0,"#))
        let row = NTMSchema.assessmentRow(commune: "xuan-truong", set: "qd1980-2016", code: "15.2")
        let written = try replica.store.write(
            [
                RowChange(
                    table: NTMSchema.Table.assessment, row: row, values: ["value": .int(85), "status": .text("dat")])
            ],
            author: "Mai")
        #expect(written.first { $0.key.column == "value" }?.value == .double(85))
        #expect(written.first { $0.key.column == "status" }?.value == .text("dat"))
        // What the hub checks.
        let schema = NTMSchema.schema
        func op(_ value: FieldValue, column: String = "value") -> SyncOperation {
            SyncOperation(
                dot: Dot(origin: "xa-2", seq: 1),
                key: FieldKey(table: NTMSchema.Table.assessment, row: row, column: column),
                value: value, context: VersionVector(), author: "x", wallMs: 0)
        }
        #expect(schema.valueProblem(of: op(.double(100))) == nil)
        #expect(schema.valueProblem(of: op(.null)) == nil)
        #expect(
            schema.valueProblem(of: op(.int(100)))
                == "assessment.value is a real number: write 100 as 100.0, never as the integer 100, so that equal numbers are equal values"
        )
        #expect(
            schema.valueProblem(of: op(.text("100")))?.hasPrefix("assessment.value takes a real number or null") == true
        )
        #expect(schema.valueProblem(of: op(.int(7), column: "status")) == nil)
        #expect(schema.canonical(.int(100), table: NTMSchema.Table.assessment, column: "value") == .double(100))
        #expect(schema.canonical(.int(2020), table: NTMSchema.Table.target, column: "year") == .int(2020))
    }

    @Test func sectorsMatchByNameSlugOrUniquePart() throws {
        let folder = TemporaryDirectory("sectors")
        let replica = try replica(folder)
        #expect(try replica.sector("so xay dung") == "Sở Xây dựng")
        #expect(try replica.sector("so-giao-thong-van-tai") == "Sở Giao thông vận tải")
        #expect(try replica.sector("công an") == "Công an tỉnh")
        #expect(throws: NTMError.self) { try replica.sector("Sở") }
    }

    @Test func evidenceIdsResolveByUniquePrefix() throws {
        let folder = TemporaryDirectory("evidence")
        let replica = try replica(folder)
        let first = try replica.addEvidence(code: "17.1", title: "A", author: "Mai")
        let second = try replica.addEvidence(code: "17.1", title: "B", author: "Mai")
        #expect(first == "000000000001" && second == "000000000002")
        #expect(throws: NTMError.ambiguousID("00000000", matches: [first, second])) {
            try replica.removeEvidence("00000000", author: "Mai")
        }
        #expect(try replica.removeEvidence("000000000002", author: "Mai") == second)
        #expect(try replica.evidence().map(\.uid) == [first])
        #expect(throws: NTMError.unknownEvidence("000000000002")) {
            try replica.removeEvidence("000000000002", author: "Mai")
        }
    }

    @Test func reopeningFindsTheHomeCommuneAndItsTarget() throws {
        let folder = TemporaryDirectory("tag")
        let replica = try replica(folder)
        #expect(replica.store.schema.tag == "ntm-2")
        #expect(replica.target == CommuneTarget(level: .ntm, setID: "qd1980-2016", year: nil))
        let reopened = try CommuneReplica.open(at: folder.file("x.sqlite"))
        #expect(reopened.commune == "xuan-truong")
        #expect(reopened.communeName == "Xuân Trường")
    }
}
