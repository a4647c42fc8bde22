import Foundation
import NTM
import SyncCore

/// Writes a warning as one line on standard error; the command goes on and exits 0.
func warn(_ warning: NTMWarning, _ language: Language) {
    let prefix = language.pick("ntm: cảnh báo: ", "ntm: warning: ")
    FileHandle.standardError.write(Data((prefix + warning.message(language) + "\n").utf8))
}
