import NIOCore
import SyncCore
import SyncWire

/// Splits the byte stream into lines of at most ``SyncCore/LineLimit/maximumBytes`` (1 MiB, the `\n` included).
///
/// It remembers how far it has searched the unread bytes for a newline, so that a long line arriving in
/// many reads is scanned once, not once per read.
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// How many unread bytes (from the reader index) are known to hold no newline.
    private var scanned = 0

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let readable = buffer.readableBytesView
        let from = readable.index(readable.startIndex, offsetBy: min(scanned, readable.count))
        guard let newline = readable[from...].firstIndex(of: 0x0A) else {
            scanned = readable.count
            if !LineLimit.fits(contentBytes: buffer.readableBytes) { throw WireError.lineOverLimit }
            return .needMoreData
        }
        scanned = 0
        let length = newline - readable.startIndex
        guard LineLimit.fits(contentBytes: length) else { throw WireError.lineOverLimit }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
