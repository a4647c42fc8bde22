import Foundation
import Replica
import SyncCore
import SyncHub

/// The province figures (issue 16): district hubs syncing upward with their province hub, each as the
/// client every replica uses, showing its enrolment log (the province enrols the district's communes on
/// its behalf) and relaying its communes' work signed by them.
enum BenchProvince {
    /// The province's unit.
    static let unit = "p1"
    /// The province hub's replica id (and name).
    static let replica = "province"

    /// The sizes of a province night.
    struct Sizes {
        /// District hubs under the province.
        var districts: Int
        /// Communes per district.
        var communes: Int
        /// Offline operations per commune.
        var perCommune: Int
        /// Operations each district's own office writes at its hub (rows `dN/…`).
        var districtOps: Int
    }

    /// `province_night`: each district's night (its communes sync at once with its hub over loopback
    /// TCP, one district after another), then every district hub syncs at once with the province hub,
    /// served by another process (`province-serve`) so that its peak memory is the province's alone.
    /// Figures: the province phase's wall time and the province process's peak RSS; baselines: the same
    /// operations applied directly into one store (one transaction per district, as a laptop applies a
    /// bundle), the province process's RSS before any session, and the district nights' own times.
    static func night(folder: String, sizes: Sizes) throws {
        var hubs: [ReplicaStore] = []
        var nights: [Double] = []
        for number in 0..<sizes.districts {
            let subfolder = "\(folder)/d\(number)"
            try FileManager.default.createDirectory(atPath: subfolder, withIntermediateDirectories: true)
            let (seconds, _, hub) = try BenchSync.night(
                folder: subfolder, communes: sizes.communes, perCommune: sizes.perCommune, tls: false, signed: true,
                district: .numbered(number))
            try writeOwn(hub, district: "d\(number)", operations: sizes.districtOps)
            hubs.append(hub)
            nights.append(seconds)
        }
        let total = sizes.districts * (sizes.communes * sizes.perCommune + sizes.districtOps)

        // The baseline: the same operations, read from the district hubs before the clock starts,
        // applied directly into one store.
        let baseline = try ReplicaStore.create(
            at: "\(folder)/baseline.sqlite", replicaID: "baseline", schema: Bench.schema)
        var baselineSeconds = 0.0
        for hub in hubs {
            let operations = try allOperations(of: hub)
            let started = Date()
            _ = try baseline.apply(operations)
            baselineSeconds += Date().timeIntervalSince(started)
        }
        guard try baseline.operationCount() == total else { fail("the baseline store lacks operations") }

        // The province: every district hub enrolled with its district's role.
        let path = "\(folder)/province.sqlite"
        let province = try ReplicaStore.create(at: path, replicaID: replica, schema: Bench.schema)
        let identity = BenchSync.hubIdentity(province, district: unit)
        let credentials = try hubs.indices.map { number in
            try Credential.enrol(hubs[number].replicaID, as: BenchSync.district("d\(number)"), at: identity)
        }
        let server = try ProvinceProcess(db: path)
        let results = Results()
        let started = Date()
        let districts = hubs
        let address = "127.0.0.1:\(server.port)"
        DispatchQueue.concurrentPerform(iterations: districts.count) { number in
            do {
                let hub = districts[number]
                var client = SyncClient(store: hub, commune: "d\(number)", credential: credentials[number])
                client.asHub = HubAsClient(name: hub.replicaID, seed: try HubSigningKey.seed(of: hub))
                results.add(try client.run(over: try LineTransport.connect(to: address)))
            } catch {
                results.fail("d\(number): \(error)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        let peak = try server.stop()
        guard results.failures.isEmpty else { fail("province_night failed: \(results.failures)") }
        try check(province, sizes: sizes, total: total)
        let all = results.all
        let relayed = all.reduce(0) { $0 + $1.relayed }
        let delegated = all.reduce(0) { $0 + $1.enrolmentsDelegated }
        guard delegated == sizes.districts * sizes.communes else {
            fail("the province enrolled \(delegated) communes, not \(sizes.districts * sizes.communes)")
        }
        let bytes = all.reduce(0) { $0 + $1.counts.bytes }
        Bench.report(
            "province_night", operations: total, seconds: seconds,
            extra: [
                "districts": .int(Int64(sizes.districts)), "communes_per_district": .int(Int64(sizes.communes)),
                "ops_per_commune": .int(Int64(sizes.perCommune)),
                "ops_per_district_office": .int(Int64(sizes.districtOps)),
                "province_peak_rss_mb": .int(peak.peak), "province_idle_rss_mb": .int(peak.idle),
                "relayed": .int(Int64(relayed)), "own_pushed": .int(Int64(all.reduce(0) { $0 + $1.counts.sent.new })),
                "pulled_back": .int(Int64(all.reduce(0) { $0 + $1.counts.received.total })),
                "enrolments_delegated": .int(Int64(delegated)),
                "bytes_per_op": .double((Double(bytes) / Double(total) * 10).rounded() / 10),
                "baseline_apply_seconds": rounded(baselineSeconds),
                "baseline_apply_ops_per_s": .int(Int64(Double(total) / baselineSeconds)),
                "province_over_baseline": .double((seconds / baselineSeconds * 100).rounded() / 100),
                "district_nights_seconds_total": rounded(nights.reduce(0, +)),
                "district_night_seconds_max": rounded(nights.max() ?? 0),
            ])
    }

    /// `province_noop_sync`: a district hub syncs with nothing new with a province hub holding
    /// `operations` generated operations (applied in bulk, as the single-level noop builds its hub):
    /// the median of 21 syncs, the time to build the province, and the district's first sync (which
    /// relays its communes' work and scans the whole province log once). The province's enrolment log
    /// holds 300 other communes besides, as ten districts of thirty make it.
    static func noop(folder: String, operations: Int, origins: Int) throws {
        let province = try ReplicaStore.create(
            at: "\(folder)/province-big.sqlite", replicaID: replica, schema: Bench.schema)
        var started = Date()
        var batch: [SyncOperation] = []
        batch.reserveCapacity(50_000)
        try BenchGenerator(operations: operations, origins: origins, concurrentShare: 0.1, seed: 42).forEach { op in
            batch.append(op)
            if batch.count == 50_000 {
                _ = try province.apply(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        _ = try province.apply(batch)
        let buildSeconds = Date().timeIntervalSince(started)
        let held = try province.operationCount()

        // A district hub with a small night behind it, enrolled at the province.
        let districtFolder = "\(folder)/d0"
        try FileManager.default.createDirectory(atPath: districtFolder, withIntermediateDirectories: true)
        let (_, _, hub) = try BenchSync.night(
            folder: districtFolder, communes: 4, perCommune: 500, tls: false, signed: true, district: .numbered(0))
        let identity = BenchSync.hubIdentity(province, district: unit)
        // The province's enrolment log as ten districts of thirty communes make it.
        for index in 0..<300 {
            _ = try Credential.enrol("xa-other-\(index)", as: BenchSync.commune("o-c\(index)"), at: identity)
        }
        let credential = try Credential.enrol(hub.replicaID, as: BenchSync.district("d0"), at: identity)
        let (server, port) = try BenchSync.server(province, district: unit)
        defer { server.stop() }
        var client = SyncClient(store: hub, commune: "d0", credential: credential)
        client.asHub = HubAsClient(name: hub.replicaID, seed: try HubSigningKey.seed(of: hub))
        started = Date()
        let first = try client.run(over: try LineTransport.connect(to: "127.0.0.1:\(port)"))
        let firstSeconds = Date().timeIntervalSince(started)
        guard first.relayed == 2000, first.enrolmentsDelegated == 4 else {
            fail("the first sync relayed \(first.relayed) and enrolled \(first.enrolmentsDelegated)")
        }
        var times: [Double] = []
        var bytes = 0
        for _ in 0..<21 {
            started = Date()
            let result = try client.run(over: try LineTransport.connect(to: "127.0.0.1:\(port)"))
            times.append(Date().timeIntervalSince(started))
            bytes = result.counts.bytes
            guard result.counts.sent.total == 0, result.counts.received.total == 0, result.relayed == 0,
                result.enrolmentsDelegated == 0
            else { fail("a sync with nothing new moved work: \(result)") }
        }
        let median = times.sorted()[times.count / 2]
        print(
            JSONWriter.string(
                .object([
                    "name": .string("province_noop_sync"), "province_ops": .int(Int64(held)),
                    "median_ms": .double((median * 10000).rounded() / 10), "target_ms": .int(20),
                    "max_ms": .double(((times.max() ?? 0) * 10000).rounded() / 10), "bytes": .int(Int64(bytes)),
                    "build_seconds": rounded(buildSeconds),
                    "build_ops_per_s": .int(Int64(Double(held) / buildSeconds)),
                    "first_sync_seconds": rounded(firstSeconds),
                    "first_sync_received": .int(Int64(first.counts.received.total)),
                ])))
    }

    /// `province-serve`: the province hub in its own process (with `unit` nil, the single-level figures'
    /// hub). Prints its port and its RSS before any session, serves until its standard input ends, then
    /// prints its peak RSS.
    static func serve(db: String, unit: String?) throws {
        let store = try ReplicaStore.open(at: db, schema: Bench.schema)
        let (server, port) = try BenchSync.server(store, district: unit)
        FileHandle.standardOutput.write(Data("\(port) \(currentRSS())\n".utf8))
        _ = FileHandle.standardInput.readDataToEndOfFile()
        server.stop()
        FileHandle.standardOutput.write(Data("\(peakRSS())\n".utf8))
    }

    /// The process's peak resident memory, in MiB: VmHWM, which starts afresh at exec (Linux's
    /// `ru_maxrss` keeps the parent's peak at the fork); `ru_maxrss` elsewhere.
    static func peakRSS() -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int64(line.split(separator: " ").dropFirst().first ?? "")
        else { return BenchFiles.peakRSS() }
        return kilobytes / 1024
    }

    /// The province hub's process, started by `province_night`.
    final class ProvinceProcess {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        /// The port it serves on.
        private(set) var port = 0
        /// Its RSS in MiB before any session.
        private(set) var idle: Int64 = 0

        init(db: String, single: Bool = false) throws {
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["province-serve", "--db", db] + (single ? ["--single"] : [])
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            let words = readLine().split(separator: " ")
            guard words.count == 2, let port = Int(words[0]), let idle = Int64(words[1]) else {
                fail("the province process did not start")
            }
            self.port = port
            self.idle = idle
        }

        /// Stops the process and returns its RSS before any session and its peak, in MiB.
        func stop() throws -> (idle: Int64, peak: Int64) {
            try input.fileHandleForWriting.close()
            let line = readLine()
            process.waitUntilExit()
            guard let peak = Int64(line) else { fail("the province process did not report its memory") }
            return (idle, peak)
        }

        private func readLine() -> String {
            var bytes: [UInt8] = []
            while true {
                let data = output.fileHandleForReading.readData(ofLength: 1)
                guard let byte = data.first, byte != 10 else { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Writes `operations` operations of a district office at its hub: rows `dN/…` of four fields.
    static func writeOwn(_ hub: ReplicaStore, district: String, operations: Int) throws {
        var written = 0
        while written < operations {
            var changes: [RowChange] = []
            for row in 0..<100 where written < operations {
                let fields = min(4, operations - written)
                var values: [String: FieldValue] = [:]
                for column in ["a", "b", "c", "d"].prefix(fields) { values[column] = .text("huyện \(written)") }
                changes.append(RowChange(table: "t", row: "\(district)/r\(row)", values: values))
                written += fields
            }
            try hub.write(changes, author: "Phòng huyện \(district)")
        }
    }

    /// Every operation of a store's log, in log order.
    static func allOperations(of store: ReplicaStore) throws -> [SyncOperation] {
        var operations: [SyncOperation] = []
        var position: Int64 = 0
        while true {
            let entries = try store.logEntries(after: position, limit: 10_000)
            guard let last = entries.last else { return operations }
            operations += entries.map(\.operation)
            position = last.position
        }
    }

    /// Checks that the province holds every commune's operations and every district office's.
    static func check(_ province: ReplicaStore, sizes: Sizes, total: Int) throws {
        let holds = try province.summary().origins
        for number in 0..<sizes.districts {
            let district = BenchSync.District.numbered(number)
            for index in 0..<sizes.communes {
                let held = holds[district.replica(index)]
                guard held?.count == UInt64(sizes.perCommune), held?.firstMissing == UInt64(sizes.perCommune) + 1
                else {
                    fail(
                        "the province lacks operations of \(district.replica(index)): it holds \(String(describing: held))"
                    )
                }
            }
            if sizes.districtOps > 0, holds[district.hub]?.count != UInt64(sizes.districtOps) {
                fail("the province lacks operations of \(district.hub)")
            }
        }
        guard try province.operationCount() == total else {
            fail("the province holds \(try province.operationCount()) operations, not \(total)")
        }
    }

    /// The process's resident memory now, in MiB (Linux; 0 elsewhere).
    static func currentRSS() -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let words = text.split(separator: " ")
        guard words.count > 1, let pages = Int64(words[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    static func rounded(_ seconds: Double) -> JSONValue { .double((seconds * 1000).rounded() / 1000) }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        exit(1)
    }
}
