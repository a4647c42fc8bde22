import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// Paths of files beside the tests.
enum Fixture {
    /// `Tests/Fixtures/<name>`.
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// The synthetic Thanh Hóa NTM nâng cao set: 15 criteria, 41 sub-criteria, 20 sectors.
    static var advancedSet: String { path("thanh-hoa-nang-cao-synthetic.json") }

    /// The team's reference catalogue of the 2016–2020 commune set (codes, names, targets, departments,
    /// sectors), copied verbatim from the domain notes the project started from (`domain/criteria-2016-2020.json`
    /// on the team's reference shelf) so that the package's own `qd1980-2016` can be compared with it on a
    /// clone that has nothing beside it.
    static var referenceSet2016: String { path("criteria-2016-2020.json") }
}

@Suite struct CatalogueTests {
    let library = CatalogueLibrary()

    @Test func theCommuneSet2016MatchesTheReferenceCatalogue() throws {
        let catalogue = try library.catalogue("qd1980-2016")
        #expect(catalogue.criteria.count == 19)
        #expect(catalogue.indicators.count == 49)
        #expect(catalogue.indicators(of: 17).map(\.code) == (1...8).map { "17.\($0)" })
        #expect(catalogue.indicator("15.1")?.department == "Bảo hiểm xã hội huyện")
        // Seed 004: the dossier goes to 17 province sectors.
        #expect(catalogue.sectors.count == 17)
        #expect(catalogue.unit == .commune && catalogue.level == .ntm)
        #expect(catalogue.indicators.allSatisfy { !$0.department.isEmpty && !$0.sector.isEmpty && !$0.nameEn.isEmpty })
        // Same codes, names, targets and owners as the reference catalogue (Tests/Fixtures/criteria-2016-2020.json).
        let reference = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: Fixture.referenceSet2016)))
        let entries = try #require(reference["indicators"]?.array)
        #expect(entries.count == catalogue.indicators.count)
        for (entry, indicator) in zip(entries, catalogue.indicators) {
            #expect(entry["code"]?.string == indicator.code)
            #expect(entry["name_vi"]?.string == indicator.nameVi)
            #expect(entry["target"]?.string == indicator.target)
            #expect(entry["dept"]?.string == indicator.department)
            #expect(entry["sector"]?.string == indicator.sector)
        }
        // Seed 002 gives 17.1 to NN&PTNT, 17.8 to Y tế, 15.1 to BHXH; 15.1's target is a percentage.
        #expect(catalogue.indicator("15.1")?.minimum == 85 && catalogue.indicator("15.1")?.unit == "%")
        #expect(catalogue.indicator("15.3")?.maximum != nil)
    }

    @Test func theDistrictSetHasNineCriteriaWithThreePartsOfFive() throws {
        let catalogue = try library.catalogue("qd558-2016")
        #expect(catalogue.unit == .district)
        #expect(catalogue.criteria.count == 9)
        #expect(catalogue.indicators(of: 5).map(\.code) == ["5.1", "5.2", "5.3"])
        #expect(catalogue.criterion(9)?.nameVi.contains("Chỉ đạo") == true)
    }

    @Test func theSet2022IsMarkedReconstructedEntryByEntry() throws {
        let catalogue = try library.catalogue("qd318-2022")
        #expect(catalogue.criteria.count == 19)
        #expect(catalogue.indicators(of: 17).count == 12)
        #expect(catalogue.indicators(of: 18).count == 6)
        #expect(catalogue.indicators.count == 55)
        #expect(catalogue.reconstructedCount == catalogue.indicators.count)
    }

    @Test func anUnknownSetNamesTheKnownOnes() {
        #expect(throws: NTMError.unknownCriteriaSet("qd999", known: CatalogueLibrary.shippedIDs)) {
            try library.catalogue("qd999")
        }
    }

    @Test func searchMatchesNamesWithOrWithoutDiacriticsAndCodes() throws {
        let catalogue = try library.catalogue("qd1980-2016")
        #expect(catalogue.search("nuoc sach").map(\.code).contains("17.1"))
        #expect(catalogue.search("nước sạch").map(\.code) == catalogue.search("NUOC SACH").map(\.code))
        #expect(catalogue.search("bảo hiểm y tế").map(\.code) == ["15.1"])
        #expect(catalogue.search("17").map(\.code) == (1...8).map { "17.\($0)" })
        #expect(catalogue.search("15.1").map(\.code) == ["15.1"])
        #expect(catalogue.search("health insurance").map(\.code) == ["15.1"])
        #expect(catalogue.search("khong co gi nhu the").isEmpty)
        #expect(catalogue.search("").count == 49)
    }

    @Test(arguments: [
        ("nâng cao", Level.advanced), ("NTM nang cao", .advanced), ("kiểu mẫu", .model),
        ("thôn kiểu mẫu", .modelVillage),
        ("ntm", .ntm), ("model", .model),
    ])
    func levelsParseInEitherLanguage(text: String, level: Level) {
        #expect(Level(parsing: text) == level)
    }

    /// A valid small set, then one mutation per problem a province officer could make.
    static func minimal(_ edit: (inout [String: Any]) -> Void = { _ in }) -> Data {
        var root: [String: Any] = [
            "format": "ntm-catalogue/1", "set": "tinh-x-2021", "title_vi": "Bộ thử", "unit": "commune", "level": "ntm",
            "criteria": [["no": 1, "name_vi": "Quy hoạch"], ["no": 2, "name_vi": "Giao thông"]],
            "indicators": [
                ["code": "1", "name_vi": "Có quy hoạch", "dept": "Phòng KT&HT", "sector": "Sở Xây dựng"],
                [
                    "code": "2.1", "name_vi": "Đường xã", "dept": "Phòng KT&HT", "sector": "Sở GTVT", "unit": "%",
                    "min": 100,
                ],
            ],
        ]
        edit(&root)
        return try! JSONSerialization.data(withJSONObject: root)
    }

    @Test func aMinimalSetReads() throws {
        let catalogue = try Catalogue(data: Self.minimal())
        // As saved by a Windows editor, with a UTF-8 byte-order mark.
        #expect(try Catalogue(data: Data([0xEF, 0xBB, 0xBF]) + Self.minimal()).id == "tinh-x-2021")
        #expect(catalogue.sectors == ["Sở Xây dựng", "Sở GTVT"])
        #expect(catalogue.criterion(2)?.department == "Phòng KT&HT")
        #expect(catalogue.indicator("2.1")?.meets(99) == false)
        #expect(catalogue.indicator("2.1")?.meets(100) == true)
    }

    static var problems: [(String, (inout [String: Any]) -> Void, CatalogueProblem)] {
        [
            ("format", { $0["format"] = "ntm-catalogue/9" }, .wrongFormat("ntm-catalogue/9")),
            ("set id", { $0["set"] = "Tỉnh X" }, .badSetID("Tỉnh X")),
            ("no set", { $0["set"] = nil }, .missingField("set")),
            ("unit", { $0["unit"] = "tinh" }, .badUnit("tinh")),
            ("level", { $0["level"] = "sieu" }, .badLevel("sieu")),
            ("empty title", { $0["title_vi"] = "  " }, .emptyName("title_vi")),
            (
                "duplicate code",
                {
                    $0["indicators"] = [
                        ["code": "1", "name_vi": "A", "dept": "P", "sector": "S"],
                        ["code": "1", "name_vi": "B", "dept": "P", "sector": "S"],
                        ["code": "2.1", "name_vi": "C", "dept": "P", "sector": "S"],
                    ]
                }, .duplicateCode("1")
            ),
            (
                "orphan indicator",
                {
                    $0["indicators"] = [
                        ["code": "1", "name_vi": "A", "dept": "P", "sector": "S"],
                        ["code": "2.1", "name_vi": "C", "dept": "P", "sector": "S"],
                        ["code": "3.1", "name_vi": "D", "dept": "P", "sector": "S"],
                    ]
                }, .missingCriterion(code: "3.1", criterion: 3)
            ),
            (
                "empty indicator name",
                {
                    $0["indicators"] = [
                        ["code": "1", "name_vi": "", "dept": "P", "sector": "S"],
                        ["code": "2.1", "name_vi": "C", "dept": "P", "sector": "S"],
                    ]
                }, .emptyName("indicators[0] (1).name_vi")
            ),
            (
                "empty criterion name", { $0["criteria"] = [["no": 1, "name_vi": ""], ["no": 2, "name_vi": "B"]] },
                .emptyName("criteria[0].name_vi")
            ),
            (
                "duplicate criterion", { $0["criteria"] = [["no": 1, "name_vi": "A"], ["no": 1, "name_vi": "B"]] },
                .duplicateCriterion(1)
            ),
            (
                "criterion without indicators",
                {
                    $0["criteria"] = [
                        ["no": 1, "name_vi": "A"], ["no": 2, "name_vi": "B"], ["no": 3, "name_vi": "C"],
                    ]
                }, .criterionWithoutIndicators(3)
            ),
            (
                "bad code",
                {
                    $0["indicators"] = [
                        ["code": "1.a", "name_vi": "A", "dept": "P", "sector": "S"],
                        ["code": "2", "name_vi": "C", "dept": "P", "sector": "S"],
                    ]
                }, .badCode("1.a")
            ),
            (
                "percent bound",
                {
                    $0["indicators"] = [
                        ["code": "1", "name_vi": "A", "dept": "P", "sector": "S", "unit": "%", "min": 120],
                        ["code": "2", "name_vi": "C", "dept": "P", "sector": "S"],
                    ]
                }, .badBounds("1")
            ),
            ("unlisted sector", { $0["sectors"] = ["Sở Xây dựng"] }, .sectorNotListed(code: "2.1", sector: "Sở GTVT")),
            (
                "sectors differing in case only", { $0["sectors"] = ["Sở Xây dựng", "Sở GTVT", "Sở Xây Dựng"] },
                .similarNames("Sở Xây dựng", "Sở Xây Dựng")
            ),
            (
                "leading zero",
                {
                    $0["indicators"] = [
                        ["code": "01", "name_vi": "A", "dept": "P", "sector": "S"],
                        ["code": "2", "name_vi": "C", "dept": "P", "sector": "S"],
                    ]
                }, .badCode("01")
            ),
            (
                "sign",
                {
                    $0["indicators"] = [
                        ["code": "1", "name_vi": "A", "dept": "P", "sector": "S"],
                        ["code": "+2.1", "name_vi": "C", "dept": "P", "sector": "S"],
                    ]
                }, .badCode("+2.1")
            ),
            (
                "number as target",
                {
                    $0["indicators"] = [
                        ["code": "1", "name_vi": "A", "dept": "P", "sector": "S", "target": 5],
                        ["code": "2", "name_vi": "C", "dept": "P", "sector": "S"],
                    ]
                }, .wrongType(field: "indicators[0] (1).target", expected: "text")
            ),
            (
                "criteria as object", { $0["criteria"] = ["no": 1] },
                .wrongType(field: "criteria", expected: "a list [...]")
            ),
            ("no criteria", { $0["criteria"] = nil }, .missingField("criteria")),
        ]
    }

    @Test func everyProblemIsNamed() {
        for (label, edit, problem) in Self.problems {
            #expect(throws: NTMError.badCatalogue(problem), "\(label)") { try Catalogue(data: Self.minimal(edit)) }
        }
        #expect(throws: NTMError.self) { try Catalogue(data: Data("{\"format\": ".utf8)) }
        #expect(throws: NTMError.badCatalogue(.tooLarge(Catalogue.maximumBytes + 1))) {
            try Catalogue(data: Data(repeating: 0x20, count: Catalogue.maximumBytes + 1))
        }
        #expect(throws: NTMError.self) { try Catalogue(data: Data("{\"set\":1,\"set\":2}".utf8)) }
    }

    @Test func problemsReadInBothLanguages() {
        for (_, _, problem) in Self.problems {
            #expect(!problem.message(.vi).isEmpty && problem.message(.vi) != problem.message(.en))
        }
    }

    @Test func theSyntheticAdvancedSetHasTheSeedShape() throws {
        let catalogue = try Catalogue(data: Data(contentsOf: URL(fileURLWithPath: Fixture.advancedSet)))
        #expect(catalogue.synthetic)
        #expect(catalogue.level == .advanced)
        #expect(catalogue.criteria.count == 15 && catalogue.indicators.count == 41 && catalogue.sectors.count == 20)
    }
}

