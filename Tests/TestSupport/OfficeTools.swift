import Foundation

/// The office tools the document tests render with: LibreOffice (`soffice`) to turn a .docx into a
/// PDF, poppler's `pdftotext` and `pdftoppm` to read the PDF's text and draw its first page.
///
/// The rule for a machine without them: a test that needs them runs when ``shouldRun`` is true, which
/// it is when they are all installed, or when `NTM_REQUIRE_RENDERERS=1` is set (CI sets it): then a
/// missing tool throws ``OfficeToolFailure/missing(_:)`` and the test fails instead of being skipped.
/// Use it as `@Test(.enabled(if: OfficeTools.shouldRun, "needs LibreOffice and poppler-utils"))`.
public enum OfficeTools {
    /// The LibreOffice binary, if found on PATH or in the usual places.
    public static let soffice: String? = find(["soffice", "libreoffice"])
    /// `pdftotext`, if found.
    public static let pdftotext: String? = find(["pdftotext"])
    /// `pdftoppm`, if found.
    public static let pdftoppm: String? = find(["pdftoppm"])

    /// Whether every tool is installed.
    public static var available: Bool { soffice != nil && pdftotext != nil && pdftoppm != nil }

    /// Whether the environment requires the tools (`NTM_REQUIRE_RENDERERS=1`): a missing one is then a
    /// failure, not a skip.
    public static var required: Bool { ProcessInfo.processInfo.environment["NTM_REQUIRE_RENDERERS"] == "1" }

    /// Whether tests that render should run: the tools are there, or they are required (and fail).
    public static var shouldRun: Bool { available || required }

    /// Converts `file` (a .docx) to a PDF in `directory` with LibreOffice, in a profile of its own (so
    /// that conversions can run in parallel); returns the PDF's path.
    /// - Throws: ``OfficeToolFailure`` when LibreOffice is missing, fails, times out, or writes no PDF.
    public static func pdf(of file: String, in directory: String, timeout: TimeInterval = 180) throws -> String {
        guard let soffice else { throw OfficeToolFailure.missing("soffice") }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ntm-soffice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        try run(
            soffice,
            [
                "--headless", "--norestore", "-env:UserInstallation=\(profile.absoluteString)", "--convert-to", "pdf",
                "--outdir", directory, file,
            ], timeout: timeout)
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + ".pdf"
        let pdf = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: pdf) else {
            throw OfficeToolFailure.failed(tool: "soffice", status: 0, output: "no PDF written for \(file)")
        }
        return pdf
    }

    /// The PDF's text, laid out as on the page (`pdftotext -layout`), or with `layout` false in reading
    /// order, each table cell's lines together (a cell's wrapped text is then not interleaved with its
    /// neighbours').
    public static func text(ofPDF pdf: String, layout: Bool = true, timeout: TimeInterval = 60) throws -> String {
        guard let pdftotext else { throw OfficeToolFailure.missing("pdftotext") }
        let output = pdf + (layout ? ".txt" : ".raw.txt")
        try run(pdftotext, (layout ? ["-layout"] : []) + ["-enc", "UTF-8", pdf, output], timeout: timeout)
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    /// The number of pages of the PDF (the form feeds `pdftotext` puts between pages, plus one).
    public static func pageCount(ofText text: String) -> Int {
        text.split(separator: "\u{0C}", omittingEmptySubsequences: true).filter {
            !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }.count
    }

    /// Draws the PDF's first page as a PNG at 60 dots per inch; returns the PNG's path.
    public static func firstPagePNG(ofPDF pdf: String, timeout: TimeInterval = 60) throws -> String {
        guard let pdftoppm else { throw OfficeToolFailure.missing("pdftoppm") }
        let prefix = URL(fileURLWithPath: pdf).deletingPathExtension().path + "-page"
        try run(pdftoppm, ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, prefix], timeout: timeout)
        let png = prefix + ".png"
        guard FileManager.default.fileExists(atPath: png) else {
            throw OfficeToolFailure.failed(tool: "pdftoppm", status: 0, output: "no PNG written for \(pdf)")
        }
        return png
    }

    /// Runs `tool` and waits for it, at most `timeout` seconds (then kills it and throws).
    private static func run(_ tool: String, _ arguments: [String], timeout: TimeInterval) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        // Output goes to a file, so that a chatty tool cannot block on a full pipe.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("ntm-office-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw OfficeToolFailure.timedOut(tool: tool, seconds: timeout)
        }
        guard process.terminationStatus == 0 else {
            throw OfficeToolFailure.failed(tool: tool, status: process.terminationStatus, output: output)
        }
    }

    /// The first of `names` found on PATH, or in /usr/bin, /usr/local/bin, /opt/homebrew/bin or
    /// LibreOffice's macOS bundle.
    private static func find(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders =
            path.split(separator: ":").map(String.init) + [
                "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin", "/Applications/LibreOffice.app/Contents/MacOS",
            ]
        for name in names {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }
}

/// An office tool was missing, failed, or took too long.
public enum OfficeToolFailure: Error, CustomStringConvertible {
    /// The tool is not installed (and `NTM_REQUIRE_RENDERERS=1` requires it).
    case missing(String)
    /// The tool exited with a failure.
    case failed(tool: String, status: Int32, output: String)
    /// The tool did not finish in time and was stopped.
    case timedOut(tool: String, seconds: TimeInterval)

    /// The failure in a line.
    public var description: String {
        switch self {
        case .missing(let tool): "\(tool) is not installed (NTM_REQUIRE_RENDERERS=1 requires it)"
        case .failed(let tool, let status, let output): "\(tool) exited \(status): \(output)"
        case .timedOut(let tool, let seconds): "\(tool) did not finish in \(Int(seconds)) seconds"
        }
    }
}
