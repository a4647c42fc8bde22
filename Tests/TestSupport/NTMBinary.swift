import Foundation
import Testing

/// What a run of the `ntm` binary printed and how it ended.
public struct RunResult: Sendable {
    /// The exit status (or the signal number, for a killed process).
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
}

/// Runs the built `ntm` executable the way a person does, in a given folder and environment: as it is
/// (``run(_:in:environment:stdin:)``, ``start(_:in:environment:stdin:)``), or as one person in a test's
/// folder with what the test expects of the run checked (``ok(_:_:user:environment:stdin:sourceLocation:)``,
/// ``output(_:_:user:environment:stdin:sourceLocation:)``, ``refuse(_:_:db:user:stdin:sourceLocation:)``,
/// ``attempt(_:_:user:environment:stdin:)``).
public struct NTMBinary: Sendable {
    /// The path of the binary.
    public let path: String
    /// Who runs the commands given a test's folder, as `NTM_USER`, unless a call names someone else.
    /// (``run(_:in:environment:stdin:)`` and ``start(_:in:environment:stdin:)`` set only the
    /// environment they are given.)
    public let user: String
    /// Whether ``ok(_:_:user:environment:stdin:sourceLocation:)`` also expects nothing on stderr.
    public let silentOnSuccess: Bool

    /// Finds the binary next to the test bundle (`swift build` puts both in the same folder); `user`
    /// runs the commands given a test's folder, and with `silentOnSuccess` a successful one must print
    /// nothing on stderr.
    public init(user: String = "Lan", silentOnSuccess: Bool = false) {
        self.user = user
        self.silentOnSuccess = silentOnSuccess
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

    /// A district in `folder`: the hub `hub.sqlite` of Triệu Sơn (`huyen-trieu-son`), and one commune
    /// laptop per entry, created and enrolled with its commune's role; records an issue on any failure.
    public func district(_ folder: TemporaryDirectory, laptops: [(replica: String, commune: String, db: String)])
        throws
    {
        try ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        for laptop in laptops {
            try ok(
                [
                    "init", "--replica", laptop.replica, "--commune", laptop.commune, "--district", "trieu-son",
                    "--db", laptop.db,
                ], folder)
            if let failure = try enrol(laptop.replica, as: "commune:\(laptop.commune)", db: laptop.db, in: folder.path)
            {
                Issue.record("\(failure)")
            }
        }
    }

    /// Runs `ntm` in `folder` as `user` (``user`` unless given), with `environment` added, and records an
    /// issue unless it exits 0 (and, with ``silentOnSuccess``, unless stderr is empty).
    @discardableResult
    public func ok(
        _ arguments: [String], _ folder: TemporaryDirectory, user: String? = nil,
        environment: [String: String] = [:], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RunResult {
        let result = try attempt(arguments, folder, user: user, environment: environment, stdin: stdin)
        #expect(
            result.status == 0, "ntm \(arguments.joined(separator: " ")): \(result.stderr)",
            sourceLocation: sourceLocation)
        if silentOnSuccess { #expect(result.stderr.isEmpty, sourceLocation: sourceLocation) }
        return result
    }

    /// What a run that must succeed (``ok(_:_:user:environment:stdin:sourceLocation:)``) printed on
    /// stdout.
    @discardableResult
    public func output(
        _ arguments: [String], _ folder: TemporaryDirectory, user: String? = nil,
        environment: [String: String] = [:], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        try ok(
            arguments, folder, user: user, environment: environment, stdin: stdin, sourceLocation: sourceLocation
        ).stdout
    }

    /// Runs `ntm` in `folder` as `user` (``user`` unless given), with `environment` added, expecting
    /// nothing of the run.
    public func attempt(
        _ arguments: [String], _ folder: TemporaryDirectory, user: String? = nil,
        environment: [String: String] = [:], stdin: String? = nil
    ) throws -> RunResult {
        try run(
            arguments, in: folder.path, environment: environment.merging(["NTM_USER": user ?? self.user]) { $1 },
            stdin: stdin)
    }

    /// Runs a command that must be refused: exit 1 and one line on stderr, `ntm: lỗi: …`; returns that
    /// line. With `db`, the command runs on that database (`--db DB` is appended) and its dump must be
    /// the same after: nothing written by a refused command.
    @discardableResult
    public func refuse(
        _ arguments: [String], _ folder: TemporaryDirectory, db: String? = nil, user: String? = nil,
        stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let database = db.map { ["--db", $0] } ?? []
        let before = db == nil ? nil : try output(["dump"] + database, folder, sourceLocation: sourceLocation)
        let result = try attempt(arguments + database, folder, user: user, stdin: stdin)
        #expect(
            result.status == 1, "ntm \(arguments.joined(separator: " ")) should fail", sourceLocation: sourceLocation)
        #expect(
            result.stderr.hasPrefix("ntm: lỗi: ") && result.stderr.filter { $0 == "\n" }.count == 1,
            "\(result.stderr)", sourceLocation: sourceLocation)
        if let before {
            #expect(
                try output(["dump"] + database, folder, sourceLocation: sourceLocation) == before,
                "nothing written by a refused command", sourceLocation: sourceLocation)
        }
        return result.stderr
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
