import Foundation
import TestSupport
import Testing

/// Enrolment as the district office and a commune do it: `ntm hub enroll`, the credential file carried
/// to the commune, `ntm init --credential` / `ntm credential install`, `ntm hub replicas` and `revoke`.
@Suite struct CLIEnrolmentTests {
    let ntm = NTMBinary(user: "Văn phòng")

    /// A hub with communes' replicas enrolled: `(commune slug, replica id)`, each credential in `SLUG.cred`.
    func hub(_ folder: TemporaryDirectory, enrolling communes: [(String, String)]) throws {
        try ntm.output(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        for (slug, replica) in communes {
            try ntm.output(
                [
                    "hub", "enroll", "--replica", replica, "--role", "commune:\(slug)", "--out", "\(slug).cred",
                    "--db", "hub.sqlite",
                ], folder)
        }
    }

    @Test func theHubEnrolsAReplicaAndKeepsNoSecret() throws {
        let folder = TemporaryDirectory("cli-enrol")
        try ntm.output(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        let enrolled = try ntm.output(
            [
                "hub", "enroll", "--replica", "xa-dan-ly-1", "--role", "commune:dan-ly", "--out", "dan-ly.cred", "--db",
                "hub.sqlite",
            ],
            folder)
        #expect(enrolled.hasPrefix("Đã đăng ký xa-dan-ly-1 với vai trò commune:dan-ly; tệp chứng thực: dan-ly.cred"))
        let path = folder.file("dan-ly.cred")
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600, "only its owner may read the credential")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let key = try #require(
            text.range(of: #""key":"[0-9a-f]{64}""#, options: .regularExpression).map {
                String(text[$0].dropFirst(7).dropLast())
            })
        // The hub's files hold the public key only: a copy of them signs as nobody.
        var stored = Data()
        for suffix in ["", "-wal"] {
            stored.append(FileManager.default.contents(atPath: folder.file("hub.sqlite" + suffix)) ?? Data())
        }
        #expect(!String(decoding: stored, as: UTF8.self).contains(key))
        #expect(String(decoding: stored, as: UTF8.self).contains("commune:dan-ly"))

        // A department by its name as the criteria set spells it, found without diacritics.
        let department = try ntm.output(
            [
                "hub", "enroll", "--replica", "phong-gd", "--role", "department:giao duc va dao tao", "--out",
                "gd.cred", "--db", "hub.sqlite",
            ],
            folder)
        #expect(department.contains("department:Phòng Giáo dục và Đào tạo"))
        let listed = try ntm.output(["hub", "replicas", "--db", "hub.sqlite"], folder)
        #expect(listed.contains("phong-gd  department:Phòng Giáo dục và Đào tạo  đăng ký "))
        #expect(listed.contains("xa-dan-ly-1  commune:dan-ly  đăng ký ") && listed.contains("đang dùng"))

        // Mistakes: one line each, nothing enrolled, no file written.
        #expect(
            try ntm.refuse(
                [
                    "hub", "enroll", "--replica", "xa-dan-ly-1", "--role", "commune:dan-ly", "--out", "again.cred",
                    "--db", "hub.sqlite",
                ], folder
            ).contains("--renew"))
        #expect(
            try ntm.refuse(
                ["hub", "enroll", "--replica", "x", "--role", "province", "--out", "x.cred", "--db", "hub.sqlite"],
                folder
            ).contains("commune:MÃ-XÃ"))
        #expect(
            try ntm.refuse(
                [
                    "hub", "enroll", "--replica", "x", "--role", "department:Phòng Không Có", "--out", "x.cred", "--db",
                    "hub.sqlite",
                ], folder
            ).contains("Phòng Giáo dục và Đào tạo"))
        #expect(
            try ntm.refuse(
                [
                    "hub", "enroll", "--replica", "x", "--role", "district", "--out", "dan-ly.cred", "--db",
                    "hub.sqlite",
                ], folder
            ).contains("dan-ly.cred"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("again.cred")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.cred")))
        #expect(try ntm.output(["hub", "replicas", "--db", "hub.sqlite"], folder).split(separator: "\n").count == 2)

        // A new key on demand; the old file no longer matches what the hub keeps.
        try ntm.output(
            [
                "hub", "enroll", "--replica", "xa-dan-ly-1", "--role", "commune:dan-ly", "--out", "dan-ly-2.cred",
                "--renew", "--db", "hub.sqlite",
            ], folder)
        #expect(try String(contentsOfFile: folder.file("dan-ly-2.cred"), encoding: .utf8) != text)

        // Revoked from its next session on; an unknown replica is named.
        #expect(try ntm.output(["hub", "revoke", "phong-gd", "--db", "hub.sqlite"], folder) == "Đã thu hồi phong-gd\n")
        #expect(try ntm.output(["hub", "replicas", "--db", "hub.sqlite"], folder).contains("đã thu hồi "))
        #expect(
            try ntm.refuse(["hub", "revoke", "xa-khong-co", "--db", "hub.sqlite"], folder).contains("chưa được đăng ký")
        )
    }

    /// A commune enrolled at a province records its district from the credential, never the province.
    @Test func aCommuneEnrolledAtTheProvinceTakesItsDistrictNotTheProvince() throws {
        let folder = TemporaryDirectory("cli-enrol-province")
        try ntm.ok(
            [
                "hub", "init", "--replica", "tinh-thanh-hoa", "--province", "thanh-hoa", "--name", "Thanh Hóa", "--db",
                "tinh.sqlite",
            ], folder)
        for (slug, district) in [("an-hoa", nil), ("dan-ly", "trieu-son")] as [(String, String?)] {
            try ntm.ok(
                [
                    "hub", "enroll", "--replica", "xa-\(slug)-1", "--role", "commune:\(slug)", "--out", "\(slug).cred",
                    "--db", "tinh.sqlite",
                ] + (district.map { ["--district", $0] } ?? []), folder)
            try ntm.ok(["init", "--credential", "\(slug).cred", "--db", "\(slug).sqlite"], folder)
            let dump = try ntm.run(["dump", "--commune", slug, "--db", "\(slug).sqlite"], in: folder.path).stdout
            let row = dump.split(separator: "\n").first { $0.contains("\"table\":\"commune\"") }.map(String.init)
            #expect(!dump.contains("thanh-hoa"), "\(dump)")
            if let district {
                #expect(row?.contains("\"value\":\"\(district)\"") == true, "\(dump)")
            }
        }
    }

    @Test func aCommuneStartsFromItsCredentialAndRefusesAnotherOne() throws {
        let folder = TemporaryDirectory("cli-credential")
        try hub(folder, enrolling: [("dan-ly", "xa-dan-ly-1"), ("tan-ninh", "xa-tan-ninh-1")])
        // The replica id and the commune come from the credential.
        let created = try ntm.output(
            ["init", "--credential", "dan-ly.cred", "--name", "Dân Lý", "--db", "x.sqlite"], folder)
        #expect(created.hasPrefix("Đã tạo bản sao xa-dan-ly-1 cho xã Dân Lý"))
        #expect(
            try ntm.output(["credential", "show", "--db", "x.sqlite"], folder)
                == "Bản sao xa-dan-ly-1 · vai trò commune:dan-ly · máy chủ huyen-trieu-son\n")
        // Another commune's credential, or another replica's: refused, nothing written or created.
        #expect(
            try ntm.refuse(
                ["init", "--credential", "dan-ly.cred", "--commune", "tan-ninh", "--db", "y.sqlite"], folder
            )
            .contains("commune:dan-ly"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("y.sqlite")))
        #expect(
            try ntm.refuse(["credential", "install", "tan-ninh.cred", "--db", "x.sqlite"], folder).contains(
                "xa-tan-ninh-1")
        )
        try ntm.output(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "z.sqlite"], folder)
        #expect(try ntm.output(["credential", "show", "--db", "z.sqlite"], folder).hasPrefix("Chưa cài chứng thực"))
        #expect(
            try ntm.refuse(["credential", "install", "dan-ly.cred", "--db", "z.sqlite"], folder).contains("xa-dan-ly-1")
        )
        try "{\"format\":\"ntm-credential/1\"}".write(
            toFile: folder.file("bad.cred"), atomically: true, encoding: .utf8)
        #expect(
            try ntm.refuse(["credential", "install", "bad.cred", "--db", "z.sqlite"], folder).contains(
                "không phải tệp chứng thực ntm"))
        #expect(
            try ntm.refuse(["credential", "install", "missing.cred", "--db", "z.sqlite"], folder).contains(
                "không đọc được")
        )
        #expect(try ntm.refuse(["init", "--commune", "dan-ly", "--db", "w.sqlite"], folder).contains("--replica"))
    }

    /// A credential file cut short or not JSON, and a credential damaged in the replica's database, are
    /// one line naming the file or database, what is wrong and what to do (a new credential from the
    /// district: `ntm hub enroll --renew`), in Vietnamese or in English; nothing is written or created.
    @Test func aDamagedCredentialIsNamedWithWhatToDo() throws {
        let folder = TemporaryDirectory("cli-damaged-credential")
        try hub(folder, enrolling: [("dan-ly", "xa-dan-ly-1")])
        let whole = try String(contentsOfFile: folder.file("dan-ly.cred"), encoding: .utf8)
        try String(whole.prefix(60)).write(toFile: folder.file("cut.cred"), atomically: true, encoding: .utf8)
        try "PK\u{03}\u{04} not a credential".write(toFile: folder.file("zip.cred"), atomically: true, encoding: .utf8)
        try ntm.output(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--db", "x.sqlite"], folder)
        for file in ["cut.cred", "zip.cred"] {
            let installed = try ntm.refuse(["credential", "install", file, "--db", "x.sqlite"], folder)
            #expect(
                installed
                    == "ntm: lỗi: \(file) không phải tệp chứng thực ntm dùng được (không phải JSON: có lẽ bị cắt cụt hoặc hỏng); xin huyện cấp tệp mới: ntm hub enroll --replica MÃ-BẢN-SAO --role VAI-TRÒ --out TỆP --renew, rồi ntm credential install TỆP\n"
            )
            #expect(try ntm.refuse(["init", "--credential", file, "--db", "new.sqlite"], folder).contains(file))
            #expect(!FileManager.default.fileExists(atPath: folder.file("new.sqlite")))
        }
        let english = try ntm.run(
            ["credential", "install", "cut.cred", "--db", "x.sqlite", "--lang", "en"], in: folder.path)
        #expect(english.status == 1)
        #expect(
            english.stderr
                == "ntm: error: cut.cred is not a usable ntm credential (not JSON: probably cut short or damaged); ask the district for a new one: ntm hub enroll --replica ID --role ROLE --out FILE --renew, then ntm credential install FILE\n"
        )
        #expect(try ntm.output(["credential", "show", "--db", "x.sqlite"], folder).hasPrefix("Chưa cài chứng thực"))
        // The copy installed in the database, damaged behind ntm's back.
        try ntm.output(["credential", "install", "dan-ly.cred", "--db", "x.sqlite"], folder)
        let damage = Process()
        damage.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        damage.arguments = [
            folder.file("x.sqlite"), "UPDATE meta SET value = substr(value, 1, 50) WHERE key = 'credential'",
        ]
        try damage.run()
        damage.waitUntilExit()
        #expect(damage.terminationStatus == 0)
        for command in [["credential", "show"], ["sync", "--via", "true"]] {
            let message = try ntm.refuse(command + ["--db", "x.sqlite"], folder)
            #expect(message.contains("x.sqlite bị hỏng (không phải JSON: có lẽ bị cắt cụt hoặc hỏng)"), "\(message)")
            #expect(message.contains("xin huyện cấp tệp mới cho xa-dan-ly-1: ntm hub enroll --replica xa-dan-ly-1"))
        }
        let shown = try ntm.run(["credential", "show", "--db", "x.sqlite", "--lang", "en"], in: folder.path)
        #expect(shown.status == 1)
        #expect(shown.stderr.hasPrefix("ntm: error: the credential installed in "))
        #expect(
            shown.stderr.contains(
                "x.sqlite is damaged (not JSON: probably cut short or damaged); ask the district for a new one for xa-dan-ly-1: ntm hub enroll --replica xa-dan-ly-1 --role ROLE --out FILE --renew"
            ))
    }

    @Test func aReplicaWithARoleDecidesOnlyWhatItMayWrite() throws {
        let folder = TemporaryDirectory("cli-role-decide")
        try hub(folder, enrolling: [("dan-ly", "xa-dan-ly-1")])
        try ntm.output(["init", "--credential", "dan-ly.cred", "--db", "a.sqlite"], folder)
        try ntm.output(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "b.sqlite"], folder)
        try ntm.output(["init", "--replica", "xa-dan-ly-3", "--commune", "dan-ly", "--db", "c.sqlite"], folder)
        // The enrolled laptop may not record the district's verification: refused at once, nothing written.
        #expect(
            try ntm.refuse(["verification", "5", "--result", "dat", "--db", "a.sqlite"], folder).contains(
                "bản sao này (vai trò commune:dan-ly) không được ghi kết quả thẩm tra của phòng"))
        // Two laptops without a role record it differently; a and b assess differently.
        try ntm.output(["verification", "5", "--result", "dat", "--db", "c.sqlite"], folder)
        try ntm.output(["verification", "5", "--result", "khong-dat", "--db", "b.sqlite"], folder)
        try ntm.output(["assess", "5", "dat", "--db", "a.sqlite"], folder)
        try ntm.output(["assess", "5", "chua-dat", "--db", "b.sqlite"], folder)
        for (from, to) in [("a", "b"), ("b", "a"), ("c", "a"), ("c", "b")] {
            try ntm.output(["bundle", "export", "\(from).ndjson", "--db", "\(from).sqlite"], folder)
            try ntm.output(["bundle", "import", "\(from).ndjson", "--db", "\(to).sqlite"], folder)
        }
        let listed = try ntm.output(["conflicts", "--json", "--db", "a.sqlite"], folder)
        let ids = listed.components(separatedBy: "\"id\":\"").dropFirst().map { String($0.prefix(8)) }
        let tables = listed.components(separatedBy: "\"table\":\"").dropFirst().map {
            String($0.prefix(while: { $0 != "\"" }))
        }
        let verification = try #require(zip(ids, tables).first { $0.1 == "verification" }?.0)
        let assessment = try #require(zip(ids, tables).first { $0.1 == "assessment" }?.0)
        // The commune's replica may settle its own assessment, not the department's verification.
        #expect(
            try ntm.refuse(["conflicts", "resolve", verification, "--pick", "1", "--db", "a.sqlite"], folder).contains(
                "vai trò commune:dan-ly"))
        try ntm.output(["conflicts", "resolve", assessment, "--pick", "1", "--db", "a.sqlite"], folder)
        // A replica without a role is not checked locally (the hub checks every operation it accepts).
        try ntm.output(["conflicts", "resolve", verification, "--pick", "1", "--db", "b.sqlite"], folder)
    }

    /// What the hub refuses reaches the person: `ntm status` on the laptop names the refused edits,
    /// `ntm hub quarantine` lists them at the district, and a revoked laptop is told in one line.
    @Test func aRefusedEditIsShownOnTheLaptopAndQuarantinedAtTheHub() throws {
        let folder = TemporaryDirectory("cli-refused")
        try hub(folder, enrolling: [("dan-ly", "xa-dan-ly-1")])
        // Work done on the laptop before it was enrolled, including what a commune may not write (the
        // department's verification): nothing checked it then.
        try ntm.output(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--db", "x.sqlite"], folder)
        try ntm.output(["assess", "17.1", "dat", "--value", "96", "--db", "x.sqlite"], folder)
        try ntm.output(
            ["verification", "17", "--result", "dat", "--department", "tai nguyen", "--db", "x.sqlite"], folder)
        try ntm.output(["credential", "install", "dan-ly.cred", "--db", "x.sqlite"], folder)
        let via = ["--via", "\(ntm.path) hub stdio --db hub.sqlite"]
        let sync = try ntm.output(["sync", "--db", "x.sqlite"] + via, folder)
        #expect(sync.contains("máy chủ từ chối 2 thay đổi không thuộc quyền của máy này (xem: ntm status)"), "\(sync)")
        let status = try ntm.output(["status", "--db", "x.sqlite"], folder)
        #expect(status.contains("Máy chủ huyện đã từ chối 2 thay đổi của máy này"), "\(status)")
        #expect(status.contains("vai trò xã không được ghi kết quả thẩm tra của phòng"), "\(status)")
        #expect(!status.contains("forbidden"))
        let english = try ntm.output(["status", "--db", "x.sqlite", "--lang", "en"], folder)
        #expect(english.contains("The district hub refused 2 changes made here"))
        let quarantine = try ntm.output(["hub", "quarantine", "--db", "hub.sqlite"], folder)
        #expect(quarantine.hasPrefix("2 thay đổi bị từ chối (không áp dụng, không gửi tiếp):"), "\(quarantine)")
        #expect(quarantine.contains("xa-dan-ly-1:") && quarantine.contains("(xa-dan-ly-1)"))
        // The reason in words, not the hub's English rule.
        #expect(quarantine.contains("vai trò xã không được ghi") && !quarantine.contains("forbidden"), "\(quarantine)")
        let lines = try ntm.output(["hub", "quarantine", "--json", "--db", "hub.sqlite"], folder).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("\"sender\":\"xa-dan-ly-1\"") && $0.contains("\"verification\"") })
        // The hub never applied them: its verification table is empty, the assessment arrived.
        let verifications = try ntm.output(["dump", "--commune", "dan-ly", "--db", "hub.sqlite"], folder)
        #expect(!verifications.contains("\"verification\""))
        #expect(verifications.contains("17.1"))
        #expect(
            try ntm.output(["hub", "quarantine", "--replica", "xa-khac-1", "--db", "hub.sqlite"], folder).contains(
                "Không có thay đổi nào bị từ chối."))
        // A commune named like the district would own the district's rows: refused.
        #expect(
            try ntm.refuse(
                [
                    "hub", "enroll", "--replica", "xa-x-1", "--role", "commune:trieu-son", "--out", "t.cred", "--db",
                    "hub.sqlite",
                ],
                folder
            ).contains("trieu-son là mã của huyện, không phải của một xã"))
        // Shut out: one line, exit 1 (not worth retrying), nothing changed on the laptop.
        try ntm.output(["hub", "revoke", "xa-dan-ly-1", "--db", "hub.sqlite"], folder)
        let before = try ntm.output(["dump", "--db", "x.sqlite"], folder)
        // (Over --via the hub's own log line comes first on stderr, as over ssh.)
        let result = try ntm.run(["sync", "--db", "x.sqlite"] + via, in: folder.path)
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("ntm: ") }
        #expect(errors.count == 1)
        let revoked = String(errors.first ?? "")
        #expect(
            revoked.contains(
                "máy chủ không nhận chứng thực của máy này (bản sao chưa được đăng ký ở máy chủ này, hoặc chứng thực đã bị thu hồi hay cấp lại)"
            ))
        #expect(try ntm.output(["dump", "--db", "x.sqlite"], folder) == before)
    }
}
