import Crypto
import Foundation
import SyncCore

/// Reads, checks and parses a bundle on its own thread, handing operations to the applying thread in
/// batches through a bounded queue, so that parsing and hashing overlap the SQLite work and memory stays
/// bounded whatever the bundle's size.
///
/// The reader checks everything the format promises: the header (type, version, schema), every line as
/// an operation, the trailer's count and SHA-256, and that nothing follows the trailer in a version 1
/// bundle. In a version 2 bundle it stops after the trailer and says where the file section starts: the
/// consumer reads that part itself once the operations are committed. Its last item is `.finished` or
/// `.failed`; the consumer must not commit before `.finished`.
final class BundleReader: @unchecked Sendable {
    enum Item: Sendable {
        /// The header was read (always the first item of a readable bundle).
        case header(BundleHeader)
        case operations([PreparedOperation])
        /// The operation part is whole; `files` says where the file section starts (version 2 only).
        case finished(operations: Int, bytes: Int, files: LinePosition?)
        case failed(BundleError)
    }

    private let condition = NSCondition()
    private var items: [Item] = []
    private var cancelled = false
    private let capacity = 4
    private let batchSize = 2048
    /// A batch is handed over sooner when its texts reach this many bytes (lines may be long).
    private static let batchBytes = 4 << 20

