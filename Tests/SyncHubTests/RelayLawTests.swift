import Foundation
import NTM
import Replica
import SyncCore
import SyncHub
import TestSupport
import Testing

/// The law of protocol version 5 (`protocol/PROTOCOL.md` §14): work that travels by any path (laptop
/// to laptop on bundles, duplicated, cut short, relayed to the hub by a colleague) ends at the hub
/// exactly as if every writer had pushed it itself, and the hub never holds a writer's work beyond a
/// checkpoint of that writer.
@Suite struct RelayLawTests {
    /// For each seed, the relay world: laptops write, hand each other bundles at random (whole or
    /// against the receiver's summary, duplicated, cut short, signed or not), hand bundles to the
    /// district office, and only some of them ever sync; the writers who never connect last give their
    /// whole signed run to a colleague who does. Then the direct world: copies of the same laptops,
    /// each knowing only its own checkpoints, every one syncing itself until quiet. The two hubs must
    /// agree.
    @Test(arguments: [21, 22, 23, 24] as [UInt64])
    func randomRelaysConvergeAsDirectPushes(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let world = try RelayWorld(random: &random)

        // The laptops write and hand each other bundles; nobody connects yet.
        for _ in 0..<30 {
            if random.chance(0.55) {
                try world.write(on: world.laptops.randomElement(using: &random)!, random: &random)
            } else {
                let (from, to) = world.pair(&random)
                try world.carry(from: from, to: to, random: &random)
            }
        }
        // Writes and bundles go on, the district office imports bundles, the connected laptops sync.
        for _ in 0..<36 {
            let roll = Double.random(in: 0..<1, using: &random)
            if roll < 0.2 {
                try world.write(on: world.laptops.randomElement(using: &random)!, random: &random)
            } else if roll < 0.45 {
                try world.sync(world.connected.randomElement(using: &random)!, seed: seed)
            } else if roll < 0.55 {
                try world.importAtHub(from: world.laptops.randomElement(using: &random)!, random: &random, seed: seed)
            } else if roll < 0.8 {
                let from = world.offline.randomElement(using: &random)!
                let to = world.laptops.filter { $0.store.replicaID != from.store.replicaID }
                    .randomElement(using: &random)!
                try world.carry(from: from, to: to, random: &random)
            } else {
                let (from, to) = world.pair(&random)
                try world.carry(from: from, to: to, random: &random)
            }
        }
        // The writers who never connect write once more and hand their whole run, signed, to a
        // colleague who does: that work can reach the hub only in the colleague's session.
        for writer in world.offline {
            try world.write(on: writer, random: &random)
            try world.credential(of: writer).signCheckpoints(in: writer.store)
            let bundle = world.bundlePath()
            try writer.store.exportBundle(to: bundle, files: false)
            try world.connected.randomElement(using: &random)!.store.importBundle(from: bundle)
        }
        for round in 0... {
            #expect(round < 10, "the relay world does not settle (seed \(seed))")
            var moved = false
            for laptop in world.connected.shuffled(using: &random) {
                let result = try world.sync(laptop, seed: seed)
                moved = moved || result.counts.sent.new + result.counts.received.new + result.relayed > 0
            }
            if !moved || round >= 10 { break }
        }

        // The direct world: the same laptop logs, each pushed by its writer. A copy keeps only its own
        // checkpoints (so that it relays nothing) and forgets the other hub's session.
        let direct = try HubFixture("relay-law-direct")
        try world.enrolAll(at: direct)
        var copies: [CommuneReplica] = []
        for laptop in world.laptops {
            let id = laptop.store.replicaID
            let path = direct.folder.file("\(id).sqlite")
            try laptop.store.backup(to: path)
            _ = try sqlite3(
                path,
                "DELETE FROM checkpoint WHERE origin != '\(id)'; DELETE FROM refused; DELETE FROM meta WHERE key LIKE 'sync_%'"
            )
            copies.append(try CommuneReplica.open(at: path))
        }
        for round in 0... {
            #expect(round < 10, "the direct world does not settle (seed \(seed))")
            var moved = false
            for copy in copies.shuffled(using: &random) {
                let result = try direct.syncInMemory(copy)
                #expect(result.relayed == 0)
                moved = moved || result.counts.sent.new + result.counts.received.new > 0
            }
            if !moved || round >= 10 { break }
        }

        let relayHub = world.hub.store
        let directHub = direct.store
        // (1) The two hubs hold the same operations, the same quarantine and the same rows.
        #expect(try relayHub.summary() == directHub.summary(), "summaries (seed \(seed))")
        #expect(try Self.log(relayHub) == Self.log(directHub), "logs (seed \(seed))")
        #expect(try Self.quarantine(relayHub) == Self.quarantine(directHub), "quarantines (seed \(seed))")
        for commune in world.communes {
            #expect(try communeDump(relayHub, commune) == communeDump(directHub, commune), "\(commune) (seed \(seed))")
        }
        #expect(try relayHub.dump() == directHub.dump(), "dumps (seed \(seed))")
        // Every laptop's own work reached the hub.
        for laptop in world.laptops {
            let own = try laptop.store.summary().origins[laptop.store.replicaID] ?? SeqRanges()
            #expect(
                try relayHub.holdings(of: laptop.store.replicaID) == own,
                "\(laptop.store.replicaID) (seed \(seed))")
        }
        // (2) Every operation at the relay hub, applied or quarantined, is its writer's own, byte for byte.
        let quarantined = try Self.quarantine(relayHub)
        for (dot, line) in try Self.log(relayHub).merging(quarantined.mapValues(\.line), uniquingKeysWith: { $1 }) {
            let writer = try #require(world.laptops.first { $0.store.replicaID == dot.origin })
            #expect(try writer.store.operation(dot)?.jsonLine == line, "\(dot) (seed \(seed))")
        }
        // (3) Nothing is quarantined at the relay hub that a direct push would not have quarantined.
        let directQuarantine = try Self.quarantine(directHub)
        for (dot, entry) in quarantined {
            #expect(directQuarantine[dot] == entry, "quarantined \(dot) (seed \(seed))")
        }
        // The laws were put to work: the checkpoint law was checked, and work travelled in relays.
        #expect(world.checks > 0)
        #expect(world.relayed > 0)
    }

    /// A quarantined operation as the law compares it.
    struct QuarantineEntry: Hashable {
        /// The operation's canonical line.
        var line: String
        /// Why the hub refused it.
        var reason: String
    }

    /// A colleague holding a writer's run that stops short of the writer's latest checkpoint (that
    /// bundle was cut on the way) still relays the run up to an earlier checkpoint it reaches; the rest
    /// waits for the missing operations.
    @Test func aRunCutShortOfTheLatestCheckpointIsRelayedToAnEarlierOne() throws {
        let night = try HubFixture("relay-cut")
        let writer = try night.commune("dan-ly", replica: "xa-dan-ly-1")
        let colleague = try night.commune("dan-ly", replica: "xa-dan-ly-2")
        let credential = try #require(try Credential.installed(in: writer.store, roles: .ntm))
        let codes = writer.catalogue.indicators.prefix(6).map(\.code)
        for code in codes.prefix(3) { try writer.assess(code: code, status: "dat", author: "Hoa") }
        try credential.signCheckpoints(in: writer.store)
        let signed = try #require(try writer.store.chainHead()).seq
        let first = night.folder.file("first.ntm")
        try writer.store.exportBundle(to: first, files: false)
        try colleague.store.importBundle(from: first)
        for code in codes.suffix(3) { try writer.assess(code: code, status: "chua-dat", author: "Hoa") }
        try credential.signCheckpoints(in: writer.store)
        let head = try #require(try writer.store.chainHead()).seq
        let second = night.folder.file("second.ntm")
        try writer.store.exportBundle(to: second, since: try colleague.store.summary(), files: false)
        // The last operation is lost on the way; the header still names the checkpoint at the head.
        var random = SeededRandom(seed: 1)
        #expect(try RelayWorld.cutShort(second, random: &random, drop: 1))
        try colleague.store.importBundle(from: second)
        #expect(try colleague.store.holdings(of: "xa-dan-ly-1").upperBound == head - 1)

        let result = try night.syncInMemory(colleague)
        #expect(result.relayRejected.isEmpty)
        #expect(try night.store.holdings(of: "xa-dan-ly-1").upperBound == signed)
        #expect(result.relayed == Int(signed))
    }

    /// The log of a replica: each operation's canonical line by its dot.
    static func log(_ store: ReplicaStore) throws -> [Dot: String] {
        var log: [Dot: String] = [:]
        for entry in try store.logEntries(after: 0, limit: Int.max) {
            log[entry.operation.dot] = entry.operation.jsonLine
        }
        return log
    }

    /// What a hub quarantined, by dot: the operation's line and the reason (not who carried it, nor when).
    static func quarantine(_ store: ReplicaStore) throws -> [Dot: QuarantineEntry] {
        var entries: [Dot: QuarantineEntry] = [:]
        for entry in try store.quarantine() {
            entries[entry.operation.dot] = QuarantineEntry(line: entry.operation.jsonLine, reason: entry.reason)
        }
        return entries
    }
}

