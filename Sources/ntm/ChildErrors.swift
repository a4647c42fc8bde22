import Foundation

/// Collects a `--via` command's standard error on a thread of its own (so that a chatty command never
/// blocks on a full pipe), keeping only the end of it.
final class ChildErrors: @unchecked Sendable {
    let pipe = Pipe()
    private let lock = NSLock()
    private var tail: [UInt8] = []
    private var reader: Thread?

    /// Starts reading; call after the process started.
    func start() {
        // The child has its copy of the write end; ours must close, or the reader never sees the end.
        try? pipe.fileHandleForWriting.close()
        let handle = pipe.fileHandleForReading
        let thread = Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                lock.lock()
                tail.append(contentsOf: data)
                if tail.count > 4096 { tail.removeFirst(tail.count - 4096) }
                lock.unlock()
            }
        }
        reader = thread
        thread.start()
    }

    /// Waits (briefly) for the reader to see the end of the stream.
    func finish() {
        guard let reader else { return }
        for _ in 0..<200 where !reader.isFinished { usleep(5000) }
    }

    /// The last non-empty line the command printed, if any.
    func lastLine() -> String? {
        finish()
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: tail, as: UTF8.self).split(separator: "\n").last.map {
            $0.trimmingCharacters(in: .whitespaces)
        }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
