import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import SyncCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension LineTransport {
    /// Connects to the hub at `host:port` over TLS 1.3 and returns a transport that reads and writes the
    /// tunnel's plaintext. No certificate authority and no host name are checked: the hub is accepted
    /// when the SHA-256 of its certificate's SubjectPublicKeyInfo is `pin` (lowercase hex, the `tls`
    /// member of the credential), and nothing is sent before that is known.
    ///
    /// The TLS connection is a SwiftNIO channel; its plaintext is bridged to one end of a
    /// `socketpair(2)` whose other end the blocking transport reads and writes, so that its timeouts
    /// (`timeout` for the connection, the handshake and the first line, then ``readTimeoutSeconds``)
    /// work as over plain TCP.
    /// - Throws: ``TransportError`` (`badAddress`, `unreachable`, `noAnswer` when the handshake does not
    ///   finish in time, `wrongHubKey` when the key is not the pinned one, `speaksClear` for a hub
    ///   serving in clear, `closed` for another TLS failure), or ``SyncError/notNTM(_:)`` when the peer answers something that is not TLS.
    public static func connect(
        to address: String, pinning pin: String, timeout: Int = defaultAnswerTimeoutSeconds
    ) throws -> LineTransport {
        let seconds = max(1, timeout)
        let local = try tunnel(to: address, pinning: pin, timeout: seconds)
        let transport = LineTransport(input: local, output: local, onClose: { _ = closeDescriptor(local) })
        transport.prepareTCP(socket: local, address: address, firstAnswerSeconds: seconds)
        return transport
    }

    /// Opens a TLS 1.3 tunnel to the hub at `host:port` whose key has the pin `pin`, as
    /// ``connect(to:pinning:timeout:)`` does, and returns a connected stream socket (one end of a
    /// `socketpair(2)`) that carries the tunnel's plaintext both ways: closing it closes the tunnel.
    /// - Throws: as ``connect(to:pinning:timeout:)``.
    public static func tunnel(to address: String, pinning pin: String, timeout: Int) throws -> Int32 {
        let (host, port) = try endpoint(address)
        let seconds = max(1, timeout)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        // Replaced whole by the pin check below (a custom verification callback); `.none` would skip it.
        configuration.certificateVerification = .noHostnameVerification
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: configuration) } catch {
            throw TransportError.closed("TLS: \(error)")
        }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let watcher = HandshakeWatcher(promise: loop.makePromise())
        let tunnelEnd = GlueHandler()
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(Int64(seconds)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try NIOSSLClientHandler(
                        context: context, serverHostname: nil,
                        customVerificationCallback: { certificates, verdict in
                            watcher.verify(certificates, pin: pin, verdict: verdict)
                        })
                    try channel.pipeline.syncOperations.addHandlers([watcher.recorder, tls, watcher, tunnelEnd])
                }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.connect(host: host, port: port).wait()
        } catch {
            // No handshake will come: the watcher's promise is completed (a promise must not be dropped).
            loop.execute { watcher.fail(HandshakeStop.closed) }
            throw TransportError.unreachable(address, Self.connectFailure(error, seconds: seconds))
        }
        let timer = loop.scheduleTask(in: .seconds(Int64(seconds))) { watcher.fail(HandshakeStop.timedOut) }
        do {
            try watcher.promise.futureResult.wait()
            timer.cancel()
        } catch {
            timer.cancel()
            channel.close(promise: nil)
            throw try loop.submit { watcher.failure(error, address: address, seconds: seconds) }.wait()
        }
        // The tunnel is up and the hub's key is the pinned one: bridge its plaintext to a socket pair.
        var ends: [Int32] = [-1, -1]
        #if canImport(Glibc)
            let made = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends)
        #else
            let made = socketpair(AF_UNIX, SOCK_STREAM, 0, &ends)
        #endif
        guard made == 0 else {
            channel.close(promise: nil)
            throw TransportError.closed(String(cString: strerror(errno)))
        }
        let pairEnd = GlueHandler(halfCloses: true)
        do {
            _ = try ClientBootstrap(group: loop)
                .channelInitializer { pair in
                    pair.eventLoop.makeCompletedFuture { try pair.pipeline.syncOperations.addHandler(pairEnd) }
                }
                .withConnectedSocket(ends[1]).wait()
        } catch {
            _ = closeDescriptor(ends[1])
            _ = closeDescriptor(ends[0])
            channel.close(promise: nil)
            throw TransportError.closed("\(error)")
        }
        try loop.submit { GlueHandler.join(tunnelEnd, pairEnd) }.wait()
        return ends[0]
    }

    /// Why connecting failed, as the plain connection says it ("Connection refused", …).
    static func connectFailure(_ error: any Error, seconds: Int) -> String {
        if let failure = error as? NIOConnectionError {
            if let first = failure.connectionErrors.first { return connectFailure(first.error, seconds: seconds) }
            if failure.dnsAError != nil || failure.dnsAAAAError != nil { return "unknown host" }
        }
        if case ChannelError.connectTimeout = error { return "no answer within \(seconds) s" }
        if let failure = error as? IOError { return String(cString: strerror(failure.errnoCode)) }
        if error is SocketAddressError { return "unknown host" }
        return "\(error)"
    }
}

