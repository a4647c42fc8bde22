import Foundation
import Logging
import NIOCore
import NIOPosix
import SyncCore
import SyncWire

/// The hub's TCP server (SwiftNIO): many replicas at once, every database step on one thread (one
/// writer to SQLite), one line at a time per connection (a fast peer cannot queue unbounded work, a
/// slow reader stops the hub from producing for it), and a clean stop that lets the batch in flight
/// commit or roll back before closing.
public final class HubServer: @unchecked Sendable {
    private let hub: HubIdentity
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let database: NIOThreadPool
    private var channel: (any Channel)?
    private let lock = NSLock()
    private var sessions: [ObjectIdentifier: any Channel] = [:]

    /// The most sessions served at once; more are answered `unavailable` and closed.
    public let maximumSessions: Int
    /// A session that sends nothing for this long is closed.
    public let idleTimeout: TimeAmount
    /// A session not authenticated this long after it connected is closed, however many bytes it
    /// trickles in: an unauthenticated peer holds a session place for no longer than this.
    public let handshakeTimeout: TimeAmount

    /// Creates a server for `hub`; nothing listens until ``start(host:port:)``.
    public init(
        hub: HubIdentity, logger: Logger, maximumSessions: Int = 256, idleTimeout: TimeAmount = .seconds(120),
        handshakeTimeout: TimeAmount = .seconds(15)
    ) {
        self.hub = hub
        self.logger = logger
        self.maximumSessions = maximumSessions
        self.idleTimeout = idleTimeout
        self.handshakeTimeout = handshakeTimeout
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        database = NIOThreadPool(numberOfThreads: 1)
        database.start()
    }

    /// Listens on `host:port` (port 0 picks a free one); returns the bound port.
    public func start(host: String, port: Int) throws -> Int {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 << 10, high: 1 << 20))
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        SessionHandler(
                            hub: hub, database: database, logger: logger, server: self,
                            handshakeTimeout: handshakeTimeout))
                }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            throw TransportError.cannotListen("\(host):\(port)", Self.reason(error))
        }
        lock.withLock { self.channel = channel }
        return channel.localAddress?.port ?? port
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if error is SocketAddressError { return "unknown host" }
        return "\(error)"
    }

    /// Registers a session; false when the server is full.
    func register(_ channel: any Channel) -> Bool {
        lock.withLock {
            guard sessions.count < maximumSessions else { return false }
            sessions[ObjectIdentifier(channel)] = channel
            return true
        }
    }
    func unregister(_ channel: any Channel) {
        lock.withLock { _ = sessions.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Stops accepting, lets every database step in flight finish (a push batch commits or rolls back
    /// whole), closes every session and releases the threads.
    public func stop() {
        let (listener, open) = lock.withLock { (channel, Array(sessions.values)) }
        try? listener?.close().wait()
        // The database thread finishes the step it is running; steps queued after it see closed channels.
        for session in open { try? session.close().wait() }
        try? database.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }

    /// Blocks until the listening channel closes.
    public func wait() throws { try lock.withLock { channel }?.closeFuture.wait() }
}

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
    private var queue: [(Result<WireLine, WireError>, Int)] = []
    private var pushReader: BatchReader?
    private var busy = false
    private var closing = false
    private let started = NIODeadline.now()
    private let handshakeTimeout: TimeAmount
    /// Whether the session has authenticated (as last seen after a database step).
    private var authenticated = false

    init(
        hub: HubIdentity, database: NIOThreadPool, logger: Logger, server: HubServer, handshakeTimeout: TimeAmount
    ) {
        session = HubSession(hub: hub)
        self.database = database
        self.logger = logger
        self.handshakeTimeout = handshakeTimeout
        self.server = server
    }

    func channelActive(context: ChannelHandlerContext) {
        guard server?.register(context.channel) == true else {
            send(
                context,
                [WireMessage.error(WireError(.unavailable, "the hub serves too many sessions; retry later")).line],
                close: true)
            return
        }
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
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
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
        var parsed = HubSession.parse(buffer.readableBytesView)
        switch parsed {
        case .success(.message(.push(_, _, let defaults))): pushReader = BatchReader(defaults: defaults)
        case .success(let line) where pushReader != nil && !line.isMessage:
            parsed = Result { () throws(WireError) -> WireLine in .operation(try pushReader!.read(line)) }
        case .success(.message): pushReader = nil
        default: break
        }
        queue.append((parsed, buffer.readableBytes))
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
            () -> (lines: [String], authenticated: Bool, closed: Bool) in
            var out: [String] = []
            for (line, length) in lines where !session.isClosed { out += session.receive(line, length: length) }
            return (out, session.isAuthenticated, session.isClosed)
        }
        future.whenComplete { [self] result in
            let context = bound.value
            busy = false
            switch result {
            case .success(let step):
                authenticated = authenticated || step.authenticated
                send(context, step.lines, close: step.closed)
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

extension SessionStats {
    /// Writes the hub's one log line for a session (TCP or stdio).
    public func log(to logger: Logger, seconds: Double) {
        logger.info(
            "session",
            metadata: [
                "replica": "\(replica ?? "?")", "ops_in": "\(counts.received.total)",
                "applied": "\(counts.received.new)", "refused": "\(counts.received.refused)",
                "ops_out": "\(counts.sent.total)", "bytes_in": "\(counts.bytesIn)", "bytes_out": "\(counts.bytesOut)",
                "seconds": "\(String(format: "%.3f", seconds))", "error": "\(error?.description ?? "-")",
            ])
    }
}
