import Foundation

/// A small HTML reader for tests: enough for the pages this package writes and for Chromium's
/// `--dump-dom` output (quoted attributes, no unclosed elements but the void ones).
final class HTMLNode {
    let name: String
    let attributes: [String: String]
    var children: [HTMLNode] = []
    var text = ""
    weak var parent: HTMLNode?

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The text of the node and of everything in it.
    var textContent: String { name == "#text" ? text : children.map(\.textContent).joined() }

    /// The node and every node in it, in document order.
    var descendants: [HTMLNode] { [self] + children.flatMap(\.descendants) }

    /// The elements under this one (itself included) that have `attribute` (with `value` when given).
    func all(_ attribute: String, _ value: String? = nil) -> [HTMLNode] {
        descendants.filter { node in node.attributes[attribute].map { value == nil || $0 == value } ?? false }
    }

    /// The first such element.
    func first(_ attribute: String, _ value: String? = nil) -> HTMLNode? { all(attribute, value).first }

    /// The elements named `name` under this one.
    func elements(_ name: String) -> [HTMLNode] { descendants.filter { $0.name == name } }

    /// The whole number in the element marked `data-figure="name"` under this one.
    func figure(_ name: String) -> Int? { first("data-figure", name).flatMap { Int($0.textContent) } }
}

/// What the reader found wrong.
struct HTMLProblem: Error, CustomStringConvertible {
    var description: String
}

enum HTMLTree {
    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]

    /// The document's tree; throws when a closing tag does not close the element open, or when an
    /// element is left open at the end.
    static func parse(_ html: String) throws -> HTMLNode {
        let root = HTMLNode(name: "#document", attributes: [:])
        var open = root
        var rest = Substring(html)
        while !rest.isEmpty {
            guard let lt = rest.firstIndex(of: "<") else {
                append(text: rest, to: open)
                break
            }
            append(text: rest[..<lt], to: open)
            rest = rest[lt...]
            if rest.hasPrefix("<!--") {
                guard let end = rest.range(of: "-->") else { throw HTMLProblem(description: "comment not closed") }
                rest = rest[end.upperBound...]
                continue
            }
            guard let gt = rest.firstIndex(of: ">") else { throw HTMLProblem(description: "tag not closed") }
            let tag = rest[rest.index(after: lt)..<gt]
            rest = rest[rest.index(after: gt)...]
            if tag.hasPrefix("!") { continue }
            if tag.hasPrefix("/") {
                let name = tag.dropFirst().trimmingCharacters(in: .whitespaces).lowercased()
                guard open.name == name else {
                    throw HTMLProblem(description: "</\(name)> closes <\(open.name)>")
                }
                open = open.parent ?? root
                continue
            }
            let (name, attributes) = try parseTag(tag)
            let node = HTMLNode(name: name, attributes: attributes)
            node.parent = open
            open.children.append(node)
            if voidElements.contains(name) || tag.hasSuffix("/") { continue }
            if name == "style" || name == "script" {
                guard let end = rest.range(of: "</\(name)>") else { throw HTMLProblem(description: "<\(name)> open") }
                let raw = HTMLNode(name: "#text", attributes: [:])
                raw.text = String(rest[..<end.lowerBound])
                node.children.append(raw)
                rest = rest[end.upperBound...]
                continue
            }
            open = node
        }
        guard open === root else { throw HTMLProblem(description: "<\(open.name)> never closed") }
        return root
    }

    private static func append(text: Substring, to node: HTMLNode) {
        guard !text.isEmpty else { return }
        let child = HTMLNode(name: "#text", attributes: [:])
        child.text = decode(String(text))
        node.children.append(child)
    }

    private static func parseTag(_ tag: Substring) throws -> (String, [String: String]) {
        var rest = tag.hasSuffix("/") ? tag.dropLast() : tag
        let name = String(rest.prefix { !$0.isWhitespace }).lowercased()
        rest = rest.dropFirst(name.count)
        var attributes: [String: String] = [:]
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.isEmpty { break }
            let key = String(rest.prefix { !$0.isWhitespace && $0 != "=" })
            guard !key.isEmpty else { throw HTMLProblem(description: "bad attribute in <\(tag)>") }
            rest = rest.dropFirst(key.count)
            if rest.first == "=" {
                rest = rest.dropFirst()
                guard let quote = rest.first, quote == "\"" || quote == "'" else {
                    throw HTMLProblem(description: "unquoted attribute \(key) in <\(tag)>")
                }
                rest = rest.dropFirst()
                guard let end = rest.firstIndex(of: quote) else { throw HTMLProblem(description: "open quote") }
                attributes[key.lowercased()] = decode(String(rest[..<end]))
                rest = rest[rest.index(after: end)...]
            } else {
                attributes[key.lowercased()] = ""
            }
        }
        return (name, attributes)
    }

    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
    }
}
