import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOTLS
import SyncCore
import SyncWire

/// One connection: lines go to a ``HubSession`` on the database thread, in order, what has been read
/// at a time; answers go back in order; reading resumes only when those lines are handled and the peer
/// keeps up with what was sent.
final class SessionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let session: HubSession
    private let database: NIOThreadPool
    private let logger: Logger
    private weak var server: HubServer?
    /// Lines read and not yet handled: each with its length and whether the push reader linked it.
    private var queue: [(line: Result<WireLine, WireError>, length: Int, linked: Bool)] = []
    private var pushReader: BatchReader?
    private var busy = false
    private var closing = false
    private let started = NIODeadline.now()
    private let handshakeTimeout: TimeAmount
    /// Whether the session has authenticated (as last seen after a database step).
    private var authenticated = false
    /// Whether the server had a place for this connection.
    private var admitted = false
    /// Whether the connection is TLS (a handler before this one decrypts it).
    private let tls: Bool

    /// The pipeline's compressor, started right after a welcome that chose compression.
    private let compressor: SessionCompressor?

    init(
        hub: HubIdentity, database: NIOThreadPool, logger: Logger, server: HubServer, handshakeTimeout: TimeAmount,
        tls: Bool, compressor: SessionCompressor? = nil
    ) {
        self.tls = tls
        self.compressor = compressor
        session = HubSession(hub: hub)
        self.database = database
        self.logger = logger
        self.handshakeTimeout = handshakeTimeout
        self.server = server
    }

    func channelActive(context: ChannelHandlerContext) {
        // A connection counts against the cap from the start (a TLS handshake under way included).
        admitted = server?.register(context.channel) == true
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: handshakeTimeout) { [self] in
            guard !authenticated else { return }
            // Unavailable, not unauthenticated: a busy hub may be what kept the answer waiting.
            finish(
                bound.value,
                WireError(
                    .unavailable,
                    "the session did not authenticate within \(handshakeTimeout.nanoseconds / 1_000_000_000) s; retry later"
                ),
                answer: true)
        }
        context.read()
        // Over TLS nothing can be answered before the handshake: a full hub says so once it is done.
        if !tls { refuseIfFull(context) }
    }

    /// Answers `unavailable` and closes when the server had no place for this connection.
    private func refuseIfFull(_ context: ChannelHandlerContext) {
        guard !admitted else { return }
        send(
            context, [WireMessage.error(WireError(.unavailable, "the hub serves too many sessions; retry later")).line],
            close: true)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            refuseIfFull(context)
        } else if event is IdleStateHandler.IdleStateEvent {
            finish(context, WireError(.unavailable, "the session was idle too long"), answer: true)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        server?.unregister(context.channel)
        // The session is only touched on the database thread: the step in flight finishes first.
        let session = self.session
        let logger = self.logger
        let started = self.started
        _ = database.runIfActive(eventLoop: context.eventLoop) { () -> SessionStats in
            _ = session.abort(WireError(.unavailable, "the client went away"))
            return session.stats
        }.always { result in
            guard case .success(let stats) = result else { return }
            Self.log(logger, stats, started: started)
        }
    }

    static func log(_ logger: Logger, _ stats: SessionStats, started: NIODeadline) {
        stats.log(to: logger, seconds: Double((NIODeadline.now() - started).nanoseconds) / 1e9)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        // Lines are read here, on the event loop's threads; the database thread only checks and applies.
        // Operation lines are completed here too (their push's defaults, `prev` from the line before).
        // Whether the reader took the line's `prev` from the line before: the session's chain check then
        // need not hash that link again (it would, from the completed operation alone).
        var linked = false
        var parsed: Result<WireLine, WireError>
        // An operation line of a push in its writer's layout is read in one pass; any other line is
        // parsed whole.
        if pushReader != nil, let op = buffer.withUnsafeReadableBytes({ pushReader!.read(bytes: $0) }) {
            parsed = .success(.operation(op))
            linked = pushReader!.lastLinked
        } else {
            parsed = HubSession.parse(buffer.readableBytesView)
            switch parsed {
            case .success(.message(.push(_, _, let defaults, _))): pushReader = BatchReader(defaults: defaults)
            case .success(let line) where pushReader != nil && !line.isMessage:
                parsed = Result { () throws(WireError) -> WireLine in .operation(try pushReader!.read(line)) }
                linked = pushReader!.lastLinked
            case .success(.message): pushReader = nil
            default: break
            }
        }
        queue.append((parsed, buffer.readableBytes, linked))
        next(context)
    }

    func channelReadComplete(context: ChannelHandlerContext) { next(context) }

    func channelWritabilityChanged(context: ChannelHandlerContext) { next(context) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A line too long (from the decoder) is answered; a reset connection is not.
        finish(
            context, (error as? WireError) ?? WireError(.unavailable, "the connection failed"),
            answer: error is WireError)
    }

    /// Ends the session from the event loop: the abort itself runs on the database thread, after any
    /// step in flight, so the session is never touched by two threads at once.
    private func finish(_ context: ChannelHandlerContext, _ error: WireError, answer: Bool) {
        guard !closing else { return }
        queue.removeAll()
        let session = self.session
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        database.runIfActive(eventLoop: context.eventLoop) { session.abort(error) }.whenComplete { [self] result in
            let line = (try? result.get()) ?? WireMessage.error(error).line
            send(bound.value, answer ? [line] : [], close: true)
        }
    }

    /// Handles the queued lines (one database step for all of them: a push batch read in one go is
    /// checked and committed without a thread hop per line) when idle and the peer is reading; asks for
    /// more input otherwise.
    private func next(_ context: ChannelHandlerContext) {
        guard !busy, !closing, context.channel.isWritable else { return }
        guard !queue.isEmpty else {
            context.read()
            return
        }
        let lines = queue
        queue.removeAll(keepingCapacity: true)
        busy = true
        let session = self.session
        let loop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: loop)
        // The session is read only here, on the database thread: what the event loop needs comes back.
        let future = database.runIfActive(eventLoop: loop) {
            () -> (lines: [String], authenticated: Bool, closed: Bool, compressFrom: Int?) in
            var out: [String] = []
            var compressFrom: Int?
            for (line, length, linked) in lines where !session.isClosed {
                let compressed = session.isCompressed
                out += session.receive(line, length: length, linked: linked)
                // The lines after the welcome that chose compression go compressed.
                if !compressed, session.isCompressed { compressFrom = out.count }
            }
            return (out, session.isAuthenticated, session.isClosed, compressFrom)
        }
        future.whenComplete { [self] result in
            let context = bound.value
            busy = false
            switch result {
            case .success(let step):
                authenticated = authenticated || step.authenticated
                if let from = step.compressFrom, let compressor {
                    send(context, Array(step.lines[..<from]), close: false)
                    do {
                        try compressor.start(context)
                    } catch {
                        send(context, [WireMessage.error(WireError(.unavailable, "\(error)")).line], close: true)
                    }
                    send(context, Array(step.lines[from...]), close: step.closed)
                } else {
                    send(context, step.lines, close: step.closed)
                }
            case .failure:
                send(context, [WireMessage.error(WireError(.unavailable, "the hub is stopping")).line], close: true)
            }
            next(context)
        }
    }

    private func send(_ context: ChannelHandlerContext, _ lines: [String], close: Bool) {
        guard !closing else { return }
        if !lines.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: lines.reduce(0) { $0 + $1.utf8.count + 1 })
            for line in lines {
                buffer.writeString(line)
                buffer.writeInteger(UInt8(0x0A))
            }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        if close {
            closing = true
            context.close(promise: nil)
        }
    }
}
