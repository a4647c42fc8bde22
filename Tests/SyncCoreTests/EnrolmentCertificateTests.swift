import SyncCore
import Testing

/// The district hub's signed enrolment (issue 15): fixed bytes another implementation computes alike,
/// valid only under the hub's key and unchanged, and the key it names is the one checkpoints verify with.
@Suite struct EnrolmentCertificateTests {
    static let hubSeed = [UInt8](repeating: 9, count: 32)
    static let replicaSeed = [UInt8](0..<32)

    static func certificate() throws -> EnrolmentCertificate {
        try EnrolmentCertificate.issue(
            hub: "huyen-trieu-son", replica: "phong-gd-trieu-son", role: "department:Phòng Giáo dục và Đào tạo",
            publicKey: try Checkpoint.publicKey(seed: replicaSeed), serial: 2, issuedMs: 1_541_131_200_000,
            hubSeed: hubSeed)
    }

    @Test func thePayloadAndSignatureAreFixedBytesAnotherImplementationComputesAlike() throws {
        // Computed independently with Python's `cryptography`.
        let certificate = try Self.certificate()
        #expect(
            certificate.payload.hexString
                == "6e746d2d656e726f6c6d656e742f31000f687579656e2d74726965752d736f6e1270686f6e672d67642d74726965752d736f6e002d6465706172746d656e743a5068c3b26e67204769c3a16f2064e1bba5632076c3a020c490c3a06f2074e1baa16f03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8000000000000000200000166d293e600"
        )
        #expect(
            certificate.signature.hexString
                == "410d19094fff5a96c134acd6280fc753399d14a440badd4a69878112809cb14ee15dae1a68d047adfc78198f6246b288c1ba20c2f57ede9710e88bb2b05d170b"
        )
        #expect(
            try Checkpoint.publicKey(seed: Self.hubSeed).hexString
                == "fd1724385aa0c75b64fb78cd602fa1d991fdebf76b13c58ed702eac835e9f618")
    }

    @Test func aCertificateHoldsOnlyUnderItsHubsKeyAndUnchanged() throws {
        let hubKey = try Checkpoint.publicKey(seed: Self.hubSeed)
        let certificate = try Self.certificate()
        #expect(certificate.verify(hubKey: hubKey))
        #expect(!certificate.verify(hubKey: try Checkpoint.publicKey(seed: Self.replicaSeed)))
        var otherRole = certificate
        otherRole.role = "district"
        var otherKey = certificate
        otherKey.publicKey[0] ^= 1
        var olderSerial = certificate
        olderSerial.serial = 1
        for forged in [otherRole, otherKey, olderSerial] { #expect(!forged.verify(hubKey: hubKey)) }
    }

    @Test func itVouchesForCheckpointsOfItsReplicaSignedWithItsKey() throws {
        let certificate = try Self.certificate()
        let head = [UInt8](repeating: 1, count: 32)
        let own = try Checkpoint.sign(origin: "phong-gd-trieu-son", seq: 9, head: head, seed: Self.replicaSeed)
        let otherOrigin = try Checkpoint.sign(origin: "xa-dan-ly-1", seq: 9, head: head, seed: Self.replicaSeed)
        let otherKey = try Checkpoint.sign(origin: "phong-gd-trieu-son", seq: 9, head: head, seed: Self.hubSeed)
        #expect(certificate.vouches(for: own))
        #expect(!certificate.vouches(for: otherOrigin) && !certificate.vouches(for: otherKey))
    }
}
