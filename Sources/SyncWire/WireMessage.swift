import SyncCore

/// A position in the hub's log together with the dot of the operation there, so that a replica can
/// tell a hub restored from an older backup (the same position now holds another operation, or none).
public struct HubCursor: Hashable, Sendable {
    /// The hub's log position (0: before the first operation).
    public var position: Int64
    /// The dot of the operation at that position; nil for position 0.
    public var dot: Dot?

    /// The cursor before the first operation.
    public static let start = HubCursor(position: 0, dot: nil)

    /// Creates a cursor.
    public init(position: Int64, dot: Dot?) {
        self.position = position
        self.dot = dot
    }

    /// The cursor as a JSON object.
    public var json: JSONValue {
        var object: JSONObject = ["pos": .int(position)]
        if let dot { object["origin"] = .string(dot.origin); object["seq"] = .int(Int64(dot.seq)) }
        return .object(object)
    }

    /// Reads a cursor object; `field` names it in the error.
    public init(json: JSONValue?, field: String) throws(WireError) {
        guard let object = json?.object, let position = object["pos"]?.int, position >= 0,
            position <= Int64(SyncOperation.maxSeq)
        else { throw WireError(.badMessage, "\"\(field)\" must be {\"pos\": integer ≥ 0, \"origin\", \"seq\"}") }
        self.position = position
        if position == 0 {
            dot = nil
            return
        }
        guard let origin = object["origin"]?.string, Identifiers.isReplicaID(origin), let seq = object["seq"]?.int,
            seq >= 1, UInt64(seq) <= SyncOperation.maxSeq
        else { throw WireError(.badMessage, "\"\(field)\" at a position > 0 must name the dot there (origin, seq)") }
        dot = Dot(origin: origin, seq: UInt64(seq))
    }
}

/// The last operation of one origin's chain that a side holds: its sequence number and its hash
/// (`protocol/PROTOCOL.md` §11.12). Two databases writing under one replica id (a copied laptop) show
/// as two chains that differ at the same sequence number: a fork.
public struct ChainHead: Hashable, Sendable {
    /// The sequence number (≥ 1).
    public var seq: UInt64
    /// The SHA-256 of the operation's canonical line (32 bytes).
    public var hash: [UInt8]

    /// Creates a head.
    public init(seq: UInt64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }

    /// The head as a JSON object.
    public var json: JSONValue { .object(["seq": .int(Int64(seq)), "hash": .string(hash.hexString)]) }

    /// Reads an optional head; `field` and `type` name it in the error.
    static func optional(_ json: JSONValue?, field: String, of type: String) throws(WireError) -> ChainHead? {
        guard let json, json != .null else { return nil }
        guard let object = json.object, let seq = object["seq"]?.int, seq >= 1, UInt64(seq) <= SyncOperation.maxSeq,
            let text = object["hash"]?.string, let hash = Hex.bytes(text), hash.count == 32
        else {
            throw WireError(
                .badMessage, "\"\(field)\" of \(type) must be {\"seq\": integer ≥ 1, \"hash\": 64 hex digits}")
        }
        return ChainHead(seq: UInt64(seq), hash: hash)
    }
}

/// A hub syncing with the hub above it (a district's with its province), as its hello shows it: the
/// name its own enrolment log is signed for, that log's key, and the log's last entry (version 6).
public struct LowerHubInfo: Hashable, Sendable {
    /// The name the lower hub's log entries carry (`hub` of each entry).
    public var name: String
    /// The Ed25519 public key that signs the lower hub's log (32 bytes).
    public var key: [UInt8]
    /// The last entry of the lower hub's log (seq and hash), nil when it is empty.
    public var head: ChainHead?
    /// The units it holds (a district's communes, at most 1000): those no one placed yet at the hub
    /// above are placed under it, so that its office's writes on their rows are its own.
    public var units: [String]

    /// Creates the description.
    public init(name: String, key: [UInt8], head: ChainHead?, units: [String] = []) {
        self.name = name
        self.key = key
        self.head = head
        self.units = units
    }

    /// The most units a hello claims.
    public static let maximumUnits = 1000

    /// The description as a JSON object.
    public var json: JSONValue {
        var object: JSONObject = ["name": .string(name), "key": .string(key.hexString)]
        if let head { object["head"] = head.json }
        if !units.isEmpty { object["units"] = .array(units.map(JSONValue.string)) }
        return .object(object)
    }

