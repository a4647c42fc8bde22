/// Horizontal bar charts as inline SVG: no script, no font, scaled to the width of their box.
enum SVGBars {
    /// One bar of a chart: its value, its CSS class (the fill), and what it says to a screen reader.
    struct Bar {
        /// The value, out of the chart's total.
        var value: Int
        /// The class giving the bar its fill.
        var style: String
        /// The bar in words.
        var label: String
    }

    /// The chart's width in its own units; bars are drawn on a 0…`width` scale.
    static let width = 300

    /// Bars one under the other, each on a light track as long as `total`, in a 300 × 30 viewBox
    /// stretched to the box's width (`preserveAspectRatio="none"`: rectangles only, no text to distort).
    static func chart(_ bars: [Bar], total: Int, title: String) -> String {
        let height = 30
        let gap = 2
        let thickness = bars.isEmpty ? 0 : (height - gap * (bars.count - 1)) / bars.count
        var shapes = HTML.text("title", [], title)
        for (index, bar) in bars.enumerated() {
            let y = index * (thickness + gap)
            let length =
                total > 0 ? Int((Double(min(max(bar.value, 0), total)) / Double(total) * Double(width)).rounded()) : 0
            shapes += HTML.element(
                "rect",
                [("class", "bar-track"), ("x", "0"), ("y", "\(y)"), ("width", "\(width)"), ("height", "\(thickness)")])
            shapes += HTML.element(
                "rect",
                [
                    ("class", bar.style), ("x", "0"), ("y", "\(y)"), ("width", "\(length)"), ("height", "\(thickness)"),
                ],
                HTML.text("title", [], bar.label))
        }
        return HTML.element(
            "svg",
            [
                ("viewBox", "0 0 \(width) \(height)"),
                ("preserveAspectRatio", "none"), ("role", "img"), ("aria-label", title),
            ], shapes)
    }
}
