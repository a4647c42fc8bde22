import Crypto
import Foundation
import Replica
import SyncCore

/// One of the commune's own notes.
public struct NoteRecord: Sendable, Hashable {
    /// The note's id (12 hex digits).
    public var uid: String
    /// What it says.
    public var text: String
    /// The indicator it is about, if any.
    public var indicator: String?
    /// The day it was written.
    public var written: CalendarDate?
}
