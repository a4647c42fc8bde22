import Foundation
import NTM
import SyncCore

/// The dashboard's tables and charts, section by section.
extension DashboardPage {
    /// A number cell marked for machines.
    func numberCell(_ name: String, _ value: Int) -> String {
        HTML.text("td", [("class", "num"), ("data-figure", name)], String(value))
    }

    /// A number cell `a/b`, both marked.
    func ratioCell(_ name: String, _ value: Int, of totalName: String, _ total: Int) -> String {
        HTML.element("td", [("class", "num")], ratio(name, value, of: totalName, total))
    }

    /// The row header naming a commune.
    func communeHeader(_ f: CommuneFigures) -> String {
        HTML.text("th", [("scope", "row"), ("class", "name")], f.commune.name)
    }

    // MARK: Districts (province)

    func districtsSection(_ province: ProvinceFigures) -> String {
        guard !province.districts.isEmpty else {
            return section(
                "districts", pick("Theo huyện", "By district"), none(pick("Chưa có xã nào.", "No commune yet.")))
        }
        let rows = province.districts.map { district in
            HTML.element(
                "tr", [("data-district", district.slug ?? "")],
                HTML.text("th", [("scope", "row")], districtName(district))
                    + numberCell("communes-total", district.communes)
                    + numberCell("communes-meeting", district.communesMeeting)
                    + numberCell("backlog", district.backlog) + numberCell("overdue", district.overdue))
        }
        let head = [
            th(pick("Huyện", "District")), th(pick("Số xã", "Communes"), "num"),
            th(pick("Xã đạt chuẩn", "Meeting the standard"), "num"),
            th(pick("Hồ sơ chờ sở, ngành", "Waiting for sectors"), "num"), th(pick("Quá hạn", "Overdue"), "num"),
        ]
        return section("districts", pick("Theo huyện", "By district"), table("districts", head: head, rows: rows))
    }

    // MARK: Communes

    func communesSection() -> String {
        let head = [
            th(pick("Xã", "Commune")), th(pick("Tiêu chí đạt", "Criteria met"), "num"),
            th(pick("Chỉ tiêu đạt", "Indicators met"), "num"), th(pick("Hồ sơ tiêu chí", "Criteria dossiers"), "num"),
            th(pick("Huyện thẩm tra đạt", "District verified"), "num"),
            th(pick("Đã gửi ngành", "Sent to sectors"), "num"),
            th(pick("Ngành đã kiểm tra", "Sectors inspected"), "num"),
            th(pick("Ngành có văn bản đạt", "Sectors' verdicts \"met\""), "num"), th(pick("Quá hạn", "Overdue"), "num"),
            th(pick("Minh chứng", "Evidence"), "num"), th(pick("Đạt chuẩn", "Meets the standard")),
        ]
        var rows: [String] = []
        for group in groups {
            rows.append(groupRow(group.title, columns: head.count))
            for f in group.communes {
                rows.append(
                    HTML.element(
                        "tr", [("data-commune", f.commune.slug), ("data-meets-standard", String(f.meetsStandard))],
                        communeHeader(f)
                            + ratioCell("criteria-met", f.criteriaMet, of: "criteria-total", f.criteriaTotal)
                            + ratioCell("indicators-met", f.indicatorsMet, of: "indicators-total", f.indicatorsTotal)
                            + numberCell("dossiers-complete", f.dossiersComplete)
                            + numberCell("criteria-verified", f.criteriaVerified)
                            + ratioCell("sectors-sent", f.sectorsSent, of: "sectors-total", f.sectorsTotal)
                            + numberCell("sectors-inspected", f.sectorsInspected)
                            + numberCell("sectors-passed", f.sectorsPassed) + numberCell("overdue", f.overdue.count)
                            + numberCell("evidence", f.evidenceCount)
                            + HTML.text(
                                "td", [("class", f.meetsStandard ? "met" : nil)],
                                f.meetsStandard ? "✓ " + pick("đạt chuẩn", "yes") : pick("chưa", "not yet"))))
            }
        }
        let heading = subject.level == .commune ? pick("Tổng hợp", "Summary") : pick("Các xã", "Communes")
        guard !subject.communes.isEmpty else {
            return section("communes", heading, none(pick("Chưa có xã nào.", "No commune yet.")))
        }
        return section("communes", heading, table("communes", head: head, rows: rows))
    }

