import Foundation
import Logging
import Replica
import SyncCore
import SyncHub
import SyncWire

/// The sync figures: a district's night over loopback TCP, and a sync with nothing new.
enum BenchSync {
    /// The bench's rows are `cN/…`: commune `cN` writes its own; a district `dN` (its hub syncing with
    /// the province) writes its own rows and those of the communes the province places under it.
    static let policy = WritePolicy(
        rules: [
            WriteRule(
                "a commune writes its own rows", who: WriteRule.Who(rawValue: "commune"), table: nil, rows: .owned),
            WriteRule(
                "a district writes its communes' rows", who: WriteRule.Who(rawValue: "district"), table: nil,
                rows: .within),
        ],
        slug: { $0 })

    /// A commune's role sees its own rows and speaks for its commune; a district's (at the province)
    /// sees its own rows and its communes', and speaks for its district. A district enrolled at the
    /// province enrols its communes there on the province's behalf, placed under it.
    static let scope = RoleScopeRule(
        scope: { role, context in
            let unit = role.argument ?? ""
            let below = role.kind == "district" ? context.parents.filter { $0.value == unit }.map(\.key).sorted() : []
            return RowScope(owners: [unit] + below + context.sharedOwners, tables: context.sharedTables.sorted())
        },
        unit: { $0.argument },
        delegate: { granted, by in
            guard by.kind == "district", let district = by.argument, granted.kind == "commune",
                let commune = granted.argument, commune != district
            else { return nil }
            return Delegation(role: granted, unit: commune, parent: district)
        },
        isLowerHub: { $0.kind == "district" && $0.argument != nil })

    /// The bench's roles: commune `cN`.
    static func commune(_ slug: String) -> Role { Role(kind: "commune", argument: slug) }

    /// The bench's roles: district `dN`, as its hub is enrolled at the province.
    static func district(_ slug: String) -> Role { Role(kind: "district", argument: slug) }

    /// A hub of the bench: a district's (its unit `district`, nil in the single-level figures) or the
    /// province's.
    static func hubIdentity(
        _ store: ReplicaStore, district: String? = nil, fileLimit: Int64 = WireLimits.defaultFileLimit,
        tls: HubTLSIdentity? = nil
    ) -> HubIdentity {
        HubIdentity(
            store: store, epoch: "bench", district: district, sharedTables: [], policy: policy, scope: scope,
            fileLimit: fileLimit, tls: tls)
    }

