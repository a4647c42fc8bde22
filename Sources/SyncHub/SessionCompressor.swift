import Deflate
import NIOCore
import SyncWire

/// The hub's side of a compressed session (`protocol/PROTOCOL.md` §11.13), in the pipeline between the
/// transport (TLS) and the line decoder: it passes bytes through until ``start(_:)``, then writes one
/// raw-deflate stream, flushed at every write, and reads one.
///
/// Reading is bounded: what arrives is decompressed 64 KiB at a time, the next piece only when the
/// session asks to read again, so a small input that inflates to gigabytes ends in a line too long or a
/// bad line, never in memory growth.
final class SessionCompressor: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var deflater: Deflater?
    private var inflater: Inflater?
    /// Set once a broken stream was reported: nothing more is read from it.
    private var broken = false

    /// Compresses both directions from now on; called on the event loop right after the welcome is
    /// written (the client sends nothing compressed before it has read it).
    func start(_ context: ChannelHandlerContext) throws {
        guard deflater == nil else { return }
        inflater = try Inflater(format: .raw)
        deflater = try Deflater(format: .raw)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let inflater else { return context.fireChannelRead(data) }
        guard !broken else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { inflater.feed($0) }
        inflateNext(context)
    }

    /// Decompresses the next piece of what is waiting and passes it on.
    private func inflateNext(_ context: ChannelHandlerContext) {
        guard let inflater, !broken else { return }
        do {
            var out = context.channel.allocator.buffer(capacity: 0)
            while inflater.hasInput, try inflater.inflate({ out.writeBytes($0) }) == 0 {}
            if out.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(out)) }
        } catch {
            broken = true
            context.fireErrorCaught(WireError(.badMessage, "the compressed stream is broken: \(error)"))
        }
    }

    func read(context: ChannelHandlerContext) {
        // What was read and not yet decompressed comes before reading more: on the next turn of the
        // loop, so that a session asking for more after each piece does not recurse piece after piece.
        guard let inflater, inflater.hasInput, !broken else { return context.read() }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.execute { [self] in
            let context = bound.value
            guard context.channel.isActive else { return }
            inflateNext(context)
            context.fireChannelReadComplete()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let deflater else { return context.write(data, promise: promise) }
        let buffer = unwrapOutboundIn(data)
        let bytes = buffer.withUnsafeReadableBytes { deflater.compress($0, flush: .sync) }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: promise)
    }
}