    static func optional(_ json: JSONValue?) throws(WireError) -> LowerHubInfo? {
        guard let json, json != .null else { return nil }
        guard let object = json.object, let name = object["name"]?.string, Identifiers.isReplicaID(name),
            let text = object["key"]?.string, let key = Hex.bytes(text), key.count == 32
        else {
            throw WireError(
                .badMessage, "\"lower_hub\" of hello must be {\"name\": replica id, \"key\": 64 hex digits, \"head\"?}")
        }
        var units: [String] = []
        if let listed = object["units"], listed != .null {
            guard let array = listed.array, array.count <= maximumUnits,
                array.allSatisfy({ $0.string.map(Identifiers.isSlug) ?? false })
            else {
                throw WireError(
                    .badMessage, "\"units\" of \"lower_hub\" must be a list of at most \(maximumUnits) slugs")
            }
            units = array.compactMap(\.string)
        }
        return LowerHubInfo(
            name: name, key: key, head: try ChainHead.optional(object["head"], field: "lower_hub.head", of: "hello"),
            units: units)
    }
}

/// One hub of the chain above a hub, nearest first (welcome's `above`, version 6): its replica id and
/// the unit (district or province slug) whose rows every replica below receives.
public struct UpperHub: Hashable, Sendable {
    /// The hub's replica id.
    public var hub: String
    /// Its unit's slug, when it has one.
    public var unit: String?

    /// Creates an entry.
    public init(hub: String, unit: String?) {
        self.hub = hub
        self.unit = unit
    }

    /// The entry as a JSON object.
    public var json: JSONValue { .object(["hub": .string(hub), "unit": unit.map(JSONValue.string) ?? .null]) }

    /// Reads a list of entries (an absent member is an empty list).
    public static func list(_ json: JSONValue?, field: String) throws(WireError) -> [UpperHub] {
        guard let json, json != .null else { return [] }
        guard let array = json.array, array.count <= 16 else {
            throw WireError(.badMessage, "\"\(field)\" must be a list of at most 16 {\"hub\", \"unit\"}")
        }
        var hubs: [UpperHub] = []
        for item in array {
            guard let object = item.object, let hub = object["hub"]?.string, Identifiers.isReplicaID(hub) else {
                throw WireError(
                    .badMessage, "\"\(field)\" must be a list of {\"hub\": replica id, \"unit\": slug or null}")
            }
            let unit = object["unit"]?.string
            if let unit, !Identifiers.isSlug(unit) {
                throw WireError(.badMessage, "\"unit\" of \"\(field)\" must be a slug or null")
            }
            hubs.append(UpperHub(hub: hub, unit: unit))
        }
        return hubs
    }
}

/// One line of a sync session other than an operation (`protocol/PROTOCOL.md`, part II).
public enum WireMessage: Hashable, Sendable {
    /// Client → hub, first line: who the replica is, which commune it works for, where it stopped pulling.
    case hello(Hello)
    /// Hub → client, answer to hello: a random nonce the replica signs with its credential's key.
    case challenge(hub: String, nonce: [UInt8])
    /// Client → hub, answer to challenge: the Ed25519 signature of the challenge message.
    case auth(signature: [UInt8])
    /// Hub → client, answer to a good auth: who the hub is, what it holds of this replica, its log end.
    case welcome(Welcome)
    /// Client → hub: `count` operation lines follow; they may leave out the members in `defaults`.
    /// `checkpoints` vouch for other origins' operations the client relays (protocol version 5, §14).
    case push(batch: Int64, count: Int, defaults: OperationDefaults? = nil, checkpoints: [Checkpoint] = [])
    /// Hub → client: the push batch is committed; `refused` lists its operations the writer's role
    /// may not write (held, so that the origin's sequence goes on, but never applied nor relayed);
    /// `waiting` counts relayed operations no checkpoint vouched for (not held; send them again later).
    /// `rejected` says why a batch of relayed work only was refused whole (a forgery the client carried
    /// from another laptop, not its own violation): nothing of it is applied and the session goes on.
    case pushed(
        batch: Int64, applied: Int, duplicates: Int, refused: [Refusal] = [], waiting: Int = 0,
        rejected: WireError? = nil)
    /// Client → hub: send what is in my scope after `cursor` (which also acknowledges the batch before).
    case pull(cursor: HubCursor, limit: Int)
    /// Hub → client: `count` operation lines follow (which may leave out the members in `defaults`),
    /// then the client may move its cursor to `to`.
    /// `checkpoints` vouch for the batch's operations, so that the client can carry them on (version 5).
    case batch(to: HubCursor, count: Int, defaults: OperationDefaults? = nil, checkpoints: [Checkpoint] = [])
    /// Hub → client: nothing more after `cursor` for now; the session ends.
    case done(cursor: HubCursor)
    /// Client → hub: what is the hash of my own operation `seq`, as you hold it? (Used to find where a
    /// copied database's chain parted from the hub's.)
    case probe(seq: UInt64)
    /// Hub → client, answer to probe: the hash the hub holds at `seq` of the client's chain, nil if it
    /// holds none there.
    case probed(seq: UInt64, hash: [UInt8]?)
    /// Either side: a fatal error; the sender closes the session after it.
    case error(WireError)
    /// After `done`, in protocol version 4: moving file contents (``FileMessage``).
    case file(FileMessage)
    /// Client → hub, right after `welcome` when it asked (version 5): the hub's enrolment log entries
    /// the client holds, for a hub restored from an older backup to take back what it lost (§14.6).
    case enrolments([EnrolmentRecord])
    /// Hub → client, answer to `enrolments`: how many entries were new to the hub; for a lower hub whose
    /// log placed communes under it, the digest of its scope now (version 6), which it keeps with its
    /// cursor instead of the welcome's.
    case enrolmentsTaken(taken: Int, scopeDigest: String? = nil)

