import Foundation

/// Escaping and a tiny element builder for the dashboard page. Text always goes through
/// ``escape(_:)``; ``element(_:_:_:)`` escapes attribute values and takes its content as HTML already
/// made (by ``escape(_:)`` or by other elements).
enum HTML {
    /// The elements that have no content and no closing tag.
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "link", "col"]

    /// The text with `&`, `<`, `>`, `"` and `'` written as character references, safe in content and in
    /// quoted attribute values; characters XML does not allow are dropped (``Markup/escaped(_:)``).
    static func escape(_ text: String) -> String { Markup.escaped(text) }

    /// An element: `<name a="v">content</name>`; attributes whose value is nil are left out.
    static func element(_ name: String, _ attributes: [(String, String?)] = [], _ content: String = "") -> String {
        var open = "<" + name
        for case let (attribute, value?) in attributes { open += " \(attribute)=\"\(escape(value))\"" }
        open += ">"
        return voidElements.contains(name) ? open : open + content + "</\(name)>"
    }

    /// An element holding text (escaped).
    static func text(_ name: String, _ attributes: [(String, String?)] = [], _ text: String) -> String {
        element(name, attributes, escape(text))
    }
}
