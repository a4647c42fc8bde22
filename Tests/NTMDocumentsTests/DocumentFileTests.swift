import Foundation
import NTM
import NTMDocuments
import Replica
import TestSupport
import Testing

/// The documents of one command are written all whole, or none.
@Suite struct DocumentFileTests {
    @Test func aFailureOnTheSecondOutputLeavesTheFirstAsItWasAndNoTemporaryFile() throws {
        let folder = TemporaryDirectory("document-file")
        let first = folder.file("bao-cao.docx")
        try Data("hôm qua".utf8).write(to: URL(fileURLWithPath: first))
        try #require(chmod(first, 0o640) == 0)
        let tooLong = folder.file(String(repeating: "t", count: 252) + ".html")
        #expect(throws: FileError.cannotWrite(path: tooLong, reason: "file name too long")) {
            try DocumentFile.writeAll([(first, Data("hôm nay".utf8)), (tooLong, Data())], force: true)
        }
        #expect(try String(contentsOfFile: first, encoding: .utf8) == "hôm qua")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["bao-cao.docx"])
        // Both good: both written, the replaced file's permissions kept.
        let page = folder.file("tong-quan.html")
        try DocumentFile.writeAll([(first, Data("hôm nay".utf8)), (page, Data("<p>".utf8))], force: true)
        #expect(try String(contentsOfFile: first, encoding: .utf8) == "hôm nay")
        #expect(try String(contentsOfFile: page, encoding: .utf8) == "<p>")
        let mode = try FileManager.default.attributesOfItem(atPath: first)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
                "bao-cao.docx", "tong-quan.html",
            ])
        #expect(throws: NTMError.outputExists(page)) { try DocumentFile.write(Data(), to: page, force: false) }
    }
}
