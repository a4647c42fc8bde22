import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// Planning `ntm conflicts resolve --all --prefer …`: which value each conflict gets, and which are left.
@Suite struct ConflictPlanTests {
    /// The district office and Dân Lý's laptop record 17.1 differently, apart, on two days; then they
    /// exchange bundles. The office holds one open conflict.
    func conflictAtTheOffice() throws -> (District, ConflictReview, [ConflictView]) {
        var district = try District("trieu-son", name: "Triệu Sơn", on: "01/03/2021")
        let danLy = try district.commune("Dân Lý")
        try district.collect()
        try district.office.commune("dan-ly").assess(code: "17.1", status: "đạt", author: "Văn phòng")
        district.clock.set("02/03/2021")
        try danLy.assess(code: "17.1", status: "đang thực hiện", author: "Cán bộ xã Dân Lý")
        try district.collect()
        try district.distribute()
        let review = ConflictReview(database: district.office, language: .en)
        let views = try review.open()
        #expect(views.count == 1)
        return (district, review, views)
    }

    func index(_ view: ConflictView, by author: String) throws -> Int {
        try #require(view.values.firstIndex { $0.author == author })
    }

    @Test func newestOldestAndAuthorPickTheirValue() throws {
        let (_, review, views) = try conflictAtTheOffice()
        let view = try #require(views.first)
        let commune = try index(view, by: "Cán bộ xã Dân Lý")
        let office = try index(view, by: "Văn phòng")
        for (rule, picked) in [
            (PreferenceRule.newest, commune), (.oldest, office), (.author("văn phòng"), office),
            (.replica("xa-dan-ly-1"), commune),
        ] {
            let plan = try review.plan(views, rule: rule)
            #expect(plan.skipped.isEmpty && plan.torn.isEmpty, "\(rule)")
            #expect(plan.steps.map(\.view) == [view], "\(rule)")
            #expect(plan.decisions == [try review.decision(view, pick: picked + 1)], "\(rule)")
        }
    }

    @Test func aRuleThatPicksNoValueSkipsTheConflict() throws {
        let (_, review, views) = try conflictAtTheOffice()
        let plan = try review.plan(views, rule: .author("Nguyễn Văn Ai"))
        #expect(plan.steps.isEmpty && plan.decisions.isEmpty && plan.torn.isEmpty)
        #expect(plan.skipped == views)
    }

    @Test func aPlannedDecisionClosesTheConflict() throws {
        let (district, review, views) = try conflictAtTheOffice()
        let plan = try review.plan(views, rule: .newest)
        try review.write(plan.decisions, author: "Văn phòng")
        #expect(try review.open().isEmpty)
        _ = district
    }

    @Test func noConflictsNoPlan() throws {
        let (_, review, _) = try conflictAtTheOffice()
        let plan = try review.plan([], rule: .newest)
        #expect(plan.steps.isEmpty && plan.skipped.isEmpty && plan.torn.isEmpty)
    }

    /// Dân Lý removes a document while the office corrects two of its fields, one before and one after
    /// the removal: "newest" would keep the record for one field and delete it for the other.
    @Test func aRuleThatWouldBothKeepAndDeleteARecordLeavesItToAPerson() throws {
        var district = try District("trieu-son", name: "Triệu Sơn", on: "01/03/2021")
        let danLy = try district.commune("Dân Lý")
        let id = try danLy.addEvidence(code: "17.1", title: "Biên bản", author: "Cán bộ xã Dân Lý")
        try district.collect()
        let office = try district.office.commune("dan-ly")
        try office.editEvidence(id, number: "12/BB", author: "Văn phòng")
        district.clock.set("02/03/2021")
        try danLy.removeEvidence(id, author: "Cán bộ xã Dân Lý")
        district.clock.set("03/03/2021")
        try office.editEvidence(id, title: "Biên bản kiểm tra", author: "Văn phòng")
        try district.collect()
        try district.distribute()
        let review = ConflictReview(database: district.office, language: .en)
        let views = try review.open()
        #expect(views.count == 2)
        let newest = try review.plan(views, rule: .newest)
        #expect(newest.steps.isEmpty && newest.skipped.isEmpty)
        #expect(Set(newest.torn) == Set(views))
        // Keeping the office's corrections keeps the record for both fields: nothing is torn.
        let kept = try review.plan(views, rule: .author("Văn phòng"))
        #expect(kept.torn.isEmpty && kept.skipped.isEmpty && kept.steps.map(\.view) == views)
    }
}
