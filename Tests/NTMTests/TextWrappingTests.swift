import NTM
import Testing

@Suite struct TextWrappingTests {
    @Test func aShortLineIsLeftAlone() {
        #expect(Text.wrap("  1. đạt — Lan", width: 80) == ["  1. đạt — Lan"])
    }

    @Test func linesBreakAtSpacesWithAHangingIndent() {
        #expect(
            Text.wrap("  1. đạt — Nguyễn Thị Lan", width: 14, hangingIndent: 3) == [
                "  1. đạt —", "     Nguyễn", "     Thị Lan",
            ])
    }

    @Test func aWordWiderThanTheLineIsCut() {
        let hash = String(repeating: "a", count: 25)
        #expect(
            Text.wrap("sha \(hash)", width: 12, hangingIndent: 2) == ["sha", "  aaaaaaaaaa", "  aaaaaaaaaa", "  aaaaa"])
    }

    /// Whatever the width, no line is wider, and the words come back in order.
    @Test(arguments: [20, 33, 40, 61, 80])
    func noLineIsWiderAndNothingIsLost(width: Int) {
        let line =
            "Xung đột 93227468: Dân Lý · chỉ tiêu 17.1 Tỷ lệ hộ được sử dụng nước hợp vệ sinh và nước sạch theo quy định · trạng thái"
        let wrapped = Text.wrap(line, width: width)
        #expect(wrapped.allSatisfy { $0.count <= width }, "\(wrapped)")
        #expect(wrapped.joined(separator: " ").split(separator: " ") == line.split(separator: " "))
        #expect(wrapped.dropFirst().allSatisfy { $0.hasPrefix("    ") && !$0.hasPrefix("     ") })
    }

    @Test func spacesInsideALineAreKept() {
        #expect(
            Text.wrap("  1       đạt ← đang hiển thị  Lan        xa-2 #2  07/12/2026 00:40", width: 40) == [
                "  1       đạt ← đang hiển thị  Lan", "      xa-2 #2  07/12/2026 00:40",
            ])
    }

    @Test func aWidthTooSmallForTheIndentLeavesTheLine() {
        #expect(Text.wrap("        a long enough line", width: 10) == ["        a long enough line"])
    }
}
