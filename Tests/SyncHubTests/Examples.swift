import Foundation

/// The protocol's example files, read from the package directory.
enum Examples {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("protocol/examples")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Every line of every example file, without the speaker tags of the session transcripts.
    static func lines() throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".ndjson")
        }.sorted()
        var lines: [[UInt8]] = []
        for name in names {
            for line in try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n") {
                var body = Substring(line)
                if let tag = [">! ", "> ", "< "].first(where: { body.hasPrefix($0) }) {
                    body = body.dropFirst(tag.count)
                }
                lines.append(Array(body.utf8))
            }
        }
        return lines
    }
}
