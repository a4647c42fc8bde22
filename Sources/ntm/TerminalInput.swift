import Foundation

/// A person's answers on standard input: single keypresses on a terminal (without waiting for Enter),
/// whole lines when input is a file or a pipe (a script of answers, one per line).
///
/// Reads go straight to the file descriptor, unbuffered, so keypresses and lines can be mixed.
final class TerminalInput {
    /// The file descriptor read.
    let fd: Int32
    /// Whether it is a terminal.
    let isTerminal: Bool

    init(fd: Int32) {
        self.fd = fd
        isTerminal = isatty(fd) == 1
    }

    /// The next answer to a one-key question: on a terminal, one key (Ctrl-C and Ctrl-D read as `q`);
    /// otherwise the next non-empty line, trimmed. Nil at the end of input.
    func key() -> String? {
        guard isTerminal else {
            while let line = line() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { return trimmed }
            }
            return nil
        }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return line() }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
        setReadMinimum(&raw, bytes: 1, tenths: 0)
        // Whatever ends the process meanwhile, the terminal is put back as it was.
        TerminalRestore.arm(fd: fd, settings: saved)
        defer { TerminalRestore.disarm() }
        tcsetattr(fd, TCSANOW, &raw)
        defer { tcsetattr(fd, TCSANOW, &saved) }
        var bytes: [UInt8] = []
        while let byte = readByte() {
            if bytes.isEmpty, byte == 3 || byte == 4 { return "q" }
            if bytes.isEmpty, byte == 10 || byte == 13 { continue }
            if bytes.isEmpty, byte == 0x1B {
                // An arrow or function key: its escape sequence is read whole and ignored.
                var drain = raw
                setReadMinimum(&drain, bytes: 0, tenths: 1)
                tcsetattr(fd, TCSANOW, &drain)
                while readByte() != nil {}
                tcsetattr(fd, TCSANOW, &raw)
                continue
            }
            bytes.append(byte)
            // A whole UTF-8 character: its length is announced by the first byte.
            let length = bytes[0] < 0x80 ? 1 : bytes[0] < 0xE0 ? 2 : bytes[0] < 0xF0 ? 3 : 4
            if bytes.count >= length { return String(decoding: bytes, as: UTF8.self) }
        }
        return nil
    }

    private func setReadMinimum(_ settings: inout termios, bytes: UInt8, tenths: UInt8) {
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = bytes
            cc[Int(VTIME)] = tenths
        }
    }

    /// The next line without its line break (editable and echoed on a terminal). Nil at the end of input.
    func line() -> String? {
        var bytes: [UInt8] = []
        while let byte = readByte() {
            if byte == 10 { return clean(bytes) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : clean(bytes)
    }

    private func clean(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(fd, &byte, 1)
            if count == 1 { return byte }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }
}

/// Puts the terminal back when a signal (SIGTERM, SIGHUP) ends the process while a key is awaited in
/// raw mode, then lets the signal do what it would have done.
enum TerminalRestore {
    nonisolated(unsafe) private static var fd: Int32 = -1
    nonisolated(unsafe) private static var settings = termios()
    static let signals = [SIGTERM, SIGHUP, SIGQUIT]

    static func arm(fd: Int32, settings: termios) {
        Self.settings = settings
        Self.fd = fd
        for number in signals {
            signal(number) { number in
                if TerminalRestore.fd >= 0 { tcsetattr(TerminalRestore.fd, TCSANOW, &TerminalRestore.settings) }
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    static func disarm() {
        fd = -1
        for number in signals { signal(number, SIG_DFL) }
    }
}