    // MARK: Criteria grid

    /// The criterion numbers of every commune's set, in order, each with a name (from the first set that
    /// has it).
    var criteriaColumns: [(number: Int, name: String)] {
        var names: [Int: String] = [:]
        for commune in subject.communes {
            for progress in commune.criteria where names[progress.criterion.number] == nil {
                names[progress.criterion.number] =
                    language == .vi ? progress.criterion.nameVi : progress.criterion.nameEn
            }
        }
        return names.keys.sorted().map { ($0, names[$0]!) }
    }

    func criterionHeaders(_ columns: [(number: Int, name: String)]) -> [String] {
        columns.map { column in
            HTML.text(
                "th", [("scope", "col"), ("class", "crit"), ("title", "\(column.number). \(column.name)")],
                String(column.number))
        }
    }

    func gridSection() -> String {
        let columns = criteriaColumns
        guard !columns.isEmpty else { return "" }
        var rows: [String] = []
        for group in groups {
            rows.append(groupRow(group.title, columns: columns.count + 1))
            for f in group.communes {
                let byNumber = Dictionary(f.criteria.map { ($0.criterion.number, $0) }) { first, _ in first }
                let cells = columns.map { column -> String in
                    guard let progress = byNumber[column.number] else {
                        return HTML.text(
                            "td",
                            [
                                ("class", "cell absent"), ("data-criterion", String(column.number)),
                                ("data-state", "absent"),
                                ("title", pick("không có trong bộ tiêu chí", "not in the set")),
                            ], "—")
                    }
                    let state = CriterionState(progress)
                    let words =
                        "\(pick("Tiêu chí", "Criterion")) \(column.number) · \(state.label(language)) · "
                        + "\(progress.indicatorsMet)/\(progress.indicatorsTotal) \(pick("chỉ tiêu đạt", "indicators met"))"
                    return HTML.element(
                        "td",
                        [
                            ("class", "cell " + state.rawValue), ("data-criterion", String(column.number)),
                            ("data-state", state.rawValue), ("title", words), ("aria-label", words),
                        ], HTML.text("span", [("aria-hidden", "true")], state.symbol))
                }
                rows.append(
                    HTML.element("tr", [("data-commune", f.commune.slug)], communeHeader(f) + cells.joined()))
            }
        }
        let legend = CriterionState.allCases.map { state in
            HTML.element(
                "li", [],
                HTML.element(
                    "span", [("class", "swatch " + state.rawValue)], HTML.text("span", [], state.symbol))
                    + HTML.text("b", [], state.label(language)) + HTML.escape(": " + state.explanation(language)))
        }
        return section(
            "grid", pick("Tiêu chí theo xã", "Criteria by commune"),
            HTML.element("ul", [("class", "legend")], legend.joined())
                + table(
                    "grid", "grid", head: [th(pick("Xã", "Commune"), "name")] + criterionHeaders(columns), rows: rows))
    }

    // MARK: Sectors