    /// Starts reading `path` on a new thread.
    init(path: String, schemaTag: String) {
        let thread = Thread { [self] in self.produce(path: path, schemaTag: schemaTag) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The next item, waiting for it if needed.
    func next() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Stops the reader (the consumer failed); safe to call more than once.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private struct Cancelled: Error {}

    private func put(_ item: Item) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        items.append(item)
        condition.broadcast()
    }

    private func produce(path: String, schemaTag: String) {
        do {
            let (count, bytes, files) = try read(path: path, schemaTag: schemaTag)
            try put(.finished(operations: count, bytes: bytes, files: files))
        } catch is Cancelled {
            return
        } catch let error as BundleError {
            try? put(.failed(error))
        } catch let failure as LineReader.Failure {
            switch failure {
            case .tooLong(let line): try? put(.failed(.lineTooLong(line: line, limit: LineLimit.maximumBytes)))
            case .io(let reason): try? put(.failed(.unreadable(path: path, reason: reason)))
            case .gzipBroken(let reason): try? put(.failed(.gzipBroken(reason: reason)))
            case .gzipTruncated: try? put(.failed(.gzipTruncated))
            }
        } catch {
            try? put(.failed(.unreadable(path: path, reason: "\(error)")))
        }
    }

    /// Thrown by the line handler to stop after a version 2 bundle's trailer.
    private struct FileSectionReached: Error {}

    private func read(path: String, schemaTag: String) throws -> (Int, Int, LinePosition?) {
        let reader = try LineReader(path: path, maximumLineLength: LineLimit.maximumBytes)
        var hasher = SHA256()
        var headerSeen = false
        var trailerSeen = false
        var withFiles = false
        var fileSection: LinePosition?
        var count = 0
        var bytes = 0
        var batch: [(SyncOperation, LogTextSpans)] = []
        batch.reserveCapacity(batchSize)
        var texts = LogTextBuilder(capacity: 1 << 20)
        // The batch's texts in one block, handed over with it.
        func handOver() throws {
            let block = texts.finish()
            try put(.operations(batch.map { PreparedOperation($0.0, texts: block, spans: $0.1) }))
            batch.removeAll(keepingCapacity: true)
        }
        do {
            try reader.forEachLine { number, line, terminated in
                bytes += line.count + (terminated ? 1 : 0)
                if trailerSeen { throw BundleError.dataAfterTrailer(line: number) }
                guard terminated else {
                    throw headerSeen
                        ? BundleError.truncated(operationsRead: count)
                        : BundleError.notABundle(reason: "no complete first line")
                }
                if headerSeen, let op = try Self.operation(line, number: number, texts: &texts) {
                    hasher.update(bufferPointer: line)
                    hasher.update(data: [0x0A])
                    count += 1
                    batch.append(op)
                    if batch.count == batchSize || texts.count >= Self.batchBytes { try handOver() }
                    return
                }
                let json: JSONValue
                do {
                    json = try JSONParser.parse(buffer: line)
                } catch {
                    if !headerSeen { throw BundleError.notABundle(reason: "the first line is not JSON (\(error))") }
                    throw BundleError.badLine(line: number, reason: "not valid JSON: \(error)")
                }
                if !headerSeen {
                    let header = try Self.checkHeader(json, schemaTag: schemaTag)
                    withFiles = header.version == BundleFormat.filesVersion
                    headerSeen = true
                    try put(.header(header))
                    return
                }
                // Not an operation: it must be the trailer.
                guard let announced = json["count"]?.int, let digest = json["sha256"]?.string else {
                    throw BundleError.badLine(line: number, reason: "the end line needs \"count\" and \"sha256\"")
                }
                guard announced == Int64(count) else {
                    throw BundleError.countMismatch(trailer: announced, found: count)
                }
                let actual = hasher.finalize().hexString
                guard actual == digest else { throw BundleError.digestMismatch }
                trailerSeen = true
                if withFiles {
                    fileSection = LinePosition(offset: UInt64(bytes), line: number + 1)
                    throw FileSectionReached()
                }
            }
        } catch is FileSectionReached {}
        if !headerSeen { throw BundleError.empty }
        if !trailerSeen { throw BundleError.truncated(operationsRead: count) }
        if !batch.isEmpty { try handOver() }
        return (count, bytes, fileSection)
    }

    /// The operation on this line, or nil when the line is the trailer (`"type":"end"`). A line in the
    /// canonical layout is read in one pass; any other goes through the general parser.
    private static func operation(
        _ line: UnsafeRawBufferPointer, number: Int, texts: inout LogTextBuilder
    ) throws -> (SyncOperation, LogTextSpans)? {
        if let decoded = OperationLine.decodeCanonical(line) {
            return (decoded.operation, texts.add(decoded, line: line))
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(buffer: line)
        } catch {
            throw BundleError.badLine(line: number, reason: "not valid JSON: \(error)")
        }
        if json["type"]?.string == "end" { return nil }
        do {
            let op = try SyncOperation(json: json)
            return (op, texts.add(op))
        } catch {
            throw BundleError.badLine(line: number, reason: "\(error)")
        }
    }

    /// Checks the header line; returns what it says.
    private static func checkHeader(_ json: JSONValue, schemaTag: String) throws -> BundleHeader {
        guard json["type"]?.string == "bundle" else {
            throw BundleError.notABundle(reason: "the first line is not a bundle header")
        }
        guard let version = json["version"]?.int else {
            throw BundleError.notABundle(reason: "the header has no version")
        }
        guard BundleFormat.readable.contains(version) else { throw BundleError.unsupportedVersion(version) }
        guard let from = json["from"]?.string, Identifiers.isReplicaID(from) else {
            throw BundleError.notABundle(reason: "the header has no valid \"from\" replica id")
        }
        guard json["created_ms"]?.int != nil else {
            throw BundleError.notABundle(reason: "the header has no integer \"created_ms\"")
        }
        if let since = json["since"] {
            do { _ = try Summary(json: since) } catch {
                throw BundleError.notABundle(reason: "the header's \"since\" is not a summary: \(error.reason)")
            }
        }
        guard let tag = json["schema"]?.string else { throw BundleError.notABundle(reason: "the header has no schema") }
        guard tag == schemaTag else { throw BundleError.schemaMismatch(bundle: tag, replica: schemaTag) }
        let checkpoints: [Checkpoint]
        do { checkpoints = try Checkpoint.list(json["checkpoints"]) } catch {
            throw BundleError.notABundle(reason: "the header's \"checkpoints\": \(error.description)")
        }
        let enrolments: [EnrolmentRecord]
        do { enrolments = try EnrolmentRecord.list(json["enrolments"]) } catch {
            throw BundleError.notABundle(reason: "the header's \"enrolments\": \(error.description)")
        }
        return BundleHeader(
            version: version, from: from, checkpoints: checkpoints, enrolments: enrolments,
            lowerHub: json["lower_hub"].flatMap { $0 == .null ? nil : $0 })
    }
}

/// What a bundle's header says that its reader acts on.
struct BundleHeader: Sendable {
    /// The format version.
    var version: Int64
    /// The replica that wrote the bundle (its carrier, not necessarily every operation's writer).
    var from: String
    /// The checkpoints vouching for the operations (§14).
    var checkpoints: [Checkpoint]
    /// The district hub's enrolment log entries the writer holds (§14.6).
    var enrolments: [EnrolmentRecord]
    /// A lower hub's introduction of its log's key, as written (§15); the hub above checks it.
    var lowerHub: JSONValue?
}

/// What a bundle's header says of its writer, read before the bundle is imported: who wrote it, the
/// enrolment log entries it carries, and a lower hub's introduction of its log's key.
public struct BundleIntroduction: Sendable {
    /// The replica that wrote the bundle.
    public var from: String
    /// The enrolment log entries the header carries.
    public var enrolments: [EnrolmentRecord]
    /// A lower hub's introduction (§15), as written; nil when the writer is no hub below another.
    public var lowerHub: JSONValue?
}
