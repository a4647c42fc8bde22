import Foundation
import NTM
import Replica
import TestSupport
import Testing

/// The one rule for naming the general dossier, and the row it writes.
@Suite struct GeneralDossierTests {
    @Test func theGeneralDossierHasThreeNamesInAnySpelling() {
        for name in ["general", "chung", "ho-so-chung", "GENERAL", "Chung", "hồ sơ chung", "Hồ Sơ Chung"] {
            #expect(CommuneReplica.isGeneralDossier(name), "\(name)")
        }
        for name in ["5", "19", "tieu-chi-5", "ho-so", "", "generals"] {
            #expect(!CommuneReplica.isGeneralDossier(name), "\(name)")
        }
    }

    @Test func everyNameWritesTheGeneralDossier() throws {
        let folder = TemporaryDirectory("general-dossier")
        let replica = try CommuneReplica.create(
            at: folder.file("dan-ly.sqlite"), replicaID: "xa-dan-ly-1", commune: "dan-ly", name: "Dân Lý",
            author: "Lan")
        for (index, name) in ["general", "chung", "ho-so-chung"].enumerated() {
            try replica.dossier(part: name, complete: index % 2 == 0, author: "Lan")
            let row = NTMSchema.dossierRow(commune: "dan-ly", set: replica.catalogue.id, part: "general")
            let state = try #require(try replica.store.rowState(table: NTMSchema.Table.dossier, row: row))
            #expect(state.projection?["complete"] == .bool(index % 2 == 0), "\(name)")
        }
    }
}
