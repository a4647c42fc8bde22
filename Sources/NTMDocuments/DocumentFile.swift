import Foundation
import NTM
import Replica

/// Writes the documents a person asked for to the paths they gave: all of them whole, or none. Each
/// goes to a temporary file beside its destination and is flushed to the disk; only when every one is
/// written are they renamed over their destinations, so that a report cut short (a full disk, a killed
/// process, a bad second path) never leaves half a document, or one new document beside yesterday's
/// other one.
public enum DocumentFile {
    /// The longest file name most file systems take, in bytes.
    static let longestName = 255

    /// Checks that `path` can take a new document: a name the file system takes, not a folder, in a
    /// folder that exists and can be written, not an existing file unless `force`. Lets a command check
    /// every output before it writes any.
    public static func check(_ path: String, force: Bool) throws {
        let url = URL(fileURLWithPath: path)
        if url.lastPathComponent.utf8.count > longestName {
            throw FileError.cannotWrite(path: path, reason: "file name too long")
        }
        var folder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &folder) {
            if folder.boolValue { throw FileError.cannotWrite(path: path, reason: "is a directory") }
            if !force { throw NTMError.outputExists(path) }
        }
        let directory = url.deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &folder) || !folder.boolValue {
            throw FileError.cannotWrite(path: path, reason: "no such file or directory")
        }
        if access(directory, W_OK) != 0 { throw FileError.cannotWrite(path: path, reason: "permission denied") }
    }

    /// Writes `data` to `path`, whole or not at all (``writeAll(_:force:)``).
    public static func write(_ data: Data, to path: String, force: Bool) throws {
        try writeAll([(path, data)], force: force)
    }

    /// Writes every output, each to its path: all whole, or none. An existing file is replaced only when
    /// `force` is true (its permissions are kept); a folder never.
    ///
    /// - Throws: ``NTMError/outputExists(_:)`` for an existing file without `force`;
    ///   `FileError.cannotWrite` for a folder, a missing folder, one without permission, a name too long,
    ///   or a write that failed (then nothing is renamed and every temporary file is removed).
    public static func writeAll(_ outputs: [(path: String, data: Data)], force: Bool) throws {
        for output in outputs { try check(output.path, force: force) }
        var temporaries: [String] = []
        var renamed = false
        defer {
            if !renamed { for temporary in temporaries { unlink(temporary) } }
        }
        for (index, output) in outputs.enumerated() {
            // A short name: the destination's own may be as long as a name can be.
            let directory = URL(fileURLWithPath: output.path).deletingLastPathComponent().path
            let temporary = directory + "/.ntm-\(ProcessInfo.processInfo.processIdentifier)-\(index).partial"
            try writeFlushed(output.data, to: temporary, replacing: output.path)
            temporaries.append(temporary)
        }
        for (temporary, output) in zip(temporaries, outputs) where rename(temporary, output.path) != 0 {
            throw FileError.cannotWrite(path: output.path, reason: String(cString: strerror(errno)))
        }
        renamed = true
    }

    /// Writes `data` to a new file at `temporary` and flushes it to the disk; it takes the permissions of
    /// the file it will replace, if there is one.
    private static func writeFlushed(_ data: Data, to temporary: String, replacing path: String) throws {
        var existing = stat()
        let mode = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o644
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard descriptor >= 0 else { throw FileError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        fchmod(descriptor, mode)
        var failure: Int32 = 0
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += count
            }
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw FileError.cannotWrite(path: path, reason: String(cString: strerror(failure)))
        }
    }
}
