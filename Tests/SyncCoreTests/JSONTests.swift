import SyncCore
import Testing

@Suite struct JSONTests {
    @Test(arguments: [
        (
            #"{"a":1,"b":[true,false,null],"c":"x\u00e9\n","d":-2.5e3}"#,
            #"{"a":1,"b":[true,false,null],"c":"xé\n","d":-2500.0}"#
        ),
        (#"  [ 1 , 2 ]  "#, "[1,2]"),
        (#""\ud83d\ude00""#, "\"😀\""),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775808", "9.223372036854776e+18"),
        (#"{"k":"Xuân Trường"}"#, #"{"k":"Xuân Trường"}"#),
    ])
    func roundTrips(input: String, canonical: String) throws {
        let value = try JSONParser.parse(input)
        #expect(JSONWriter.string(value) == canonical)
        #expect(try JSONParser.parse(JSONWriter.string(value)) == value)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "\"\u{01}\"", "01", "1.", ".5", "-", "1e", "tru", "nul",
        "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "{\"a\" 1}", "[1 2]", "1 2", "NaN", "Infinity", "1e400",
        String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ])
    func refusesInvalid(input: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        let overlong: [UInt8] = [0x22, 0xC0, 0xAF, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(overlong) }
    }

    @Test func sortedKeysAreCanonical() throws {
        let a = try JSONParser.parse(#"{"b":1,"a":{"d":2,"c":3}}"#)
        let b = try JSONParser.parse(#"{"a":{"c":3,"d":2},"b":1}"#)
        #expect(JSONWriter.string(a, sortedKeys: true) == JSONWriter.string(b, sortedKeys: true))
        #expect(JSONWriter.string(a, sortedKeys: true) == #"{"a":{"c":3,"d":2},"b":1}"#)
    }

    @Test func duplicateKeysCompareByBytesAndStayLinearInLargeObjects() throws {
        // NFC "é" and NFD "é" are different keys on the wire.
        let object = try JSONParser.parse("{\"\u{E9}\":1,\"e\u{301}\":2}")
        #expect(object.object?.members.count == 2)
        let many = (0..<5000).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(try JSONParser.parse("{\(many)}").object?.members.count == 5000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse("{\(many),\"k4999\":0}") }
    }

    /// Integers are written as Swift prints them, from the smallest to the largest.
    @Test func integersAreWrittenInDecimalAtEveryMagnitude() {
        var numbers: [Int64] = [0, 9, 10, -1, -9, -10, 99, 100, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            numbers += [power - 1, power, power + 1, -power + 1, -power, -power - 1]
        }
        for number in numbers {
            var writer = JSONWriter()
            writer.write(int: number)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(number))
        }
    }

    @Test func escapesControlCharacters() {
        #expect(JSONWriter.string(.string("a\"b\\c\u{1}\t")) == #""a\"b\\c\u0001\t""#)
    }

    @Test func randomValuesRoundTrip() throws {
        var random = SeededRandomLocal(seed: 7)
        for _ in 0..<500 {
            let value = random.value(depth: 0)
            let text = JSONWriter.string(value)
            #expect(try JSONParser.parse(text) == value, "\(text)")
        }
    }
}

/// A tiny generator of random JSON values (SyncCoreTests only).
struct SeededRandomLocal {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 11
    }
    mutating func value(depth: Int) -> JSONValue {
        switch next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: next() &* 31) >> Int64(next() % 60))
        case 3: return .double(Double(Int64(next() % 100000)) / 64.0 + 0.5)
        case 4:
            return .string(
                String(
                    (0..<Int(next() % 6)).map { _ in ["a", "é", "\"", "\n", "ư", "😀", "\\"][Int(next() % 7)] }.joined())
            )
        case 5: return .array((0..<Int(next() % 4)).map { _ in value(depth: depth + 1) })
        default:
            var keys = Set<String>()
            var members: [(key: String, value: JSONValue)] = []
            for _ in 0..<Int(next() % 4) {
                let key = "k\(next() % 10)"
                if keys.insert(key).inserted { members.append((key, value(depth: depth + 1))) }
            }
            return .object(JSONObject(members))
        }
    }
}
