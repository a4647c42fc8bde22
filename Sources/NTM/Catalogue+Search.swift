import Foundation

extension Catalogue {
    /// The indicators matching a search: by code (`17`, `17.1`), or by words found in the indicator's or
    /// its criterion's name (Vietnamese or English), with or without diacritics. Empty text matches all.
    public func search(_ text: String) -> [Indicator] {
        let query = text.trimmingCharacters(in: .whitespaces)
        let words = Text.folded(query).split(separator: " ").map(String.init)
        if words.isEmpty { return indicators }
        return indicators.filter { indicator in
            if indicator.code == query || indicator.code.hasPrefix(query + ".") { return true }
            let criterion = self.criterion(indicator.criterion)
            let haystack = Text.folded(
                [indicator.nameVi, indicator.nameEn, criterion?.nameVi ?? "", criterion?.nameEn ?? ""].joined(
                    separator: " "))
            return words.allSatisfy { haystack.contains($0) }
        }
    }
}
