import Foundation

/// A small writer of WordprocessingML (ECMA-376 Part 1, the XML inside a .docx), enough for an official
/// report: paragraphs of formatted runs, tables, one A4 section with a page-number header.
///
/// Everything is a value; `xml` gives each value's markup. Word rejects (with a repair prompt) elements
/// out of the schema's order, so every property list below writes its children in the order of the
/// schema's sequence: `w:pPr` (keepNext, pBdr, spacing, ind, jc, rPr), `w:rPr` (rFonts, b, bCs, i, iCs,
/// sz, szCs, u), `w:tblPr` (tblW, jc, tblBorders, tblLayout, tblCellMar), `w:tcPr` (tcW, gridSpan,
/// vMerge, vAlign), `w:sectPr` (headerReference, pgSz, pgMar, titlePg).
enum WordprocessingML {
    /// The main namespace, declared on every part's root element.
    static let namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    /// The relationships namespace, for `r:id` references to headers.
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    /// The XML declaration every part starts with.
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    /// Twips (twentieths of a point) in a millimetre.
    static func twips(millimetres: Double) -> Int { Int((millimetres * 56.7).rounded()) }

    /// `text` escaped for an XML attribute or text node (``Markup/escaped(_:)``).
    static func escaped(_ text: String) -> String { Markup.escaped(text) }

    /// A paragraph's horizontal alignment (`w:jc`).
    enum Alignment: String {
        /// Flush left.
        case left
        /// Centred.
        case center
        /// Flush right.
        case right
        /// Justified on both sides.
        case both
    }

    /// A run: text with one formatting. A line feed in the text becomes a line break (`w:br`), a tab a
    /// tab (`w:tab`); spaces are kept (`xml:space="preserve"`).
    struct Run {
        /// The text.
        var text: String
        /// Bold.
        var bold = false
        /// Italic.
        var italic = false
        /// Single underline.
        var underline = false
        /// The font size in half-points (28 = 14 pt); nil for the paragraph's default.
        var size: Int?

        /// The run's markup.
        var xml: String {
            var properties = ""
            if bold { properties += "<w:b/><w:bCs/>" }
            if italic { properties += "<w:i/><w:iCs/>" }
            if let size { properties += "<w:sz w:val=\"\(size)\"/><w:szCs w:val=\"\(size)\"/>" }
            if underline { properties += "<w:u w:val=\"single\"/>" }
            var content = ""
            var pending = ""
            func flush() {
                guard !pending.isEmpty else { return }
                content += "<w:t xml:space=\"preserve\">\(WordprocessingML.escaped(pending))</w:t>"
                pending = ""
            }
            for character in text {
                switch character {
                case "\n", "\r\n", "\r":
                    flush()
                    content += "<w:br/>"
                case "\t":
                    flush()
                    content += "<w:tab/>"
                default: pending.append(character)
                }
            }
            flush()
            return "<w:r>" + (properties.isEmpty ? "" : "<w:rPr>\(properties)</w:rPr>") + content + "</w:r>"
        }
    }

    /// A paragraph of runs.
    struct Paragraph {
        /// The runs, in order.
        var runs: [Run] = []
        /// The alignment; nil for the style's (left).
        var alignment: Alignment?
        /// The first line's indent, in twips.
        var firstLineIndent: Int?
        /// The indent from the left and the right margins (or cell edges), in twips.
        var indent: (left: Int, right: Int)?
        /// The space before and after the paragraph, in twips.
        var spacing: (before: Int, after: Int) = (0, 0)
        /// The line spacing in 240ths of a line (240 single, 360 one and a half); nil for single.
        var lineSpacing: Int?
        /// Kept on the same page as the next paragraph (a heading, a title).
        var keepWithNext = false
        /// A single line drawn under the paragraph, as wide as its indented width (the short rules
        /// under the issuing body and the motto).
        var ruleBelow = false
        /// The size, in half-points, of the paragraph mark: what an empty paragraph's height follows.
        var markSize: Int?

        /// A paragraph of one run.
        init(
            _ text: String = "", bold: Bool = false, italic: Bool = false, size: Int? = nil,
            alignment: Alignment? = nil
        ) {
            runs = text.isEmpty ? [] : [Run(text: text, bold: bold, italic: italic, size: size)]
            self.alignment = alignment
        }

        /// A paragraph of several runs.
        init(runs: [Run], alignment: Alignment? = nil) {
            self.runs = runs
            self.alignment = alignment
        }

