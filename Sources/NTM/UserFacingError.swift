import Foundation
import Replica
import SyncCore

/// Turns any error a command can end with into one line for a person, in their language.
public enum UserFacingError {
    /// The sentence, without a trailing newline; nil for errors that are not the user's to act on
    /// through ntm (argument-parser errors, which print their own help).
    public static func message(_ error: any Error, _ language: Language) -> String? {
        if let failure = DatabaseFailure(error) { return failure.message(language) }
        switch error {
        case let error as NTMError: return error.message(language)
        case let error as ReplicaError: return error.message(language)
        case let error as BundleError: return error.message(language)
        case let error as FileError: return error.message(language)
        case let error as CocoaError: return SystemText.fileError(error, language)
        default:
            return nil
        }
    }
}