/// Why a TLS handshake was given up on the client's side.
enum HandshakeStop: Error {
    /// The handshake did not finish before the deadline.
    case timedOut
    /// The connection closed before the handshake finished.
    case closed
}

/// Watches the client's TLS handshake: checks the hub's key against the pin, records the first bytes
/// the peer sent (to name a peer that does not speak TLS), and completes `promise` once, on the event
/// loop, when the handshake succeeds or fails.
final class HandshakeWatcher: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Completed when the handshake is over (failed: why).
    let promise: EventLoopPromise<Void>
    /// Placed before the TLS handler: keeps the first raw bytes.
    let recorder = FirstBytes()
    private var done = false
    /// The SPKI pin the hub presented, when it is not the pinned one.
    private var mismatch: String?

    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    /// The custom verification: the leaf certificate's SubjectPublicKeyInfo must hash to `pin`.
    func verify(_ certificates: [NIOSSLCertificate], pin: String, verdict: EventLoopPromise<NIOSSLVerificationResult>) {
        guard let leaf = certificates.first, let spki = try? leaf.extractPublicKey().toSPKIBytes() else {
            mismatch = "none"
            verdict.succeed(.failed)
            return
        }
        let presented = HubTLSIdentity.pin(spki: spki)
        if presented == pin {
            verdict.succeed(.certificateVerified)
        } else {
            mismatch = presented
            verdict.succeed(.failed)
        }
    }

    /// Fails the handshake (on the event loop), unless it is over already.
    func fail(_ error: any Error) {
        guard !done else { return }
        done = true
        promise.fail(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event, !done {
            done = true
            promise.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(HandshakeStop.closed)
        context.fireChannelInactive()
    }

    /// The error to throw for a failed handshake (on the event loop).
    func failure(_ error: any Error, address: String, seconds: Int) -> any Error {
        if mismatch != nil { return TransportError.wrongHubKey(address) }
        let first = recorder.bytes
        // Every TLS record starts with its type: 0x16 a handshake, 0x15 an alert.
        if first.starts(with: Array(#"{"type":"#.utf8)) { return TransportError.speaksClear(address) }
        if let byte = first.first, byte != 0x16, byte != 0x15 { return SyncError.notNTM(SyncClient.quote(first)) }
        if case HandshakeStop.timedOut = error { return TransportError.noAnswer(address, seconds) }
        if case HandshakeStop.closed = error {
            return TransportError.closed("the hub closed the connection during the TLS handshake")
        }
        return TransportError.closed("TLS handshake failed: \(error)")
    }
}

/// Keeps the first 64 bytes a peer sent, passing everything on.
final class FirstBytes: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The bytes kept.
    private(set) var bytes: [UInt8] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if bytes.count < 64 {
            let buffer = unwrapInboundIn(data)
            bytes += buffer.readableBytesView.prefix(64 - bytes.count)
        }
        context.fireChannelRead(data)
    }
}

/// One end of a bridge between two channels on one event loop: what one reads, the other writes, and
/// it reads only while the other can write. Until the two are joined what is read is held; a close
/// waits for the writes before it.
final class GlueHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var held: [ByteBuffer] = []
    private var closedBeforeJoin = false
    private var readWaiting = false
    private var lastWrite: EventLoopFuture<Void>?
    /// Whether a close of the partner closes only this end's output.
    private let halfCloses: Bool

    /// An end; `halfCloses` for the socket pair's.
    init(halfCloses: Bool = false) { self.halfCloses = halfCloses }

    /// Joins two ends (on their event loop) and passes on what each held.
    static func join(_ first: GlueHandler, _ second: GlueHandler) {
        first.partner = second
        second.partner = first
        for end in [first, second] {
            let held = end.held
            end.held = []
            for buffer in held { end.partner?.partnerWrite(buffer) }
            if !held.isEmpty { end.partner?.context?.flush() }
            if end.closedBeforeJoin { end.partner?.partnerClose() }
        }
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    private func partnerWrite(_ buffer: ByteBuffer) {
        guard let context else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(buffer), promise: promise)
        lastWrite = promise.futureResult
    }

    /// Closes this end once what was written to it is written: only its output for the socket pair
    /// (the transport may still be writing a line the hub will never read, which must not fail before
    /// it reads the hub's last lines), the whole channel for the tunnel.
    private func partnerClose() {
        guard let context else { return }
        let channel = context.channel
        let mode: CloseMode = halfCloses ? .output : .all
        context.flush()
        (lastWrite ?? context.eventLoop.makeSucceededVoidFuture()).whenComplete { _ in
            channel.close(mode: mode, promise: nil)
        }
    }

    private func partnerBecameWritable() {
        if readWaiting {
            readWaiting = false
            context?.read()
        }
    }

    private var partnerWritable: Bool { partner?.context?.channel.isWritable ?? true }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let partner { partner.partnerWrite(buffer) } else { held.append(buffer) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { partner?.context?.flush() }

    func channelInactive(context: ChannelHandlerContext) {
        if let partner { partner.partnerClose() } else { closedBeforeJoin = true }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if partnerWritable { context.read() } else { readWaiting = true }
    }
}