    func sectorsSection() -> String {
        var order: [String] = []
        var tally: [String: (communes: Int, sent: Int, inspected: Int, passed: Int)] = [:]
        for commune in subject.communes {
            let appraisals = Dictionary(commune.appraisals.map { ($0.sector, $0) }) { first, _ in first }
            for sector in commune.catalogue.sectors {
                if tally[sector] == nil {
                    order.append(sector)
                    tally[sector] = (0, 0, 0, 0)
                }
                let appraisal = appraisals[sector]
                tally[sector]!.communes += 1
                if appraisal?.sent == true { tally[sector]!.sent += 1 }
                if appraisal?.inspected == true { tally[sector]!.inspected += 1 }
                if appraisal?.passed == true { tally[sector]!.passed += 1 }
            }
        }
        let heading = pick("Thẩm định của các sở, ngành tỉnh", "Province sectors' appraisals")
        guard !order.isEmpty else {
            return section("sectors", heading, none(pick("Không có ngành nào.", "No sector.")))
        }
        let sent = pick("đã gửi hồ sơ", "dossier sent")
        let inspected = pick("đã về kiểm tra", "inspected")
        let passed = pick("có văn bản đạt", "written verdict \"met\"")
        let rows = order.map { sector -> String in
            let t = tally[sector]!
            let chart = SVGBars.chart(
                [
                    .init(value: t.sent, style: "bar-sent", label: "\(sent): \(t.sent)/\(t.communes)"),
                    .init(
                        value: t.inspected, style: "bar-inspected", label: "\(inspected): \(t.inspected)/\(t.communes)"),
                    .init(value: t.passed, style: "bar-passed", label: "\(passed): \(t.passed)/\(t.communes)"),
                ], total: t.communes, title: sector)
            return HTML.element(
                "tr", [("data-sector", sector)],
                HTML.text("th", [("scope", "row")], sector) + HTML.element("td", [("class", "bars")], chart)
                    + HTML.element(
                        "td", [("class", "num")],
                        figure("sector-sent", t.sent) + "/" + figure("sector-communes", t.communes))
                    + numberCell("sector-inspected", t.inspected) + numberCell("sector-passed", t.passed))
        }
        let legend = [("bar-sent", sent), ("bar-inspected", inspected), ("bar-passed", passed)].map { style, words in
            HTML.element(
                "li", [],
                HTML.element(
                    "svg", [("width", "22"), ("height", "12"), ("viewBox", "0 0 22 12"), ("aria-hidden", "true")],
                    HTML.element("rect", [("class", style), ("width", "22"), ("height", "12")])) + " "
                    + HTML.escape(words))
        }
        let note = pick(
            "Mỗi ngành: ba thanh (đã gửi, đã kiểm tra, có văn bản đạt) trên số xã mà ngành thẩm định.",
            "Each sector: three bars (sent, inspected, verdict \"met\") out of the communes it appraises.")
        let head = [
            th(pick("Sở, ngành", "Sector")), th(pick("Biểu đồ", "Chart")),
            th(pick("Gửi / số xã", "Sent / communes"), "num"),
            th(pick("Đã kiểm tra", "Inspected"), "num"), th(pick("Đạt", "Met"), "num"),
        ]
        return section(
            "sectors", heading,
            HTML.text("p", [], note) + HTML.element("ul", [("class", "legend")], legend.joined())
                + table("sectors", "sectors", head: head, rows: rows))
    }

    // MARK: Deadlines

    func deadlinesSection() -> String {
        var overdue: [DeadlineItem] = subject.communes.flatMap(\.overdue)
        var upcoming: [DeadlineItem] = subject.communes.flatMap(\.upcoming)
        switch subject {
        case .commune: break
        case .district(let district):
            overdue += district.overdue
            upcoming += district.upcoming
        case .province(let province):
            overdue += province.districts.flatMap(\.figures.overdue)
            upcoming += province.districts.flatMap(\.figures.upcoming)
        }
        let order: (DeadlineItem, DeadlineItem) -> Bool = { ($0.due, $0.commune) < ($1.due, $1.commune) }
        return section(
            "deadlines", pick("Thời hạn", "Deadlines"),
            HTML.text("h3", [], pick("Quá hạn", "Overdue") + " (\(overdue.count))")
                + deadlineTable("overdue", overdue.sorted(by: order), late: true)
                + HTML.text("h3", [], pick("Sắp đến hạn", "Upcoming") + " (\(upcoming.count))")
                + deadlineTable("upcoming", upcoming.sorted(by: order), late: false))
    }

