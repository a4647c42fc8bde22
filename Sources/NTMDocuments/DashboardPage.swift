import Foundation
import NTM
import SyncCore

/// The dashboard page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched from
/// the network) made from the report's figures and the replicas' activity. Vietnamese by default,
/// English with ``Language/en``; it prints on A4 and reads on a 360 px wide phone.
///
/// Every figure on the page comes from ``subject`` and ``activity``. Programs (and tests) read them from
/// these attributes:
///
/// - `data-figure="NAME"` on the element whose text is one whole number. Headline figures (in
///   `<section id="headline">`): `communes-meeting`, `communes-total`, `overdue`, `open-conflicts`,
///   `refused`, and at a province `backlog`; for a commune `criteria-met`, `criteria-total`,
///   `indicators-met`, `indicators-total`, `sectors-passed`, `sectors-total`, `overdue`.
/// - Table `#communes`, one `<tr data-commune="SLUG" data-meets-standard="true|false">` per commune:
///   `criteria-met`, `criteria-total`, `indicators-met`, `indicators-total`, `dossiers-complete`,
///   `criteria-verified`, `sectors-sent`, `sectors-inspected`, `sectors-passed`, `sectors-total`,
///   `overdue`, `evidence`.
/// - Table `#districts` (province only), one `<tr data-district="SLUG">` per district (`""` for the
///   communes under no known district): `communes-total`, `communes-meeting`, `backlog`, `overdue`.
/// - Table `#grid`, one `<tr data-commune="SLUG">` per commune, one cell per criterion:
///   `<td data-criterion="17" data-state="met|progress|not-met|conflict">` (a criterion not in the
///   commune's set: `data-state="absent"`).
/// - Table `#sectors`, one `<tr data-sector="NAME">` per province sector: `sector-communes` (communes
///   whose set it appraises), `sector-sent`, `sector-inspected`, `sector-passed`.
/// - Tables `#overdue` and `#upcoming`: one `<tr data-commune="SLUG">` per deadline (`SLUG` is the
///   district's for its own deadlines), the due date in `data-figure="due"` (dd/mm/yyyy).
/// - Table `#evidence`: per commune row `data-figure="evidence"` cells with `data-criterion`, and the
///   commune's total in `evidence-total`; its foot row `data-figure="evidence-total"` per criterion.
/// - Table `#activity`: one `<tr data-unit="SLUG">` per commune reported (then any other unit with
///   activity): `open-conflicts`, `refused`. Table `#replicas`: one `<tr data-replica="ID">` per replica,
///   last sync in `data-figure="last-sync"` (dd/mm/yyyy HH:mm, empty attribute value `data-never` when
///   never).
/// - The foot: `data-figure="as-of"` (dd/mm/yyyy) and `data-figure="generated"` (dd/mm/yyyy HH:mm).
public struct DashboardPage: Sendable {
    /// What the report is about, with its figures.
    public let subject: ReportSubject
    /// Conflicts, refused writes and last syncs.
    public let activity: DashboardActivity
    /// The language of the page.
    public let language: Language
    /// The report's date.
    public let date: CalendarDate
    /// When the page was made (ms since 1970), shown at its foot.
    public let generatedMs: Int64
    /// The time zone times are shown in.
    public let timeZone: TimeZone

    /// Creates the page.
    public init(
        subject: ReportSubject, activity: DashboardActivity, language: Language, date: CalendarDate,
        generatedMs: Int64, timeZone: TimeZone = .current
    ) {
        self.subject = subject
        self.activity = activity
        self.language = language
        self.date = date
        self.generatedMs = generatedMs
        self.timeZone = timeZone
    }

