extension Language {
    /// A number of things in the language: Vietnamese nouns do not change (`2 xung đột`), English ones
    /// take their plural from 2 on and for 0 (`1 conflict`, `2 conflicts`, `0 conflicts`).
    ///
    /// - Parameters:
    ///   - number: How many.
    ///   - vi: The Vietnamese noun.
    ///   - en: The English noun in the singular.
    ///   - plural: The English plural when it is not `en` + `s` (`criterion`, `criteria`).
    public func count(_ number: Int, _ vi: String, _ en: String, plural: String? = nil) -> String {
        pick("\(number) \(vi)", "\(number) \(number == 1 ? en : plural ?? en + "s")")
    }
}

extension Language {
    /// A number of things in English, for the English half of a `pick`: `1 operation`, `2 operations`.
    public static func english(_ number: Int, _ noun: String, plural: String? = nil) -> String {
        Language.en.count(number, "", noun, plural: plural)
    }
}
