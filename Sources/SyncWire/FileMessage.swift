import Foundation
import SyncCore

/// The messages that move file contents after the operations of a session (protocol version 4,
/// `protocol/PROTOCOL.md` §13). The client drives: it offers what it uploads and fetches what it
/// downloads, one file at a time, chunk by chunk, so a dropped connection loses at most the chunks in
/// flight and the next session resumes from the chunks the receiver checked and kept.
public enum FileMessage: Hashable, Sendable {
    /// Either side: a file's manifest. From the client, "I would upload this"; from the hub, the answer
    /// to `fetch`.
    case offer(FileManifest)
    /// Hub → client, answer to an offer: send these chunks (none when the hub holds the file whole).
    case accept(sha256: String, need: [Int])
    /// Hub → client: the file will not move (`code`: ``DeclineCode``), with an English sentence.
    case decline(sha256: String, code: String, reason: String)
    /// Client → hub: send me this file's manifest.
    case fetch(sha256: String)
    /// Client → hub: send me chunk `index` of a file the hub offered in this session.
    case get(sha256: String, index: Int)
    /// Either side: one chunk's bytes (base64 on the wire).
    case chunk(sha256: String, index: Int, data: Data)
    /// Hub → client, answer to an uploaded chunk: `ok` when its hash matched and it is kept; `complete`
    /// when it was the last one and the whole file checked.
    case stored(sha256: String, index: Int, ok: Bool, complete: Bool)
    /// Client → hub: the session is over; the hub closes it.
    case bye

    /// Why a file does not move, as `decline` names it.
    public enum DeclineCode {
        /// Larger than the hub's per-file limit (`welcome.file_limit`).
        public static let tooLarge = "too-large"
        /// No operation the hub holds references the file.
        public static let notReferenced = "not-referenced"
        /// Referenced only by rows the client's role may not write (upload).
        public static let forbidden = "forbidden"
        /// Referenced only by rows outside the client's scope (download).
        public static let outOfScope = "out-of-scope"
        /// The hub does not hold the file whole (yet).
        public static let notHeld = "not-held"
        /// Storing it would leave the hub's disk under its free-space floor.
        public static let diskFull = "disk-full"
        /// The chunks were all received but do not make the file: they were discarded.
        public static let badFile = "bad-file"
        /// Chunks kept failing their hash (recorded by the client; never sent by the hub).
        public static let badChunks = "bad-chunks"
    }

    /// The message's `type`.
    public var typeName: String {
        switch self {
        case .offer: return "offer"
        case .accept: return "accept"
        case .decline: return "decline"
        case .fetch: return "fetch"
        case .get: return "get"
        case .chunk: return "chunk"
        case .stored: return "stored"
        case .bye: return "bye"
        }
    }

    /// The types this enum reads.
    static let types: Set<String> = ["offer", "accept", "decline", "fetch", "get", "chunk", "stored", "bye"]

    /// The message as a JSON object, members in the order `protocol/PROTOCOL.md` §13 lists them.
    public var json: JSONValue {
        let type = JSONValue.string(typeName)
        switch self {
        case .offer(let manifest): return .object(FileLine.manifestObject(manifest, type: typeName))
        case .accept(let sha256, let need):
            return .object([
                "type": type, "sha256": .string(sha256), "need": .array(need.map { .int(Int64($0)) }),
            ])
        case .decline(let sha256, let code, let reason):
            return .object([
                "type": type, "sha256": .string(sha256), "code": .string(code),
                "reason": .string(WireError.bounded(reason, to: WireError.maximumMessageLength)),
            ])
        case .fetch(let sha256): return .object(["type": type, "sha256": .string(sha256)])
        case .get(let sha256, let index):
            return .object(["type": type, "sha256": .string(sha256), "index": .int(Int64(index))])
        case .chunk(let sha256, let index, let data):
            return .object([
                "type": type, "sha256": .string(sha256), "index": .int(Int64(index)),
                "data": .string(data.base64EncodedString()),
            ])
        case .stored(let sha256, let index, let ok, let complete):
            return .object([
                "type": type, "sha256": .string(sha256), "index": .int(Int64(index)), "ok": .bool(ok),
                "complete": .bool(complete),
            ])
        case .bye: return .object(["type": type])
        }
    }

    /// Reads a manifest from a line's members (`offer` in a session, `file` in a bundle: the same
    /// members, read by ``FileLine``).
    public static func manifest(_ object: JSONObject, of type: String) throws(WireError) -> FileManifest {
        do { return try FileLine.manifest(.object(object)) } catch {
            throw WireError(.badMessage, "\"\(error.field)\" of \(type) \(error.reason)")
        }
    }

    /// Reads a file message of type `type`, or returns nil when `type` is not one of them.
    init?(object: JSONObject, type: String) throws(WireError) {
        guard Self.types.contains(type) else { return nil }
        func sha() throws(WireError) -> String {
            guard let sha256 = object["sha256"]?.string, FileManifest.isDigest(sha256) else {
                throw WireError(.badMessage, "\"sha256\" of \(type) must be 64 lowercase hex digits")
            }
            return sha256
        }
        func index() throws(WireError) -> Int {
            guard let index = object["index"]?.int, index >= 0, index < 1 << 31 else {
                throw WireError(.badMessage, "\"index\" of \(type) must be an integer ≥ 0")
            }
            return Int(index)
        }
        func flag(_ name: String) throws(WireError) -> Bool {
            guard case .bool(let value)? = object[name] else {
                throw WireError(.badMessage, "\"\(name)\" of \(type) must be a boolean")
            }
            return value
        }
        switch type {
        case "offer": self = .offer(try Self.manifest(object, of: type))
        case "accept":
            guard let list = object["need"]?.array,
                list.allSatisfy({ ($0.int ?? -1) >= 0 && ($0.int ?? 0) < 1 << 31 })
            else { throw WireError(.badMessage, "\"need\" of accept must be a list of chunk indices") }
            self = .accept(sha256: try sha(), need: list.compactMap(\.int).map { Int($0) })
        case "decline":
            guard let code = object["code"]?.string, let reason = object["reason"]?.string else {
                throw WireError(.badMessage, "decline needs \"code\" and \"reason\" strings")
            }
            self = .decline(sha256: try sha(), code: code, reason: reason)
        case "fetch": self = .fetch(sha256: try sha())
        case "get": self = .get(sha256: try sha(), index: try index())
        case "chunk":
            let chunk: (sha256: String, index: Int, data: Data)
            do { chunk = try FileLine.chunk(.object(object)) } catch {
                throw WireError(.badMessage, "\"\(error.field)\" of chunk \(error.reason)")
            }
            guard chunk.data.count <= FileManifest.chunkSize else {
                throw WireError(.badMessage, "\"data\" of chunk holds more than \(FileManifest.chunkSize) bytes")
            }
            self = .chunk(sha256: chunk.sha256, index: chunk.index, data: chunk.data)
        case "stored":
            self = .stored(sha256: try sha(), index: try index(), ok: try flag("ok"), complete: try flag("complete"))
        default: self = .bye
        }
    }
}
