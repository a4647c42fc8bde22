/// The syntax rules for the names that travel in operations.
public enum Identifiers {
    /// Longest replica id, in bytes.
    public static let maxReplicaLength = 64
    /// Longest row id, in bytes.
    public static let maxRowLength = 512

    /// A replica id: 1–64 of `a-z 0-9 . _ -`, starting with a letter or digit (`xa-dan-ly-1`, `hub`).
    public static func isReplicaID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= maxReplicaLength, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy {
            isLowerAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    /// A commune or district slug: 1–64 of `a-z 0-9 -` (`dan-ly`, `trieu-son`).
    public static func isSlug(_ text: String) -> Bool {
        let bytes = text.utf8
        return !bytes.isEmpty && bytes.count <= 64 && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// A table or column name: 1–64 of `a-z 0-9 _`, not starting with a digit.
    public static func isName(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= 64, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else {
            return false
        }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "_") }
    }

    /// A row id: 1–512 bytes with no control characters.
    public static func isRowID(_ text: String) -> Bool {
        let bytes = text.utf8
        return !bytes.isEmpty && bytes.count <= maxRowLength && !bytes.contains { $0 < 0x20 || $0 == 0x7F }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
