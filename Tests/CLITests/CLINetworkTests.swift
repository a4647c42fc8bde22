import Foundation
import TestSupport
import Testing

/// Network mistakes a commune official makes with `ntm sync --hub`: each ends in one line that names
/// the address and what to check, with the right exit status, and changes nothing.
@Suite struct CLINetworkTests {
    let ntm = NTMBinary()

    func database(_ folder: TemporaryDirectory) throws {
        try ntm.ok(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--by", "Lan"], folder)
    }

    @Test func aListenerThatNeverAnswersIsNamedAfterTheDeadline() throws {
        let folder = TemporaryDirectory("cli-net-silent")
        try database(folder)
        // The kernel completes the connection (backlog) but nobody ever writes a line.
        let listener = try LoopbackListener()
        let result = try ntm.run(
            ["sync", "--hub", "127.0.0.1:\(listener.port)", "--timeout", "1", "--insecure"], in: folder.path)
        #expect(result.status == 75)
        #expect(
            result.stderr
                == "ntm: lỗi: máy ở 127.0.0.1:\(listener.port) nhận kết nối nhưng không trả lời trong 1 giây: kiểm tra đó có phải máy chủ ntm (ntm hub serve) và đúng cổng; chờ lâu hơn: --timeout GIÂY\n"
        )
    }

    @Test func aWebAddressIsAUsageMistakeNotAMissingNetwork() throws {
        let folder = TemporaryDirectory("cli-net-url")
        try database(folder)
        let result = try ntm.run(["sync", "--hub", "http://10.0.0.5:7420"], in: folder.path)
        #expect(result.status == 64)
        #expect(
            result.stderr
                == "ntm: lỗi: --hub nhận HOST:PORT, không phải địa chỉ web: \"http://10.0.0.5:7420\"; viết ví dụ 10.0.0.5:7420 (bỏ http://)\n"
        )
        let english = try ntm.run(["sync", "--hub", "huyen.example", "--lang", "en"], in: folder.path)
        #expect(english.status == 64 && english.stderr.hasPrefix("ntm: error: invalid address \"huyen.example\""))
    }

    @Test func aPortThatSpeaksAnotherProtocolIsNamed() throws {
        let folder = TemporaryDirectory("cli-net-ssh")
        try database(folder)
        let listener = try LoopbackListener()
        listener.answerOnce(with: "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
        let result = try ntm.run(["sync", "--hub", "127.0.0.1:\(listener.port)", "--insecure"], in: folder.path)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "ntm: lỗi: cổng này không nói giao thức ntm (máy ở đó trả lời: \"SSH-2.0-OpenSSH_9.2p1 Debian-2\"); kiểm tra địa chỉ và cổng của máy chủ huyện\n"
        )
    }

    @Test func theHubDoesNotSyncWithItself() throws {
        let folder = TemporaryDirectory("cli-net-self")
        let made = try ntm.run(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"],
            in: folder.path)
        #expect(made.status == 0)
        let result = try ntm.run(
            ["sync", "--db", "hub.sqlite", "--via", "\(ntm.path) hub stdio --db hub.sqlite"], in: folder.path)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "ntm: lỗi: đây là cơ sở dữ liệu của chính máy chủ huyện: máy chủ không đồng bộ với chính nó; các xã đồng bộ với máy chủ (ntm sync trên máy của xã)\n"
        )
    }

    @Test func aClosedPortSaysSoInVietnamese() throws {
        let folder = TemporaryDirectory("cli-net-closed")
        try database(folder)
        let result = try ntm.run(["sync", "--hub", "127.0.0.1:1", "--insecure"], in: folder.path)
        #expect(result.status == 75)
        #expect(result.stderr.contains("không có chương trình nào nghe ở cổng đó"), "\(result.stderr)")
        #expect(!result.stderr.contains("Connection refused") && !result.stderr.contains("connection refused"))
    }
}
