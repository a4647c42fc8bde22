import NTM
import Replica
import SyncCore
import Testing

@Suite struct LanguageCountTests {
    @Test func englishNounsTakeTheirPluralVietnameseOnesDoNot() {
        #expect(Language.en.count(1, "xung đột", "conflict") == "1 conflict")
        #expect(Language.en.count(2, "xung đột", "conflict") == "2 conflicts")
        #expect(Language.en.count(0, "xung đột", "conflict") == "0 conflicts")
        #expect(Language.en.count(1, "tiêu chí", "criterion", plural: "criteria") == "1 criterion")
        #expect(Language.en.count(19, "tiêu chí", "criterion", plural: "criteria") == "19 criteria")
        #expect(Language.vi.count(2, "xung đột", "conflict") == "2 xung đột")
        #expect(Language.english(1, "operation") == "1 operation")
    }

    @Test func targetsReadInTheLanguage() throws {
        let catalogue = try CatalogueLibrary().catalogue("qd1980-2016")
        func target(_ code: String, _ language: Language) throws -> String {
            try #require(catalogue.indicators.first { $0.code == code }).target(language)
        }
        #expect(try target("1.1", .en) == "Met")
        #expect(try target("1.1", .vi) == "Đạt")
        #expect(try target("11", .en) == "by region (unverified)")
        #expect(try target("11", .vi) == "theo vùng (chưa kiểm chứng)")
        #expect(try target("15.3", .en) == "nationwide ≤21.8%; North Central Coast ≤24.2%")
        #expect(try target("15.3", .vi) == "chung ≤21,8%; BTB ≤24,2%")
    }

    @Test func systemReasonsReadInTheLanguage() {
        #expect(SystemText.reason("Connection refused", .vi).hasPrefix("máy chủ từ chối kết nối"))
        #expect(SystemText.reason("Connection refused", .en) == "connection refused")
        #expect(SystemText.reason("exit status 127", .vi) == "không tìm thấy lệnh (mã thoát 127)")
        #expect(SystemText.reason("exit status 3", .vi) == "mã thoát 3")
        #expect(SystemText.reason("something new", .vi) == "something new")
        // Bundle export's reason for a log row it cannot read.
        #expect(
            SystemText.reason("a damaged operation in the log (see: ntm verify)", .vi)
                == "nhật ký có một thao tác bị hỏng (xem: ntm verify)")
    }
}
