import ArgumentParser
import Foundation
import NTM
import Replica
import SyncCore

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: Interface.pick(
            "Toàn bộ trạng thái đã đồng bộ dưới dạng JSON chuẩn: hai bản sao giống nhau in ra giống hệt nhau.",
            "The whole synced state as canonical JSON: two replicas that agree print the same bytes."))

    @OptionGroup var options: SharedOptions<ShowCommune>

    func run() throws {
        let database = try options.openDatabase()
        guard let commune = options.commune.map(Text.slug) else {
            print(try database.store.dump(), terminator: "")
            return
        }
        // One commune's rows only, so that a commune's replica and the hub can be compared for it.
        let text = try database.store.dump { _, row in RowScope.owner(of: row) == commune }
        print(text, terminator: "")
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let known = Set(try database.communes().map(\.slug) + [database.unit].compactMap { $0 }).sorted()
            warn(.nothingOfCommune(commune, known: known), options.language)
        }
    }
}
