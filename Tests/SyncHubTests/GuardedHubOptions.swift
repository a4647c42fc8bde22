import TestSupport

extension HubFixture.Options {
    /// A district hub served over TCP on loopback (with the server's default limits, which
    /// ``serving(idleTimeout:handshakeTimeout:)`` changes); its database also holds the concurrent edit of
    /// `protocol/examples/concurrent-edit.bundle.ndjson`.
    static var guarded: HubFixture.Options {
        HubFixture.Options.served.importing(Examples.path("concurrent-edit.bundle.ndjson"))
    }
}
