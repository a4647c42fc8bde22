import SyncCore
import TestSupport
import Testing

/// Building a set of ranges at once (as a summary read from a peer is) gives what inserting them one by
/// one gives, in any order, with overlaps, adjacency and the largest sequence number.
@Suite struct SeqRangesTests {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func buildingAtOnceEqualsInsertingOneByOne(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for _ in 0..<200 {
            var ranges: [ClosedRange<UInt64>] = []
            for _ in 0..<Int.random(in: 0..<40, using: &random) {
                let low = UInt64.random(in: 1...60, using: &random)
                ranges.append(low...(low + UInt64.random(in: 0...5, using: &random)))
            }
            if random.chance(0.1) { ranges.append((UInt64.max - 3)...UInt64.max) }
            var inserted = SeqRanges()
            for range in ranges { inserted.insert(range) }
            #expect(SeqRanges(ranges.shuffled(using: &random)) == inserted)
        }
    }
}
