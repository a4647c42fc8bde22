/// The language of everything printed for people: Vietnamese by default, English on request.
public enum Language: String, Sendable, CaseIterable {
    case vi, en

    /// Picks the Vietnamese or the English text.
    public func pick(_ vi: String, _ en: String) -> String { self == .vi ? vi : en }
}
