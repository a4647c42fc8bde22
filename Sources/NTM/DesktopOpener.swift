import Foundation

/// Opens a file with the desktop's viewer, as a child process: `xdg-open` on Linux, `open` on macOS,
/// or the command (a name on `PATH`, or a path) in the environment variable `NTM_OPEN`.
public enum DesktopOpener {
    /// The opener command: `NTM_OPEN` when set, else the platform's.
    public static var command: String {
        if let chosen = ProcessInfo.processInfo.environment["NTM_OPEN"], !chosen.isEmpty { return chosen }
        #if os(macOS)
            return "open"
        #else
            return "xdg-open"
        #endif
    }

    /// Runs `command` with `path` as its one argument and waits for it; returns its exit status, or nil
    /// when there is no such program here.
    public static func open(_ path: String, with command: String) throws -> Int32? {
        guard let executable = executable(command) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [path]
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The program `command` names: itself when it contains a `/`, else the first executable of that
    /// name in a folder of `PATH`.
    static func executable(_ command: String) -> String? {
        func runnable(_ path: String) -> Bool {
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && !folder.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
        if command.contains("/") { return runnable(command) ? command : nil }
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/\(command)" }.first(where: runnable)
    }
}