/// The relay world of ``RelayLawTests``: a hub, three or four laptops of one or two communes enrolled
/// there, some of which connect and some never do.
private final class RelayWorld {
    /// The relay world's hub.
    let hub: HubFixture
    /// The laptops, connected or not.
    let laptops: [CommuneReplica]
    /// The laptops that sync with the hub themselves (at least one).
    let connected: [CommuneReplica]
    /// The laptops that never connect (at least one): their work reaches the hub only through others.
    let offline: [CommuneReplica]
    /// The communes the laptops work for.
    let communes: [String]
    /// How many times the checkpoint law was checked at the hub.
    private(set) var checks = 0
    /// How many operations the connected laptops relayed to the hub.
    private(set) var relayed = 0
    /// The writers that have pushed to the hub themselves.
    private var pushedThemselves: Set<String> = []
    private var bundles = 0
    private let codes: [String]

    /// Builds a world: its hub, its laptops and which of them connect, chosen by `random`.
    init(random: inout SeededRandom) throws {
        hub = try HubFixture("relay-law")
        communes = random.chance(0.5) ? ["dan-ly"] : ["dan-ly", "hop-ly"]
        let count = Int.random(in: 3...4, using: &random)
        var laptops: [CommuneReplica] = []
        for index in 0..<count {
            let commune = communes[index % communes.count]
            laptops.append(try hub.commune(commune, replica: "xa-\(commune)-\(index + 1)"))
        }
        self.laptops = laptops
        let shuffled = laptops.shuffled(using: &random)
        let split = Int.random(in: 1..<count, using: &random)
        connected = Array(shuffled[..<split])
        offline = Array(shuffled[split...])
        codes = Array(laptops[0].catalogue.indicators.prefix(8).map(\.code))
    }