        /// The paragraph's markup.
        var xml: String {
            var properties = ""
            if keepWithNext { properties += "<w:keepNext/>" }
            if ruleBelow {
                properties +=
                    "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>"
            }
            var spacingAttributes = "w:before=\"\(spacing.before)\" w:after=\"\(spacing.after)\""
            if let lineSpacing { spacingAttributes += " w:line=\"\(lineSpacing)\" w:lineRule=\"auto\"" }
            properties += "<w:spacing \(spacingAttributes)/>"
            if indent != nil || firstLineIndent != nil {
                var attributes = ""
                if let indent { attributes += " w:left=\"\(indent.left)\" w:right=\"\(indent.right)\"" }
                if let firstLineIndent { attributes += " w:firstLine=\"\(firstLineIndent)\"" }
                properties += "<w:ind\(attributes)/>"
            }
            if let alignment { properties += "<w:jc w:val=\"\(alignment.rawValue)\"/>" }
            if let markSize {
                properties += "<w:rPr><w:sz w:val=\"\(markSize)\"/><w:szCs w:val=\"\(markSize)\"/></w:rPr>"
            }
            return "<w:p><w:pPr>\(properties)</w:pPr>" + runs.map(\.xml).joined() + "</w:p>"
        }
    }

    /// A table cell.
    struct Cell {
        /// Vertical merging with the cells above and below (`w:vMerge`).
        enum Merge {
            /// The first cell of a merged group.
            case restart
            /// A cell merged into the one above (its content is ignored).
            case proceed
        }

        /// The paragraphs; a cell holds at least one (an empty one is added).
        var paragraphs: [Paragraph]
        /// The number of grid columns the cell spans.
        var span = 1
        /// Its vertical merge, if any.
        var merge: Merge?

        /// A cell of paragraphs.
        init(_ paragraphs: [Paragraph], span: Int = 1, merge: Merge? = nil) {
            self.paragraphs = paragraphs
            self.span = span
            self.merge = merge
        }

        /// A cell of one paragraph of one run.
        init(
            _ text: String, bold: Bool = false, size: Int? = nil, alignment: Alignment = .center, span: Int = 1,
            merge: Merge? = nil
        ) {
            self.init([Paragraph(text, bold: bold, size: size, alignment: alignment)], span: span, merge: merge)
        }

        /// The cell's markup, `width` twips wide, its content centred vertically or at the top.
        func xml(width: Int, centred: Bool) -> String {
            var properties = "<w:tcW w:w=\"\(width)\" w:type=\"dxa\"/>"
            if span > 1 { properties += "<w:gridSpan w:val=\"\(span)\"/>" }
            switch merge {
            case .restart: properties += "<w:vMerge w:val=\"restart\"/>"
            case .proceed: properties += "<w:vMerge/>"
            case nil: break
            }
            properties += "<w:vAlign w:val=\"\(centred ? "center" : "top")\"/>"
            let body = paragraphs.isEmpty ? [Paragraph()] : paragraphs
            return "<w:tc><w:tcPr>\(properties)</w:tcPr>" + body.map(\.xml).joined() + "</w:tc>"
        }
    }

    /// A table row.
    struct Row {
        /// The cells, spanning together every column of the table.
        var cells: [Cell]
        /// A header row: repeated at the top of every page the table runs onto.
        var isHeader = false
    }

    /// A table with fixed column widths.
    struct Table {
        /// The columns' widths, in twips.
        var columns: [Int]
        /// The rows.
        var rows: [Row]
        /// Single borders around and between every cell, the cells' content centred vertically; when
        /// false, a layout table: no borders, no cell margins, the content at the top.
        var borders = true

        /// The table's markup.
        var xml: String {
            let width = columns.reduce(0, +)
            let style = borders ? "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"" : "w:val=\"nil\""
            let sides = ["top", "left", "bottom", "right", "insideH", "insideV"].map { "<w:\($0) \(style)/>" }
            var xml = "<w:tbl><w:tblPr><w:tblW w:w=\"\(width)\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
            xml += "<w:tblBorders>\(sides.joined())</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
            let margin = borders ? 70 : 0
            xml += "<w:tblCellMar><w:left w:w=\"\(margin)\" w:type=\"dxa\"/>"
            xml += "<w:right w:w=\"\(margin)\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
            xml += "<w:tblGrid>" + columns.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
            for row in rows {
                xml += "<w:tr>"
                xml +=
                    row.isHeader ? "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" : "<w:trPr><w:cantSplit/></w:trPr>"
                var column = 0
                for cell in row.cells {
                    let end = min(column + cell.span, columns.count)
                    xml += cell.xml(width: columns[min(column, columns.count - 1)..<end].reduce(0, +), centred: borders)
                    column = end
                }
                xml += "</w:tr>"
            }
            return xml + "</w:tbl>"
        }
    }

