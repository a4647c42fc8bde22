import Foundation

/// What a run of the `ntm` binary printed and how it ended.
public struct RunResult: Sendable {
    /// The exit status (or the signal number, for a killed process).
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
}

/// Runs the built `ntm` executable the way a person does, in a given folder and environment.
public struct NTMBinary: Sendable {
    /// The path of the binary.
    public let path: String

    /// Finds the binary next to the test bundle (`swift build` puts both in the same folder).
    public init() {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ].map { $0.appendingPathComponent("ntm").path }
        path = candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Runs `ntm` with `arguments`; the environment has no NTM_* variables unless given.
    public func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], stdin: String? = nil
    )
        throws -> RunResult
    {
        let process = try start(arguments, in: directory, environment: environment, stdin: stdin)
        let out = process.standardOutput as! Pipe
        let err = process.standardError as! Pipe
        // Read both pipes while the process runs, so that a large output cannot block it.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return RunResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Enrols a replica at a hub and installs its credential, as the district office and the commune
    /// do (`ntm hub enroll`, then `ntm credential install`); returns the first failure's message.
    @discardableResult
    public func enrol(
        _ replica: String, as role: String, db: String, hub: String = "hub.sqlite", in directory: String
    ) throws -> String? {
        let file = "\(replica).cred"
        try? FileManager.default.removeItem(atPath: "\(directory)/\(file)")
        for arguments in [
            ["hub", "enroll", "--replica", replica, "--role", role, "--out", file, "--renew", "--db", hub],
            ["credential", "install", file, "--db", db],
        ] {
            let result = try run(arguments, in: directory)
            if result.status != 0 { return "ntm \(arguments.joined(separator: " ")): \(result.stderr)" }
        }
        return nil
    }

    /// Starts `ntm` without waiting (for tests that kill it).
    public func start(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], stdin: String? = nil
    )
        throws -> Process
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("NTM_") }
        env["TZ"] = "Asia/Ho_Chi_Minh"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        return process
    }
}
