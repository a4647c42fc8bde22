/// A checkpoint as JSON, the form sessions and bundle headers carry (`protocol/PROTOCOL.md` §14):
/// `{"origin":"xa-dan-ly-1","key":"<16 hex>","seq":812,"head":"<64 hex>","sig":"<128 hex>"}`. The
/// signature covers the binary ``Checkpoint/payload``, not this text, so the members may be written in
/// any order and re-serialised freely.
extension Checkpoint {
    /// The JSON object.
    public var json: JSONValue {
        .object([
            "origin": .string(origin), "key": .string(keyID.hexString), "seq": .int(Int64(clamping: seq)),
            "head": .string(head.hexString), "sig": .string(signature.hexString),
        ])
    }

    /// Reads a checkpoint; its shape only (a replica id, 8-byte key id, seq ≥ 1, 32-byte head, 64-byte
    /// signature): ``verify(publicKey:)`` says whether it holds.
    public init(json: JSONValue) throws(OperationFormatError) {
        guard let origin = json["origin"]?.string, Identifiers.isReplicaID(origin) else {
            throw OperationFormatError(field: "origin", reason: "a checkpoint needs the replica id it vouches for")
        }
        func bytes(_ name: String, _ count: Int) throws(OperationFormatError) -> [UInt8] {
            guard let text = json[name]?.string, let bytes = Hex.bytes(text), bytes.count == count else {
                throw OperationFormatError(field: name, reason: "a checkpoint's \(name) is \(count * 2) hex digits")
            }
            return bytes
        }
        guard let seq = json["seq"]?.int, seq >= 1 else {
            throw OperationFormatError(field: "seq", reason: "a checkpoint's seq is an integer of at least 1")
        }
        self.init(
            origin: origin, keyID: try bytes("key", 8), seq: UInt64(seq), head: try bytes("head", 32),
            signature: try bytes("sig", 64))
    }

    /// Reads a list of checkpoints (a member that may be absent: nil reads as none).
    public static func list(_ json: JSONValue?) throws(OperationFormatError) -> [Checkpoint] {
        guard let json else { return [] }
        guard let items = json.array else {
            throw OperationFormatError(field: "checkpoints", reason: "a list of checkpoints")
        }
        var checkpoints: [Checkpoint] = []
        for item in items { checkpoints.append(try Checkpoint(json: item)) }
        return checkpoints
    }
}
