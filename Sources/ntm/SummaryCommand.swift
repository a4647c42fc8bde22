import ArgumentParser
import Foundation
import NTM
import Replica
import SyncCore

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: Interface.pick(
            "Những gì bản sao này đang có, theo từng nguồn (JSON cho --since).",
            "What this replica holds, per origin (JSON for --since)."))

    @OptionGroup var options: SharedOptions<ShowDatabase>

    func run() throws {
        let store = try options.openDatabase().store
        let summary = try store.summary()
        let object: JSONObject = [
            "type": .string("summary"), "replica": .string(store.replicaID),
            "schema": .string(store.schema.tag), "origins": summary.json,
        ]
        say(JSONWriter.string(.object(object)))
    }
}
