import SyncWire

extension Result<WireLine, WireError> {
    /// The code of a failed read; nil when the line was read.
    var code: WireError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
