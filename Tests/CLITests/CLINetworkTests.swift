import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Network mistakes a commune official makes with `ntm sync --hub`: each ends in one line that names
/// the address and what to check, with the right exit status, and changes nothing.
@Suite struct CLINetworkTests {
    let ntm = NTMBinary()

    /// A TCP listener on loopback that a test drives by hand; closed with the test.
    final class Listener {
        let fd: Int32
        let port: UInt16

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            self.fd = fd
            port = UInt16(bigEndian: address.sin_port)
        }

        /// Accepts one connection on a thread, sends `greeting`, and keeps it open a while.
        func answerOnce(with greeting: String) {
            let fd = fd
            Thread {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                _ = greeting.withCString { write(client, $0, strlen($0)) }
                sleep(3)
                close(client)
            }.start()
        }

        deinit { close(fd) }
    }

    func database(_ folder: TemporaryDirectory) throws {
        let made = try ntm.run(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--by", "Lan"], in: folder.path)
        #expect(made.status == 0, "\(made.stderr)")
    }

    @Test func aListenerThatNeverAnswersIsNamedAfterTheDeadline() throws {
        let folder = TemporaryDirectory("cli-net-silent")
        try database(folder)
        // The kernel completes the connection (backlog) but nobody ever writes a line.
        let listener = try Listener()
        let result = try ntm.run(["sync", "--hub", "127.0.0.1:\(listener.port)", "--timeout", "1"], in: folder.path)
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
        let listener = try Listener()
        listener.answerOnce(with: "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
        let result = try ntm.run(["sync", "--hub", "127.0.0.1:\(listener.port)"], in: folder.path)
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
        let result = try ntm.run(["sync", "--hub", "127.0.0.1:1"], in: folder.path)
        #expect(result.status == 75)
        #expect(result.stderr.contains("không có chương trình nào nghe ở cổng đó"), "\(result.stderr)")
        #expect(!result.stderr.contains("Connection refused") && !result.stderr.contains("connection refused"))
    }
}