    /// The page's HTML.
    public func html() -> String {
        let head =
            HTML.element("meta", [("charset", "utf-8")])
            + HTML.element("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")])
            + HTML.text("title", [], title) + HTML.element("style", [], DashboardStyle.css)
        var body = header() + headline()
        if case .province(let province) = subject { body += districtsSection(province) }
        body +=
            communesSection() + gridSection() + sectorsSection() + deadlinesSection() + evidenceSection()
            + activitySection() + footer()
        return "<!DOCTYPE html>\n"
            + HTML.element(
                "html", [("lang", language.rawValue)],
                HTML.element("head", [], head) + HTML.element("body", [], HTML.element("main", [], body))) + "\n"
    }

    // MARK: Words and figures

    /// Picks the Vietnamese or the English text.
    func pick(_ vi: String, _ en: String) -> String { language.pick(vi, en) }

    /// A whole number marked for machines.
    func figure(_ name: String, _ value: Int) -> String { HTML.text("span", [("data-figure", name)], String(value)) }

    /// `a/b`, both marked.
    func ratio(_ name: String, _ value: Int, of totalName: String, _ total: Int) -> String {
        figure(name, value) + "/" + figure(totalName, total)
    }

    /// The communes of the report in groups: one group (untitled) for a commune or a district, one per
    /// district for a province.
    var groups: [(title: String?, communes: [CommuneFigures])] {
        switch subject {
        case .commune(let figures): [(nil, [figures])]
        case .district(let district): [(nil, district.communes)]
        case .province(let province): province.districts.map { (districtName($0), $0.figures.communes) }
        }
    }

    func districtName(_ district: ProvinceFigures.District) -> String {
        district.slug.map { pick("Huyện ", "District ") + (district.name ?? $0) }
            ?? pick("Chưa rõ huyện", "No district")
    }

    /// Display names by slug: the communes', and at a province the districts'.
    var names: [String: String] {
        var names: [String: String] = [:]
        if case .province(let province) = subject {
            for district in province.districts { if let slug = district.slug { names[slug] = district.name ?? slug } }
        }
        for commune in subject.communes { names[commune.commune.slug] = commune.commune.name }
        return names
    }

    var title: String {
        let base = pick("Tiến độ xây dựng nông thôn mới", "New rural development progress")
        switch subject {
        case .commune(let figures):
            return base + " — \(figures.catalogue.unit.label(language)) \(figures.commune.name)"
        case .district(let district):
            return base + (district.district.map { pick(" — huyện ", " — district ") + $0 } ?? "")
        case .province(let province):
            return base + (province.province.map { pick(" — tỉnh ", " — province ") + $0 } ?? "")
        }
    }

    /// dd/mm/yyyy HH:mm in the page's time zone.
    func timestamp(_ ms: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(two(parts.day))/\(two(parts.month))/\(parts.year ?? 0) \(two(parts.hour)):\(two(parts.minute))"
    }

    /// A section with its heading.
    func section(_ id: String, _ heading: String, _ content: String) -> String {
        HTML.element("section", [("id", "section-" + id)], HTML.text("h2", [], heading) + content)
    }

    /// A table in its own horizontally scrolling box.
    func table(_ id: String, _ classes: String? = nil, head: [String], rows: [String], foot: String? = nil)
        -> String
    {
        let header = HTML.element("thead", [], HTML.element("tr", [], head.joined()))
        let footer = foot.map { HTML.element("tfoot", [], $0) } ?? ""
        return HTML.element(
            "div", [("class", "scroll")],
            HTML.element(
                "table", [("id", id), ("class", classes)],
                header + HTML.element("tbody", [], rows.joined()) + footer))
    }

    /// A header cell holding text.
    func th(_ text: String, _ classes: String? = nil) -> String {
        HTML.text("th", [("scope", "col"), ("class", classes)], text)
    }

    /// A group's title row spanning `columns`.
    func groupRow(_ title: String?, columns: Int) -> String {
        guard let title else { return "" }
        return HTML.element(
            "tr", [("class", "group")], HTML.text("th", [("colspan", String(columns)), ("scope", "rowgroup")], title))
    }

    /// A sentence saying there is nothing to show.
    func none(_ text: String) -> String { HTML.text("p", [("class", "none")], text) }

    // MARK: Header, headline, foot

    func header() -> String {
        var lines = pick("Số liệu tính đến ngày ", "Figures as of ") + date.description
        if case .commune(let figures) = subject {
            lines +=
                " · " + pick("bộ tiêu chí ", "set ") + figures.catalogue.id + " · "
                + pick("mức ", "level ") + figures.target.level.label(language)
            if let year = figures.target.year { lines += pick(" · năm phấn đấu ", " · target year ") + String(year) }
        }
        return HTML.element("header", [], HTML.text("h1", [], title) + HTML.text("p", [], lines))
    }

    func card(_ label: String, _ value: String, _ tone: String? = nil) -> String {
        HTML.element(
            "div", [("class", tone.map { "card " + $0 } ?? "card")],
            HTML.text("div", [("class", "label")], label) + HTML.element("div", [("class", "value")], value))
    }

    var overdueCount: Int {
        switch subject {
        case .commune(let figures): figures.overdue.count
        case .district(let district): district.communes.reduce(district.overdue.count) { $0 + $1.overdue.count }
        case .province(let province): province.overdue
        }
    }

    func headline() -> String {
        var cards: [String] = []
        let overdue = overdueCount
        switch subject {
        case .commune(let f):
            cards.append(
                card(
                    pick("Tiêu chí đạt", "Criteria met"),
                    ratio("criteria-met", f.criteriaMet, of: "criteria-total", f.criteriaTotal),
                    f.meetsStandard ? "good" : nil))
            cards.append(
                card(
                    pick("Chỉ tiêu đạt", "Indicators met"),
                    ratio("indicators-met", f.indicatorsMet, of: "indicators-total", f.indicatorsTotal)))
            cards.append(
                card(
                    pick("Ngành có văn bản đạt", "Sectors' verdicts \"met\""),
                    ratio("sectors-passed", f.sectorsPassed, of: "sectors-total", f.sectorsTotal)))
        case .district, .province:
            let communes = subject.communes
            let meeting = communes.filter(\.meetsStandard).count
            cards.append(
                card(
                    pick("Xã đạt chuẩn", "Communes meeting the standard"),
                    ratio("communes-meeting", meeting, of: "communes-total", communes.count),
                    meeting == communes.count && !communes.isEmpty ? "good" : nil))
            if case .province(let province) = subject {
                cards.append(
                    card(
                        pick("Hồ sơ chờ sở, ngành", "Dossiers waiting for sectors"), figure("backlog", province.backlog)
                    ))
            }
        }
        cards.append(card(pick("Việc quá hạn", "Overdue"), figure("overdue", overdue), overdue > 0 ? "alert" : nil))
        if subject.level != .commune {
            // The reported communes' only, as the activity table lists them first.
            let reported = subject.communes.map(\.commune.slug)
            let conflicts = reported.reduce(0) { $0 + (activity.openConflicts[$1] ?? 0) }
            let refused = reported.reduce(0) { $0 + (activity.refused[$1] ?? 0) }
            cards.append(
                card(
                    pick("Xung đột chưa giải quyết", "Open conflicts"), figure("open-conflicts", conflicts),
                    conflicts > 0 ? "alert" : nil))
            cards.append(
                card(pick("Ghi bị từ chối", "Refused writes"), figure("refused", refused), refused > 0 ? "alert" : nil))
        }
        var notes = ""
        for (commune, set) in unknownSets {
            notes += HTML.text(
                "p", [("class", "none")],
                pick(
                    "Chưa tính xã \(commune): chưa có bộ tiêu chí \(set) (nhập bằng: ntm catalogue import)",
                    "Left out \(commune): set \(set) is not known here (import it with: ntm catalogue import)"))
        }
        return HTML.element(
            "section", [("id", "headline")], HTML.element("div", [("class", "cards")], cards.joined()) + notes)
    }

    var unknownSets: [(commune: String, set: String)] {
        switch subject {
        case .commune: []
        case .district(let district): district.unknownSets
        case .province(let province): province.districts.flatMap(\.figures.unknownSets)
        }
    }

    func footer() -> String {
        HTML.element(
            "footer", [],
            HTML.element(
                "p", [],
                HTML.escape(pick("Số liệu tính đến ngày ", "Figures as of "))
                    + HTML.text("span", [("data-figure", "as-of")], date.description) + " · "
                    + HTML.escape(pick("Trang được tạo lúc ", "Page made on "))
                    + HTML.text("span", [("data-figure", "generated")], timestamp(generatedMs)))
                + HTML.text(
                    "p", [],
                    pick(
                        "Trường đang xung đột không được tính cho đến khi được giải quyết (xem: ntm conflicts).",
                        "Fields in conflict are not counted until resolved (see: ntm conflicts).")))
    }
}
