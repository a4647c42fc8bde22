import SyncCore
import Testing

/// Signed chain heads (issue 15's first step): a fixed binary payload, one signature vouching for a
/// whole run of an origin's operations through their hash chain, and forks proven by two of them.
@Suite struct CheckpointTests {
    static let seed = [UInt8](0..<32)

    /// An origin's chain of `count` operations, each naming the hash of the one before.
    static func chain(_ origin: String, _ count: Int) -> [SyncOperation] {
        var operations: [SyncOperation] = []
        for seq in 1...UInt64(count) {
            operations.append(
                SyncOperation(
                    dot: Dot(origin: origin, seq: seq),
                    key: FieldKey(table: "assessment", row: "dan-ly/qd1980-2016/17.\(seq)", column: "status"),
                    value: .text("dat"), context: VersionVector(), author: "Lan", wallMs: 1_700_000_000_000,
                    prev: operations.last?.hash))
        }
        return operations
    }

    @Test func thePayloadAndSignatureAreFixedBytesAnotherImplementationComputesAlike() throws {
        // Computed independently with Python's `cryptography` (Ed25519 signatures are deterministic).
        let checkpoint = try Checkpoint.sign(
            origin: "xa-dan-ly-1", seq: 256, head: [UInt8](repeating: 0xab, count: 32), seed: Self.seed)
        #expect(
            checkpoint.payload.hexString
                == "6e746d2d636865636b706f696e742f31000b78612d64616e2d6c792d3156475aa75463474c0000000000000100abababababababababababababababababababababababababababababababab"
        )
        #expect(
            checkpoint.signature.hexString
                == "598650a84304eadcac5b350da592d22ca9a1d101a73ba692d3f8917dcee32fec6433418396937b186734908fac7a1a21c15575fa3c42a2d9dfc1ae92b1008903"
        )
        let publicKey = try #require(Hex.bytes("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"))
        #expect(checkpoint.verify(publicKey: publicKey))
    }

    @Test func aCheckpointHoldsOnlyForItsKeyAndItsExactPayload() throws {
        let publicKey = try #require(Hex.bytes("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"))
        let head = Self.chain("xa-dan-ly-1", 3).last!.hash
        let good = try Checkpoint.sign(origin: "xa-dan-ly-1", seq: 3, head: head, seed: Self.seed)
        #expect(good.verify(publicKey: publicKey))
        var otherSeq = good
        otherSeq.seq = 4
        var otherHead = good
        otherHead.head[0] ^= 1
        var otherOrigin = good
        otherOrigin.origin = "xa-dan-ly-2"
        for forged in [otherSeq, otherHead, otherOrigin] { #expect(!forged.verify(publicKey: publicKey)) }
        let stranger = try Checkpoint.sign(
            origin: "xa-dan-ly-1", seq: 3, head: head, seed: [UInt8](repeating: 7, count: 32))
        #expect(!stranger.verify(publicKey: publicKey), "another key, even over the same head")
        #expect(stranger.keyID != good.keyID)
    }

    @Test func oneCheckpointVouchesForTheWholeRunAndNothingChangedRemovedOrReordered() throws {
        let run = Self.chain("xa-dan-ly-1", 256)
        let checkpoint = try Checkpoint.sign(origin: "xa-dan-ly-1", seq: 256, head: run.last!.hash, seed: Self.seed)
        #expect(checkpoint.covers(run))
        #expect(checkpoint.covers(Array(run.suffix(10))), "a later part of the run, chained to the head")
        var changed = run
        changed[100].value = .text("chua-dat")
        var removed = run
        removed.remove(at: 100)
        var reordered = run
        reordered.swapAt(10, 11)
        for tampered in [changed, removed, reordered, Array(run.prefix(255))] {
            #expect(!checkpoint.covers(tampered))
        }
    }

    @Test func twoCheckpointsOfOneSeqWithDifferentHeadsProveAFork() throws {
        let a = Self.chain("xa-dan-ly-1", 5)
        var b = a
        b[4].value = .text("chua-dat")
        let first = try Checkpoint.sign(origin: "xa-dan-ly-1", seq: 5, head: a[4].hash, seed: Self.seed)
        let second = try Checkpoint.sign(origin: "xa-dan-ly-1", seq: 5, head: b[4].hash, seed: Self.seed)
        #expect(first.contradicts(second))
        #expect(!first.contradicts(first))
        let later = try Checkpoint.sign(origin: "xa-dan-ly-1", seq: 6, head: b[4].hash, seed: Self.seed)
        #expect(!first.contradicts(later))
    }
}
