import Foundation
import SyncCore
import SyncWire
import Testing

/// The example transcript of a district hub syncing with its province (protocol/examples/
/// session-lower-hub.ndjson, PROTOCOL.md §15): every line is read by the Swift reader and written back
/// byte for byte, and its enrolment log entries verify under the keys the session shows.
@Suite struct LowerHubExampleTests {
    @Test func theLowerHubTranscriptReadsAndWritesBackByteForByte() throws {
        let text = try String(contentsOfFile: Examples.path("session-lower-hub.ndjson"), encoding: .utf8)
        var messages: [WireMessage] = []
        for line in text.split(separator: "\n") {
            let body = line.dropFirst(2)
            guard case .message(let message) = try WireLine(bytes: Array(body.utf8)) else {
                Issue.record("not a message: \(body)")
                continue
            }
            #expect(message.line == String(body))
            messages.append(message)
        }
        guard case .hello(let hello) = messages.first, let lower = hello.lowerHub,
            case .welcome(let welcome) = messages[3], let provinceKey = welcome.hubKey,
            case .enrolments(let records) = messages[4]
        else {
            Issue.record("the transcript's shape changed")
            return
        }
        #expect(hello.protocolVersion == WireLimits.hierarchyProtocolVersion)
        #expect(welcome.enrolmentsWanted && welcome.role == "district:trieu-son")
        // The district's own log: signed by the key hello shows, chained, ending at hello's head.
        #expect(records.allSatisfy { $0.hub == lower.name && $0.verify(hubKey: lower.key) })
        #expect(records.count == 2 && records[1].prev == records[0].hash)
        #expect(lower.head == ChainHead(seq: records[1].seq, hash: records[1].hash))
        // A lower hub is not sent the province's log; it is told its scope before and after its log was
        // taken (a commune placed under it).
        #expect(welcome.enrolments.isEmpty && welcome.hubKey == provinceKey)
        guard case .enrolmentsTaken(let taken, let after) = messages[5] else {
            Issue.record("no enrolments-taken")
            return
        }
        #expect(taken == 2 && after != nil && after != welcome.scopeDigest && welcome.scopeDigest != nil)
    }
}
