import Foundation
import Replica
import SyncCore

extension CommuneReplica {
    /// Writes an evidence document's file (by the document's id or a unique prefix of it) to `path`, its
    /// SHA-256 checked again on the way out; returns the document.
    /// - Throws: ``NTMError/noFileAttached(_:)``, ``NTMError/fileNotHere(name:size:state:)`` when the
    ///   file is not here whole (with how much is, or why it will not come), ``FileError`` when `path`
    ///   cannot be written (a folder, no permission) or the stored content is damaged.
    @discardableResult
    public func exportEvidenceFile(_ id: String, to path: String) throws -> EvidenceRecord {
        let (record, sha) = try evidenceFile(id)
        do {
            try store.exportFile(sha, to: path)
        } catch FileError.notHere(_, let held, let size) {
            // It went between the check and the export (another process collected it).
            throw NTMError.fileNotHere(
                name: record.fileName ?? sha, size: size, state: held > 0 ? .partial(held: held) : .missing)
        }
        return record
    }

    /// Exports an evidence document's file into a new temporary folder, under its own name, and opens it
    /// with the desktop's viewer (``DesktopOpener``). Returns where the file is and whether a viewer was
    /// found; a viewer that fails is an error naming where the file is.
    public func openEvidenceFile(_ id: String, opener: String = DesktopOpener.command) throws -> OpenedFile {
        let (record, sha) = try evidenceFile(id)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ntm-\(record.uid)-\(NTMDatabase.randomHex(6))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FileError.cannotWrite(path: folder.path, reason: "cannot create the file")
        }
        let path = folder.appendingPathComponent(Self.safeFileName(record.fileName, sha: sha)).path
        try exportEvidenceFile(record.uid, to: path)
        guard let status = try DesktopOpener.open(path, with: opener) else {
            return OpenedFile(path: path, record: record, command: opener, opened: false)
        }
        guard status == 0 else { throw NTMError.openerFailed(command: opener, status: status, path: path) }
        return OpenedFile(path: path, record: record, command: opener, opened: true)
    }

    /// The document and its file's SHA-256, the file checked to be here whole.
    func evidenceFile(_ id: String) throws -> (record: EvidenceRecord, sha256: String) {
        let records = try evidence()
        let uid = try resolveEvidence(id, among: records.map(\.uid))
        guard let record = records.first(where: { $0.uid == uid }), let sha = record.fileSHA256 else {
            throw NTMError.noFileAttached(uid)
        }
        // A file the district refused is still here whole when this laptop stored it.
        if let state = record.fileState, state != .present, try store.fileStatus(sha)?.isWhole != true {
            throw NTMError.fileNotHere(name: record.fileName ?? sha, size: record.fileSize ?? 0, state: state)
        }
        return (record, sha)
    }

    /// A file name recorded in a row, made safe to create in a folder: its last path component, or
    /// `tep-SHA` when nothing usable is left (a name from another replica is not trusted).
    static func safeFileName(_ name: String?, sha: String) -> String {
        let last = ((name ?? "") as NSString).lastPathComponent
        return ["", ".", "..", "/"].contains(last) ? "tep-\(sha.prefix(12))" : last
    }
}

/// Where `evidence open` put a document's file, and whether a viewer opened it.
public struct OpenedFile: Sendable, Hashable {
    /// The exported file.
    public var path: String
    /// The document.
    public var record: EvidenceRecord
    /// The opener command used (or looked for).
    public var command: String
    /// Whether the opener ran (false: there is none on this computer).
    public var opened: Bool
}
