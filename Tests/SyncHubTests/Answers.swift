import Foundation

/// What concurrent clients were answered, by a key each chooses.
final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: String] = [:]
    func set(_ key: Int, _ value: String) { lock.withLock { values[key] = value } }
    func get(_ key: Int) -> String? { lock.withLock { values[key] } }
}
