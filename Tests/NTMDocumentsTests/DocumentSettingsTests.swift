import Foundation
import SyncCore
import TestSupport
import Testing

@testable import NTM

@Suite struct DocumentSettingsTests {
    @Test func defaultsComeFromTheUnitsNamesAndSettingsOverrideThem() throws {
        let district = DocumentSettings.defaults(level: .district, unitName: "Triệu Sơn", language: .vi)
        #expect(district[.issuer] == "UBND HUYỆN TRIỆU SƠN")
        #expect(district[.place] == "Triệu Sơn")
        #expect(district[.number] == nil)
        let commune = DocumentSettings.defaults(level: .commune, unitName: "Dân Lý", language: .vi)
        #expect(commune[.office] == "ỦY BAN NHÂN DÂN XÃ DÂN LÝ")
        #expect(commune[.issuer] == nil)
        var chosen = DocumentSettings()
        chosen[.number] = " 125 "
        chosen[.recipients] = "UBND tỉnh (b/c); ;Lưu: VT"
        let merged = district.overridden(by: chosen)
        #expect(merged[.number] == "125")
        #expect(merged[.issuer] == "UBND HUYỆN TRIỆU SƠN")
        #expect(merged.recipientList == ["UBND tỉnh (b/c)", "Lưu: VT"])
    }

    @Test func settingsAreKeptInTheDatabaseAndAnEmptyValueUnsetsThem() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("huyen.sqlite")
        let database = try NTMDatabase.create(
            at: path, replicaID: "huyen-1", home: .district(slug: "trieu-son", name: "Triệu Sơn", code: nil, year: nil),
            author: "Văn phòng")
        try database.setDocumentSettings([.signer: "Lê Văn A", .code: "BC-VPĐP"])
        let reopened = try NTMDatabase.open(at: path)
        #expect(try reopened.documentSettings().values == [.signer: "Lê Văn A", .code: "BC-VPĐP"])
        try reopened.setDocumentSettings([.signer: ""])
        #expect(try reopened.documentSettings().values == [.code: "BC-VPĐP"])
    }
}

@Suite struct EvidenceShelfNameTests {
    @Test func aFileNameStaysOneShortNameWithItsExtension() {
        #expect(NTMDatabase.safeFileName("../../etc/passwd") == "_.._etc_passwd")
        #expect(NTMDatabase.safeFileName(".hidden") == "hidden")
        #expect(NTMDatabase.safeFileName("") == "tep")
        let long = "Biên bản nghiệm thu " + String(repeating: "ệ", count: 80) + ".pdf"
        let safe = NTMDatabase.safeFileName(long)
        #expect(safe.utf8.count <= 150 && safe.hasSuffix(".pdf") && safe.hasPrefix("Biên bản nghiệm thu ệ"))
    }
}
