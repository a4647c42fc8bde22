import Replica

/// The tables the NTM domain replicates. Row ids are natural keys where the thing has one
/// (`dan-ly/qd1980-2016/17.1`) and random where people add things concurrently (evidence), so that two
/// people adding evidence at once never conflict.
public enum NTMSchema {
    /// Table names.
    public enum Table {
        public static let commune = "commune"
        public static let assessment = "assessment"
        public static let evidence = "evidence"
        public static let appraisal = "appraisal"
        public static let dossier = "dossier"
    }

    /// The schema for communes working on `catalogue`; its tag ties bundles to the catalogue data.
    public static func schema(for catalogue: Catalogue) -> ReplicatedSchema {
        ReplicatedSchema(
            tag: "ntm-1/\(catalogue.id)@\(catalogue.digest)",
            tables: [
                ReplicatedTable(
                    name: Table.commune, keyColumns: [],
                    columns: [.init("name", .text), .init("criteria_set", .text)]),
                ReplicatedTable(
                    name: Table.assessment, keyColumns: ["commune", "criteria_set", "indicator"],
                    columns: [
                        .init("status", .text), .init("value", .real), .init("note", .text), .init("deadline", .text),
                    ]),
                ReplicatedTable(
                    name: Table.evidence, keyColumns: ["commune", "uid"],
                    columns: [
                        .init("indicator", .text), .init("kind", .text), .init("title", .text), .init("number", .text),
                        .init("issued", .text), .init("issuer", .text), .init("file_name", .text),
                        .init("file_size", .integer), .init("file_sha256", .text),
                    ]),
                ReplicatedTable(
                    name: Table.appraisal, keyColumns: ["commune", "sector"],
                    columns: [
                        .init("sector_name", .text), .init("sent", .text), .init("inspected", .text),
                        .init("verdict", .text),
                    ]),
                ReplicatedTable(
                    name: Table.dossier, keyColumns: ["commune", "criteria_set", "part"],
                    columns: [.init("complete", .boolean)]),
            ])
    }

    /// The assessment row of an indicator.
    public static func assessmentRow(commune: String, set: String, code: String) -> String {
        "\(commune)/\(set)/\(code)"
    }
    /// The dossier row of a criterion number or `general`.
    public static func dossierRow(commune: String, set: String, part: String) -> String { "\(commune)/\(set)/\(part)" }
    /// The appraisal row of a sector.
    public static func appraisalRow(commune: String, sector: String) -> String { "\(commune)/\(Text.slug(sector))" }
    /// The evidence row of an evidence id.
    public static func evidenceRow(commune: String, uid: String) -> String { "\(commune)/\(uid)" }
}
