import Replica
import SyncCore

extension NTMSchema {
    /// Who may write what in the district's data. The hub applies it to every operation it accepts;
    /// the README shows the same table.
    ///
    /// - A commune writes the rows of its own commune, except what the district and the province
    ///   decide: a department's verification (thẩm tra), a province sector's verdict and the number of
    ///   its written verdict, and the criteria sets.
    /// - A department writes its own verification of criteria, in every commune of the district.
    /// - A province sector writes its own appraisals' name, inspection date, verdict, document number
    ///   and note, in every commune.
    /// - The district office writes everything at its own hub. At the province (`district:SLUG`), a
    ///   district writes the rows of the district and its communes, but neither a sector's verdict (nor
    ///   its document number) nor the criteria sets.
    /// - The province office writes everything.
    public static let writePolicy = WritePolicy(
        rules: [
            WriteRule(
                "a commune names itself", who: .commune, table: Table.commune, columns: ["name", "district", "code"],
                rows: .owned),
            WriteRule("a commune sets its own targets", who: .commune, table: Table.target, rows: .owned),
            WriteRule(
                "a commune assesses its own indicators", who: .commune, table: Table.assessment, rows: .owned),
            WriteRule("a commune keeps its own evidence", who: .commune, table: Table.evidence, rows: .owned),
            WriteRule("a commune keeps its own dossiers", who: .commune, table: Table.dossier, rows: .owned),
            WriteRule(
                "a commune records when its dossier was sent and inspected", who: .commune, table: Table.appraisal,
                columns: ["sector_name", "sent", "inspected", "note"], rows: .owned),
            WriteRule("a commune keeps its own deadlines", who: .commune, table: Table.deadline, rows: .owned),
            WriteRule("a commune keeps its own notes", who: .commune, table: Table.note, rows: .owned),
            WriteRule(
                "a department records its own verification", who: .department, table: Table.verification,
                rows: .naming(part: 3)),
            WriteRule(
                "a sector records its own appraisal", who: .sector, table: Table.appraisal,
                columns: ["sector_name", "inspected", "verdict", "document", "note"], rows: .naming(part: 2)),
            WriteRule("the district office writes everything", who: .district, table: nil, rows: .unbound),
            WriteRule(
                "a district writes its own communes' rows, but not a sector's verdict", who: .district, table: nil,
                rows: .within, except: ["\(Table.appraisal).verdict", "\(Table.appraisal).document", Table.catalogue]),
            WriteRule("the province office writes everything", who: .province, table: nil, rows: .any),
        ],
        slug: { Text.slug($0) })
}
