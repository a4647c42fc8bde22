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

/// One line of a sync session other than an operation (`protocol/PROTOCOL.md`, part II).
public enum WireMessage: Hashable, Sendable {
    /// Client → hub, first line: who the replica is, which commune it works for, where it stopped pulling.
    case hello(Hello)
    /// Hub → client, answer to hello: who the hub is, what it holds of this replica, its log end.
    case welcome(Welcome)
    /// Client → hub: `count` operation lines follow; they may leave out the members in `defaults`.
    case push(batch: Int64, count: Int, defaults: OperationDefaults? = nil)
    /// Hub → client: the push batch is committed.
    case pushed(batch: Int64, applied: Int, duplicates: Int)
    /// Client → hub: send what is in my scope after `cursor` (which also acknowledges the batch before).
    case pull(cursor: HubCursor, limit: Int)
    /// Hub → client: `count` operation lines follow (which may leave out the members in `defaults`),
    /// then the client may move its cursor to `to`.
    case batch(to: HubCursor, count: Int, defaults: OperationDefaults? = nil)
    /// Hub → client: nothing more after `cursor` for now; the session ends.
    case done(cursor: HubCursor)
    /// Either side: a fatal error; the sender closes the session after it.
    case error(WireError)

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
        /// Creates a hello.
        public init(protocolVersion: Int, replica: String, commune: String, schema: String, epoch: String?) {
            self.protocolVersion = protocolVersion
            self.replica = replica
            self.commune = commune
            self.schema = schema
            self.epoch = epoch
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
        /// Creates a welcome.
        public init(
            protocolVersion: Int, hub: String, epoch: String, holds: Summary, end: HubCursor, district: String?,
            shared: [String]
        ) {
            self.protocolVersion = protocolVersion
            self.hub = hub
            self.epoch = epoch
            self.holds = holds
            self.end = end
            self.district = district
            self.shared = shared
        }
    }
}

extension WireMessage {
    /// The canonical line (without `\n`).
    public var line: String { JSONWriter.string(json) }

    /// The message as a JSON object, members in the order the spec lists them.
    public var json: JSONValue {
        switch self {
        case .hello(let hello):
            return .object([
                "type": .string("hello"), "protocol": .int(Int64(hello.protocolVersion)),
                "replica": .string(hello.replica), "commune": .string(hello.commune), "schema": .string(hello.schema),
                "epoch": hello.epoch.map(JSONValue.string) ?? .null,
            ])
        case .welcome(let welcome):
            return .object([
                "type": .string("welcome"), "protocol": .int(Int64(welcome.protocolVersion)),
                "hub": .string(welcome.hub), "epoch": .string(welcome.epoch), "holds": welcome.holds.json,
                "end": welcome.end.json, "district": welcome.district.map(JSONValue.string) ?? .null,
                "shared": .array(welcome.shared.map(JSONValue.string)),
            ])
        case .push(let batch, let count, let defaults):
            var object: JSONObject = ["type": .string("push"), "batch": .int(batch), "count": .int(Int64(count))]
            if let defaults { object["defaults"] = defaults.json }
            return .object(object)
        case .pushed(let batch, let applied, let duplicates):
            return .object([
                "type": .string("pushed"), "batch": .int(batch), "applied": .int(Int64(applied)),
                "duplicates": .int(Int64(duplicates)),
            ])
        case .pull(let cursor, let limit):
            return .object(["type": .string("pull"), "cursor": cursor.json, "limit": .int(Int64(limit))])
        case .batch(let to, let count, let defaults):
            var object: JSONObject = ["type": .string("batch"), "to": to.json, "count": .int(Int64(count))]
            if let defaults { object["defaults"] = defaults.json }
            return .object(object)
        case .done(let cursor):
            return .object(["type": .string("done"), "cursor": cursor.json])
        case .error(let error):
            return .object([
                "type": .string("error"), "code": .string(error.code.rawValue), "message": .string(error.message),
            ])
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
                    commune: try text("commune"), schema: try text("schema"), epoch: epoch))
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
                    district: district, shared: sharedList.compactMap(\.string)))
        case "push":
            self = .push(
                batch: try int("batch", 1...Int64(SyncOperation.maxSeq)), count: Int(try int("count", counts)),
                defaults: try OperationDefaults(json: object["defaults"], of: type))
        case "pushed":
            self = .pushed(
                batch: try int("batch", 1...Int64(SyncOperation.maxSeq)), applied: Int(try int("applied", counts)),
                duplicates: Int(try int("duplicates", counts)))
        case "pull":
            self = .pull(
                cursor: try HubCursor(json: object["cursor"], field: "cursor"),
                limit: Int(try int("limit", 1...Int64(WireLimits.maximumBatch))))
        case "batch":
            self = .batch(
                to: try HubCursor(json: object["to"], field: "to"), count: Int(try int("count", counts)),
                defaults: try OperationDefaults(json: object["defaults"], of: type))
        case "done": self = .done(cursor: try HubCursor(json: object["cursor"], field: "cursor"))
        case "error":
            let code = try text("code")
            self = .error(WireError(WireError.Code(rawValue: code) ?? .unknown, try text("message")))
        default:
            throw WireError(.unknownType, "unknown message type \"\(type)\"")
        }
    }
}

/// The limits both sides enforce.
public enum WireLimits {
    /// The longest line, in bytes without its `\n` (1 MiB with it, as in part I).
    public static let maximumLineLength = (1 << 20) - 1
    /// The most bytes of operation lines in one pull batch the hub sends.
    public static let maximumPullBytes = 4 << 20
    /// The most operations in one push or pull batch.
    public static let maximumBatch = 5000
    /// The most bytes of operation lines in one push batch: what a hub holds for one client at most.
    public static let maximumBatchBytes = 16 << 20
    /// The protocol version this code speaks.
    public static let protocolVersion = 2
}