@Suite struct CatalogueImportTests {
    @Test func anImportedSetTravelsWithTheBundleAndCanBeTargeted() throws {
        let folder = TemporaryDirectory("catalogue-import")
        let district = try NTMDatabase.create(
            at: folder.file("district.sqlite"), replicaID: "huyen-tho-xuan",
            home: .district(slug: "tho-xuan", name: "Thọ Xuân"),
            author: "Văn phòng")
        let (catalogue, changed) = try district.importCatalogue(file: Fixture.advancedSet, author: "Văn phòng")
        #expect(changed)
        #expect(try district.library().imported.map(\.id) == [catalogue.id])
        // The same file again changes nothing.
        let operations = try district.store.operationCount()
        #expect(try district.importCatalogue(file: Fixture.advancedSet, author: "Văn phòng").changed == false)
        #expect(try district.store.operationCount() == operations)

        let commune = try NTMDatabase.create(
            at: folder.file("xuan-hoa.sqlite"), replicaID: "xa-xuan-hoa-1",
            home: .commune(.init(slug: "xuan-hoa", name: "Xuân Hòa", setID: "qd1980-2016", year: "2018")),
            author: "Hà")
        #expect(throws: NTMError.self) {
            try commune.commune().setTarget(set: catalogue.id, level: nil, year: "2020", author: "Hà")
        }
        try district.store.exportBundle(to: folder.file("sets.ndjson"))
        try commune.store.importBundle(from: folder.file("sets.ndjson"))
        let target = try commune.commune().setTarget(set: catalogue.id, level: "nâng cao", year: "2020", author: "Hà")
        #expect(target == CommuneTarget(level: .advanced, setID: catalogue.id, year: 2020))
        // The latest target is worked on by default; the first stays reachable with its set.
        #expect(try commune.commune().catalogue.id == catalogue.id)
        #expect(try commune.commune(set: "qd1980-2016").catalogue.id == "qd1980-2016")
        #expect(throws: NTMError.levelMismatch(set: catalogue.id, setLevel: .advanced, asked: .model)) {
            try commune.commune().setTarget(set: catalogue.id, level: "kieu mau", year: nil, author: "Hà")
        }
    }

    @Test func aShippedSetCannotBeReplacedAndABadFileChangesNothing() throws {
        let folder = TemporaryDirectory("catalogue-refused")
        let database = try NTMDatabase.create(
            at: folder.file("d.sqlite"), replicaID: "d", home: .district(slug: "trieu-son", name: nil), author: "A")
        let shipped = folder.file("shipped.json")
        let source = try String(contentsOfFile: Fixture.advancedSet, encoding: .utf8).replacingOccurrences(
            of: "\"th-nang-cao-2020-synthetic\"", with: "\"qd1980-2016\"")
        try source.write(toFile: shipped, atomically: true, encoding: .utf8)
        #expect(throws: NTMError.badCatalogue(.replacesShipped("qd1980-2016"))) {
            try database.importCatalogue(file: shipped, author: "A")
        }
        let broken = folder.file("broken.json")
        try CatalogueTests.minimal { $0["indicators"] = [] }.write(to: URL(fileURLWithPath: broken))
        let before = try database.store.dump()
        #expect(throws: NTMError.badCatalogue(.emptyList("indicators"))) {
            try database.importCatalogue(file: broken, author: "A")
        }
        #expect(try database.store.dump() == before)
    }
}