    static func server(
        _ store: ReplicaStore, district: String? = nil, fileLimit: Int64 = WireLimits.defaultFileLimit,
        tls: HubTLSIdentity? = nil
    ) throws -> (HubServer, Int) {
        let server = HubServer(
            hub: hubIdentity(store, district: district, fileLimit: fileLimit, tls: tls),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        return (server, try server.start(host: "127.0.0.1", port: 0, tls: tls))
    }

    /// `communes` replicas with `perCommune` offline operations each sync at once with one hub, in clear
    /// (`district_night`), then the same with fresh databases over TLS 1.3 with a pinned key
    /// (`district_night_tls`, whose baseline is the clear run). Unsigned (`signed` false): in clear only,
    /// the laptops signing no checkpoints (`district_night_unsigned`, the baseline of what signing costs).
    /// The signed clear night is run a second time with compressed sessions (§11.13): its figures are
    /// `compressed_bytes_per_op` and `compressed_seconds` on the `district_night` line.
    /// `clearOnly`: the clear night alone (the scaling figures). `atOnce` sessions at a time (1: one after
    /// another), each on its own thread; 0: as many as the machine runs threads (`concurrentPerform`).
    static func night(
        folder: String, communes: Int, perCommune: Int, signed: Bool = true, clearOnly: Bool = false, atOnce: Int = 0
    ) throws {
        let total = communes * perCommune
        var clearSeconds = 0.0
        for tls in signed && !clearOnly ? [false, true] : [false] {
            let subfolder = "\(folder)/\(tls ? "tls" : "clear")"
            try FileManager.default.createDirectory(atPath: subfolder, withIntermediateDirectories: true)
            let hubPeak = Peak()
            let (seconds, bytes, _) = try night(
                folder: subfolder, communes: communes, perCommune: perCommune, tls: tls, signed: signed,
                atOnce: atOnce, hubPeak: clearOnly ? hubPeak : nil)
            var extra: [String: JSONValue] = [
                "communes": .int(Int64(communes)), "target_seconds": .double(1), "at_once": .int(Int64(atOnce)),
                "bytes_per_op": .double((Double(bytes) / Double(total) * 10).rounded() / 10),
                "target_bytes_per_op": .int(150),
            ]
            if signed, !tls, !clearOnly {
                let compressedFolder = "\(folder)/compressed"
                try FileManager.default.createDirectory(atPath: compressedFolder, withIntermediateDirectories: true)
                let (compressedSeconds, compressedBytes, _) = try night(
                    folder: compressedFolder, communes: communes, perCommune: perCommune, tls: false, signed: true,
                    atOnce: atOnce, compress: true)
                extra["compressed_bytes_per_op"] = .double(
                    (Double(compressedBytes) / Double(total) * 10).rounded() / 10)
                extra["compressed_seconds"] = .double((compressedSeconds * 1000).rounded() / 1000)
            }
            if let peak = hubPeak.value {
                extra["hub_peak_rss_mb"] = .int(peak.peak)
                extra["hub_idle_rss_mb"] = .int(peak.idle)
            }
            if tls {
                extra["baseline_clear_seconds"] = .double((clearSeconds * 1000).rounded() / 1000)
                extra["tls_over_clear"] = .double((seconds / clearSeconds * 100).rounded() / 100)
            } else {
                clearSeconds = seconds
            }
            Bench.report(
                tls ? "district_night_tls" : signed ? "district_night" : "district_night_unsigned", operations: total,
                seconds: seconds, extra: extra)
        }
    }

    /// The names in one district's night: its hub's replica id and unit, its communes' replica ids and
    /// slugs.
    struct District {
        /// The hub's replica id (and name).
        var hub: String
        /// The district's slug, nil for the single-level figures' hub.
        var unit: String?

        /// The hub of the single-level figures: communes `xa-N`, slugs `cN`.
        static let single = District(hub: "hub", unit: nil)

        /// District `dN` of a province: hub `hub-dN`, communes `xa-dN-M`, slugs `dN-cM`.
        static func numbered(_ number: Int) -> District { District(hub: "hub-d\(number)", unit: "d\(number)") }

        /// The replica id of commune `index`.
        func replica(_ index: Int) -> String { unit.map { "xa-\($0)-\(index)" } ?? "xa-\(index)" }

        /// The slug of commune `index`, which owns its rows.
        func commune(_ index: Int) -> String { unit.map { "\($0)-c\(index)" } ?? "c\(index)" }
    }

    /// One night: the seconds from the first connection to the last sync's end, the plaintext bytes of
    /// every session (TLS framing not counted; compressed when `compress`), and the hub, which then holds
    /// every commune's work. With `hubPeak` (in clear, single level), the hub is served by its own
    /// process, whose memory before any session and at its peak are set there.
    static func night(
        folder: String, communes: Int, perCommune: Int, tls: Bool, signed: Bool, district: District = .single,
        atOnce: Int = 0, hubPeak: Peak? = nil, compress: Bool = false
    ) throws -> (Double, Int, ReplicaStore) {
        let hubStore = try ReplicaStore.create(
            at: "\(folder)/hub.sqlite", replicaID: district.hub, schema: Bench.schema, clock: { 1_700_000_000_000 })
        // A diagnosis: the night of a hub without the log's row index (each pull reads the whole log).
        if ProcessInfo.processInfo.environment["NIGHT_NO_ROW_INDEX"] != nil {
            try BenchScale.dropRowIndex(at: "\(folder)/hub.sqlite")
        }
        var replicas: [ReplicaStore] = []
        for index in 0..<communes {
            let store = try ReplicaStore.create(
                at: "\(folder)/c\(index).sqlite", replicaID: district.replica(index), schema: Bench.schema,
                clock: { 1_700_000_000_000 })
            // A day of work: rows of 4 fields, some rewritten, as commands write them.
            var written = 0
            var round = 0
            while written < perCommune {
                var changes: [RowChange] = []
                for row in 0..<100 where written < perCommune {
                    let fields = min(4, perCommune - written)
                    var values: [String: FieldValue] = [:]
                    for (position, column) in ["a", "b", "c", "d"].prefix(fields).enumerated() {
                        values[column] =
                            position == 1 ? .int(Int64(round * 100 + row)) : .text("giá trị \(round)-\(row)")
                    }
                    changes.append(
                        RowChange(
                            table: "t", row: "\(district.commune(index))/r\(row + round * 37 % 200)", values: values))
                    written += fields
                }
                try store.write(changes, author: "Cán bộ xã \(index)")
                round += 1
            }
            replicas.append(store)
        }
        let identity = tls ? try HubTLSIdentity.make(name: "hub") : nil
        let credentials = try replicas.indices.map { index in
            try Credential.enrol(
                district.replica(index), as: commune(district.commune(index)),
                at: hubIdentity(hubStore, district: district.unit, tls: identity))
        }
        let separate = try hubPeak.map { _ in
            try BenchProvince.ProvinceProcess(db: "\(folder)/hub.sqlite", single: true)
        }
        let inProcess = separate == nil ? try server(hubStore, district: district.unit, tls: identity) : nil
        defer { inProcess?.0.stop() }
        let port = separate?.port ?? inProcess?.1 ?? 0
        let results = Results()
        let started = Date()
        let stores = replicas
        BenchSync.sessions(stores.count, atOnce: atOnce) { index in
            do {
                let store = stores[index]
                var client = SyncClient(store: store, commune: district.commune(index), credential: credentials[index])
                client.pushBatch = Int(ProcessInfo.processInfo.environment["PUSH_BATCH"] ?? "1000")!
                client.signsCheckpoints = signed
                client.compresses = compress
                let address = "127.0.0.1:\(port)"
                let transport =
                    try identity.map { try LineTransport.connect(to: address, pinning: $0.pin) }
                    ?? LineTransport.connect(to: address)
                results.add(try client.run(over: transport))
            } catch {
                results.fail("\(error)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if let separate { hubPeak?.value = try separate.stop() }
        let total = communes * perCommune
        guard results.failures.isEmpty, try hubStore.operationCount() == total else {
            FileHandle.standardError.write(Data("district_night failed: \(results.failures)\n".utf8))
            exit(1)
        }
        return (seconds, results.all.reduce(0) { $0 + $1.counts.bytes }, hubStore)
    }

    /// A sync with nothing new, against a hub holding the operations of `bundle`.
    static func noop(folder: String, bundle: String) throws {
        let hubStore = try ReplicaStore.create(at: "\(folder)/hub-big.sqlite", replicaID: "hub", schema: Bench.schema)
        try hubStore.importBundle(from: bundle)
        let held = try hubStore.operationCount()
        let client = try ReplicaStore.create(at: "\(folder)/client.sqlite", replicaID: "xa-noop", schema: Bench.schema)
        try client.write([RowChange(table: "t", row: "c0/r0", values: ["a": .text("x")])], author: "x")
        let (server, port) = try server(hubStore)
        defer { server.stop() }
        let credential = try Credential.enrol("xa-noop", as: commune("c0"), at: hubIdentity(hubStore))
        // The first sync pushes the client's write and pulls its scope once.
        _ = try SyncClient(store: client, commune: "c0", credential: credential).run(
            over: try LineTransport.connect(to: "127.0.0.1:\(port)"))
        var times: [Double] = []
        var bytes = 0
        for _ in 0..<21 {
            let started = Date()
            let result = try SyncClient(store: client, commune: "c0", credential: credential).run(
                over: try LineTransport.connect(to: "127.0.0.1:\(port)"))
            times.append(Date().timeIntervalSince(started))
            bytes = result.counts.bytes
            guard result.counts.sent.total == 0, result.counts.received.total == 0 else { exit(1) }
        }
        let median = times.sorted()[times.count / 2]
        print(
            JSONWriter.string(
                .object([
                    "name": .string("noop_sync"), "hub_ops": .int(Int64(held)),
                    "median_ms": .double((median * 10000).rounded() / 10), "target_ms": .int(20),
                    "bytes": .int(Int64(bytes)),
                ])))
    }
}

extension BenchSync {
    /// Runs `body` for each of `count` indexes, `atOnce` at a time, each on its own thread taking the
    /// next index when its last one ends; `atOnce` 0: `DispatchQueue.concurrentPerform` (as many at a
    /// time as the machine runs threads).
    static func sessions(_ count: Int, atOnce: Int, _ body: @Sendable (Int) -> Void) {
        guard atOnce > 0 else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = Shared(body: body)
            let group = DispatchGroup()
            for _ in 0..<min(atOnce, count) {
                group.enter()
                let thread = Thread {
                    while let index = shared.take(below: count) { shared.body(index) }
                    group.leave()
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            group.wait()
            // A thread may still hold `shared` for a moment after it left the group: the work must not
            // outlive this call (a crash at 600 replicas), so it is dropped here.
            shared.body = { _ in }
        }
    }
}

/// The memory of a hub served by its own process: before any session and at its peak, in MiB.
final class Peak {
    var value: (idle: Int64, peak: Int64)?
}

/// What the session threads share: the work of one index, and the next index to take. The work is
/// only called while `sessions` waits for the threads.
final class Shared: @unchecked Sendable {
    /// The work; replaced by nothing once the threads are done with it.
    var body: @Sendable (Int) -> Void
    private let lock = NSLock()
    private var value = 0
    init(body: @escaping @Sendable (Int) -> Void) { self.body = body }
    /// The next index, nil once `count` were taken.
    func take(below count: Int) -> Int? {
        lock.withLock {
            guard value < count else { return nil }
            value += 1
            return value - 1
        }
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [SyncResult] = []
    private var errors: [String] = []
    func add(_ result: SyncResult) { lock.withLock { results.append(result) } }
    func fail(_ error: String) { lock.withLock { errors.append(error) } }
    var all: [SyncResult] { lock.withLock { results } }
    var failures: [String] { lock.withLock { errors } }
}
