import Foundation
import SyncCore
import SyncHub
import SyncWire
import TestSupport

/// The longest line content the limit allows: 1 MiB less the `\n`.
let longestContent = LineLimit.maximumBytes - 1

/// Lines a broken or hostile peer could send: the protocol's example lines mutated by a seeded
/// generator, after a fixed list of extreme lines, so that a failure names a seed and a line number.
struct HostileLines {
    enum Mutation: String, CaseIterable {
        case extreme, byteFlip, truncation, duplication, splice, nulBytes, invalidUTF8, overlong, deepNesting
        case hugeNumber, wrongType, randomBytes, handshake
    }

    /// One line, how it was made, and the code every reader must refuse it with, when the mutation
    /// decides it.
    struct Line {
        var bytes: [UInt8]
        var mutation: Mutation
        var expected: WireError.Code?
    }

    /// The codes a line alone can be refused with (the rest need a session: order, scope, gaps).
    static let decoderCodes: Set<WireError.Code> = [
        .badJSON, .notAnObject, .lineTooLong, .unknownType, .badMessage, .badOperation,
    ]

    private let seeds: [[UInt8]]
    private var random: SeededRandom
    private var extremes: [Line]
    /// Well-formed signatures that answer no challenge the hub under test sends (see
    /// ``foreignSignatures(of:answering:hub:replica:)``).
    private let signatures: [[UInt8]]
    /// Right answers, only ever sent with one bit flipped.
    private let nearMisses: [[UInt8]]

    /// A generator from the seed lines; `signatures` and `nearMisses` make its hostile `auth` lines.
    init(seeds: [[UInt8]], seed: UInt64, signatures: [[UInt8]], nearMisses: [[UInt8]] = []) {
        self.seeds = seeds
        random = SeededRandom(seed: seed)
        self.signatures = signatures.isEmpty ? [[UInt8](repeating: 0, count: 64)] : signatures
        self.nearMisses = nearMisses.isEmpty ? self.signatures : nearMisses
        extremes = Self.extremeLines(signature: self.signatures[0]).reversed()
    }

    /// Signatures in the form of an answer to a challenge, none of which answers `nonce` of `hub` for
    /// `replica`: each credential's answer to another challenge (``HubFixture/nonce``, or `nonce` with one
    /// byte changed), to `nonce` of another hub, to `nonce` for its own replica (another replica's
    /// answer); an answer made with a key never enrolled; no signature at all (zeros, ones).
    static func foreignSignatures(
        of credentials: [Credential], answering nonce: [UInt8], hub: String, replica: String
    ) throws -> [[UInt8]] {
        var other = nonce
        other[0] ^= 0x01
        var signatures: [[UInt8]] = [[UInt8](repeating: 0, count: 64), [UInt8](repeating: 0xFF, count: 64)]
        for credential in credentials {
            if HubFixture.nonce != nonce { signatures.append(try credential.sign(nonce: HubFixture.nonce, hub: hub)) }
            signatures.append(try credential.sign(nonce: other, hub: hub))
            signatures.append(try credential.sign(nonce: nonce, hub: "huyen-khac"))
            if credential.replica != replica { signatures.append(try credential.sign(nonce: nonce, hub: hub)) }
        }
        let stranger = Credential.issue(replica: replica, role: .commune("dan-ly"), hub: hub, district: "trieu-son")
        signatures.append(try stranger.sign(nonce: nonce, hub: hub))
        return signatures
    }

    /// How often each mutation is drawn: lines over or at 1 MiB are few, as each costs a megabyte.
    static let weights: [(Mutation, Int)] = [
        (.byteFlip, 16), (.truncation, 10), (.duplication, 8), (.splice, 10), (.nulBytes, 8), (.invalidUTF8, 10),
        (.overlong, 1), (.deepNesting, 3), (.hugeNumber, 10), (.wrongType, 18), (.randomBytes, 6), (.handshake, 14),
    ]

