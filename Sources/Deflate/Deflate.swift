import CNTMZlib

/// How a compressed stream is framed.
public enum DeflateFormat: Sendable {
    /// Raw deflate (RFC 1951), no header: a compressed sync session (`protocol/PROTOCOL.md` §11.13).
    case raw
    /// gzip (RFC 1952): a `.ndjson.gz` bundle (§7).
    case gzip

    var windowBits: Int32 {
        switch self {
        case .raw: return -15
        case .gzip: return 31
        }
    }
}

/// A zlib failure: the stream is not what its format says, or zlib could not start.
public struct DeflateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, in English (zlib's own words when it gives some).
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// Compresses one stream, piece by piece: what each call returns is the next bytes of the stream.
public final class Deflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 1 << 16)

    /// Starts a stream of `format` at `level` (1 fastest … 9 smallest).
    /// - Throws: ``DeflateError`` when zlib cannot start.
    public init(format: DeflateFormat, level: Int32 = 6) throws(DeflateError) {
        let status = ntm_deflate_init(&stream, level, format.windowBits)
        guard status == Z_OK else { throw DeflateError("deflateInit2 failed (\(status))") }
    }

    deinit { deflateEnd(&stream) }

    /// How the stream is flushed after the input of one call.
    public enum Flush: Sendable {
        /// Not at all: zlib may keep bytes back.
        case none
        /// Everything given so far can be decoded from what was returned (Z_SYNC_FLUSH).
        case sync
        /// The stream ends (its trailer written); no call may follow.
        case finish

        var zlib: Int32 {
            switch self {
            case .none: return Z_NO_FLUSH
            case .sync: return Z_SYNC_FLUSH
            case .finish: return Z_FINISH
            }
        }
    }

    /// Compresses `input` and flushes as `flush` says; returns the stream's next bytes (maybe none).
    public func compress(_ input: UnsafeRawBufferPointer, flush: Flush = .none) -> [UInt8] {
        var result: [UInt8] = []
        let base = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.next_in = base
        stream.avail_in = uInt(input.count)
        while true {
            let status = output.withUnsafeMutableBytes { buffer in
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(buffer.count)
                return deflate(&stream, flush.zlib)
            }
            let produced = output.count - Int(stream.avail_out)
            result.append(contentsOf: output[0..<produced])
            // Done when zlib left room in the output: all input taken and, for a flush, all of it written.
            if status == Z_STREAM_END || (stream.avail_out > 0 && stream.avail_in == 0) || status == Z_BUF_ERROR {
                break
            }
        }
        stream.next_in = nil
        return result
    }

    /// Compresses `input` (see ``compress(_:flush:)-(UnsafeRawBufferPointer,_)``).
    public func compress(_ input: some Collection<UInt8>, flush: Flush = .none) -> [UInt8] {
        let bytes = Array(input)
        return bytes.withUnsafeBytes { compress($0, flush: flush) }
    }
}

/// Decompresses one stream, bounded: input is held until output is asked for, and each call returns at
/// most the number of bytes asked, so a small input that would inflate to gigabytes (a zip bomb) never
/// takes more memory than the caller lets it.
public final class Inflater {
    private var stream = z_stream()
    private let format: DeflateFormat
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Whether the stream's end (a gzip trailer, or a raw stream's last block) has been read.
    public private(set) var finished = false
    private var output = [UInt8](repeating: 0, count: 1 << 16)

    /// Starts reading a stream of `format`.
    /// - Throws: ``DeflateError`` when zlib cannot start.
    public init(format: DeflateFormat) throws(DeflateError) {
        self.format = format
        let status = ntm_inflate_init(&stream, format.windowBits)
        guard status == Z_OK else { throw DeflateError("inflateInit2 failed (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    /// Adds the next compressed bytes; nothing is decompressed yet.
    public func feed(_ input: UnsafeRawBufferPointer) {
        if pendingStart > 0, pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
        pending.append(contentsOf: input)
    }

    /// Adds the next compressed bytes; nothing is decompressed yet.
    public func feed(_ input: some Collection<UInt8>) {
        let bytes = Array(input)
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Whether compressed bytes are waiting to be decompressed.
    public var hasInput: Bool { pendingStart < pending.count }

    /// Decompresses the waiting bytes into at most `limit` bytes (64 KiB at most), handed to `body`;
    /// returns how many were produced (0: more input is needed, or the stream ended).
    /// - Throws: ``DeflateError`` when the bytes are not a stream of the format, or go on after its end.
    @discardableResult
    public func inflate(upTo limit: Int = 1 << 16, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        guard hasInput else { return 0 }
        if finished {
            // A gzip file may hold several members one after the other (gzip -c a >> b): the next starts.
            guard format == .gzip else { throw DeflateError("bytes after the end of the compressed stream") }
            guard inflateReset(&stream) == Z_OK else { throw DeflateError("inflateReset failed") }
            finished = false
        }
        let room = min(limit, output.count)
        let (status, used, produced) = pending.withUnsafeMutableBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self) + pendingStart
                stream.avail_in = uInt(input.count - pendingStart)
                stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(room)
                let before = stream.avail_in
                let status = CNTMZlib.inflate(&stream, Z_SYNC_FLUSH)
                return (status, Int(before - stream.avail_in), room - Int(stream.avail_out))
            }
        }
        stream.next_in = nil
        stream.next_out = nil
        pendingStart += used
        switch status {
        case Z_OK, Z_BUF_ERROR: break
        case Z_STREAM_END: finished = true
        default:
            let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw DeflateError(reason)
        }
        if produced > 0 { try output.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
        if produced == 0, used == 0, !finished, hasInput {
            throw DeflateError("the compressed stream makes no progress")
        }
        return produced
    }
}
