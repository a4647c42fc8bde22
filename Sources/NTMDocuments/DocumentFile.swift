import Foundation
import NTM
import Replica

/// Writes a document a person asked for to the path they gave: whole or not at all. The content goes to a
/// temporary file beside the destination, is flushed to the disk, then renamed over it, so that a report
/// cut short (a full disk, a killed process) never leaves half a document where yesterday's was.
public enum DocumentFile {
    /// Checks that `path` can take a new document: not a folder, in a folder that exists, not an existing
    /// file unless `force`. Lets a command check every output before it writes any.
    public static func check(_ path: String, force: Bool) throws {
        var folder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &folder) {
            if folder.boolValue { throw FileError.cannotWrite(path: path, reason: "is a directory") }
            if !force { throw NTMError.outputExists(path) }
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &folder) || !folder.boolValue {
            throw FileError.cannotWrite(path: path, reason: "no such file or directory")
        }
        if access(directory, W_OK) != 0 { throw FileError.cannotWrite(path: path, reason: "permission denied") }
    }

    /// Writes `data` to `path`. An existing file is replaced only when `force` is true; a folder never.
    ///
    /// - Throws: ``NTMError/outputExists(_:)`` for an existing file without `force`;
    ///   `FileError.cannotWrite` for a folder, a missing folder or one without permission.
    public static func write(_ data: Data, to path: String, force: Bool) throws {
        try check(path, force: force)
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary =
            directory + "/." + url.lastPathComponent + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw FileError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var finished = false
        defer {
            if !finished { unlink(temporary) }
        }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += count
            }
            return true
        }
        let reason = String(cString: strerror(errno))
        guard written, fsync(descriptor) == 0 else {
            close(descriptor)
            throw FileError.cannotWrite(path: path, reason: reason)
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            throw FileError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        finished = true
    }
}