    /// A piece of the document body.
    enum Block {
        /// A paragraph.
        case paragraph(Paragraph)
        /// A table.
        case table(Table)

        /// The block's markup.
        var xml: String {
            switch self {
            case .paragraph(let paragraph): paragraph.xml
            case .table(let table): table.xml
            }
        }
    }

    /// The page: size, margins, and the headers of the first and the other pages.
    struct Section {
        /// Page width and height in twips (A4 portrait: 11906 × 16838).
        var page = (width: 11906, height: 16838)
        /// Margins in twips.
        var margins = (top: 1134, right: 850, bottom: 1134, left: 1701)
        /// From the page's top edge to the header, in twips.
        var headerDistance = 567
        /// The relationship id of the header on every page but the first.
        var headerID: String?
        /// The relationship id of the first page's header (`w:titlePg`: the first page differs).
        var firstHeaderID: String?

        /// The text width between the margins, in twips.
        var textWidth: Int { page.width - margins.left - margins.right }

        /// The section's markup (`w:sectPr`).
        var xml: String {
            var xml = "<w:sectPr>"
            if let headerID { xml += "<w:headerReference w:type=\"default\" r:id=\"\(headerID)\"/>" }
            if let firstHeaderID { xml += "<w:headerReference w:type=\"first\" r:id=\"\(firstHeaderID)\"/>" }
            xml += "<w:pgSz w:w=\"\(page.width)\" w:h=\"\(page.height)\"/>"
            xml += "<w:pgMar w:top=\"\(margins.top)\" w:right=\"\(margins.right)\" w:bottom=\"\(margins.bottom)\""
            xml += " w:left=\"\(margins.left)\" w:header=\"\(headerDistance)\" w:footer=\"\(headerDistance)\""
            xml += " w:gutter=\"0\"/>"
            if firstHeaderID != nil { xml += "<w:titlePg/>" }
            return xml + "</w:sectPr>"
        }
    }

    /// `word/document.xml`: the body's blocks, then the section.
    static func document(_ blocks: [Block], section: Section) -> String {
        declaration + "<w:document xmlns:w=\"\(namespace)\" xmlns:r=\"\(relationshipsNamespace)\"><w:body>"
            + blocks.map(\.xml).joined() + section.xml + "</w:body></w:document>"
    }

    /// A header part (`word/headerN.xml`) holding `body`, the markup of its paragraphs.
    static func header(_ body: String) -> String {
        declaration + "<w:hdr xmlns:w=\"\(namespace)\" xmlns:r=\"\(relationshipsNamespace)\">" + body + "</w:hdr>"
    }

    /// A centred paragraph holding the page number (a `PAGE` field), `size` half-points: the header of
    /// every page but the first (Nghị định 30/2020/NĐ-CP).
    static func pageNumber(size: Int) -> String {
        "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\"/><w:jc w:val=\"center\"/></w:pPr>"
            + "<w:fldSimple w:instr=\" PAGE \\* MERGEFORMAT \"><w:r><w:rPr><w:sz w:val=\"\(size)\"/>"
            + "<w:szCs w:val=\"\(size)\"/></w:rPr><w:t>2</w:t></w:r></w:fldSimple></w:p>"
    }

    /// `word/styles.xml`: the defaults (font, size 14 pt, Vietnamese) and the Normal styles.
    static func styles(font: String, size: Int, language: String) -> String {
        let font = escaped(font)
        return declaration + "<w:styles xmlns:w=\"\(namespace)\"><w:docDefaults><w:rPrDefault><w:rPr>"
            + "<w:rFonts w:ascii=\"\(font)\" w:eastAsia=\"\(font)\" w:hAnsi=\"\(font)\" w:cs=\"\(font)\"/>"
            + "<w:sz w:val=\"\(size)\"/><w:szCs w:val=\"\(size)\"/>"
            + "<w:lang w:val=\"\(language)\" w:eastAsia=\"\(language)\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
            + "<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>"
            + "</w:pPrDefault></w:docDefaults>"
            + "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
            + "<w:qFormat/></w:style>"
            + "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">"
            + "<w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/>"
            + "<w:unhideWhenUsed/></w:style>"
            + "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
            + "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
            + "<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>"
            + "<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
            + "</w:style></w:styles>"
    }

    /// `word/settings.xml`: the default tab stop, and Word 2013+ compatibility (no compatibility mode).
    static func settings() -> String {
        declaration + "<w:settings xmlns:w=\"\(namespace)\"><w:zoom w:percent=\"100\"/>"
            + "<w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>"
            + "<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\""
            + " w:val=\"15\"/></w:compat></w:settings>"
    }
}
