/// A set of sequence numbers of one origin, kept as sorted, disjoint, non-adjacent closed ranges.
///
/// A replica normally holds `1...n` of every origin; bundles imported out of order leave gaps for a
/// while, and the ranges say exactly which operations are still missing.
public struct SeqRanges: Hashable, Sendable {
    /// The ranges, sorted and separated by at least one missing number.
    public private(set) var ranges: [ClosedRange<UInt64>]

    /// The empty set.
    public init() { ranges = [] }

    /// A set from ranges in any order; overlapping and adjacent ranges are merged.
    ///
    /// Sorted once and merged in one pass, so that a summary of many ranges read from a peer (a line of
    /// 1 MiB holds some 70,000) costs O(n log n), not one ``insert(_:)`` of O(n) per range.
    public init(_ ranges: [ClosedRange<UInt64>]) {
        var merged: [ClosedRange<UInt64>] = []
        merged.reserveCapacity(ranges.count)
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, last.upperBound == .max || range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    /// The JSON form: `[[first, last], …]`.
    public var json: JSONValue {
        .array(ranges.map { .array([.int(Int64($0.lowerBound)), .int(Int64($0.upperBound))]) })
    }

    /// Whether no number is held.
    public var isEmpty: Bool { ranges.isEmpty }

    /// How many numbers are held.
    public var count: UInt64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound + 1) } }

    /// The highest number held, 0 if none.
    public var upperBound: UInt64 { ranges.last?.upperBound ?? 0 }

    /// The smallest sequence number from 1 not held.
    public var firstMissing: UInt64 {
        guard let first = ranges.first, first.lowerBound == 1 else { return 1 }
        return first.upperBound + 1
    }

    /// Whether `seq` is held.
    public func contains(_ seq: UInt64) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < seq { low = mid + 1 } else { high = mid }
        }
        return low < ranges.count && ranges[low].contains(seq)
    }

    /// How many numbers both sets hold (one pass over both lists of ranges).
    public func intersectionCount(_ other: SeqRanges) -> UInt64 {
        var i = 0
        var j = 0
        var count: UInt64 = 0
        while i < ranges.count, j < other.ranges.count {
            let a = ranges[i]
            let b = other.ranges[j]
            let low = max(a.lowerBound, b.lowerBound)
            let high = min(a.upperBound, b.upperBound)
            if low <= high { count += high - low + 1 }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return count
    }

    /// Adds one number unless present; returns whether it was added.
    public mutating func insertIfAbsent(_ seq: UInt64) -> Bool {
        if let last = ranges.last, last.upperBound + 1 == seq {
            ranges[ranges.count - 1] = last.lowerBound...seq
            return true
        }
        if contains(seq) { return false }
        insert(seq...seq)
        return true
    }

    /// Adds one number.
    public mutating func insert(_ seq: UInt64) {
        if let last = ranges.last {
            if last.upperBound + 1 == seq {
                ranges[ranges.count - 1] = last.lowerBound...seq
                return
            }
            if last.contains(seq) { return }
        }
        insert(seq...seq)
    }

    /// Adds a range of numbers.
    public mutating func insert(_ range: ClosedRange<UInt64>) {
        var lower = range.lowerBound
        var upper = range.upperBound
        var kept: [ClosedRange<UInt64>] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound + 1 < lower {
                kept.append(existing)
            } else if upper + 1 < existing.lowerBound {
                if !placed {
                    kept.append(lower...upper)
                    placed = true
                }
                kept.append(existing)
            } else {
                lower = min(lower, existing.lowerBound)
                upper = max(upper, existing.upperBound)
            }
        }
        if !placed { kept.append(lower...upper) }
        ranges = kept
    }
}

/// What a replica holds of the operation log: for each origin, the sequence numbers it has.
///
/// `ntm summary` prints it and `ntm bundle export --since` reads it back, so that a bundle carries
/// exactly what the receiver lacks.
public struct Summary: Hashable, Sendable {
    /// The held sequence numbers by origin.
    public var origins: [String: SeqRanges]

    /// An empty summary: nothing held.
    public init(origins: [String: SeqRanges] = [:]) { self.origins = origins }

    /// Whether the operation named by `dot` is held.
    public func contains(_ dot: Dot) -> Bool { origins[dot.origin]?.contains(dot.seq) ?? false }

    /// Records that `dot` is held.
    public mutating func insert(_ dot: Dot) { origins[dot.origin, default: SeqRanges()].insert(dot.seq) }

    /// Records that `dot` is held; returns false (and changes nothing) if it already was. One
    /// dictionary access, for the apply loop.
    public mutating func insertIfAbsent(_ dot: Dot) -> Bool {
        origins[dot.origin, default: SeqRanges()].insertIfAbsent(dot.seq)
    }

    /// The number of operations held.
    public var count: UInt64 { origins.values.reduce(0) { $0 + $1.count } }

    /// The JSON form: `{"origin": [[first, last], …], …}` with origins sorted, empty origins left out.
    public var json: JSONValue {
        .object(
            JSONObject(
                origins.keys.filter { !origins[$0]!.isEmpty }.sorted(by: bytesLess).map { ($0, origins[$0]!.json) }
            ))
    }

    /// Reads the JSON form back.
    /// - Throws: ``OperationFormatError`` (field `origins`) when the shape is wrong.
    public init(json: JSONValue) throws(OperationFormatError) {
        guard case .object(let object) = json else {
            throw OperationFormatError(field: "origins", reason: "must be an object of origin to ranges")
        }
        origins = [:]
        for (origin, value) in object.members {
            guard Identifiers.isReplicaID(origin) else {
                throw OperationFormatError(field: "origins", reason: "\"\(origin)\" is not a replica id")
            }
            guard case .array(let pairs) = value else {
                throw OperationFormatError(field: "origins", reason: "ranges of \(origin) must be an array")
            }
            var ranges: [ClosedRange<UInt64>] = []
            ranges.reserveCapacity(pairs.count)
            for pair in pairs {
                guard case .array(let bounds) = pair, bounds.count == 2, let low = bounds[0].int,
                    let high = bounds[1].int,
                    low >= 1, high >= low, UInt64(high) <= SyncOperation.maxSeq
                else {
                    throw OperationFormatError(
                        field: "origins", reason: "a range of \(origin) must be [first, last] with 1 <= first <= last")
                }
                ranges.append(UInt64(low)...UInt64(high))
            }
            origins[origin] = SeqRanges(ranges)
        }
    }
}
