import SyncCore
import Testing

/// The district hub's signed enrolment log (issue 15): fixed bytes another implementation computes
/// alike, each entry valid only under the hub's key and unchanged, chained to the one before, and an
/// enrolment vouches for checkpoints signed with its key.
@Suite struct EnrolmentRecordTests {
    static let hubSeed = [UInt8](repeating: 9, count: 32)
    static let replicaSeed = [UInt8](0..<32)

    static func log() throws -> [EnrolmentRecord] {
        let key = try Checkpoint.publicKey(seed: replicaSeed)
        let enrol = try EnrolmentRecord.sign(
            after: nil, hub: "huyen-trieu-son", kind: .enrol, replica: "phong-gd-trieu-son",
            role: "department:Phòng Giáo dục và Đào tạo", publicKey: key, serial: 2, cutoffSeq: 7,
            cutoffHead: [UInt8](repeating: 1, count: 32), issuedMs: 1_541_131_200_000, hubSeed: hubSeed)
        let revoke = try EnrolmentRecord.sign(
            after: enrol, hub: "huyen-trieu-son", kind: .revoke, replica: "phong-gd-trieu-son", role: "",
            publicKey: key, serial: 0, cutoffSeq: 9, cutoffHead: [UInt8](repeating: 2, count: 32),
            issuedMs: 1_541_131_260_000, hubSeed: hubSeed)
        return [enrol, revoke]
    }

