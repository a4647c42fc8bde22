import Foundation
import NTM
import Replica
import TestSupport
import Testing

/// `ntm hub serve` speaks TLS 1.3 and `ntm sync --hub` pins the key in the credential: another hub's
/// key is one clear line, exit 1, and the hub it reached reads nothing; a credential from before TLS
/// needs `--insecure`; a hub database from before TLS gets its key at its first serve.
@Suite struct CLITLSTests {
    let ntm = NTMBinary()

    /// Starts `ntm hub serve` (with `extra` arguments) on a free port and waits until it listens.
    func serve(_ folder: TemporaryDirectory, _ db: String, _ extra: [String] = []) throws -> (Process, Int) {
        signal(SIGPIPE, SIG_IGN)
        let port = try PortProbe.freePort()
        let process = try ntm.start(
            ["hub", "serve", "--listen", "127.0.0.1:\(port)", "--db", db] + extra, in: folder.path)
        if !PortProbe.waitUntilListening(port) { Issue.record("the hub did not start listening") }
        return (process, port)
    }

    /// Stops a hub and returns its log (stderr).
    func stop(_ hub: Process) -> String {
        hub.terminate()
        hub.waitUntilExit()
        let data = (hub.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func anotherHubsKeyIsOneClearLineAndThatHubReadsNothing() throws {
        let folder = TemporaryDirectory("cli-tls-wrong-key")
        try ntm.district(folder, laptops: [("xa-dan-ly-1", "dan-ly", "x.sqlite")])
        // Another hub database of the same name (a copy made elsewhere, a rogue machine): another key.
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "other.sqlite"], folder)
        let (other, port) = try serve(folder, "other.sqlite")
        let refused = try ntm.run(["sync", "--hub", "127.0.0.1:\(port)", "--db", "x.sqlite"], in: folder.path)
        let english = try ntm.run(
            ["sync", "--hub", "127.0.0.1:\(port)", "--db", "x.sqlite", "--lang", "en"], in: folder.path)
        let log = stop(other)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "ntm: lỗi: 127.0.0.1:\(port): đây không phải máy chủ huyện của bạn: khóa TLS không khớp với khóa trong giấy chứng nhận; không gửi gì; kiểm tra địa chỉ --hub, hoặc hỏi huyện xem máy chủ có đổi khóa không\n"
        )
        #expect(english.status == 1)
        #expect(
            english.stderr
                == "ntm: error: 127.0.0.1:\(port): this is not your district's hub: its TLS key does not match the one in your credential; nothing was sent; check the --hub address, or ask the district whether the hub's key changed\n"
        )
        // The other hub logged the two sessions (and the probe that waited for it to listen), each of
        // which read nothing: no hello, no replica id.
        let sessions = log.split(separator: "\n").filter { $0.hasSuffix("session") }
        #expect(sessions.count >= 2, "\(log)")
        #expect(sessions.allSatisfy { $0.contains("bytes_in=0 ") && $0.contains("replica=? ") }, "\(log)")
        #expect(!log.contains("xa-dan-ly-1"))
        // The right hub serves it over TLS.
        let (hub, right) = try serve(folder, "hub.sqlite")
        let synced = try ntm.run(["sync", "--hub", "127.0.0.1:\(right)", "--db", "x.sqlite"], in: folder.path)
        let hubLog = stop(hub)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(hubLog.contains("replica=xa-dan-ly-1 "), "\(hubLog)")
    }

    @Test func aCredentialFromBeforeTLSNeedsInsecureAndAnOldHubGetsItsKeyAtItsFirstServe() throws {
        let folder = TemporaryDirectory("cli-tls-old")
        try ntm.district(folder, laptops: [("xa-dan-ly-1", "dan-ly", "x.sqlite")])
        // A hub and a credential as they were before TLS: no key at the hub, no pin in the credential.
        let credential = try sqlite3(folder.file("x.sqlite"), "SELECT value FROM meta WHERE key = 'credential';")
        let old = credential.replacingOccurrences(
            of: #","tls":"[0-9a-f]{64}""#, with: "", options: .regularExpression
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(old != credential.trimmingCharacters(in: .whitespacesAndNewlines) && !old.contains("tls"))
        _ = try sqlite3(
            folder.file("x.sqlite"),
            "UPDATE meta SET value = '\(old.replacingOccurrences(of: "'", with: "''"))' WHERE key = 'credential';")
        _ = try sqlite3(folder.file("hub.sqlite"), "DELETE FROM meta WHERE key IN ('tls_key', 'tls_certificate');")
        #expect(
            try sqlite3(folder.file("hub.sqlite"), "SELECT count(*) FROM meta WHERE key = 'tls_key';").hasPrefix("0"))
        let (hub, port) = try serve(folder, "hub.sqlite")
        defer { _ = stop(hub) }
        // The first serve made the key.
        #expect(
            try sqlite3(folder.file("hub.sqlite"), "SELECT count(*) FROM meta WHERE key = 'tls_key';").hasPrefix("1"))
        let refused = try ntm.run(["sync", "--hub", "127.0.0.1:\(port)", "--db", "x.sqlite"], in: folder.path)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "ntm: lỗi: giấy chứng nhận của máy này được cấp trước khi máy chủ dùng TLS nên không có khóa TLS của máy chủ: xin huyện cấp lại (ntm hub enroll --renew, rồi ntm credential install TỆP), hoặc thêm --insecure để nối không mã hóa\n"
        )
        // In clear to a TLS hub: named.
        let clear = try ntm.run(
            ["sync", "--hub", "127.0.0.1:\(port)", "--db", "x.sqlite", "--insecure", "--lang", "en"], in: folder.path)
        #expect(
            clear.status == 1
                && clear.stderr == "ntm: error: the hub at 127.0.0.1:\(port) speaks TLS: drop --insecure\n")
        // Re-issued, the credential pins the key the hub made and the sync goes through.
        #expect(try ntm.enrol("xa-dan-ly-1", as: "commune:dan-ly", db: "x.sqlite", in: folder.path) == nil)
        try ntm.ok(["sync", "--hub", "127.0.0.1:\(port)", "--db", "x.sqlite"], folder)
    }

    @Test func aHubServedInsecureSyncsWithInsecureOnly() throws {
        let folder = TemporaryDirectory("cli-tls-insecure")
        try ntm.district(folder, laptops: [("xa-dan-ly-1", "dan-ly", "x.sqlite")])
        try ntm.ok(["assess", "17.1", "dat", "--db", "x.sqlite", "--by", "Lan"], folder)
        let (hub, port) = try serve(folder, "hub.sqlite", ["--insecure"])
        defer { _ = stop(hub) }
        let secure = try ntm.run(["sync", "--hub", "127.0.0.1:\(port)", "--db", "x.sqlite"], in: folder.path)
        #expect(secure.status == 1 && secure.stderr.contains("phục vụ không mã hóa"), "\(secure.stderr)")
        try ntm.ok(["sync", "--hub", "127.0.0.1:\(port)", "--db", "x.sqlite", "--insecure"], folder)
        #expect(
            try ntm.ok(["dump", "--commune", "dan-ly", "--db", "x.sqlite"], folder).stdout
                == ntm.ok(["dump", "--commune", "dan-ly", "--db", "hub.sqlite"], folder).stdout)
    }
}
