import SyncCore
import Testing

/// The one decoder of a version vector's JSON form, under the wire rules and the stored rules, and the
/// errors the operation and row-state decoders make of its errors (unchanged by it).
@Suite struct VersionVectorJSONTests {
    static let maxSeq = (1 << 53) - 1

    func vector(_ text: String, _ rules: VersionVector.Rules) throws -> VersionVector {
        try VersionVector(json: try JSONParser.parse(text), rules: rules)
    }

    func error(_ text: String, _ rules: VersionVector.Rules) throws -> VersionVectorFormatError? {
        let json = try JSONParser.parse(text)
        do {
            _ = try VersionVector(json: json, rules: rules)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsWhatTheWireAccepts() throws {
        #expect(try vector("{}", .wire) == VersionVector())
        #expect(try vector(#"{"a":1}"#, .wire) == VersionVector([("a", 1)]))
        #expect(try vector(#"{"b":2,"a":7}"#, .wire) == VersionVector([("a", 7), ("b", 2)]))
        #expect(try vector(#"{"xa-dan-ly-1":\#(Self.maxSeq)}"#, .wire)["xa-dan-ly-1"] == UInt64(Self.maxSeq))
        let full = "{" + (0..<1024).map { #""r\#($0)":1"# }.joined(separator: ",") + "}"
        #expect(try vector(full, .wire).entries.count == 1024)
    }

    @Test func refusesWhatTheWireRefuses() throws {
        for text in ["[]", "1", "null", #""{}""#] { #expect(try error(text, .wire) == .notAnObject) }
        let tooMany = "{" + (0...1024).map { #""r\#($0)":1"# }.joined(separator: ",") + "}"
        #expect(try error(tooMany, .wire) == .tooManyEntries(limit: 1024))
        #expect(try error(#"{"Xa":1}"#, .wire) == .notAReplicaID("Xa"))
        #expect(try error(#"{"":1}"#, .wire) == .notAReplicaID(""))
        for seq in ["0", "-1", "1.5", #""1""#, "null", "\(Self.maxSeq + 1)"] {
            #expect(try error(#"{"a":\#(seq)}"#, .wire) == .badSequence(replica: "a"), "\(seq)")
        }
        // Entries are checked in the byte order of their keys, whatever order they came in.
        #expect(try error(#"{"z":0,"B":1}"#, .wire) == .notAReplicaID("B"))
        #expect(try error(#"{"z":1,"b":0,"a":0}"#, .wire) == .badSequence(replica: "a"))
    }

    @Test func acceptsWhatAReplicaStores() throws {
        #expect(try vector("{}", .stored) == VersionVector())
        // Any key, any positive 64-bit sequence, any number of entries.
        #expect(try vector(#"{"Not An Id":3}"#, .stored)["Not An Id"] == 3)
        #expect(try vector(#"{"a":9223372036854775807}"#, .stored)["a"] == UInt64(Int64.max))
        let many = "{" + (0...2000).map { #""r\#($0)":1"# }.joined(separator: ",") + "}"
        #expect(try vector(many, .stored).entries.count == 2001)
    }

    @Test func refusesWhatNoReplicaStores() throws {
        for text in ["[]", "0", "null", #""a""#] { #expect(try error(text, .stored) == .notAnObject) }
        for seq in ["0", "-3", "2.5", #""4""#, "true", "{}"] {
            #expect(try error(#"{"a":1,"b":\#(seq)}"#, .stored) == .badSequence(replica: "b"), "\(seq)")
        }
    }

    // MARK: The readers keep their own errors

    func operationJSON(context: String) -> String {
        #"{"type":"op","origin":"b","seq":2,"table":"t","row":"r","column":"c","value":1,"context":\#(context),"author":"Lan","wall_ms":5}"#
    }

    func operationError(context: String) throws -> OperationFormatError? {
        let json = try JSONParser.parse(operationJSON(context: context))
        do {
            _ = try SyncOperation(json: json)
            return nil
        } catch {
            return error
        }
    }

    @Test func anOperationsContextIsReadAsBefore() throws {
        let op = try SyncOperation(json: try JSONParser.parse(operationJSON(context: #"{"b":1,"a":4}"#)))
        #expect(op.context == VersionVector([("a", 4), ("b", 1)]))
        #expect(
            try operationError(context: "[1]")
                == OperationFormatError(field: "context", reason: "must be an object of replica id to sequence"))
        let tooMany = "{" + (0...1024).map { #""r\#($0)":1"# }.joined(separator: ",") + "}"
        #expect(
            try operationError(context: tooMany)
                == OperationFormatError(field: "context", reason: "more than 1024 entries"))
        #expect(
            try operationError(context: #"{"A":1}"#)
                == OperationFormatError(field: "context", reason: "\"A\" is not a replica id"))
        #expect(
            try operationError(context: #"{"a":0}"#)
                == OperationFormatError(field: "context", reason: "must be an integer from 1 to 2^53-1"))
        // A context without the member at all is not an object either.
        let missing = try JSONParser.parse(
            #"{"type":"op","origin":"b","seq":2,"table":"t","row":"r","column":"c","value":1,"author":"Lan","wall_ms":5}"#
        )
        #expect(throws: OperationFormatError(field: "context", reason: "must be an object of replica id to sequence")) {
            try SyncOperation(json: missing)
        }
    }

    @Test func aStoredRowStatesVectorIsReadAsBefore() throws {
        let state = try RowState(stored: Array(#"{"c":{"v":{"b":2,"a":1},"s":[["b",2,5,"x"]]}}"#.utf8))
        #expect(state.fields["c"]?.vector == VersionVector([("a", 1), ("b", 2)]))
        #expect(throws: JSONParseError("row state of column c is malformed", at: 0)) {
            try RowState(stored: Array(#"{"c":{"v":[],"s":[]}}"#.utf8))
        }
        #expect(throws: JSONParseError("row state of column c is malformed", at: 0)) {
            try RowState(stored: Array(#"{"c":{"s":[]}}"#.utf8))
        }
        #expect(throws: JSONParseError("bad vector entry", at: 0)) {
            try RowState(stored: Array(#"{"c":{"v":{"a":0},"s":[]}}"#.utf8))
        }
        // Any key is kept, as before.
        let odd = try RowState(stored: Array(#"{"c":{"v":{"Not An Id":3},"s":[]}}"#.utf8))
        #expect(odd.fields["c"]?.vector["Not An Id"] == 3)
    }
}