    /// The next line: the extreme ones first, then mutations.
    mutating func next() -> Line {
        if let line = extremes.popLast() { return line }
        var draw = Int.random(in: 0..<Self.weights.reduce(0) { $0 + $1.1 }, using: &random)
        var mutation = Mutation.byteFlip
        for (candidate, weight) in Self.weights {
            if draw < weight {
                mutation = candidate
                break
            }
            draw -= weight
        }
        let seed = seeds.randomElement(using: &random)!
        switch mutation {
        case .byteFlip, .extreme:  // (extreme lines are not drawn)
            var line = seed
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                line[Int.random(in: line.indices, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
            return Line(bytes: line, mutation: .byteFlip)
        case .truncation:
            return Line(bytes: Array(seed.prefix(Int.random(in: 0..<seed.count, using: &random))), mutation: mutation)
        case .duplication:
            if Bool.random(using: &random) { return Line(bytes: seed + seed, mutation: mutation, expected: .badJSON) }
            let start = Int.random(in: seed.indices, using: &random)
            let end = Int.random(in: start...seed.count, using: &random)
            return Line(bytes: Array(seed[..<end] + seed[start...]), mutation: mutation)
        case .splice:
            let other = seeds.randomElement(using: &random)!
            let cut = Int.random(in: 0...seed.count, using: &random)
            let from = Int.random(in: 0...other.count, using: &random)
            return Line(bytes: Array(seed[..<cut] + other[from...]), mutation: mutation)
        case .nulBytes:
            var line = seed
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                line.insert(0, at: Int.random(in: 0...line.count, using: &random))
            }
            return Line(bytes: line, mutation: mutation, expected: .badJSON)
        case .invalidUTF8:
            var line = seed
            let bad = Self.invalidUTF8.randomElement(using: &random)!
            // Inside a string most of the time (after an opening quote), anywhere otherwise.
            let quotes = line.indices.filter { line[$0] == UInt8(ascii: "\"") }
            let at =
                random.chance(0.8) && !quotes.isEmpty
                ? quotes.randomElement(using: &random)! + 1 : Int.random(in: 0...line.count, using: &random)
            line.insert(contentsOf: bad, at: at)
            return Line(bytes: line, mutation: mutation, expected: .badJSON)
        case .overlong:
            // Over the limit mostly; exactly at it sometimes (then the line is read whole).
            let over = random.chance(0.85)
            let length =
                over
                ? longestContent + Int.random(in: 1...70_000, using: &random)
                : longestContent
            // Inside the first string value, from a padding made once (a megabyte copied, not built).
            let at = min((seed.firstIndex(of: UInt8(ascii: ":")) ?? 0) + 2, seed.count)
            let line = Array(seed[..<at]) + Self.padding[..<max(0, length - seed.count)] + seed[at...]
            return Line(bytes: line, mutation: mutation, expected: over ? .lineTooLong : nil)
        case .deepNesting:
            let depth = [33, 1000, 100_000].randomElement(using: &random)!
            let array = Bool.random(using: &random)
            var nest = String(repeating: array ? "[" : "{\"a\":", count: depth)
            if Bool.random(using: &random) { nest += "1" + String(repeating: array ? "]" : "}", count: depth) }
            return Line(
                bytes: Self.appending(member: "deep", raw: nest, to: seed), mutation: mutation, expected: .badJSON)
        case .hugeNumber:
            let number = Self.hugeNumbers.randomElement(using: &random)!
            if Bool.random(using: &random) {
                // As a member of its own: a number out of the binary64 range is refused as JSON.
                let overflows = Double(number).map { !$0.isFinite } ?? false
                return Line(
                    bytes: Self.appending(member: "huge", raw: number, to: seed), mutation: mutation,
                    expected: overflows ? .badJSON : nil)
            }
            // In place of a run of digits, in a number or in a string.
            let digits = seed.indices.filter {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(seed[$0])
                    && ($0 == 0 || !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(seed[$0 - 1]))
            }
            guard let start = digits.randomElement(using: &random) else { return Line(bytes: seed, mutation: mutation) }
            var end = start
            while end < seed.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(seed[end]) { end += 1 }
            return Line(bytes: Array(seed[..<start] + Array(number.utf8) + seed[end...]), mutation: mutation)
        case .wrongType:
            return Line(bytes: wrongType(seed), mutation: mutation)
        case .randomBytes:
            if Bool.random(using: &random) {
                let count = Int.random(in: 0...200, using: &random)
                return Line(
                    bytes: (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }, mutation: mutation)
            }
            let tokens = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                Self.tokens.randomElement(using: &random)!
            }
            return Line(bytes: Array(tokens.joined().utf8), mutation: mutation)
        case .handshake:
            return handshake()
        }
    }