    func deadlineTable(_ id: String, _ items: [DeadlineItem], late: Bool) -> String {
        guard !items.isEmpty else { return none(pick("Không có.", "None.")) }
        let names = self.names
        var head = [
            th(pick("Hạn", "Due")), th(pick("Xã / đơn vị", "Commune / unit")), th(pick("Việc", "Task")),
            th(pick("Phụ trách", "Owner")),
        ]
        if late { head.append(th(pick("Quá (ngày)", "Days late"), "num")) }
        let rows = items.map { item -> String in
            var task =
                item.title
                ?? pick("hoàn thành chỉ tiêu \(item.indicator ?? "")", "complete indicator \(item.indicator ?? "")")
            if item.title != nil, let code = item.indicator {
                task += pick(" (chỉ tiêu \(code))", " (indicator \(code))")
            }
            var cells =
                HTML.text("td", [("data-figure", "due")], item.due.description)
                + HTML.text("td", [], names[item.commune] ?? item.commune) + HTML.text("td", [], task)
                + HTML.text("td", [], item.owner)
            if late { cells += numberCell("days-late", max(0, item.due.days(until: date))) }
            return HTML.element("tr", [("data-commune", item.commune)], cells)
        }
        return table(id, head: head, rows: rows)
    }

    // MARK: Evidence

    func evidenceSection() -> String {
        let columns = criteriaColumns
        guard !columns.isEmpty else { return "" }
        var totals: [Int: Int] = [:]
        var rows: [String] = []
        for group in groups {
            rows.append(groupRow(group.title, columns: columns.count + 2))
            for f in group.communes {
                let byNumber = Dictionary(f.criteria.map { ($0.criterion.number, $0.evidenceCount) }) { first, _ in
                    first
                }
                let cells = columns.map { column -> String in
                    guard let count = byNumber[column.number] else {
                        return HTML.text(
                            "td", [("class", "num absent"), ("data-criterion", String(column.number))], "—")
                    }
                    totals[column.number, default: 0] += count
                    return HTML.text(
                        "td",
                        [
                            ("class", count == 0 ? "num zero" : "num"), ("data-criterion", String(column.number)),
                            ("data-figure", "evidence"),
                        ],
                        String(count))
                }
                rows.append(
                    HTML.element(
                        "tr", [("data-commune", f.commune.slug)],
                        communeHeader(f) + cells.joined() + numberCell("evidence-total", f.evidenceCount)))
            }
        }
        let foot = HTML.element(
            "tr", [("data-total", "")],
            HTML.text("th", [("scope", "row"), ("class", "name")], pick("Tổng", "Total"))
                + columns.map { column in
                    HTML.text(
                        "td",
                        [
                            ("class", "num"), ("data-criterion", String(column.number)),
                            ("data-figure", "evidence-total"),
                        ],
                        String(totals[column.number] ?? 0))
                }.joined()
                + numberCell("evidence-total", subject.communes.reduce(0) { $0 + $1.evidenceCount }))
        return section(
            "evidence", pick("Minh chứng theo tiêu chí", "Evidence by criterion"),
            HTML.text(
                "p", [],
                pick(
                    "Số văn bản minh chứng gắn với các chỉ tiêu của mỗi tiêu chí; cột cuối: tổng của xã.",
                    "Evidence documents attached to each criterion's indicators; last column: the commune's total."))
                + table(
                    "evidence", "evidence",
                    head: [th(pick("Xã", "Commune"), "name")] + criterionHeaders(columns)
                        + [th(pick("Tổng", "Total"), "num")], rows: rows, foot: foot) + evidenceFiles())
    }

