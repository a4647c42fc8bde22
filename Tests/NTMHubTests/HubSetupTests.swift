import Foundation
import NTM
import NTMHub
import Replica
import SyncHub
import TestSupport
import Testing

/// A district database as the hub sees it: its epoch, its name, its identity.
@Suite struct HubSetupTests {
    static func hub(_ folder: TemporaryDirectory, name: String = "huyen.sqlite") throws -> NTMDatabase {
        try NTMDatabase.create(
            at: folder.file(name), replicaID: "huyen-trieu-son", home: .district(slug: "trieu-son", name: "Triệu Sơn"),
            author: "Văn phòng")
    }

    @Test func theEpochIsMadeOnceAndStaysAcrossOpenings() throws {
        let folder = TemporaryDirectory("hub-setup")
        let database = try Self.hub(folder)
        #expect(try database.store.metadata(.hubEpoch) == nil)
        #expect(!database.isHub)
        let epoch = try HubSetup.epoch(database)
        #expect(epoch.count == 16 && epoch.allSatisfy(\.isHexDigit))
        #expect(try HubSetup.epoch(database) == epoch)
        #expect(try database.store.metadata("hub_epoch") == epoch)
        #expect(database.isHub)
        let reopened = try NTMDatabase.open(at: folder.file("huyen.sqlite"))
        #expect(try HubSetup.identity(reopened).epoch == epoch)
        #expect(try HubSetup.identity(reopened).epoch == epoch)
    }

    @Test func anotherHubHasAnotherEpoch() throws {
        let folder = TemporaryDirectory("hub-setup")
        let first = try HubSetup.epoch(try Self.hub(folder, name: "a.sqlite"))
        let second = try HubSetup.epoch(try Self.hub(folder, name: "b.sqlite"))
        #expect(first != second)
    }

    @Test func theNameIsTheReplicaIdUntilOneIsRecorded() throws {
        let folder = TemporaryDirectory("hub-setup")
        let database = try Self.hub(folder)
        #expect(MetadataKey.hubName.rawValue == "hub_name" && MetadataKey.hubEpoch.rawValue == "hub_epoch")
        #expect(try HubSetup.name(database) == nil)
        #expect(try HubSetup.identity(database).name == "huyen-trieu-son")
        try database.store.setMetadata(.hubName, "")
        #expect(try HubSetup.identity(database).name == "huyen-trieu-son")
        try database.store.setMetadata("hub_name", "huyen-cu")
        #expect(try HubSetup.name(database) == "huyen-cu")
        #expect(try HubSetup.identity(database).name == "huyen-cu")
    }

    @Test func theIdentityCarriesTheDistrictThePolicyAndTheSharedSets() throws {
        let folder = TemporaryDirectory("hub-setup")
        let identity = try HubSetup.identity(try Self.hub(folder))
        #expect(identity.district == "trieu-son")
        #expect(identity.sharedTables == [NTMSchema.Table.catalogue])
        #expect(identity.policy.rules == NTMSchema.writePolicy.rules)
        #expect(identity.store.replicaID == "huyen-trieu-son")
        #expect(
            try identity.scope(of: .commune("dan-ly"))
                == RowScope(owners: ["dan-ly", "trieu-son"], tables: [NTMSchema.Table.catalogue]))
    }

    @Test func aCommuneDatabaseIsNoHub() throws {
        let folder = TemporaryDirectory("hub-setup")
        let commune = try NTMDatabase.create(
            at: folder.file("dan-ly.sqlite"), replicaID: "xa-dan-ly-1",
            home: .commune(.init(slug: "dan-ly", name: "Dân Lý", district: "trieu-son")), author: "Lan")
        #expect(throws: HubSetupError.notAHub(folder.file("dan-ly.sqlite"))) { try HubSetup.identity(commune) }
        #expect(
            HubSetupError.notAHub("x.sqlite").message(.en)
                == "x.sqlite is a commune's database, not a district hub's (create one with: ntm hub init)")
    }
}