    @Test func thePayloadSignatureAndChainAreFixedBytesAnotherImplementationComputesAlike() throws {
        // Computed independently with Python's `cryptography` and `hashlib`.
        let log = try Self.log()
        #expect(
            log[0].payload.hexString
                == "6e746d2d656e726f6c6d656e742d6c6f672f31000f687579656e2d74726965752d736f6e00000000000000010000000000000000000000000000000000000000000000000000000000000000011270686f6e672d67642d74726965752d736f6e002d6465706172746d656e743a5068c3b26e67204769c3a16f2064e1bba5632076c3a020c490c3a06f2074e1baa16f03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b800000000000000020000000000000007010101010101010101010101010101010101010101010101010101010101010100000166d293e600"
        )
        #expect(
            log[0].signature.hexString
                == "1f08b41640afa8725d26a19196182cc050d3ffc5fc21b8145be62b7274c7f47d1cec5a68ec3f2fbe6560be9e287e5a8233f247935814a00859b92cbbc4a9d802"
        )
        #expect(log[0].hash.hexString == "3f1d6d9cf68be0573a8f18d0b4772eac3b2b28b0fb6bb30b9605e16eb0533d0e")
        #expect(
            log[1].payload.hexString
                == "6e746d2d656e726f6c6d656e742d6c6f672f31000f687579656e2d74726965752d736f6e00000000000000023f1d6d9cf68be0573a8f18d0b4772eac3b2b28b0fb6bb30b9605e16eb0533d0e021270686f6e672d67642d74726965752d736f6e000003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b800000000000000000000000000000009020202020202020202020202020202020202020202020202020202020202020200000166d294d060"
        )
        #expect(
            log[1].signature.hexString
                == "c6f540d7e73ea0923687fe823e764f169efc2ace165032c869ae25248bd3b4a7ab02857dffe8a4627bb3059b16174d8170bb2b568f7bc95db4fee1d06ea10506"
        )
    }

    @Test func anEntryHoldsOnlyUnderItsHubsKeyAndUnchanged() throws {
        let hubKey = try Checkpoint.publicKey(seed: Self.hubSeed)
        let entry = try Self.log()[0]
        #expect(entry.verify(hubKey: hubKey))
        #expect(!entry.verify(hubKey: try Checkpoint.publicKey(seed: Self.replicaSeed)))
        var otherRole = entry
        otherRole.role = "district"
        var otherKey = entry
        otherKey.publicKey[0] ^= 1
        var olderSerial = entry
        olderSerial.serial = 1
        var otherCutoff = entry
        otherCutoff.cutoffSeq = 8
        var otherKind = entry
        otherKind.kind = .revoke
        for forged in [otherRole, otherKey, olderSerial, otherCutoff, otherKind] {
            #expect(!forged.verify(hubKey: hubKey))
        }
    }

    /// A log of `count` genuine entries, each naming the one before.
    static func chain(_ count: Int) throws -> [EnrolmentRecord] {
        var log: [EnrolmentRecord] = []
        for index in 0..<count {
            log.append(
                try EnrolmentRecord.sign(
                    after: log.last, hub: "huyen-trieu-son", kind: .enrol, replica: "xa-\(index)",
                    role: "commune:c\(index)",
                    publicKey: try Checkpoint.publicKey(seed: [UInt8](repeating: UInt8(index), count: 32)),
                    serial: 1, issuedMs: 1_541_131_200_000 + Int64(index), hubSeed: hubSeed))
        }
        return log
    }

    @Test func theNewestSignatureVouchesThroughTheChainForTheEntriesBeforeIt() throws {
        let hubKey = try Checkpoint.publicKey(seed: Self.hubSeed)
        let log = try Self.chain(40)
        #expect(EnrolmentRecord.vouched(log, hubKey: hubKey) == log)
        #expect(EnrolmentRecord.vouched(log.shuffled(), hub: "huyen-trieu-son", hubKey: hubKey).count == 40)
        // Every signature but the newest spoilt: the chain still carries the newest one back.
        var unsigned = log
        for index in 0..<39 { unsigned[index].signature = [UInt8](repeating: 0, count: 64) }
        #expect(!unsigned[0].verify(hubKey: hubKey))
        #expect(EnrolmentRecord.vouched(unsigned, hubKey: hubKey) == unsigned)
        // One entry changed: it holds no more, nor do the unsigned ones it named; those after it still do.
        var changed = unsigned
        changed[25].role = "district"
        #expect(EnrolmentRecord.vouched(changed, hubKey: hubKey).map(\.seq) == Array(27...40))
        // The entry before the changed one signed: it holds alone, and vouches for those before it.
        var partly = changed
        partly[24] = log[24]
        #expect(EnrolmentRecord.vouched(partly, hubKey: hubKey).map(\.seq) == Array(1...25) + Array(27...40))
        // No entry signed: none holds. Another hub's name or key: none holds.
        var none = unsigned
        none[39].signature = [UInt8](repeating: 0, count: 64)
        #expect(EnrolmentRecord.vouched(none, hubKey: hubKey).isEmpty)
        #expect(EnrolmentRecord.vouched(log, hub: "huyen-khac", hubKey: hubKey).isEmpty)
        #expect(EnrolmentRecord.vouched(log, hubKey: try Checkpoint.publicKey(seed: Self.replicaSeed)).isEmpty)
        // A gap in what is given: the entries before it are judged by their own signatures.
        let gapped = Array(unsigned[0..<20]) + Array(unsigned[21...])
        #expect(EnrolmentRecord.vouched(gapped, hubKey: hubKey).map(\.seq) == Array(22...40))
    }

    @Test func itReadsBackFromJSONAndVouchesForItsReplicasCheckpoints() throws {
        let log = try Self.log()
        #expect(try EnrolmentRecord.list(.array(log.map(\.json))) == log)
        let head = [UInt8](repeating: 1, count: 32)
        let own = try Checkpoint.sign(origin: "phong-gd-trieu-son", seq: 9, head: head, seed: Self.replicaSeed)
        let otherOrigin = try Checkpoint.sign(origin: "xa-dan-ly-1", seq: 9, head: head, seed: Self.replicaSeed)
        let otherKey = try Checkpoint.sign(origin: "phong-gd-trieu-son", seq: 9, head: head, seed: Self.hubSeed)
        #expect(log[0].vouches(for: own))
        #expect(!log[0].vouches(for: otherOrigin) && !log[0].vouches(for: otherKey))
        #expect(!log[1].vouches(for: own))
    }
}
