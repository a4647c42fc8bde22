import Foundation
import SyncWire

/// Serves one session over a pair of file descriptors (stdin and stdout for `ntm hub stdio`, so that
/// `ntm sync --via "ssh district ntm hub stdio"` works the way git does over ssh).
public enum StdioHub {
    /// Runs the session until it ends or the peer closes the stream; returns what it did.
    public static func serve(_ hub: HubIdentity, input: Int32 = 0, output: Int32 = 1) -> SessionStats {
        let transport = LineTransport(input: input, output: output)
        let session = HubSession(hub: hub)
        while !session.isClosed {
            do {
                guard let line = try transport.receive() else {
                    _ = session.abort(WireError(.badMessage, "the client closed the stream"))
                    break
                }
                try transport.send(session.receive(line))
                // The welcome went in clear; what follows it is compressed when it said so.
                if session.isCompressed { try transport.startCompression() }
            } catch let error as WireError {
                try? transport.send([session.abort(error)])
            } catch {
                _ = session.abort(WireError(.badMessage, "the stream failed: \(error)"))
            }
        }
        return session.stats
    }
}
