import Foundation
import TestSupport
import Testing

/// `ntm dossier`: every name of the general dossier the domain accepts is printed as the general dossier.
@Suite struct CLIDossierTests {
    let ntm = NTMBinary()

    @Test(arguments: ["general", "chung", "ho-so-chung", "hồ sơ chung"])
    func theGeneralDossierIsNamedSoWhateverItIsCalled(part: String) throws {
        let folder = TemporaryDirectory("cli-dossier")
        let danLy = ["--db", "dan-ly.sqlite"]
        let created = try ntm.run(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--year", "2018"] + danLy,
            in: folder.path, environment: ["NTM_USER": "Lan"])
        #expect(created.status == 0, "\(created.stderr)")
        let marked = try ntm.run(
            ["dossier", part, "--complete", "yes"] + danLy, in: folder.path, environment: ["NTM_USER": "Lan"])
        #expect(marked.status == 0, "\(marked.stderr)")
        #expect(marked.stdout == "Hồ sơ chung: đã hoàn thiện\n")
        let english = try ntm.run(
            ["dossier", part, "--complete", "no", "--lang", "en"] + danLy, in: folder.path,
            environment: ["NTM_USER": "Lan"])
        #expect(english.stdout == "General dossier: not complete\n")
    }

    @Test func aCriterionDossierIsNamedByItsNumber() throws {
        let folder = TemporaryDirectory("cli-dossier")
        let danLy = ["--db", "dan-ly.sqlite"]
        _ = try ntm.run(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--year", "2018"] + danLy,
            in: folder.path, environment: ["NTM_USER": "Lan"])
        let marked = try ntm.run(
            ["dossier", "5", "--complete", "yes", "--lang", "en"] + danLy, in: folder.path,
            environment: ["NTM_USER": "Lan"])
        #expect(marked.stdout == "Dossier of criterion 5: complete\n")
    }
}
