import Foundation
import Replica
import SyncCore

/// An evidence document whose file was put beside a dashboard page, for the page to link to.
public struct EvidenceFileLink: Sendable, Hashable {
    /// The commune's slug.
    public var commune: String
    /// The indicator the document supports.
    public var indicator: String
    /// The criterion of that indicator.
    public var criterion: Int
    /// The document's title.
    public var title: String
    /// The file's own name.
    public var fileName: String
    /// Where the file is, relative to the page's folder (`/`-separated).
    public var path: String

    /// Creates a link.
    public init(commune: String, indicator: String, criterion: Int, title: String, fileName: String, path: String) {
        self.commune = commune
        self.indicator = indicator
        self.criterion = criterion
        self.title = title
        self.fileName = fileName
        self.path = path
    }
}

extension NTMDatabase {
    /// Puts the files of the reported communes' evidence that this database holds whole into `folder`
    /// (one subfolder per commune) and returns the links to them, relative to `folder`'s parent (the
    /// page's folder). A file already there under the same name is the same content (its name holds
    /// the evidence id and the start of its SHA-256) and is not written again, so a nightly page costs
    /// only the new files. Files not here whole are left out: the page counts them, without a link.
    public func shelveEvidenceFiles(of communes: [CommuneFigures], into folder: String) throws -> [EvidenceFileLink] {
        let base = URL(fileURLWithPath: folder).lastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var links: [EvidenceFileLink] = []
        for figures in communes {
            let replica = try commune(figures.commune.slug, set: figures.catalogue.id)
            for record in try replica.evidence() {
                guard let sha = record.fileSHA256, record.fileState == .present else { continue }
                let name = Self.safeFileName(record.fileName ?? sha)
                let file = "\(record.uid)-\(sha.prefix(8))-\(name)"
                let directory = "\(folder)/\(figures.commune.slug)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                if !FileManager.default.fileExists(atPath: "\(directory)/\(file)") {
                    _ = try replica.exportEvidenceFile(record.uid, to: "\(directory)/\(file)")
                }
                let criterion = figures.catalogue.indicators.first { $0.code == record.indicator }?.criterion ?? 0
                links.append(
                    EvidenceFileLink(
                        commune: figures.commune.slug, indicator: record.indicator, criterion: criterion,
                        title: record.title, fileName: record.fileName ?? name,
                        path: "\(base)/\(figures.commune.slug)/\(file)"))
            }
        }
        return links
    }

    /// A file name that stays one name in a folder: no separators, no leading dot, no control characters,
    /// at most 150 bytes (the shelf adds its id and hash before it, and names end at 255 bytes), its
    /// extension kept.
    static func safeFileName(_ name: String) -> String {
        let cleaned = String(
            name.unicodeScalars.map { scalar -> Character in
                scalar == "/" || scalar == "\\" || scalar.properties.generalCategory == .control
                    ? "_" : Character(scalar)
            })
        let trimmed = String(cleaned.drop { $0 == "." || $0 == " " })
        guard !trimmed.isEmpty else { return "tep" }
        let limit = 150
        guard trimmed.utf8.count > limit else { return trimmed }
        let dot = trimmed.lastIndex(of: ".")
        let suffix = dot.map { String(trimmed[$0...]) }.flatMap { $0.utf8.count <= 16 ? $0 : nil } ?? ""
        var stem = ""
        for character in trimmed.dropLast(suffix.count) {
            if stem.utf8.count + character.utf8.count + suffix.utf8.count > limit { break }
            stem.append(character)
        }
        return stem + suffix
    }
}
