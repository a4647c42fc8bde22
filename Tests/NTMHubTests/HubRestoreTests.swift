import Foundation
import NTM
import NTMHub
import Replica
import SyncHub
import TestSupport
import Testing

/// Restoring a hub from a backup, on real SQLite files.
@Suite struct HubRestoreTests {
    @Test func aRestoredHubHasANewReplicaIdAndEpochAndKeepsItsName() throws {
        let folder = TemporaryDirectory("hub-restore")
        let database = try HubSetupTests.hub(folder)
        let hub = try HubSetup.identity(database)
        _ = try Credential.enrol("xa-dan-ly-1", as: .commune("dan-ly"), at: hub)
        _ = try Credential.enrol("xa-tan-ninh-1", as: .commune("tan-ninh"), at: hub)
        _ = try Credential.enrol("huyen-vp", as: .district, at: hub)
        #expect(try hub.store.revoke("xa-tan-ninh-1"))
        try database.store.backup(to: folder.file("backup.sqlite"))

        let restored = try HubSetup.restore(backup: folder.file("backup.sqlite"), to: folder.file("restored.sqlite"))
        #expect(restored.replicaID.hasPrefix("huyen-trieu-son-r"))
        let suffix = restored.replicaID.dropFirst("huyen-trieu-son-r".count)
        #expect(suffix.count == 6 && suffix.allSatisfy(\.isHexDigit))
        #expect(restored.epoch != hub.epoch && !restored.epoch.isEmpty)
        #expect(restored.name == "huyen-trieu-son")
        #expect(restored.enrolled == 2)

        let reopened = try NTMDatabase.open(at: folder.file("restored.sqlite"))
        let identity = try HubSetup.identity(reopened)
        #expect(identity.store.replicaID == restored.replicaID)
        #expect(identity.epoch == restored.epoch)
        #expect(identity.name == "huyen-trieu-son")
        #expect(try reopened.store.metadata(.hubName) == "huyen-trieu-son")
        // The backup itself is untouched.
        let backup = try HubSetup.identity(try NTMDatabase.open(at: folder.file("backup.sqlite")))
        #expect(backup.store.replicaID == "huyen-trieu-son" && backup.epoch == hub.epoch)
    }

    @Test func aLongReplicaIdIsCutToFitItsSuffix() throws {
        let folder = TemporaryDirectory("hub-restore")
        let long = "huyen-" + String(repeating: "a", count: 58)
        let database = try NTMDatabase.create(
            at: folder.file("huyen.sqlite"), replicaID: long, home: .district(slug: "trieu-son", name: nil),
            author: nil)
        _ = try HubSetup.epoch(database)
        try database.store.backup(to: folder.file("backup.sqlite"))
        let restored = try HubSetup.restore(backup: folder.file("backup.sqlite"), to: folder.file("restored.sqlite"))
        #expect(restored.replicaID.count == 64 && restored.replicaID.contains("-r"))
        #expect(restored.name == long)
        // A second restore of the restored hub keeps the first name.
        let again = try HubSetup.restore(backup: folder.file("restored.sqlite"), to: folder.file("again.sqlite"))
        #expect(again.name == long && again.replicaID != restored.replicaID)
    }

    /// A backup taken before the hub first served has no epoch: restoring reads it and writes nothing
    /// into it (the restored copy gets the epoch).
    @Test func theBackupIsOnlyRead() throws {
        let folder = TemporaryDirectory("hub-restore")
        let database = try NTMDatabase.create(
            at: folder.file("huyen.sqlite"), replicaID: "huyen-trieu-son",
            home: .district(slug: "trieu-son", name: nil), author: nil)
        try database.store.backup(to: folder.file("backup.sqlite"))
        let before = try Data(contentsOf: URL(fileURLWithPath: folder.file("backup.sqlite")))
        let restored = try HubSetup.restore(backup: folder.file("backup.sqlite"), to: folder.file("restored.sqlite"))
        #expect(restored.name == "huyen-trieu-son" && !restored.epoch.isEmpty)
        #expect(try NTMDatabase.open(at: folder.file("backup.sqlite")).store.metadata(.hubEpoch) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("backup.sqlite"))) == before)
    }

    @Test func restoreRefusesAnExistingTargetAndAMissingBackup() throws {
        let folder = TemporaryDirectory("hub-restore")
        try HubSetupTests.hub(folder).store.backup(to: folder.file("backup.sqlite"))
        #expect(throws: ReplicaError.alreadyExists(path: folder.file("huyen.sqlite"))) {
            try HubSetup.restore(backup: folder.file("backup.sqlite"), to: folder.file("huyen.sqlite"))
        }
        #expect(throws: ReplicaError.missingDatabase(path: folder.file("none.sqlite"))) {
            try HubSetup.restore(backup: folder.file("none.sqlite"), to: folder.file("new.sqlite"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("new.sqlite")))
    }

    @Test func aCommuneBackupIsNoHubsAndNothingIsCopied() throws {
        let folder = TemporaryDirectory("hub-restore")
        _ = try NTMDatabase.create(
            at: folder.file("dan-ly.sqlite"), replicaID: "xa-dan-ly-1",
            home: .commune(.init(slug: "dan-ly", name: "Dân Lý", district: "trieu-son")), author: "Lan")
        #expect(throws: HubSetupError.notAHub(folder.file("dan-ly.sqlite"))) {
            try HubSetup.restore(backup: folder.file("dan-ly.sqlite"), to: folder.file("new.sqlite"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("new.sqlite")))
    }
}
