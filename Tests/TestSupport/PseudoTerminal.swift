import Foundation

/// A pseudo-terminal pair: the child side is a real terminal for the process under test (so it reads
/// single keypresses), the test writes keys to and reads output from the controlling side.
public final class PseudoTerminal: @unchecked Sendable {
    /// What the process printed, filled by a reader thread that holds only this and the descriptor.
    private final class Output: @unchecked Sendable {
        let lock = NSLock()
        var data = Data()
    }

    /// The controlling side, which the test writes keys to and reads output from.
    public let controller: Int32
    /// The child side: the standard input, output and error of the process under test.
    public let child: FileHandle
    private let received = Output()

    /// Opens a new pseudo-terminal pair and starts reading what the child side prints.
    public init() throws {
        // The pty functions are in the C library but not in the headers Swift imports: look them up.
        typealias Open = @convention(c) (Int32) -> Int32
        typealias Control = @convention(c) (Int32) -> Int32
        typealias Name = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        func function<T>(_ name: String, _: T.Type) throws -> T {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
                throw CocoaError(.featureUnsupported)
            }
            return unsafeBitCast(symbol, to: T.self)
        }
        controller = try function("posix_openpt", Open.self)(O_RDWR | O_NOCTTY)
        guard controller >= 0, try function("grantpt", Control.self)(controller) == 0,
            try function("unlockpt", Control.self)(controller) == 0,
            let name = try function("ptsname", Name.self)(controller)
        else {
            throw CocoaError(.fileReadUnknown)
        }
        let fd = open(String(cString: name), O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
        child = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        let (descriptor, output) = (controller, received)
        Thread {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &chunk, chunk.count)
                if count <= 0 { return }
                output.lock.withLock { output.data.append(contentsOf: chunk[0..<count]) }
            }
        }.start()
    }

    /// Closes the child side; the reader thread ends once no process holds it.
    public func close() { try? child.close() }

    deinit { Glibc.close(controller) }

    /// Everything the process printed so far.
    public var output: String { received.lock.withLock { String(decoding: received.data, as: UTF8.self) } }

    /// Whether the terminal is in its normal (line-editing, echoing) mode.
    public var isCooked: Bool {
        var settings = termios()
        guard tcgetattr(child.fileDescriptor, &settings) == 0 else { return false }
        let flags = tcflag_t(ICANON | ECHO)
        return settings.c_lflag & flags == flags
    }

    /// Sets the terminal's width in columns, as a resized window does.
    public func setWidth(_ columns: UInt16) {
        var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(child.fileDescriptor, UInt(TIOCSWINSZ), &size)
    }

    /// Types text as keys.
    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(controller, $0.baseAddress, $0.count) }
    }

    /// Waits (up to a minute) until `text` has appeared `occurrences` times.
    public func waitFor(_ text: String, occurrences: Int = 1) -> Bool {
        for _ in 0..<600 {
            if output.components(separatedBy: text).count - 1 >= occurrences { return true }
            usleep(100_000)
        }
        return false
    }
}
