import Replica

/// What deciding many conflicts by one rule will do (`ntm conflicts resolve --all --prefer …`): the
/// decisions to write, the conflicts the rule picks no value for, and those where the rule would both
/// keep and delete one record (left to a person).
public struct ConflictPlan: Sendable, Hashable {
    /// One conflict and the decision the rule makes on it.
    public struct Step: Sendable, Hashable {
        /// The conflict.
        public let view: ConflictView
        /// The decision.
        public let decision: ConflictDecision
    }

    /// The decisions to write, in the order of the conflicts.
    public var steps: [Step]
    /// The conflicts the rule picks none of the values of (no value by that replica or person).
    public var skipped: [ConflictView]
    /// The conflicts whose decisions would keep a record for one field and delete it for another.
    public var torn: [ConflictView]

    /// The decisions alone.
    public var decisions: [ConflictDecision] { steps.map(\.decision) }
}

extension ConflictReview {
    /// Plans deciding `views` by `rule`: each conflict gets the value the rule picks, or is skipped when
    /// it picks none; decisions that contradict each other on one record are all left out (torn).
    public func plan(_ views: [ConflictView], rule: PreferenceRule) throws -> ConflictPlan {
        var steps: [ConflictPlan.Step] = []
        var skipped: [ConflictView] = []
        for view in views {
            if let index = rule.pick(view.values) {
                steps.append(ConflictPlan.Step(view: view, decision: try decision(view, pick: index + 1)))
            } else {
                skipped.append(view)
            }
        }
        let contradictory = ConflictDecision.contradictions(in: steps.map(\.decision))
        let torn = steps.filter { contradictory.contains($0.decision.key.rowKey) }.map(\.view)
        steps.removeAll { contradictory.contains($0.decision.key.rowKey) }
        return ConflictPlan(steps: steps, skipped: skipped, torn: torn)
    }
}
