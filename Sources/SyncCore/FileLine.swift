import Foundation

/// The lines that carry a file's content (`protocol/PROTOCOL.md` §7.6): its manifest,
/// `{"type":"file","sha256":H,"size":N,"chunks":[h0,…]}`, and each chunk,
/// `{"type":"chunk","sha256":H,"index":I,"data":"BASE64"}` (standard base64 with padding), members in
/// that order. A bundle's file section and the sync session use the same shapes.
public enum FileLine {
    /// Writes the manifest line of `manifest` (without its newline).
    public static func writeManifest(_ manifest: FileManifest, to writer: inout JSONWriter) {
        writer.write(.object(manifestObject(manifest, type: "file")))
    }

    /// The members of a manifest line, in writing order: a bundle's `file` line, or a session's
    /// `offer` (the same members under another `type`).
    public static func manifestObject(_ manifest: FileManifest, type: String) -> JSONObject {
        [
            "type": .string(type), "sha256": .string(manifest.sha256), "size": .int(manifest.size),
            "chunks": .array(manifest.chunks.map { .string($0) }),
        ]
    }

    /// Writes the chunk line carrying `data`, chunk `index` of the file `sha256` (without its newline).
    public static func writeChunk(sha256: String, index: Int, data: Data, to writer: inout JSONWriter) {
        writer.append(raw: #"{"type":"chunk","sha256":"#.utf8)
        writer.write(string: sha256)
        writer.append(raw: #","index":"#.utf8)
        writer.write(int: Int64(index))
        writer.append(raw: #","data":""#.utf8)
        writer.append(raw: data.base64EncodedData())
        writer.append(raw: #""}"#.utf8)
    }

    /// Reads a manifest line (its `type` already known to be `file`).
    /// - Throws: ``OperationFormatError`` naming the member that is wrong.
    public static func manifest(_ json: JSONValue) throws(OperationFormatError) -> FileManifest {
        guard let sha256 = json["sha256"]?.string, FileManifest.isDigest(sha256) else {
            throw OperationFormatError(field: "sha256", reason: "must be 64 lowercase hex digits")
        }
        guard let size = json["size"]?.int, size >= 0 else {
            throw OperationFormatError(field: "size", reason: "must be an integer from 0")
        }
        guard let items = json["chunks"]?.array else {
            throw OperationFormatError(field: "chunks", reason: "must be an array of chunk hashes")
        }
        let chunks = items.compactMap(\.string)
        let manifest = FileManifest(sha256: sha256, size: size, chunks: chunks)
        guard chunks.count == items.count, manifest.isWellFormed else {
            throw OperationFormatError(
                field: "chunks",
                reason:
                    "must hold \(FileManifest.chunkCount(size: size)) hashes of 64 lowercase hex digits (one per \(FileManifest.chunkSize)-byte chunk)"
            )
        }
        return manifest
    }

    /// Reads a chunk line (its `type` already known to be `chunk`): the file, the index and the bytes.
    /// - Throws: ``OperationFormatError`` naming the member that is wrong.
    public static func chunk(_ json: JSONValue) throws(OperationFormatError) -> (
        sha256: String, index: Int, data: Data
    ) {
        guard let sha256 = json["sha256"]?.string, FileManifest.isDigest(sha256) else {
            throw OperationFormatError(field: "sha256", reason: "must be 64 lowercase hex digits")
        }
        guard let index = json["index"]?.int, index >= 0, index < Int64(Int32.max) else {
            throw OperationFormatError(field: "index", reason: "must be an integer from 0")
        }
        guard let text = json["data"]?.string, let data = Data(base64Encoded: text) else {
            throw OperationFormatError(field: "data", reason: "must be standard base64 with padding")
        }
        return (sha256, Int(index), data)
    }
}
