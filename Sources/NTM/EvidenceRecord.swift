import Crypto
import Foundation
import Replica
import SyncCore

/// One evidence document as listed.
public struct EvidenceRecord: Sendable, Hashable {
    /// The evidence id (12 hex digits).
    public var uid: String
    /// The indicator it supports.
    public var indicator: String
    /// Its kind (quyết định, biên bản, ảnh…).
    public var kind: String?
    /// Its title.
    public var title: String
    /// Its document number (số hiệu).
    public var number: String?
    /// Its date of issue.
    public var issued: CalendarDate?
    /// Who issued it.
    public var issuer: String?
    /// The attached file's name.
    public var fileName: String?
    /// The attached file's size in bytes.
    public var fileSize: Int64?
    /// The attached file's SHA-256 (64 hex digits).
    public var fileSHA256: String?
    /// Where the attached file's content stands on this database (nil without a file).
    public var fileState: FileState?
    /// Whether the district holds the attached file whole: the hub accepted it or sent it, or this is
    /// the hub's database and the file is here.
    public var fileAtDistrict = false
}
