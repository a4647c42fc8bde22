import Foundation

/// Text rules for everything a person types: Unicode NFC before storing or comparing, and a folded
/// form (no diacritics, đ → d, lower case, single spaces) for forgiving matches such as
/// `chua dat` = `chưa đạt`.
public enum Text {
    /// The NFC form of `text`, trimmed of surrounding white space.
    public static func normalized(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The folded form used for matching.
    public static func folded(_ text: String) -> String {
        let scalars = text.decomposedStringWithCanonicalMapping.unicodeScalars.compactMap { scalar -> Character? in
            if scalar.properties.generalCategory == .nonspacingMark { return nil }
            switch scalar {
            case "đ", "Đ": return "d"
            default: return Character(scalar)
            }
        }
        return String(scalars).lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// A slug: the folded form with runs of anything but `a-z0-9` turned into `-`.
    public static func slug(_ text: String) -> String {
        var result = ""
        var dash = false
        for character in folded(text) {
            if character.isASCII, character.isLetter || character.isNumber {
                if dash, !result.isEmpty { result.append("-") }
                result.append(character)
                dash = false
            } else {
                dash = true
            }
        }
        return result
    }
}