    /// The evidence files put beside the page (`--with-files`), by commune and criterion, each a link
    /// that opens the file from the page's folder; nothing when there are none.
    func evidenceFiles() -> String {
        guard !activity.files.isEmpty else { return "" }
        let names = Dictionary(subject.communes.map { ($0.commune.slug, $0.commune.name) }) { first, _ in first }
        var items: [String] = []
        for (commune, links) in Dictionary(grouping: activity.files, by: \.commune).sorted(by: { $0.key < $1.key }) {
            let entries = links.sorted {
                ($0.criterion, $0.indicator, $0.title) < ($1.criterion, $1.indicator, $1.title)
            }
            .map { link in
                HTML.element(
                    "li", [("data-criterion", String(link.criterion))],
                    HTML.escape("\(link.indicator) · ")
                        + HTML.text(
                            "a",
                            [("href", link.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed))],
                            link.title) + HTML.escape(" (\(link.fileName))"))
            }
            items.append(
                HTML.element(
                    "li", [("data-commune", commune)],
                    HTML.text("strong", [], names[commune] ?? commune) + HTML.element("ul", [], entries.joined())))
        }
        return HTML.text(
            "h3", [], pick("Tệp minh chứng (mở từ thư mục của trang)", "Evidence files (opened from the page's folder)")
        )
            + HTML.element("ul", [("class", "files")], items.joined())
    }

    // MARK: Activity

    func activitySection() -> String {
        let names = self.names
        let reported = subject.communes.map(\.commune.slug)
        let others = Set(activity.openConflicts.keys).union(activity.refused.keys).subtracting(reported).sorted()
        let rows = (reported + others).map { unit in
            HTML.element(
                "tr", [("data-unit", unit)],
                HTML.text("th", [("scope", "row")], names[unit] ?? unit)
                    + numberCell("open-conflicts", activity.openConflicts[unit] ?? 0)
                    + numberCell("refused", activity.refused[unit] ?? 0))
        }
        var content =
            HTML.text("h3", [], pick("Xung đột và ghi bị từ chối", "Conflicts and refused writes"))
            + table(
                "activity",
                head: [
                    th(pick("Xã / đơn vị", "Commune / unit")),
                    th(pick("Xung đột chưa giải quyết", "Open conflicts"), "num"),
                    th(pick("Ghi bị từ chối", "Refused writes"), "num"),
                ], rows: rows)
        content += HTML.text("h3", [], pick("Lần đồng bộ gần nhất", "Last sync"))
        if activity.replicas.isEmpty {
            content += none(
                pick(
                    "Không có máy nào ghi danh ở đây (chỉ máy chủ biết các lần đồng bộ).",
                    "No replica is enrolled here (only a hub knows when replicas synced)."))
        } else {
            let replicaRows = activity.replicas.map { replica in
                let last: String
                if let ms = replica.lastSyncMs {
                    last = HTML.text("td", [("data-figure", "last-sync")], timestamp(ms))
                } else {
                    last = HTML.text(
                        "td", [("data-figure", "last-sync"), ("data-never", "")], pick("chưa bao giờ", "never"))
                }
                return HTML.element(
                    "tr", [("data-replica", replica.replica)],
                    HTML.text("th", [("scope", "row")], replica.replica) + HTML.text("td", [], replica.role) + last
                        + HTML.text(
                            "td", [], replica.revoked ? pick("đã thu hồi", "revoked") : pick("đang hoạt động", "active")
                        ))
            }
            content += table(
                "replicas",
                head: [
                    th(pick("Máy", "Replica")), th(pick("Vai trò", "Role")), th(pick("Đồng bộ gần nhất", "Last sync")),
                    th(pick("Trạng thái", "State")),
                ], rows: replicaRows)
        }
        // What the replicas did is read when the page is made, not as of the report's date.
        let note = HTML.text(
            "p", [],
            pick(
                "Số liệu phần này là lúc tạo trang, không theo ngày báo cáo.",
                "This section is as of when the page was made, not as of the report's date."))
        return section("activity", pick("Hoạt động đồng bộ", "Sync activity"), note + content)
    }
}
