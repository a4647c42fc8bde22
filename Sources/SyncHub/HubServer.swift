import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
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

    /// Listens on `host:port` (port 0 picks a free one); returns the bound port. With a `tls` identity
    /// every connection is TLS 1.3 (nothing else is accepted) and the sessions run inside the tunnel;
    /// with nil they run in clear (`ntm hub serve --insecure`: tests, loopback).
    /// - Throws: ``TransportError/cannotListen(_:_:)``, or the TLS library's error for an identity it
    ///   cannot use.
    public func start(host: String, port: Int, tls: HubTLSIdentity?) throws -> Int {
        let context = try tls?.serverContext()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 << 10, high: 1 << 20))
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    // Passes bytes through until a welcome chose compression (§11.13).
                    let compressor = SessionCompressor()
                    try channel.pipeline.syncOperations.addHandler(compressor)
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        SessionHandler(
                            hub: hub, database: database, logger: logger, server: self,
                            handshakeTimeout: handshakeTimeout, tls: context != nil, compressor: compressor))
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
