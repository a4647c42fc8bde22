import Foundation
import SyncCore
import Testing

@Suite struct HexTests {
    /// Every byte value, from every kind of sequence the code hands it: an array, a slice of one (not
    /// starting at zero), and a sequence with no contiguous storage.
    @Test func everyByteIsTwoLowercaseDigitsWhateverTheSequence() {
        let bytes = (0...255).map { UInt8($0) }
        let expected = bytes.map { String(format: "%02x", $0) }.joined()
        #expect(bytes.hexString == expected)
        #expect(bytes[16...].hexString == String(expected.dropFirst(32)))
        #expect((0...255).lazy.map { UInt8($0) }.hexString == expected)
        #expect([UInt8]().hexString == "")
        #expect(bytes.withUnsafeBufferPointer { Hex.digits($0) } == Array(expected.utf8))
        #expect(Hex.bytes(expected) == bytes && Hex.bytes(expected.uppercased()) == bytes)
        #expect(Hex.bytes("0g") == nil && Hex.bytes("abc") == nil)
    }
}
