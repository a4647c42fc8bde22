extension Sequence<UInt8> {
    /// The bytes as lowercase hexadecimal, two digits a byte (how digests are written everywhere here).
    public var hexString: String {
        // One generic call for the whole buffer, not one per byte: the loop below is then specialised.
        // (Byte by byte through the generic Sequence it cost some 18,000 instructions for a 32-byte hash,
        // a sixth of importing an operation.)
        if let text = withContiguousStorageIfAvailable({ Hex.string($0) }) { return text }
        return Array(self).withUnsafeBufferPointer { Hex.string($0) }
    }
}

/// Writing bytes as hexadecimal, and reading it back.
public enum Hex {
    /// The bytes as lowercase hexadecimal, two digits a byte.
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { write(bytes, into: $0) }
    }

    /// The bytes as the UTF-8 of their lowercase hexadecimal, two digits a byte.
    public static func digits(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count * 2) { text, count in count = write(bytes, into: text) }
    }

    /// Writes two digits a byte into `text` (which has room for them); returns how many it wrote.
    private static func write(_ bytes: UnsafeBufferPointer<UInt8>, into text: UnsafeMutableBufferPointer<UInt8>) -> Int
    {
        for (index, byte) in bytes.enumerated() {
            text[2 * index] = digit(byte >> 4)
            text[2 * index + 1] = digit(byte & 0x0F)
        }
        return bytes.count * 2
    }

    /// The digit of a value under 16: `0`–`9`, `a`–`f`.
    private static func digit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 87 + value }

    /// The bytes written as `text` (two hex digits a byte, either case), or nil when it is not hex.
    public static func bytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 48...57: return digit - 48
            case 97...102: return digit - 87
            case 65...70: return digit - 55
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
