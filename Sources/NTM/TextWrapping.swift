extension Text {
    /// Breaks `line` into lines of at most `width` characters at spaces, for a terminal of that width.
    /// Runs of spaces inside a line are kept, so that columns stay aligned where they fit.
    ///
    /// Continuation lines start with the line's own leading spaces plus `hangingIndent` more, so that a
    /// wrapped item stays visibly one item. A word longer than the room left is cut where the line
    /// ends (a long path or hash still shows whole, over several lines). Widths are counted in
    /// characters: Vietnamese text is NFC, one character per letter. A width too small to hold the
    /// indent and a few letters leaves the line as it is.
    ///
    /// ```swift
    /// Text.wrap("  1. đạt — Nguyễn Thị Lan", width: 14, hangingIndent: 3)
    /// // ["  1. đạt —", "     Nguyễn", "     Thị Lan"]
    /// ```
    public static func wrap(_ line: String, width: Int, hangingIndent: Int = 4) -> [String] {
        guard line.count > width else { return [line] }
        let lead = line.prefix { $0 == " " }.count
        let indent = String(repeating: " ", count: lead + hangingIndent)
        guard width - indent.count >= 8 else { return [line] }
        // The words, each with the spaces before it: spaces inside a line are kept (columns stay
        // aligned), those where the line breaks are dropped.
        var words: [(gap: Int, word: Substring)] = []
        var gap = 0
        var rest = line.dropFirst(lead)
        while !rest.isEmpty {
            if rest.first == " " {
                gap += 1
                rest = rest.dropFirst()
                continue
            }
            let word = rest.prefix { $0 != " " }
            words.append((gap, word))
            gap = 0
            rest = rest.dropFirst(word.count)
        }
        var lines: [String] = []
        var current = String(repeating: " ", count: lead)
        var currentIsEmpty = true
        for (gap, whole) in words {
            var word = whole
            let separator = currentIsEmpty ? 0 : gap
            if word.count <= width - current.count - separator {
                current += String(repeating: " ", count: separator) + word
                currentIsEmpty = false
                continue
            }
            if !currentIsEmpty {
                lines.append(current)
                current = indent
                currentIsEmpty = true
            }
            // A word wider than a whole line: cut it into pieces that fill lines.
            while word.count > width - current.count {
                let take = width - current.count
                lines.append(current + word.prefix(take))
                word = word.dropFirst(take)
                current = indent
            }
            if !word.isEmpty {
                current += word
                currentIsEmpty = false
            }
        }
        if !currentIsEmpty { lines.append(current) }
        return lines
    }
}
