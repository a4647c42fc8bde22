import NTM
import Replica
import SyncCore
import SyncHub
import TestSupport
import Testing

/// Credentials: a signature answers one challenge of one hub for one replica, and nothing else; the
/// file reads back as written; anything else is refused by name.
@Suite struct CredentialTests {
    let credential = Credential.issue(
        replica: "xa-dan-ly-1", role: .commune("dan-ly"), hub: "huyen-trieu-son", district: "trieu-son")

    @Test func aSignatureAnswersOnlyItsOwnChallenge() throws {
        let nonce = [UInt8](repeating: 7, count: 32)
        let signature = try credential.sign(nonce: nonce, hub: "huyen-trieu-son")
        let key = credential.publicKey
        #expect(
            Credential.verify(
                signature: signature, nonce: nonce, hub: "huyen-trieu-son", replica: "xa-dan-ly-1", publicKey: key))
        // Replayed for another challenge, another hub, or claimed by another replica: refused.
        var other = nonce
        other[0] ^= 1
        #expect(
            !Credential.verify(
                signature: signature, nonce: other, hub: "huyen-trieu-son", replica: "xa-dan-ly-1", publicKey: key))
        #expect(
            !Credential.verify(
                signature: signature, nonce: nonce, hub: "huyen-nong-cong", replica: "xa-dan-ly-1", publicKey: key))
        #expect(
            !Credential.verify(
                signature: signature, nonce: nonce, hub: "huyen-trieu-son", replica: "xa-dan-ly-2", publicKey: key))
        var tampered = signature
        tampered[10] ^= 0x40
        #expect(
            !Credential.verify(
                signature: tampered, nonce: nonce, hub: "huyen-trieu-son", replica: "xa-dan-ly-1", publicKey: key))
        // Another replica's key does not verify it.
        let stranger = Credential.issue(replica: "xa-dan-ly-1", role: .district, hub: "huyen-trieu-son", district: nil)
        #expect(
            !Credential.verify(
                signature: signature, nonce: nonce, hub: "huyen-trieu-son", replica: "xa-dan-ly-1",
                publicKey: stranger.publicKey))
        #expect(!Credential.verify(signature: [], nonce: nonce, hub: "h", replica: "r", publicKey: [1, 2]))
    }

    @Test func theFileReadsBackAsWritten() throws {
        let text = credential.fileContents
        #expect(text.hasSuffix("\n") && text.filter { $0 == "\n" }.count == 1)
        let read = try Credential(fileContents: Array(text.utf8), roles: .ntm)
        #expect(read.replica == "xa-dan-ly-1" && read.role == .commune("dan-ly") && read.hub == "huyen-trieu-son")
        #expect(read.district == "trieu-son" && read.publicKey == credential.publicKey)
        let nonce = [UInt8](repeating: 1, count: 32)
        #expect(
            Credential.verify(
                signature: try read.sign(nonce: nonce, hub: "huyen-trieu-son"), nonce: nonce, hub: "huyen-trieu-son",
                replica: "xa-dan-ly-1", publicKey: credential.publicKey))
    }

    @Test(arguments: [
        ("", CredentialProblem.notJSON, "not JSON"), ("[]", .notAnObject, "not a JSON object"),
        ("{}", .noFormat, "no \"format\": \"ntm-credential/1\""),
        (
            #"{"format":"ntm-credential/1","replica":"Xã","role":"district","hub":"h","key":"00"}"#,
            .invalid("replica"),
            "no valid \"replica\""
        ),
        (
            #"{"format":"ntm-credential/1","replica":"x","role":"ward","hub":"h","key":"00"}"#, .invalid("role"),
            "no valid \"role\""
        ),
        (
            #"{"format":"ntm-credential/1","replica":"x","role":"district","hub":"h","key":"00"}"#, .invalid("key"),
            "no valid \"key\""
        ),
        (
            #"{"format":"ntm-credential/1","replica":"x","role":"district","key":"00"}"#, .invalid("hub"),
            "no valid \"hub\""
        ),
        (#"{"format":"ntm-credential/1","replica":"x","#, .notJSON, "not JSON"),
    ])
    func aFileThatIsNotACredentialIsNamed(text: String, problem: CredentialProblem, reason: String) {
        #expect(throws: CredentialError.notACredential(problem)) {
            try Credential(fileContents: Array(text.utf8), roles: .ntm)
        }
        #expect(problem.description == reason)
    }

    @Test func theHubKeepsOnlyPublicKeysAndRevokes() throws {
        let folder = TemporaryDirectory("credential")
        let store = try ReplicaStore.create(
            at: folder.file("hub.sqlite"), replicaID: "huyen-trieu-son",
            schema: ReplicatedSchema(tag: "t", tables: []))
        try store.enrol(replica: "xa-dan-ly-1", role: .commune("dan-ly"), publicKey: credential.publicKey)
        let enrolled = try #require(try store.enrolment(of: "xa-dan-ly-1"))
        #expect(
            enrolled.role == .commune("dan-ly") && enrolled.publicKey == credential.publicKey && !enrolled.isRevoked)
        #expect(try store.revoke("xa-dan-ly-1"))
        #expect(try !store.revoke("xa-khong-co"))
        #expect(try store.enrolment(of: "xa-dan-ly-1")?.isRevoked == true)
        // Enrolling again (a new key) lifts the revocation.
        try store.enrol(replica: "xa-dan-ly-1", role: .commune("dan-ly"), publicKey: credential.publicKey)
        #expect(try store.enrolments().map(\.isRevoked) == [false])
        #expect(throws: ReplicaError.invalidReplicaID("Xã")) {
            try store.enrol(replica: "Xã", role: .district, publicKey: credential.publicKey)
        }
    }
}
