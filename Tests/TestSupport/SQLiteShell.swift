import Foundation

/// Runs SQL on a database with the `sqlite3` shell, behind ntm's back (to look at tables, or to damage
/// a copy); returns what it printed, trimmed, and throws when it fails.
public func sqlite3(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [path, sql]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw SQLiteShellFailure(sql: sql, status: process.terminationStatus) }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// The `sqlite3` shell exited with a failure.
public struct SQLiteShellFailure: Error, CustomStringConvertible {
    /// The SQL it ran.
    public var sql: String
    /// Its exit status.
    public var status: Int32

    /// The failure in a line.
    /// The failure in a line.
    public var description: String { "sqlite3 exited \(status) running: \(sql)" }
}
