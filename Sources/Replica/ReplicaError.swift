import SyncCore

/// A failure a person can cause and act on, from opening a replica or importing a bundle.
///
/// Each case carries what the message needs; ``description`` is the English sentence. The application
/// layer translates cases into the user's language.
public enum ReplicaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No replica database at the path.
    case missingDatabase(path: String)
    /// A replica already exists at the path.
    case alreadyExists(path: String)
    /// The file is not a replica database (or is damaged).
    case notAReplica(path: String, reason: String)
    /// The database was written by a newer version of the program.
    case newerFormat(path: String, found: Int, supported: Int)
    /// The replica id is not acceptable.
    case invalidReplicaID(String)
    /// A bundle was refused; nothing was changed.
    case bundle(BundleError)
    /// A write names a row that does not exist, or was deleted.
    case noSuchRow(table: String, row: String)
    /// A local write would make an operation other replicas refuse (too long an author, a bad row id…).
    case invalidWrite(String)
    /// A decision names a conflict that is no longer open (someone resolved it, here or elsewhere).
    case conflictNotOpen(table: String, row: String, column: String, kind: Conflict.Kind)
    /// A decision was made on competing values that changed since (a new value arrived).
    case conflictChanged(table: String, row: String, column: String, kind: Conflict.Kind)
    /// Decisions written together disagree on one row: one keeps it and another deletes it, or two
    /// give a column different values.
    case contradictoryDecisions(table: String, row: String)
    /// A value was decided on a deleted row whose deletion is itself in conflict: decide that first.
    case deletionDisputed(table: String, row: String)
    /// A fork cannot be recovered under this replica id: it is the old one, or this database already
    /// holds operations written under it.
    case replicaIDInUse(String)

    public var description: String {
        switch self {
        case .missingDatabase(let path): return "no replica database at \(path); create one with `ntm init`"
        case .alreadyExists(let path): return "a replica database already exists at \(path)"
        case .notAReplica(let path, let reason): return "\(path) is not an ntm replica database (\(reason))"
        case .newerFormat(let path, let found, let supported):
            return
                "\(path) was written by a newer ntm (database format \(found)); this ntm reads format \(supported) at most: upgrade ntm"
        case .invalidReplicaID(let id):
            return "invalid replica id \"\(id)\": use 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"
        case .bundle(let error): return error.description
        case .noSuchRow(let table, let row): return "no row \(row) in \(table)"
        case .invalidWrite(let reason): return "this change cannot be written: \(reason)"
        case .conflictNotOpen(let table, let row, let column, _):
            return "the conflict on \(table) \(row) \(column) is no longer open; list the open ones again"
        case .conflictChanged(let table, let row, let column, _):
            return "the conflict on \(table) \(row) \(column) changed (a new value arrived); look at it again"
        case .contradictoryDecisions(let table, let row):
            return
                "the decisions on \(table) \(row) disagree (one keeps the record, another deletes it, or two values for one field)"
        case .deletionDisputed(let table, let row):
            return "\(table) \(row) is deleted and its deletion is itself in conflict: decide the deletion first"
        case .replicaIDInUse(let id):
            return "replica id \(id) has already written here: a recovered database needs an id never used before"
        }
    }
}

/// Why a bundle was refused. The bundle is refused whole: nothing of it is applied.
public enum BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The bundle could not be written there.
    case unwritable(path: String, reason: String)
    /// The export was pointed at a folder.
    case destinationIsFolder(path: String)
    /// The export was pointed at the replica's own database.
    case destinationIsDatabase(path: String)
    /// The file is empty.
    case empty
    /// The first line is not a bundle header.
    case notABundle(reason: String)
    /// The header's version is not one this program reads.
    case unsupportedVersion(Int64)
    /// The bundle was made for another catalogue or schema.
    case schemaMismatch(bundle: String, replica: String)
    /// A line is not a valid operation.
    case badLine(line: Int, reason: String)
    /// A line is longer than the limit.
    case lineTooLong(line: Int, limit: Int)
    /// The file ends before its trailer: it was cut short.
    case truncated(operationsRead: Int)
    /// The trailer's count does not match the operation lines.
    case countMismatch(trailer: Int64, found: Int)
    /// The operation lines do not hash to the trailer's digest: the file was altered.
    case digestMismatch
    /// Something follows the trailer.
    case dataAfterTrailer(line: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read bundle \(path): \(reason)"
        case .unwritable(let path, let reason): return "cannot write the bundle to \(path): \(reason)"
        case .destinationIsFolder(let path): return "\(path) is a folder: give a file name inside it"
        case .destinationIsDatabase(let path): return "\(path) is the replica's own database: give another file name"
        case .empty: return "the bundle file is empty"
        case .notABundle(let reason): return "not an ntm bundle: \(reason)"
        case .unsupportedVersion(let version):
            return "bundle version \(version) is not supported (this ntm reads version 1)"
        case .schemaMismatch(let bundle, let replica):
            return "the bundle was made for catalogue \(bundle), this replica uses \(replica)"
        case .badLine(let line, let reason): return "line \(line) of the bundle is not a valid operation: \(reason)"
        case .lineTooLong(let line, let limit): return "line \(line) of the bundle is longer than \(limit) bytes"
        case .truncated(let count):
            return "the bundle is truncated: it ends after \(count) operations without its end line"
        case .countMismatch(let trailer, let found):
            return "the bundle's end line announces \(trailer) operations but it holds \(found)"
        case .digestMismatch: return "the bundle was altered: its operations do not match the SHA-256 in its end line"
        case .dataAfterTrailer(let line): return "the bundle has data after its end line (line \(line))"
        }
    }
}
