import Foundation
import TestSupport
import Testing

/// What goes compressed: `ntm sync` sessions (deflate, offered in hello, `--no-compress` to keep plain
/// lines) through a real `ntm hub stdio` child, and `.ndjson.gz` bundles written and read as gzip.
@Suite struct CLICompressionTests {
    let ntm = NTMBinary(user: "Nguyễn Thị Lan", silentOnSuccess: true)

    /// Whether `data` holds `text`'s bytes.
    func holds(_ data: Data, _ text: String) -> Bool { data.range(of: Data(text.utf8)) != nil }

    @Test func ntmSyncCompressesTheSessionThroughHubStdioUnlessToldNot() throws {
        let folder = TemporaryDirectory("cli-compress")
        try ntm.district(
            folder, laptops: [("xa-dan-ly-1", "dan-ly", "one.sqlite"), ("xa-dan-ly-2", "dan-ly", "two.sqlite")])
        for code in ["17.1", "15.1", "18.2"] {
            try ntm.ok(["assess", code, "dat", "--note", "Đã kiểm tra thực địa", "--db", "one.sqlite"], folder)
        }
        // The hub child reads what `tee` recorded of the client's bytes.
        let recorded = { (file: String) in ["--via", "tee \(file) | \(ntm.path) hub stdio --db hub.sqlite"] }
        let up = try ntm.ok(["sync", "--db", "one.sqlite"] + recorded("up.bin"), folder).stdout
        #expect(up.contains("Đã đồng bộ với huyen-trieu-son: gửi 8 thao tác mới"), "\(up)")
        let sent = try Data(contentsOf: URL(fileURLWithPath: folder.file("up.bin")))
        // The hello offers deflate in clear; after the welcome nothing of the lines shows.
        #expect(holds(sent, #""compress":["deflate"]"#))
        #expect(holds(sent, #""type":"auth""#))
        #expect(!holds(sent, #""type":"pull""#) && !holds(sent, "Đã kiểm tra thực địa"))
        // An old client's way (no offer): plain lines, and the same operations arrive.
        let down = try ntm.ok(["sync", "--db", "two.sqlite", "--no-compress"] + recorded("down.bin"), folder).stdout
        #expect(down.contains("nhận 9 thao tác mới"), "\(down)")
        let plain = try Data(contentsOf: URL(fileURLWithPath: folder.file("down.bin")))
        #expect(!holds(plain, #""compress""#) && holds(plain, #""type":"pull""#))
        #expect(
            try ntm.output(["log", "17.1", "--db", "two.sqlite"], folder)
                == ntm.output(["log", "17.1", "--db", "one.sqlite"], folder))
        // Both ways once more, compressed, with nothing new: still a good session.
        try ntm.ok(["sync", "--db", "two.sqlite", "--via", "\(ntm.path) hub stdio --db hub.sqlite"], folder)
        let help = try ntm.output(["sync", "--help"], folder)
        #expect(help.contains("--no-compress") && help.contains("Không nén phiên đồng bộ"))
        let english = try ntm.output(["sync", "--help", "--lang", "en"], folder)
        #expect(english.contains("Do not compress the session"))
    }

    @Test func aGzipBundleIsWrittenByItsNameReadByItsMagicAndACutOneIsRefusedWhole() throws {
        let folder = TemporaryDirectory("cli-gzip-bundle")
        try ntm.ok(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--db", "one.sqlite"], folder)
        for code in ["17.1", "15.1", "18.2", "19.1"] {
            try ntm.ok(["assess", code, "dat", "--note", "Biên bản số \(code)", "--db", "one.sqlite"], folder)
        }
        try ntm.ok(["bundle", "export", "goi.ndjson", "--db", "one.sqlite"], folder)
        try ntm.ok(["bundle", "export", "goi.ndjson.gz", "--db", "one.sqlite"], folder)
        let plain = try Data(contentsOf: URL(fileURLWithPath: folder.file("goi.ndjson")))
        let gzip = try Data(contentsOf: URL(fileURLWithPath: folder.file("goi.ndjson.gz")))
        #expect(gzip.prefix(2) == Data([0x1F, 0x8B]) && gzip.count < plain.count)
        // gzip itself reads it back to the plain bundle's lines (the creation time aside).
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gunzip.arguments = ["-c", "gzip -dc '\(folder.file("goi.ndjson.gz"))'"]
        let out = Pipe()
        gunzip.standardOutput = out
        try gunzip.run()
        let unzipped = out.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        #expect(gunzip.terminationStatus == 0)
        // The first line differs only by its creation time.
        #expect(unzipped.split(separator: 0x0A).dropFirst() == plain.split(separator: 0x0A).dropFirst())
        for (file, db) in [("goi.ndjson.gz", "two.sqlite"), ("renamed.ndjson", "three.sqlite")] {
            try ntm.ok(["init", "--replica", "xa-dan-ly-9", "--commune", "dan-ly", "--db", db], folder)
            if file == "renamed.ndjson" { try gzip.write(to: URL(fileURLWithPath: folder.file(file))) }
            let imported = try ntm.output(["bundle", "import", file, "--db", db], folder)
            #expect(imported.contains("\(file): 9 thao tác, 9 mới"), "\(imported)")
        }
        // Cut short: one clear line, nothing imported.
        try gzip.prefix(gzip.count - 12).write(to: URL(fileURLWithPath: folder.file("cut.ndjson.gz")))
        try ntm.ok(["init", "--replica", "xa-dan-ly-8", "--commune", "dan-ly", "--db", "four.sqlite"], folder)
        let refused = try ntm.refuse(["bundle", "import", "cut.ndjson.gz"], folder, db: "four.sqlite")
        #expect(refused.contains("gói nén gzip bị cắt cụt"), "\(refused)")
        var damaged = gzip
        damaged[gzip.count / 2] ^= 0xFF
        try damaged.write(to: URL(fileURLWithPath: folder.file("damaged.ndjson.gz")))
        let broken = try ntm.refuse(["bundle", "import", "damaged.ndjson.gz"], folder, db: "four.sqlite")
        #expect(broken.contains("gói nén gzip bị hỏng") || broken.contains("gói đã bị sửa đổi"), "\(broken)")
        let english = try ntm.attempt(
            ["bundle", "import", "cut.ndjson.gz", "--db", "four.sqlite", "--lang", "en"], folder)
        #expect(english.stderr.contains("the gzip bundle is truncated"), "\(english.stderr)")
    }
}
