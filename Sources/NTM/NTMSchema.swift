import Replica

/// The tables the NTM domain replicates. Row ids are natural keys where the thing has one
/// (`dan-ly/qd1980-2016/17.1`) and random where people add things concurrently (evidence, deadlines,
/// notes), so that two people adding at once never conflict. Every row of a commune starts with the
/// commune's slug; catalogue rows (a province's criteria sets) are shared by the district.
public enum NTMSchema {
    /// The tag written in bundle headers; bumped when the meaning of tables or columns changes.
    public static let tag = "ntm-2"

    /// Table names.
    public enum Table {
        /// Communes (and the district itself): name, district, unit code.
        public static let commune = "commune"
        /// What each commune works towards: set and year, per level.
        public static let target = "target"
        /// A province's imported criteria sets.
        public static let catalogue = "catalogue"
        /// Indicator assessments.
        public static let assessment = "assessment"
        /// Evidence documents.
        public static let evidence = "evidence"
        /// Dossier completeness per criterion, and the general dossier.
        public static let dossier = "dossier"
        /// The district's verification (thẩm tra) per criterion and department.
        public static let verification = "verification"
        /// Province sectors' appraisals (thẩm định).
        public static let appraisal = "appraisal"
        /// Deadlines with an owner and a done date.
        public static let deadline = "deadline"
        /// The commune's own notes.
        public static let note = "note"
    }

    /// The tables whose rows carry a `note` column written together with their other fields.
    public static let tablesWithNotes: Set<String> = [Table.assessment, Table.verification, Table.appraisal]

    /// Every domain table, for snapshots.
    public static let tableNames = schema.tables.map(\.name)

    /// The schema: one projected SQL table per domain table.
    public static let schema = ReplicatedSchema(
        tag: tag,
        tables: [
            ReplicatedTable(
                name: Table.commune, keyColumns: [],
                columns: [.init("name", .text), .init("district", .text), .init("code", .text)]),
            ReplicatedTable(
                name: Table.target, keyColumns: ["commune", "criteria_set"],
                columns: [.init("level", .text), .init("year", .integer)]),
            ReplicatedTable(
                name: Table.catalogue, keyColumns: [],
                columns: [.init("title", .text), .init("digest", .text), .init("data", .text)]),
            ReplicatedTable(
                name: Table.assessment, keyColumns: ["commune", "criteria_set", "indicator"],
                columns: [
                    .init("status", .text), .init("value", .real), .init("note", .text), .init("deadline", .text),
                ]),
            ReplicatedTable(
                name: Table.evidence, keyColumns: ["commune", "uid"],
                columns: [
                    .init("criteria_set", .text), .init("indicator", .text), .init("kind", .text),
                    .init("title", .text), .init("number", .text), .init("issued", .text), .init("issuer", .text),
                    .init("file_name", .text), .init("file_size", .integer), .init("file_sha256", .text),
                ], file: FileColumns(sha256: "file_sha256", size: "file_size")),
            ReplicatedTable(
                name: Table.dossier, keyColumns: ["commune", "criteria_set", "part"],
                columns: [.init("complete", .boolean)]),
            ReplicatedTable(
                name: Table.verification, keyColumns: ["commune", "criteria_set", "criterion", "department"],
                columns: [
                    .init("department_name", .text), .init("result", .text), .init("verified", .text),
                    .init("document", .text), .init("note", .text),
                ]),
            ReplicatedTable(
                name: Table.appraisal, keyColumns: ["commune", "criteria_set", "sector"],
                columns: [
                    .init("sector_name", .text), .init("sent", .text), .init("inspected", .text),
                    .init("verdict", .text), .init("document", .text), .init("note", .text),
                ]),
            ReplicatedTable(
                name: Table.deadline, keyColumns: ["commune", "uid"],
                columns: [
                    .init("title", .text), .init("due", .text), .init("owner", .text), .init("owner_kind", .text),
                    .init("done", .text), .init("criteria_set", .text), .init("indicator", .text),
                ]),
            ReplicatedTable(
                name: Table.note, keyColumns: ["commune", "uid"],
                columns: [
                    .init("text", .text), .init("criteria_set", .text), .init("indicator", .text),
                    .init("written", .text),
                ]),
        ])

    /// A row id from its parts: `dan-ly/qd1980-2016/17.1`.
    public static func row(_ parts: String...) -> String { parts.joined(separator: "/") }

    /// The assessment row of an indicator.
    public static func assessmentRow(commune: String, set: String, code: String) -> String { row(commune, set, code) }
    /// The dossier row of a criterion number or `general`.
    public static func dossierRow(commune: String, set: String, part: String) -> String { row(commune, set, part) }

    /// The part of a dossier row id that names the commune's general dossier (hồ sơ chung), as opposed
    /// to a criterion's number.
    public static let generalDossierPart = "general"
    /// The appraisal row of a province sector.
    public static func appraisalRow(commune: String, set: String, sector: String) -> String {
        row(commune, set, Text.slug(sector))
    }
    /// The verification row of a criterion by a district department.
    public static func verificationRow(commune: String, set: String, criterion: Int, department: String) -> String {
        row(commune, set, String(criterion), Text.slug(department))
    }
    /// The evidence row of an evidence id.
    public static func evidenceRow(commune: String, uid: String) -> String { row(commune, uid) }
    /// The target row of a set: a commune may hold several targets, of one level or several.
    public static func targetRow(commune: String, set: String) -> String { row(commune, set) }
}
