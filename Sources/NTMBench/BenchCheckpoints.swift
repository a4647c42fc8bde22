import Foundation
import SyncCore

/// What signing chain heads costs (issue 15): verifying one checkpoint per 256 operations against the
/// baseline of verifying a signature on every operation, per million operations, on this machine.
enum BenchCheckpoints {
    static func run(count: Int) throws {
        let seed = [UInt8](repeating: 42, count: 32)
        let publicKey = try Checkpoint.publicKey(seed: seed)
        var checkpoints: [Checkpoint] = []
        checkpoints.reserveCapacity(count)
        let signing = Date()
        for index in 0..<count {
            let head = Hex.bytes(FileManifest.digest(Array("head \(index)".utf8)))!
            checkpoints.append(
                try Checkpoint.sign(origin: "xa-dan-ly-1", seq: UInt64(index + 1), head: head, seed: seed))
        }
        let signSeconds = Date().timeIntervalSince(signing)
        let verifying = Date()
        let valid = checkpoints.filter { $0.verify(publicKey: publicKey) }.count
        let verifySeconds = Date().timeIntervalSince(verifying)
        guard valid == count else {
            FileHandle.standardError.write(Data("\(count - valid) checkpoints did not verify\n".utf8))
            exit(1)
        }
        let verifyMs = verifySeconds / Double(count) * 1000
        func rounded(_ value: Double, _ scale: Double) -> JSONValue { .double((value * scale).rounded() / scale) }
        print(
            JSONWriter.string(
                .object([
                    "name": .string("checkpoint_verify"), "checkpoints": .int(Int64(count)),
                    "sign_ms_each": rounded(signSeconds / Double(count) * 1000, 10000),
                    "verify_ms_each": rounded(verifyMs, 10000),
                    "seconds_per_million_ops_one_per_256": rounded(verifyMs * 1_000_000 / 256 / 1000, 1000),
                    "baseline_seconds_per_million_ops_one_per_op": rounded(verifyMs * 1_000_000 / 1000, 100),
                ])))
    }
}
