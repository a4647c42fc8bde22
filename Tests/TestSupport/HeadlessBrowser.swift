import Foundation

/// Chromium (or Chrome) run headless, to load a page the way people will see it: its DOM after
/// parsing, or a screenshot.
///
/// Where no browser is installed the tests that need one are skipped, unless the environment variable
/// `NTM_REQUIRE_RENDERERS=1` is set (CI sets it): then a missing browser is a failure.
public struct HeadlessBrowser: Sendable {
    /// The browser's executable.
    public let executable: String
    /// How long one run may take before it is stopped.
    public let timeout: TimeInterval

    /// The names tried on `PATH`, in order.
    public static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// Whether a missing renderer must fail the tests (`NTM_REQUIRE_RENDERERS=1`).
    public static var required: Bool { ProcessInfo.processInfo.environment["NTM_REQUIRE_RENDERERS"] == "1" }

    /// The first browser found on `PATH`, nil when there is none.
    public static func find(timeout: TimeInterval = 60) -> HeadlessBrowser? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in candidates {
            for folder in path.split(separator: ":") {
                let file = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: file) {
                    return HeadlessBrowser(executable: file, timeout: timeout)
                }
            }
        }
        return nil
    }

    /// Creates a runner for `executable`.
    public init(executable: String, timeout: TimeInterval = 60) {
        self.executable = executable
        self.timeout = timeout
    }

    /// What went wrong running the browser.
    public enum Failure: Error, CustomStringConvertible {
        /// It ran longer than the timeout and was stopped.
        case timedOut(seconds: TimeInterval)
        /// It exited with a failure status.
        case failed(status: Int32, stderr: String)

        /// The failure in words.
        public var description: String {
            switch self {
            case .timedOut(let seconds): "the browser ran longer than \(Int(seconds)) s and was stopped"
            case .failed(let status, let stderr): "the browser exited with status \(status): \(stderr.suffix(2000))"
            }
        }
    }

    /// The DOM of `file` once loaded, serialised (`--dump-dom`); with `javascript: false` the page's
    /// scripts are blocked, as they will be for a page that must not need them. (They are blocked by
    /// the profile's content settings: `--blink-settings=scriptEnabled=false` also stops the browser's
    /// own serialisation, and `--dump-dom` then prints nothing, in Chromium 156.)
    public func dumpDOM(file: String, javascript: Bool = false) throws -> String {
        try run(["--dump-dom", Self.url(file)], javascript: javascript)
    }

    /// A PNG screenshot of `file` in a window of `width` × `height` pixels, written to `to`.
    public func screenshot(file: String, to output: String, width: Int, height: Int) throws {
        _ = try run([
            "--screenshot=\(output)", "--window-size=\(width),\(height)", "--hide-scrollbars", Self.url(file),
        ])
    }

    /// The page printed to PDF (A4 when the page asks for it), written to `to`.
    public func printToPDF(file: String, to output: String) throws {
        _ = try run(["--print-to-pdf=\(output)", "--no-pdf-header-footer", Self.url(file)])
    }

    /// The `file://` URL of a path.
    static func url(_ file: String) -> String { URL(fileURLWithPath: file).absoluteString }

    /// Runs the browser headless with a fresh profile folder; returns its standard output (its standard
    /// error is noise and is only reported on failure).
    func run(_ arguments: [String], javascript: Bool = true) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ntm-chromium-\(UUID().uuidString)")
        let settings = profile.appendingPathComponent("Default")
        try FileManager.default.createDirectory(at: settings, withIntermediateDirectories: true)
        if !javascript {
            try Data(#"{"profile":{"default_content_setting_values":{"javascript":2}}}"#.utf8).write(
                to: settings.appendingPathComponent("Preferences"))
        }
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile.path)",
            ] + arguments
        let output = Pipe()
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ntm-chromium-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer { try? errorHandle.close() }
        process.standardOutput = output
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        // Read while it runs, so that a large DOM cannot fill the pipe and block the browser.
        let reading = OutputBox()
        let handle = output.fileHandleForReading
        let read = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            reading.set(handle.readDataToEndOfFile())
            read.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw Failure.timedOut(seconds: timeout)
        }
        _ = read.wait(timeout: .now() + 10)
        let data = reading.get()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Failure.failed(status: process.terminationStatus, stderr: stderr)
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Bytes handed from the reading thread to the waiting one.
private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