    /// The hello message.
    public struct Hello: Hashable, Sendable {
        /// The highest protocol version the client speaks.
        public var protocolVersion: Int
        /// The client's replica id.
        public var replica: String
        /// The commune the replica works for (its rows are the replica's scope).
        public var commune: String
        /// The application schema tag (`ntm-2`).
        public var schema: String
        /// The hub epoch the client last synced with, if any.
        public var epoch: String?
        /// The last operation the client holds of its own chain (nil when it has written nothing), so
        /// the hub can tell a copied database at once.
        public var head: ChainHead?
        /// The last entry of the hub's enrolment log the client holds (its seq and hash; version 5).
        public var enrolments: ChainHead?
        /// When the client is itself a hub syncing with the hub above it: its own log's name, key and
        /// head (version 6).
        public var lowerHub: LowerHubInfo?
        /// The stream compressions the client offers, preferred first (`["deflate"]`; empty: none,
        /// `protocol/PROTOCOL.md` §11.13).
        public var compress: [String]
        /// Creates a hello.
        public init(
            protocolVersion: Int, replica: String, commune: String, schema: String, epoch: String?,
            head: ChainHead? = nil, enrolments: ChainHead? = nil, lowerHub: LowerHubInfo? = nil,
            compress: [String] = []
        ) {
            self.compress = compress
            self.lowerHub = lowerHub
            self.enrolments = enrolments
            self.protocolVersion = protocolVersion
            self.replica = replica
            self.commune = commune
            self.schema = schema
            self.epoch = epoch
            self.head = head
        }
    }

