import Foundation

/// A small, fast, repeatable random number generator (SplitMix64), so that a failing law test can be
/// re-run with the same seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

/// Ids `000000000001`, `000000000002`, … for tests that need byte-stable output.
public final class IncrementingIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var counter = 0

    /// Starts at 1.
    public init() {}

    /// The next id.
    public func next() -> String {
        lock.lock()
        defer { lock.unlock() }
        counter += 1
        return String(format: "%012x", counter)
    }
}