    /// A challenge or an answer to one, made hostile: an answer to another challenge, hub or replica, or
    /// with another key; the right answer with one bit flipped; signatures of the wrong length, odd,
    /// not hex, huge, of the wrong type, left out or given twice; nonces too short, too long or not hex;
    /// hubs that are not replica ids. `expected` is what the decoder must say (nil: it reads the line).
    private mutating func handshake() -> Line {
        func auth(_ signature: String) -> [UInt8] { Array(#"{"type":"auth","signature":"\#(signature)"}"#.utf8) }
        func line(_ bytes: [UInt8], _ expected: WireError.Code?) -> Line {
            Line(bytes: bytes, mutation: .handshake, expected: expected)
        }
        let signature = signatures.randomElement(using: &random)!
        let hex = signature.hexString
        switch Int.random(in: 0..<14, using: &random) {
        case 0, 1, 2:
            // Well formed, and wrong: the hub must check it against the enrolled key and this challenge.
            return line(auth(random.chance(0.2) ? hex.uppercased() : hex), nil)
        case 3:
            var near = nearMisses.randomElement(using: &random)!
            near[Int.random(in: near.indices, using: &random)] ^= 1 << UInt8.random(in: 0...7, using: &random)
            return line(auth(near.hexString), nil)
        case 4:
            let length = [0, 1, 31, 32, 63, 65, 66, 96, 128, 1000].randomElement(using: &random)!
            let bytes = (0..<length).map { $0 < 64 ? signature[$0] : UInt8.random(in: 0...255, using: &random) }
            return line(auth(bytes.hexString), .badMessage)
        case 5:
            return line(auth(Bool.random(using: &random) ? String(hex.dropLast()) : hex + "0"), .badMessage)
        case 6:
            // One digit replaced by what is not a hex digit (raw, or as a JSON escape), or a prefix.
            let bad = ["g", "G", "x", " ", "-", ":", "é", "\\n", "\\u0000", "\\u0661", "\\\"", "０"]
                .randomElement(using: &random)!
            var digits = hex.map(String.init)
            digits[Int.random(in: digits.indices, using: &random)] = bad
            let text = random.chance(0.2) ? "0x" + String(hex.dropLast(2)) : digits.joined()
            return line(auth(text), .badMessage)
        case 7:
            // Huge: the signature repeated, up to half the line limit.
            let count = Int.random(in: 2...4_000, using: &random)
            return line(auth(String(repeating: hex, count: count)), .badMessage)
        case 8:
            let value = [
                "null", "64", "-1", "1e400", "true", "[]", "{}", "\"\"",
                "[\(signature.map(String.init).joined(separator: ","))]",
            ]
            .randomElement(using: &random)!
            return line(
                Array(#"{"type":"auth","signature":\#(value)}"#.utf8), value == "1e400" ? .badJSON : .badMessage)
        case 9:
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return line(Array(#"{"type":"auth"}"#.utf8), .badMessage)
            case 1: return line(Array(#"{"type":"auth","signature":"\#(hex)","signature":"\#(hex)"}"#.utf8), .badJSON)
            case 2:
                // Members a hub does not read, which must change nothing.
                return line(
                    Array(#"{"type":"auth","replica":"xa-dan-ly-1","signature":"\#(hex)","hub":"huyen-khac"}"#.utf8),
                    nil)
            default: return line(Array(#"{"signature":"\#(hex)"}"#.utf8), .badMessage)
            }
        default:
            // A challenge, which no client may send; well formed or not.
            let length = [0, 1, 15, 16, 32, 64, 65, 200].randomElement(using: &random)!
            var nonce = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }.hexString
            var good = (16...64).contains(length)
            if random.chance(0.15) {
                nonce = nonce.isEmpty ? "zz" : "z" + String(nonce.dropFirst())
                good = false
            }
            let (hub, valid) = [
                ("huyen-trieu-son", true), ("huyen-khac", true), ("x.y_z", true), ("", false), ("Huyen", false),
                ("a b", false), ("-x", false), ("../x", false), ("é", false),
                (String(repeating: "h", count: 300), false),
            ].randomElement(using: &random)!
            let object: JSONValue = .object([
                "type": .string("challenge"), "hub": .string(hub), "nonce": .string(nonce),
            ])
            return line(Array(JSONWriter.string(object).utf8), good && valid ? nil : .badMessage)
        }
    }

    /// The seed with one member of another type, a member left out, another `type`, or not an object.
    private mutating func wrongType(_ seed: [UInt8]) -> [UInt8] {
        guard case .object(var object)? = try? JSONParser.parse(seed), !object.members.isEmpty else { return seed }
        let odd = Self.oddValues.randomElement(using: &random)!
        switch Int.random(in: 0..<10, using: &random) {
        case 0:
            return Array(JSONWriter.string(odd).utf8)
        case 1:
            object["type"] = .string(Self.types.randomElement(using: &random)!)
        case 2:
            object.members.remove(at: Int.random(in: object.members.indices, using: &random))
        default:
            let index = Int.random(in: object.members.indices, using: &random)
            if case .object(var inner) = object.members[index].value, !inner.members.isEmpty,
                Bool.random(using: &random)
            {
                inner.members[Int.random(in: inner.members.indices, using: &random)].value = odd
                object.members[index].value = .object(inner)
            } else {
                object.members[index].value = odd
            }
        }
        return Array(JSONWriter.string(.object(object)).utf8)
    }

    /// The object line with one more member, written as raw text before its closing brace.
    static func appending(member: String, raw: String, to line: [UInt8]) -> [UInt8] {
        guard line.last == UInt8(ascii: "}") else { return line + Array(",\"\(member)\":\(raw)".utf8) }
        return line.dropLast() + Array(",\"\(member)\":\(raw)}".utf8)
    }

    /// The code the protocol requires for a line, whatever else is wrong with it: too long, then not
    /// UTF-8 or holding a NUL byte (never valid JSON, inside a string or out).
    static func requiredCode(_ line: [UInt8]) -> WireError.Code? {
        if line.count > longestContent { return .lineTooLong }
        if line.contains(0) || String(validating: line, as: UTF8.self) == nil { return .badJSON }
        return nil
    }

    /// The code of an error object `{"type":"error","code":…,"message":…}` with nothing else in it and a
    /// code this version knows; nil for any other line.
    static func errorCode(_ line: some Collection<UInt8>) -> WireError.Code? {
        guard let object = (try? JSONParser.parse(line))?.object, object.members.count == 3,
            object["type"]?.string == "error", object["message"]?.string != nil,
            let code = object["code"]?.string.flatMap(WireError.Code.init(rawValue:)), code != .unknown
        else { return nil }
        return code
    }

    /// Whether a hub's answer is a line a client can read: within the line limit, and an error object or
    /// another message or operation of the protocol.
    static func isWellFormedAnswer(_ line: String) -> Bool {
        let bytes = Array(line.utf8)
        guard bytes.count <= longestContent else { return false }
        if (try? JSONParser.parse(bytes))?["type"]?.string == "error" { return errorCode(bytes) != nil }
        return (try? WireLine(bytes: bytes)) != nil
    }

    /// The `type` of a line the hub sent; nil when it has none.
    static func messageType(_ line: some Collection<UInt8>) -> String? {
        (try? JSONParser.parse(line))?["type"]?.string
    }

    static func messageType(_ line: String?) -> String? { line.flatMap { messageType(Array($0.utf8)) } }

    static func hello(_ replica: String, protocol version: Int = WireLimits.protocolVersion) -> String {
        WireMessage.hello(
            .init(protocolVersion: version, replica: replica, commune: "dan-ly", schema: "ntm-2", epoch: nil)
        ).line
    }

    static let padding = [UInt8](repeating: UInt8(ascii: "x"), count: longestContent + 70_000)

    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xFE], [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xC3], [0xC3, 0x28], [0xE2, 0x82],
        [0xF0, 0x9F, 0x98], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    static let hugeNumbers: [String] = [
        "1e400", "-1e400", "1E+999999999999999999999", "99999999999999999999999", "-99999999999999999999999",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "9007199254740991", "9007199254740992", "18446744073709551616", "1e-400", "-0", "1.0", "1e0", "0.5",
        String(repeating: "9", count: 400), "1" + String(repeating: "0", count: 400) + ".0",
        "0." + String(repeating: "0", count: 400) + "1", "00", "01", "-", "1.", ".5", "+1", "0x10", "1e", "NaN",
        "Infinity", "-Infinity",
    ]

    static let oddValues: [JSONValue] = [
        .null, .bool(true), .bool(false), .int(0), .int(-1), .int(Int64.max), .int(Int64.min), .double(1.5),
        .double(-0.0), .double(1e308), .string(""), .string("1"), .string("op"), .string("\u{0}"),
        .string("dan-ly/../tan-ninh"), .string(String(repeating: "é", count: 300)), .array([]),
        .array([.int(1), .int(1)]), .object(JSONObject()), .object(["type": .string("op")]),
        .object(["pos": .int(-1)]),
    ]

    static let types = [
        "op", "hello", "challenge", "auth", "welcome", "push", "pushed", "pull", "batch", "done", "error", "Op", "",
        "hola", "Auth",
    ]

    static let tokens = [
        "{", "}", "[", "]", ",", ":", "\"type\"", "\"op\"", "\"hello\"", "\"push\"", "\"count\"", "1", "-", "e", "0",
        ".", "true", "null", "nul", " ", "\t", "\r", "\"", "\\", "\\u", "D800", "\\uDC00", "é", "\u{0}",
        "\"auth\"", "\"signature\"", "\"challenge\"", "\"nonce\"", "\"6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e\"",
    ]

    /// Lines made by hand at the edges: every one refused or read without a trap.
    static func extremeLines(signature: [UInt8]) -> [Line] {
        func text(_ value: String, _ expected: WireError.Code? = nil) -> Line {
            Line(bytes: Array(value.utf8), mutation: .extreme, expected: expected)
        }
        // The largest summary a line carries: separate ranges, as many as fit in 1 MiB (some 70,000;
        // read one insert at a time, each copying the ranges so far, it held an event loop for minutes).
        var ranges: [String] = []
        var length = 0
        var first = 1
        while length < longestContent - 300 {
            let range = "[\(first),\(first)]"
            ranges.append(range)
            length += range.utf8.count + 1
            first += 2
        }
        ranges.removeLast()
        let welcome =
            #"{"type":"welcome","protocol":3,"hub":"h","epoch":"e","holds":{"x":["# + ranges.joined(separator: ",")
            + #"]},"end":{"pos":0},"district":null,"shared":[],"role":"commune:dan-ly","whole":false,"refused":[]}"#
        // Lines exactly at the limit whose refusal quotes a long part of them (a type, a schema, a key).
        func atLimit(_ before: String, _ after: String) -> String {
            before + String(repeating: "x", count: longestContent - before.utf8.count - after.utf8.count)
                + after
        }
        let key = String(repeating: "k", count: (longestContent - 11) / 2)
        let op =
            #"{"type":"op","origin":"xa-dan-ly-2","seq":1,"table":"assessment","row":"dan-ly/x","#
            + #""column":"status","value":"dat","#
        let quoting = [
            text(atLimit(#"{"type":""#, #""}"#), .unknownType),
            text(
                atLimit(
                    #"{"type":"hello","protocol":3,"replica":"xa-dan-ly-2","commune":"dan-ly","schema":""#,
                    #"","epoch":null}"#)),
            text(#"{"\#(key)":1,"\#(key)":1}"#, .badJSON),
            text(atLimit(op + #""author":"a","wall_ms":0,"context":{""#, #"":1}}"#), .badOperation),
            // Handshake lines at the limit: a signature and a nonce of a megabyte, a hub that long.
            text(atLimit(#"{"type":"auth","signature":""#, #""}"#), .badMessage),
            text(atLimit(#"{"type":"challenge","hub":"huyen-trieu-son","nonce":""#, #""}"#), .badMessage),
            text(
                atLimit(#"{"type":"challenge","nonce":"\#(HubFixture.nonce.hexString)","hub":""#, #""}"#), .badMessage),
        ]
        let hex = signature.hexString
        let handshake = [
            text(
                #"{"type":"hello","protocol":2,"replica":"xa-dan-ly-2","commune":"dan-ly","schema":"ntm-2","epoch":null}"#
            ),
            text(#"{"type":"auth","signature":"\#(hex)"}"#), text(#"{"type":"auth","signature":""}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex.dropLast(2))"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex)00"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex.dropLast())"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex.dropLast())g"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(hex.uppercased())"}"#),
            text(#"{"type":"auth","signature":null}"#, .badMessage), text(#"{"type":"auth"}"#, .badMessage),
            text(#"{"type":"auth","signature":"\#(String(repeating: hex, count: 8000))"}"#, .badMessage),
            text(#"{"type":"challenge","hub":"huyen-trieu-son","nonce":"\#(HubFixture.nonce.hexString)"}"#),
            text(
                #"{"type":"challenge","hub":"huyen-trieu-son","nonce":"\#(HubFixture.nonce.prefix(15).hexString)"}"#,
                .badMessage),
            text(
                #"{"type":"challenge","hub":"huyen-trieu-son","nonce":"\#(String(repeating: "6e", count: 65))"}"#,
                .badMessage),
            text(#"{"type":"challenge","hub":"HUYEN","nonce":"\#(HubFixture.nonce.hexString)"}"#, .badMessage),
            text(#"{"type":"challenge","hub":"huyen-trieu-son","nonce":6}"#, .badMessage),
        ]
        let manyKeys = "{" + (0..<60_000).map { "\"k\($0)\":0" }.joined(separator: ",") + "}"
        let bigContext =
            op + #""context":{"# + (0...1024).map { "\"r\($0)\":1" }.joined(separator: ",")
            + #"},"author":"a","wall_ms":0}"#
        return [
            text("", .badJSON), text(" ", .badJSON), text("\r", .badJSON), text("\t\r ", .badJSON),
            Line(bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), mutation: .extreme, expected: .badJSON),
            Line(bytes: [UInt8](repeating: UInt8(ascii: "["), count: 100_000), mutation: .extreme, expected: .badJSON),
            Line(bytes: [UInt8](repeating: UInt8(ascii: "{"), count: 100_000), mutation: .extreme, expected: .badJSON),
            text(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), .badJSON),
            text(String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000), .badJSON),
            text("1e400", .badJSON), text("99999999999999999999999", .notAnObject), text("[]", .notAnObject),
            text("\"op\"", .notAnObject), text("null", .notAnObject),
            text(#"{"type":"op","origin":"xa-dan-ly-1","seq":1e400}"#, .badJSON),
            text(#"{"type":"push","batch":99999999999999999999999,"count":1}"#, .badMessage),
            text(#"{"type":"push","batch":1,"count":1e400}"#, .badJSON),
            text(#"{"type":"push","batch":1,"count":5001}"#, .badMessage),
            text(#"{"type":"push","batch":1,"count":1,"defaults":{"wall_ms":1.0}}"#, .badMessage),
            text(#"{"type":"pull","cursor":{"pos":9223372036854775807,"origin":"x","seq":1},"limit":5}"#, .badMessage),
            text(#"{"type":"pull","cursor":{"pos":-9223372036854775808},"limit":5}"#, .badMessage),
            text(#"{"type":"pull","cursor":{"pos":1,"origin":"x","seq":-1},"limit":5}"#, .badMessage),
            text(
                #"{"type":"hello","protocol":9223372036854775807,"replica":"x","#
                    + #""commune":"dan-ly","schema":"ntm-2","epoch":null}"#, .badMessage),
            text(#"{"type":"op","origin":"x","seq":9007199254740992,"author":"a","wall_ms":0}"#, .badOperation),
            text(#"{"type":"\ud800"}"#, .badJSON), text(#"{"type":"\udc00"}"#, .badJSON),
            text(#"{"type":"\ud800\u0041"}"#, .badJSON), text(#"{"type":"op","type":"op"}"#, .badJSON),
            text(#"{"type":NaN}"#, .badJSON), text(#"{"type":Infinity}"#, .badJSON), text(#"{"type":-}"#, .badJSON),
            text(#"{"type":"\#(String(repeating: "\\u0000", count: 100_000))"}"#, .unknownType),
            text(welcome), text(manyKeys, .badMessage), text(bigContext, .badOperation),
            Line(
                bytes: [UInt8](repeating: 0x20, count: longestContent), mutation: .extreme,
                expected: .badJSON),
            Line(
                bytes: [UInt8](repeating: 0x20, count: longestContent + 1), mutation: .extreme,
                expected: .lineTooLong),
            Line(bytes: [UInt8](repeating: 0, count: 1000), mutation: .extreme, expected: .badJSON),
        ] + quoting + handshake
    }
}
