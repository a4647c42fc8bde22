/// The language of everything printed for people: Vietnamese by default, English on request.
public enum Language: String, Sendable, CaseIterable {
    /// Vietnamese (tiếng Việt), the default.
    case vi
    /// English.
    case en

    /// Picks the Vietnamese or the English text.
    public func pick(_ vi: String, _ en: String) -> String { self == .vi ? vi : en }
}