    /// The installed credential of a laptop.
    func credential(of laptop: CommuneReplica) throws -> Credential {
        try #require(try Credential.installed(in: laptop.store, roles: .ntm))
    }

    /// Enrols every laptop at another hub with the same role and key as here.
    func enrolAll(at other: HubFixture) throws {
        for laptop in laptops {
            let credential = try credential(of: laptop)
            try other.store.enrol(
                replica: laptop.store.replicaID, role: credential.role, publicKey: credential.publicKey)
        }
    }

    /// Two different laptops, at random.
    func pair(_ random: inout SeededRandom) -> (CommuneReplica, CommuneReplica) {
        let from = laptops.randomElement(using: &random)!
        let to = laptops.filter { $0.store.replicaID != from.store.replicaID }.randomElement(using: &random)!
        return (from, to)
    }

    /// A new bundle file name.
    func bundlePath() -> String {
        bundles += 1
        return hub.folder.file("bundle-\(bundles).ntm")
    }

    /// One to three assessments on a laptop; now and then a row of another commune, which its role may
    /// not write (the hub quarantines it).
    func write(on laptop: CommuneReplica, random: inout SeededRandom) throws {
        let statuses = ["dat", "chua-dat", "dang-thuc-hien"]
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let code = codes.randomElement(using: &random)!
            let status = statuses.randomElement(using: &random)!
            if random.chance(0.08) {
                let other = laptop.commune == "dan-ly" ? "hop-ly" : "dan-ly"
                try laptop.store.write(
                    [
                        RowChange(
                            table: NTMSchema.Table.assessment,
                            row: NTMSchema.assessmentRow(commune: other, set: laptop.catalogue.id, code: code),
                            values: ["status": .text(status)])
                    ], author: "Người lạ")
            } else {
                try laptop.assess(code: code, status: status, author: "Cán bộ \(laptop.commune)")
            }
        }
    }

    /// Carries work from one laptop to another on a bundle: signed by its writer or not (then the
    /// writer's latest operations lie beyond its checkpoint), whole or cut against the receiver's
    /// summary, now and then cut short at the end of one origin's run (a partial run ending before the
    /// checkpoint its header names), and sometimes imported twice.
    func carry(from: CommuneReplica, to: CommuneReplica, random: inout SeededRandom) throws {
        if random.chance(0.7) { try credential(of: from).signCheckpoints(in: from.store) }
        let bundle = bundlePath()
        try from.store.exportBundle(to: bundle, since: random.chance(0.5) ? try to.store.summary() : nil, files: false)
        if random.chance(0.25) { _ = try Self.cutShort(bundle, random: &random) }
        try to.store.importBundle(from: bundle)
        if random.chance(0.25) { try to.store.importBundle(from: bundle) }
    }

    /// Leaves the last one to three operations of one origin out of a bundle (header kept, trailer
    /// made again), as a copy that was cut short on the way; false when the bundle has no operation.
    static func cutShort(_ path: String, random: inout SeededRandom, drop count: Int? = nil) throws -> Bool {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard lines.count > 2 else { return false }
        let header = lines.removeFirst()
        lines.removeLast()
        let origins = lines.compactMap { try? SyncOperation(json: JSONParser.parse(Array($0.utf8))).dot.origin }
        guard let origin = Set(origins).sorted().randomElement(using: &random) else { return false }
        var drop = count ?? Int.random(in: 1...3, using: &random)
        var kept: [String] = []
        for (line, lineOrigin) in zip(lines, origins).reversed() {
            if lineOrigin == origin, drop > 0 {
                drop -= 1
            } else {
                kept.insert(line, at: 0)
            }
        }
        let body = kept.map { $0 + "\n" }.joined()
        let trailer = #"{"type":"end","count":\#(kept.count),"sha256":"\#(FileManifest.digest(Array(body.utf8)))"}"#
        try (header + "\n" + body + trailer + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return true
    }

    /// A laptop's bundle imported at the hub (a USB stick handed to the district office): signed by
    /// the laptop or not, whole or against the hub's summary, sometimes cut short, sometimes imported
    /// twice. Only a cut bundle may be refused, and then nothing of it is taken.
    func importAtHub(from laptop: CommuneReplica, random: inout SeededRandom, seed: UInt64) throws {
        if random.chance(0.7) { try credential(of: laptop).signCheckpoints(in: laptop.store) }
        let bundle = bundlePath()
        try laptop.store.exportBundle(
            to: bundle, since: random.chance(0.5) ? try hub.store.summary() : nil, files: false)
        let cut = random.chance(0.25) ? try Self.cutShort(bundle, random: &random) : false
        for _ in 0..<(random.chance(0.25) ? 2 : 1) {
            let before = try hub.store.summary()
            do {
                _ = try hub.store.importBundle(
                    from: bundle, policy: hub.hub.policy,
                    hubKey: try Checkpoint.publicKey(seed: try HubSigningKey.seed(of: hub.store)),
                    hubName: hub.hub.name,
                    vouched: nil)
            } catch ReplicaError.ingest(let error) {
                #expect(cut, "seed \(seed): a whole bundle of \(laptop.store.replicaID) refused: \(error)")
                #expect(try hub.store.summary() == before, "seed \(seed): a refused bundle changed the hub")
            }
            try checkCheckpointLaw(seed: seed)
        }
    }

    /// Syncs a connected laptop with the hub (it relays what it carries), then checks that the hub holds
    /// no operation of a writer that never pushed itself beyond that writer's latest checkpoint there.
    @discardableResult
    func sync(_ laptop: CommuneReplica, seed: UInt64) throws -> SyncResult {
        let result = try hub.syncInMemory(laptop)
        #expect(result.relayRejected.isEmpty, "seed \(seed): \(result.relayRejected)")
        relayed += result.relayed
        pushedThemselves.insert(laptop.store.replicaID)
        try checkCheckpointLaw(seed: seed)
        return result
    }

    /// The hub holds no operation of a writer that never pushed itself beyond that writer's latest
    /// checkpoint there: such work waits.
    func checkCheckpointLaw(seed: UInt64) throws {
        for (origin, held) in try hub.store.summary().origins where !pushedThemselves.contains(origin) {
            let signed = try hub.store.checkpoints(origin: origin).map(\.seq).max() ?? 0
            #expect(
                held.upperBound <= signed, "seed \(seed): \(origin) held to \(held.upperBound), signed to \(signed)")
            checks += 1
        }
    }
}