    /// The welcome message.
    public struct Welcome: Hashable, Sendable {
        /// The protocol version the session speaks (the lower of both sides').
        public var protocolVersion: Int
        /// The hub's replica id.
        public var hub: String
        /// The hub's epoch: a random id made when the hub database was created.
        public var epoch: String
        /// What the hub holds, per origin (the summary object of part I), so that the client pushes
        /// exactly what is missing.
        public var holds: Summary
        /// The hub's log end.
        public var end: HubCursor
        /// The district whose rows every commune shares, if the hub has one.
        public var district: String?
        /// Tables every commune shares whole.
        public var shared: [String]
        /// The role the replica authenticated with (`commune:SLUG`, `department:NAME`, `district`).
        public var role: String
        /// Whether the session covers every row of the district (a department's or the district
        /// office's replica), not only the commune's, the district's and the shared tables.
        public var whole: Bool
        /// This replica's operations the hub refused, oldest first, at most
        /// ``WireLimits/maximumRefusalsInWelcome`` (so that a replica that crashed after a push learns them).
        public var refused: [Refusal]
        /// The last operation of the client's own chain the hub holds (nil when it holds none): the
        /// client compares it with its own before pushing, to find a fork.
        public var head: ChainHead?
        /// The largest file, in bytes, the hub accepts (protocol version 4; nil in a version 3 session).
        public var fileLimit: Int64?
        /// The hub's own Ed25519 public key, which signs its enrolment log and its checkpoints
        /// (version 5).
        public var hubKey: [UInt8]?
        /// The hub's enrolment log, whole, when the client's last entry is not the hub's (version 5).
        public var enrolments: [EnrolmentRecord]
        /// Whether the hub lacks the client's last entry (it was restored from an older backup): the
        /// client then sends its entries (`enrolments`) before anything else (version 5). Also set when
        /// the client is a lower hub whose log's last entry the hub has not taken (version 6).
        public var enrolmentsWanted: Bool
        /// The hubs above this hub, nearest first (version 6): a lower hub keeps them with this hub to
        /// know its own chain (and refuse a cycle), and their units' rows reach every replica below.
        public var above: [UpperHub]
        /// A digest of the rows the client's scope covers (version 6): a client whose scope changed
        /// without its role changing (a commune placed under its district) pulls afresh.
        public var scopeDigest: String?
        /// The compression the hub chose among the client's offer (`deflate`), nil for none: from the
        /// line after this welcome on, each direction is one raw-deflate stream (§11.13).
        public var compress: String?
        /// Creates a welcome.
        public init(
            protocolVersion: Int, hub: String, epoch: String, holds: Summary, end: HubCursor, district: String?,
            shared: [String], role: String, whole: Bool = false, refused: [Refusal] = [], head: ChainHead? = nil,
            fileLimit: Int64? = nil, hubKey: [UInt8]? = nil, enrolments: [EnrolmentRecord] = [],
            enrolmentsWanted: Bool = false, above: [UpperHub] = [], scopeDigest: String? = nil,
            compress: String? = nil
        ) {
            self.compress = compress
            self.scopeDigest = scopeDigest
            self.above = above
            self.hubKey = hubKey
            self.enrolments = enrolments
            self.enrolmentsWanted = enrolmentsWanted
            self.head = head
            self.fileLimit = fileLimit
            self.protocolVersion = protocolVersion
            self.hub = hub
            self.epoch = epoch
            self.holds = holds
            self.end = end
            self.district = district
            self.shared = shared
            self.role = role
            self.whole = whole
            self.refused = refused
        }
    }
}

/// An operation the hub refused because the replica's role may not write it: its dot and the rule
/// that would have been needed, in words.
public struct Refusal: Hashable, Sendable {
    /// The refused operation's dot.
    public var dot: Dot
    /// Why, in English ("no rule lets commune:dan-ly write verification …").
    public var reason: String

    /// Creates a refusal.
    public init(dot: Dot, reason: String) {
        self.dot = dot
        self.reason = WireError.bounded(reason, to: 256)
    }

    /// The refusal as a JSON object.
    public var json: JSONValue {
        .object(["origin": .string(dot.origin), "seq": .int(Int64(dot.seq)), "reason": .string(reason)])
    }

    /// Reads a list of refusals; `field` and `type` name it in the error.
    static func list(_ json: JSONValue?, field: String, of type: String) throws(WireError) -> [Refusal] {
        guard let json else { return [] }
        guard let items = json.array, items.count <= WireLimits.maximumBatch else {
            throw WireError(.badMessage, "\"\(field)\" of \(type) must be a list of refusals")
        }
        var refusals: [Refusal] = []
        for item in items {
            guard let object = item.object, let origin = object["origin"]?.string, Identifiers.isReplicaID(origin),
                let seq = object["seq"]?.int, seq >= 1, UInt64(seq) <= SyncOperation.maxSeq,
                let reason = object["reason"]?.string
            else {
                throw WireError(
                    .badMessage, "each of \"\(field)\" of \(type) must be {\"origin\", \"seq\", \"reason\"}")
            }
            refusals.append(Refusal(dot: Dot(origin: origin, seq: UInt64(seq)), reason: reason))
        }
        return refusals
    }
}

extension WireMessage {
    /// The message's `type`, for errors that name it.
    public var typeName: String {
        switch self {
        case .hello: return "hello"
        case .challenge: return "challenge"
        case .auth: return "auth"
        case .welcome: return "welcome"
        case .push: return "push"
        case .pushed: return "pushed"
        case .pull: return "pull"
        case .batch: return "batch"
        case .done: return "done"
        case .probe: return "probe"
        case .probed: return "probed"
        case .error: return "error"
        case .file(let message): return message.typeName
        case .enrolments: return "enrolments"
        case .enrolmentsTaken: return "enrolments-taken"
        }
    }

