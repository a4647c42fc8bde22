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
        var object: JSONObject = [
            "type": .string("summary"), "replica": .string(store.replicaID),
            "schema": .string(store.schema.tag), "origins": summary.json,
        ]
        // The files whole here, so that `bundle export --since` leaves them out (omitted when none).
        let files = try store.presentFilePrefixes()
        if !files.isEmpty { object["files"] = .array(files.map { .string($0) }) }
        say(JSONWriter.string(.object(object)))
    }
}
