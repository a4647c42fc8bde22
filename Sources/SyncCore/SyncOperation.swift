import Crypto

/// One write to one field, as it is logged, bundled and sent over the wire.
///
/// The context is the field's version vector as the writer saw it (for a tombstone, the join of every
/// field of the row): the writes it covers are the ones this write replaces. The author, wall-clock
/// time and note are provenance for people; the merge never reads the clock except to pick which of
/// several concurrent values to show first.
public struct SyncOperation: Hashable, Sendable {
    /// The write's unique identity.
    public var dot: Dot
    /// The field written.
    public var key: FieldKey
    /// The new value.
    public var value: FieldValue
    /// What the writer had seen of this field when writing.
    public var context: VersionVector
    /// Who wrote it (a person's name, as they gave it).
    public var author: String
    /// The writer's wall clock, milliseconds since 1970-01-01 UTC; informational only.
    public var wallMs: Int64
    /// An optional note written with the value ("theo biên bản số 12").
    public var note: String?
    /// The ``hash`` of the same origin's previous operation (`seq − 1`): each origin's operations form
    /// a chain, so that an operation changed or removed afterwards is found. Nil for an origin's first
    /// operation (and for operations made before chains existed).
    public var prev: [UInt8]?

    /// Creates an operation.
    public init(
        dot: Dot, key: FieldKey, value: FieldValue, context: VersionVector, author: String, wallMs: Int64,
        note: String? = nil, prev: [UInt8]? = nil
    ) {
        self.dot = dot
        self.key = key
        self.value = value
        self.context = context
        self.author = author
        self.wallMs = wallMs
        self.note = note
        self.prev = prev
    }

    /// The SHA-256 of the operation's canonical line (``jsonLine``, which includes `prev`): what the
    /// origin's next operation names as its `prev`.
    public var hash: [UInt8] {
        var writer = JSONWriter(capacity: 320)
        write(to: &writer)
        return Array(SHA256.hash(data: writer.bytes))
    }
}