    /// The canonical line (without `\n`).
    public var line: String {
        // A chunk's base64 is written straight into the line, not built as a JSON string first.
        if case .file(.chunk(let sha256, let index, let data)) = self {
            var writer = JSONWriter(capacity: data.count * 4 / 3 + 128)
            FileLine.writeChunk(sha256: sha256, index: index, data: data, to: &writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        return JSONWriter.string(json)
    }

    /// The message as a JSON object, members in the order the spec lists them.
    public var json: JSONValue {
        switch self {
        case .hello(let hello):
            var object: JSONObject = [
                "type": .string("hello"), "protocol": .int(Int64(hello.protocolVersion)),
                "replica": .string(hello.replica), "commune": .string(hello.commune), "schema": .string(hello.schema),
                "epoch": hello.epoch.map(JSONValue.string) ?? .null,
            ]
            if let head = hello.head { object["head"] = head.json }
            if let log = hello.enrolments { object["enrolments"] = log.json }
            if let lower = hello.lowerHub { object["lower_hub"] = lower.json }
            if !hello.compress.isEmpty { object["compress"] = .array(hello.compress.map(JSONValue.string)) }
            return .object(object)
        case .welcome(let welcome):
            var object: JSONObject = [
                "type": .string("welcome"), "protocol": .int(Int64(welcome.protocolVersion)),
                "hub": .string(welcome.hub), "epoch": .string(welcome.epoch), "holds": welcome.holds.json,
                "end": welcome.end.json, "district": welcome.district.map(JSONValue.string) ?? .null,
                "shared": .array(welcome.shared.map(JSONValue.string)), "role": .string(welcome.role),
                "whole": .bool(welcome.whole), "refused": .array(welcome.refused.map(\.json)),
            ]
            if let head = welcome.head { object["head"] = head.json }
            if let limit = welcome.fileLimit { object["file_limit"] = .int(limit) }
            if let key = welcome.hubKey { object["hub_key"] = .string(key.hexString) }
            if !welcome.enrolments.isEmpty { object["enrolments"] = .array(welcome.enrolments.map(\.json)) }
            if welcome.enrolmentsWanted { object["enrolments_wanted"] = .bool(true) }
            if !welcome.above.isEmpty { object["above"] = .array(welcome.above.map(\.json)) }
            if let digest = welcome.scopeDigest { object["scope_digest"] = .string(digest) }
            if let compress = welcome.compress { object["compress"] = .string(compress) }
            return .object(object)
        case .challenge(let hub, let nonce):
            return .object(["type": .string("challenge"), "hub": .string(hub), "nonce": .string(nonce.hexString)])
        case .auth(let signature):
            return .object(["type": .string("auth"), "signature": .string(signature.hexString)])
        case .push(let batch, let count, let defaults, let checkpoints):
            var object: JSONObject = ["type": .string("push"), "batch": .int(batch), "count": .int(Int64(count))]
            if let defaults { object["defaults"] = defaults.json }
            if !checkpoints.isEmpty { object["checkpoints"] = .array(checkpoints.map(\.json)) }
            return .object(object)
        case .pushed(let batch, let applied, let duplicates, let refused, let waiting, let rejected):
            var object: JSONObject = [
                "type": .string("pushed"), "batch": .int(batch), "applied": .int(Int64(applied)),
                "duplicates": .int(Int64(duplicates)),
            ]
            if !refused.isEmpty { object["refused"] = .array(refused.map(\.json)) }
            if waiting > 0 { object["waiting"] = .int(Int64(waiting)) }
            if let rejected {
                object["rejected"] = .object([
                    "code": .string(rejected.code.rawValue), "message": .string(rejected.message),
                ])
            }
            return .object(object)
        case .pull(let cursor, let limit):
            return .object(["type": .string("pull"), "cursor": cursor.json, "limit": .int(Int64(limit))])
        case .batch(let to, let count, let defaults, let checkpoints):
            var object: JSONObject = ["type": .string("batch"), "to": to.json, "count": .int(Int64(count))]
            if let defaults { object["defaults"] = defaults.json }
            if !checkpoints.isEmpty { object["checkpoints"] = .array(checkpoints.map(\.json)) }
            return .object(object)
        case .done(let cursor):
            return .object(["type": .string("done"), "cursor": cursor.json])
        case .probe(let seq):
            return .object(["type": .string("probe"), "seq": .int(Int64(seq))])
        case .probed(let seq, let hash):
            return .object([
                "type": .string("probed"), "seq": .int(Int64(seq)), "hash": hash.map { .string($0.hexString) } ?? .null,
            ])
        case .error(let error):
            return .object([
                "type": .string("error"), "code": .string(error.code.rawValue), "message": .string(error.message),
            ])
        case .file(let message): return message.json
        case .enrolments(let records):
            return .object(["type": .string("enrolments"), "records": .array(records.map(\.json))])
        case .enrolmentsTaken(let taken, let digest):
            var object: JSONObject = ["type": .string("enrolments-taken"), "taken": .int(Int64(taken))]
            if let digest { object["scope_digest"] = .string(digest) }
            return .object(object)
        }
    }

    /// Reads a message object (not an operation).
    /// - Throws: ``WireError`` with the code a receiver sends back.
    public init(json: JSONValue) throws(WireError) {
        guard let object = json.object else { throw WireError(.notAnObject, "every line must be a JSON object") }
        guard let type = object["type"]?.string else { throw WireError(.badMessage, "missing \"type\"") }
        func int(_ name: String, _ range: ClosedRange<Int64>) throws(WireError) -> Int64 {
            guard let value = object[name]?.int, range.contains(value) else {
                throw WireError(.badMessage, "\"\(name)\" of \(type) must be an integer in \(range)")
            }
            return value
        }
        func text(_ name: String) throws(WireError) -> String {
            guard let value = object[name]?.string else {
                throw WireError(.badMessage, "\"\(name)\" of \(type) must be a string")
            }
            return value
        }
        func flag(_ name: String) throws(WireError) -> Bool {
            switch object[name] {
            case nil: return false
            case .bool(let value): return value
            default: throw WireError(.badMessage, "\"\(name)\" of \(type) must be a boolean")
            }
        }
        let counts = Int64(0)...Int64(WireLimits.maximumBatch)
        switch type {
        case "hello":
            let epoch: String?
            switch object["epoch"] {
            case .null: epoch = nil
            case .string(let value): epoch = value
            default: throw WireError(.badMessage, "\"epoch\" of hello must be a string or null")
            }
            let replica = try text("replica")
            guard Identifiers.isReplicaID(replica) else {
                throw WireError(.badMessage, "\"replica\" is not a replica id")
            }
            self = .hello(
                Hello(
                    protocolVersion: Int(try int("protocol", 1...1_000_000)), replica: replica,
                    commune: try text("commune"), schema: try text("schema"), epoch: epoch,
                    head: try ChainHead.optional(object["head"], field: "head", of: type),
                    enrolments: try ChainHead.optional(object["enrolments"], field: "enrolments", of: type),
                    lowerHub: try LowerHubInfo.optional(object["lower_hub"]),
                    compress: try Self.compressions(object["compress"])))
        case "welcome":
            let holds: Summary
            do {
                holds = try Summary(json: object["holds"] ?? .null)
            } catch {
                throw WireError(.badMessage, "\"holds\" of welcome must be a summary: origin → [[first, last], …]")
            }
            let district: String?
            switch object["district"] {
            case .null: district = nil
            case .string(let value): district = value
            default: throw WireError(.badMessage, "\"district\" of welcome must be a string or null")
            }
            guard let sharedList = object["shared"]?.array, sharedList.allSatisfy({ $0.string != nil }) else {
                throw WireError(.badMessage, "\"shared\" of welcome must be a list of table names")
            }
            self = .welcome(
                Welcome(
                    protocolVersion: Int(try int("protocol", 1...1_000_000)), hub: try text("hub"),
                    epoch: try text("epoch"), holds: holds, end: try HubCursor(json: object["end"], field: "end"),
                    district: district, shared: sharedList.compactMap(\.string), role: try text("role"),
                    whole: try flag("whole"), refused: try Refusal.list(object["refused"], field: "refused", of: type),
                    head: try ChainHead.optional(object["head"], field: "head", of: type),
                    fileLimit: try Self.optionalLimit(object["file_limit"]),
                    hubKey: try Self.optionalKey(object["hub_key"]),
                    enrolments: try Self.records(object["enrolments"], of: type),
                    enrolmentsWanted: object["enrolments_wanted"] == nil ? false : try flag("enrolments_wanted"),
                    above: try UpperHub.list(object["above"], field: "above"),
                    scopeDigest: try Self.optionalDigest(object["scope_digest"]),
                    compress: try Self.compression(object["compress"])))
        case "challenge":
            guard let nonce = Hex.bytes(try text("nonce")), nonce.count >= 16, nonce.count <= 64 else {
                throw WireError(.badMessage, "\"nonce\" of challenge must be 16 to 64 bytes in hex")
            }
            let hub = try text("hub")
            guard Identifiers.isReplicaID(hub) else { throw WireError(.badMessage, "\"hub\" is not a replica id") }
            self = .challenge(hub: hub, nonce: nonce)
        case "auth":
            guard let signature = Hex.bytes(try text("signature")), signature.count == 64 else {
                throw WireError(.badMessage, "\"signature\" of auth must be 64 bytes in hex")
            }
            self = .auth(signature: signature)
        case "push":
            self = .push(
                batch: try int("batch", 1...Int64(SyncOperation.maxSeq)), count: Int(try int("count", counts)),
                defaults: try OperationDefaults(json: object["defaults"], of: type),
                checkpoints: try Self.checkpoints(object["checkpoints"], of: type))
        case "pushed":
            self = .pushed(
                batch: try int("batch", 1...Int64(SyncOperation.maxSeq)), applied: Int(try int("applied", counts)),
                duplicates: Int(try int("duplicates", counts)),
                refused: try Refusal.list(object["refused"], field: "refused", of: type),
                waiting: object["waiting"] == nil ? 0 : Int(try int("waiting", counts)),
                rejected: try Self.rejected(object["rejected"]))
        case "pull":
            self = .pull(
                cursor: try HubCursor(json: object["cursor"], field: "cursor"),
                limit: Int(try int("limit", 1...Int64(WireLimits.maximumBatch))))
        case "batch":
            self = .batch(
                to: try HubCursor(json: object["to"], field: "to"), count: Int(try int("count", counts)),
                defaults: try OperationDefaults(json: object["defaults"], of: type),
                checkpoints: try Self.checkpoints(object["checkpoints"], of: type))
        case "done": self = .done(cursor: try HubCursor(json: object["cursor"], field: "cursor"))
        case "probe": self = .probe(seq: UInt64(try int("seq", 1...Int64(SyncOperation.maxSeq))))
        case "probed":
            let hash: [UInt8]?
            switch object["hash"] {
            case nil, .null: hash = nil
            case .string(let text):
                guard let bytes = Hex.bytes(text), bytes.count == 32 else {
                    throw WireError(.badMessage, "\"hash\" of probed must be 64 hex digits or null")
                }
                hash = bytes
            default: throw WireError(.badMessage, "\"hash\" of probed must be 64 hex digits or null")
            }
            self = .probed(seq: UInt64(try int("seq", 1...Int64(SyncOperation.maxSeq))), hash: hash)
        case "enrolments":
            guard object["records"] != nil else {
                throw WireError(.badMessage, "\"records\" of enrolments is required")
            }
            self = .enrolments(try Self.records(object["records"], of: type))
        case "enrolments-taken":
            self = .enrolmentsTaken(
                taken: Int(try int("taken", 0...1_000_000)),
                scopeDigest: try Self.optionalDigest(object["scope_digest"]))
        case "error":
            let code = try text("code")
            self = .error(WireError(WireError.Code(rawValue: code) ?? .unknown, try text("message")))
        default:
            guard let message = try FileMessage(object: object, type: type) else {
                throw WireError(.unknownType, "unknown message type \"\(type)\"")
            }
            self = .file(message)
        }
    }

    private static func rejected(_ json: JSONValue?) throws(WireError) -> WireError? {
        guard let json else { return nil }
        guard let code = json["code"]?.string, let message = json["message"]?.string else {
            throw WireError(.badMessage, "\"rejected\" of pushed must hold \"code\" and \"message\"")
        }
        return WireError(WireError.Code(rawValue: code) ?? .unknown, message)
    }

    private static func records(_ json: JSONValue?, of type: String) throws(WireError) -> [EnrolmentRecord] {
        do { return try EnrolmentRecord.list(json) } catch {
            throw WireError(.badMessage, "\"enrolments\" of \(type): \(error.reason)")
        }
    }

    private static func optionalKey(_ json: JSONValue?) throws(WireError) -> [UInt8]? {
        guard let json else { return nil }
        guard let text = json.string, let key = Hex.bytes(text), key.count == 32 else {
            throw WireError(.badMessage, "\"hub_key\" of welcome must be 64 hex digits")
        }
        return key
    }

    private static func checkpoints(_ json: JSONValue?, of type: String) throws(WireError) -> [Checkpoint] {
        do { return try Checkpoint.list(json) } catch {
            throw WireError(.badMessage, "\"checkpoints\" of \(type): \(error.reason)")
        }
    }

    /// `hello.compress`: a list of at most 16 names, each 1–32 bytes; absent or null is no offer.
    private static func compressions(_ json: JSONValue?) throws(WireError) -> [String] {
        guard let json, json != .null else { return [] }
        guard let list = json.array, list.count <= 16,
            list.allSatisfy({ ($0.string?.utf8.count ?? 0) >= 1 && ($0.string?.utf8.count ?? 0) <= 32 })
        else {
            throw WireError(.badMessage, "\"compress\" of hello must be a list of compression names")
        }
        return list.compactMap(\.string)
    }

    /// `welcome.compress`: one name, absent or null for none.
    private static func compression(_ json: JSONValue?) throws(WireError) -> String? {
        guard let json, json != .null else { return nil }
        guard let name = json.string, !name.isEmpty, name.utf8.count <= 32 else {
            throw WireError(.badMessage, "\"compress\" of welcome must be a compression name")
        }
        return name
    }

    private static func optionalDigest(_ json: JSONValue?) throws(WireError) -> String? {
        guard let json, json != .null else { return nil }
        guard let text = json.string, text.utf8.count == 64, Hex.bytes(text) != nil else {
            throw WireError(.badMessage, "\"scope_digest\" must be 64 hex digits")
        }
        return text
    }

    private static func optionalLimit(_ json: JSONValue?) throws(WireError) -> Int64? {
        switch json {
        case nil, .null?: return nil
        case .int(let value)? where value >= 0: return value
        default: throw WireError(.badMessage, "\"file_limit\" of welcome must be an integer ≥ 0")
        }
    }
}

/// The limits both sides enforce.
public enum WireLimits {
    /// The most bytes of operation lines in one pull batch the hub sends.
    public static let maximumPullBytes = 4 << 20
    /// The most operations in one push or pull batch.
    public static let maximumBatch = 5000
    /// The most bytes of operation lines in one push batch: what a hub holds for one client at most.
    public static let maximumBatchBytes = 16 << 20
    /// The most refusals a welcome lists (each reason is at most 256 bytes, so the line stays far
    /// below the line limit).
    public static let maximumRefusalsInWelcome = 1000
    /// The protocol version this code speaks (7: an operation line of a batch may leave out `seq` after
    /// its predecessor; 6: a hub syncs with the hub above it, showing its own
    /// enrolment log; 5: pushes relay other origins' work vouched for by checkpoints, batches carry
    /// checkpoints; 4: file contents move after the operations; 3: sessions authenticate by challenge
    /// and response).
    public static let protocolVersion = 7
    /// The lowest protocol version a hub serves (a version 3 session moves no files).
    public static let oldestProtocolVersion = 3
    /// The first version whose sessions move files.
    public static let filesProtocolVersion = 4
    /// The first version whose pushes may relay other origins' work and whose batches carry checkpoints.
    public static let relayProtocolVersion = 5
    /// The first version in which a hub syncs with the hub above it (hello's `lower_hub`, welcome's
    /// `above`).
    public static let hierarchyProtocolVersion = 6
    /// The first version whose batches may leave out an operation line's `seq` when the line before is
    /// its origin's previous operation (`protocol/PROTOCOL.md` §11.2).
    public static let compactProtocolVersion = 7
    /// The one session compression there is: raw deflate (RFC 1951) with one window per direction for
    /// the whole session (`hello.compress`, `welcome.compress`, `protocol/PROTOCOL.md` §11.13).
    public static let deflate = "deflate"
    /// The largest file a hub accepts unless its district sets another limit: 50 MiB.
    public static let defaultFileLimit: Int64 = 50 << 20
}
