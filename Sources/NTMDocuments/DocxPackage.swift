import Foundation
import NTM
import ZIPFoundation

/// A .docx file: the document's body and section, wrapped in the parts an Office Open XML package
/// needs (content types, relationships, styles, settings, the two headers, the core and app
/// properties) and zipped in memory. The output depends only on its inputs (every entry is dated the
/// report's date), so the same figures give the same bytes.
struct DocxPackage {
    /// The body's blocks.
    var blocks: [WordprocessingML.Block]
    /// The page; its header ids are set by the package.
    var section: WordprocessingML.Section
    /// The document's title (core properties).
    var title: String
    /// Its author (core properties): the issuing body.
    var creator: String
    /// The report's date: the properties' creation date, and every ZIP entry's.
    var date: CalendarDate
    /// The body text's font.
    var font = "Times New Roman"
    /// The body text's size in half-points (14 pt).
    var size = 28
    /// The text's language tag.
    var language = "vi-VN"

    private static let officeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"
    private static let wordprocessing = "application/vnd.openxmlformats-officedocument.wordprocessingml"

    /// The package's parts, by path inside the ZIP, in the order they are stored (content types first).
    var parts: [(path: String, xml: String)] {
        var section = section
        section.headerID = "rIdHeaderDefault"
        section.firstHeaderID = "rIdHeaderFirst"
        let declaration = WordprocessingML.declaration
        let contentTypes =
            declaration
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + override("/word/document.xml", "\(Self.wordprocessing).document.main+xml")
            + override("/word/styles.xml", "\(Self.wordprocessing).styles+xml")
            + override("/word/settings.xml", "\(Self.wordprocessing).settings+xml")
            + override("/word/header1.xml", "\(Self.wordprocessing).header+xml")
            + override("/word/header2.xml", "\(Self.wordprocessing).header+xml")
            + override("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")
            + override("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")
            + "</Types>"
        let rootRelationships = relationships([
            ("rId1", "\(Self.officeDocument)/officeDocument", "word/document.xml"),
            (
                "rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml"
            ),
            ("rId3", "\(Self.officeDocument)/extended-properties", "docProps/app.xml"),
        ])
        let documentRelationships = relationships([
            ("rIdStyles", "\(Self.officeDocument)/styles", "styles.xml"),
            ("rIdSettings", "\(Self.officeDocument)/settings", "settings.xml"),
            ("rIdHeaderDefault", "\(Self.officeDocument)/header", "header1.xml"),
            ("rIdHeaderFirst", "\(Self.officeDocument)/header", "header2.xml"),
        ])
        let created = "\(date.iso)T00:00:00Z"
        let core =
            declaration
            + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\""
            + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<dc:title>\(WordprocessingML.escaped(title))</dc:title>"
            + "<dc:creator>\(WordprocessingML.escaped(creator))</dc:creator>"
            + "<dc:language>\(language)</dc:language>"
            + "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(created)</dcterms:created>"
            + "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(created)</dcterms:modified>"
            + "</cp:coreProperties>"
        let app =
            declaration
            + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
            + "<Application>ntm \(WordprocessingML.escaped(NTMVersion.current))</Application></Properties>"
        return [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", rootRelationships),
            ("word/document.xml", WordprocessingML.document(blocks, section: section)),
            ("word/_rels/document.xml.rels", documentRelationships),
            ("word/styles.xml", WordprocessingML.styles(font: font, size: size, language: language)),
            ("word/settings.xml", WordprocessingML.settings()),
            ("word/header1.xml", WordprocessingML.header(WordprocessingML.pageNumber(size: size))),
            ("word/header2.xml", WordprocessingML.header(WordprocessingML.Paragraph().xml)),
            ("docProps/core.xml", core),
            ("docProps/app.xml", app),
        ]
    }

    /// The .docx file's bytes: the parts, deflated, in a ZIP archive made in memory.
    func data() throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        var components = DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)
        components.timeZone = TimeZone(identifier: "UTC")
        let modified = Calendar(identifier: .gregorian).date(from: components) ?? Date(timeIntervalSince1970: 0)
        for (path, xml) in parts {
            let bytes = Data(xml.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: modified,
                compressionMethod: .deflate
            ) { position, size in
                bytes.subdata(in: Int(position)..<min(Int(position) + size, bytes.count))
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    private func override(_ part: String, _ type: String) -> String {
        "<Override PartName=\"\(part)\" ContentType=\"\(type)\"/>"
    }

    private func relationships(_ entries: [(id: String, type: String, target: String)]) -> String {
        WordprocessingML.declaration + "<Relationships xmlns=\"\(Self.packageRelationships)\">"
            + entries.map { "<Relationship Id=\"\($0.id)\" Type=\"\($0.type)\" Target=\"\($0.target)\"/>" }.joined()
            + "</Relationships>"
    }
}
