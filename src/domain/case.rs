//! The case lifecycle (办件): a pure state machine shared by the server, which
//! enforces it, and the pages, which offer only the actions it allows.

use serde::{Deserialize, Serialize};

/// Where a case stands. Drafts are not cases: a case exists from submission on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// 已提交: waiting for the front desk.
    Submitted,
    /// 待补正: the applicant must correct something; the deadline clock is paused.
    NeedsCorrection,
    /// 不予受理: refused at intake, with a reason. Final.
    Refused,
    /// 已受理: accepted; the promised time limit runs from here.
    Accepted,
    /// 审查中: a department is reviewing.
    UnderReview,
    /// 审批通过: approved, waiting for the result to be issued.
    Approved,
    /// 审批不通过: rejected with reason and legal basis. Final.
    Rejected,
    /// 已办结: result issued. Final (until rated), but for a revocation.
    Issued,
    /// 已撤销: the result was withdrawn because a commitment signed instead of proof
    /// (告知承诺) proved false. Final.
    Revoked,
}

/// What someone does to a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Accept,
    Refuse,
    RequestCorrection,
    Resubmit,
    StartReview,
    Approve,
    Reject,
    Issue,
    /// Withdraw an issued result for a false commitment.
    Revoke,
}

/// Who acts. Citizens act on their own cases; staff roles act on cases in their scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    /// 综合窗口: accepts, refuses, asks for correction.
    WindowClerk,
    /// 审批科室: reviews and decides.
    Reviewer,
    /// 出件窗口: issues results.
    IssuingClerk,
    Supervisor,
    Admin,
    /// 代办员: a village or town proxy agent who files for residents with their
    /// consent; decides nothing.
    ProxyAgent,
}

/// What kind of record a case event is. Every kind is in the case's hash chain; the
/// applicant's timeline shows the public ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The case moved from one status to another (or was submitted).
    Transition,
    /// A department's reviewer took the case.
    ReviewStarted,
    /// A department approved its part.
    ReviewApproved,
    /// A department rejected its part (and so the case).
    ReviewRejected,
    /// A clerk opened one of the applicant's materials (查阅留痕).
    MaterialViewed,
    /// The applicant's account took a case filed without signing in, by the
    /// verified mobile number the case was filed with.
    Claimed,
    /// The fee was paid, a payment failed, the fee was refunded or waived.
    Payment,
    /// A material was provided without an upload (a reused licence, a signed
    /// commitment, a deferral) or a deferred one arrived.
    Provision,
    /// The item's instant approval rules held (秒批): approved by the system.
    InstantApproved,
    /// They did not: handled by people, with the reasons in the note.
    InstantFallback,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::Transition,
        EventKind::ReviewStarted,
        EventKind::ReviewApproved,
        EventKind::ReviewRejected,
        EventKind::MaterialViewed,
        EventKind::Claimed,
        EventKind::Payment,
        EventKind::Provision,
        EventKind::InstantApproved,
        EventKind::InstantFallback,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Transition => "transition",
            EventKind::ReviewStarted => "review_started",
            EventKind::ReviewApproved => "review_approved",
            EventKind::ReviewRejected => "review_rejected",
            EventKind::MaterialViewed => "material_viewed",
            EventKind::Claimed => "claimed",
            EventKind::Payment => "payment",
            EventKind::Provision => "provision",
            EventKind::InstantApproved => "instant_approved",
            EventKind::InstantFallback => "instant_fallback",
        }
    }

    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether the applicant's timeline shows it. Who looked at which file is for
    /// the audit, not for the applicant's progress.
    pub fn is_public(self) -> bool {
        self != EventKind::MaterialViewed
    }
}

/// Why an action cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransitionError {
    /// The action makes no sense in the case's current status (e.g. issuing twice).
    NotAllowedNow,
    /// The actor's role may not take this action.
    NotYourRole,
    /// Refusals, rejections and correction requests must say why.
    ReasonRequired,
    /// A rejection must also cite its legal basis (依据).
    LegalBasisRequired,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 9] = [
        CaseStatus::Submitted,
        CaseStatus::NeedsCorrection,
        CaseStatus::Refused,
        CaseStatus::Accepted,
        CaseStatus::UnderReview,
        CaseStatus::Approved,
        CaseStatus::Rejected,
        CaseStatus::Issued,
        CaseStatus::Revoked,
    ];

    /// The stable code stored in the database and used as the i18n key `status.<code>`.
    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "submitted",
            CaseStatus::NeedsCorrection => "needs_correction",
            CaseStatus::Refused => "refused",
            CaseStatus::Accepted => "accepted",
            CaseStatus::UnderReview => "under_review",
            CaseStatus::Approved => "approved",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Issued => "issued",
            CaseStatus::Revoked => "revoked",
        }
    }

    pub fn from_code(code: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the case has reached an end.
    pub fn is_final(self) -> bool {
        matches!(self, CaseStatus::Refused | CaseStatus::Rejected | CaseStatus::Issued | CaseStatus::Revoked)
    }

    /// The status `action` leads to, if it is allowed from this one. `accepted` says
    /// whether the case was accepted before: a correction asked for during review
    /// returns to review when it is resubmitted, one asked for at intake returns to
    /// the front desk.
    pub fn after(self, action: CaseAction, accepted: bool) -> Option<CaseStatus> {
        use CaseAction as A;
        use CaseStatus as S;
        Some(match (self, action) {
            (S::Submitted, A::Accept) => S::Accepted,
            (S::Submitted, A::Refuse) => S::Refused,
            (S::Submitted | S::Accepted | S::UnderReview, A::RequestCorrection) => S::NeedsCorrection,
            (S::NeedsCorrection, A::Resubmit) if accepted => S::UnderReview,
            (S::NeedsCorrection, A::Resubmit) => S::Submitted,
            // Another department may have started already: each takes its own part.
            (S::Accepted | S::UnderReview, A::StartReview) => S::UnderReview,
            (S::Accepted | S::UnderReview, A::Approve) => S::Approved,
            (S::Accepted | S::UnderReview, A::Reject) => S::Rejected,
            (S::Approved, A::Issue) => S::Issued,
            (S::Issued, A::Revoke) => S::Revoked,
            _ => return None,
        })
    }

    /// Whether the promised time limit is running: from acceptance until the result
    /// is issued (办结), and not while the applicant is correcting.
    pub fn clock_running(self) -> bool {
        matches!(self, CaseStatus::Accepted | CaseStatus::UnderReview | CaseStatus::Approved)
    }

    /// Whether the case still waits on someone (staff or applicant).
    pub fn is_open(self) -> bool {
        !self.is_final()
    }

    /// The actions `role` may take on a case in this status, in the order a clerk
    /// would consider them (before asking whose case it is: see `domain::access`).
    pub fn actions_for(self, role: Role, accepted: bool) -> Vec<CaseAction> {
        CaseAction::ALL.into_iter().filter(|&a| role.may(a) && self.after(a, accepted).is_some()).collect()
    }
}

impl CaseAction {
    pub const ALL: [CaseAction; 9] = [
        CaseAction::Accept,
        CaseAction::StartReview,
        CaseAction::Approve,
        CaseAction::Issue,
        CaseAction::RequestCorrection,
        CaseAction::Refuse,
        CaseAction::Reject,
        CaseAction::Resubmit,
        CaseAction::Revoke,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseAction::Accept => "accept",
            CaseAction::Refuse => "refuse",
            CaseAction::RequestCorrection => "request_correction",
            CaseAction::Resubmit => "resubmit",
            CaseAction::StartReview => "start_review",
            CaseAction::Approve => "approve",
            CaseAction::Reject => "reject",
            CaseAction::Issue => "issue",
            CaseAction::Revoke => "revoke",
        }
    }

    pub fn from_code(code: &str) -> Option<CaseAction> {
        CaseAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Actions that close a door on the applicant must give the reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, CaseAction::Refuse | CaseAction::Reject | CaseAction::RequestCorrection | CaseAction::Revoke)
    }
}

impl Role {
    /// Every role a staff account can hold (proxy agents sign in as staff do).
    pub const STAFF: [Role; 6] = [Role::WindowClerk, Role::Reviewer, Role::IssuingClerk, Role::Supervisor, Role::Admin, Role::ProxyAgent];

    pub fn code(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::WindowClerk => "window_clerk",
            Role::Reviewer => "reviewer",
            Role::IssuingClerk => "issuing_clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::ProxyAgent => "proxy_agent",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::STAFF.into_iter().chain([Role::Applicant]).find(|r| r.code() == code)
    }

    /// 前台综合受理、后台分类审批、统一窗口出件: each step belongs to one role.
    pub fn may(self, action: CaseAction) -> bool {
        use CaseAction as A;
        match self {
            Role::Applicant => action == A::Resubmit,
            Role::WindowClerk => matches!(action, A::Accept | A::Refuse | A::RequestCorrection),
            // The reviewing department answers for what it approved, false commitments included.
            Role::Reviewer => matches!(action, A::StartReview | A::Approve | A::Reject | A::RequestCorrection | A::Revoke),
            Role::IssuingClerk => action == A::Issue,
            Role::Supervisor | Role::ProxyAgent => false,
            Role::Admin => action != A::Resubmit,
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Applicant
    }
}

/// Checks one transition: the role may act, the status allows it, and a reason is
/// given where one is owed. Returns the new status. Which case a staff member may act
/// on at all is [`crate::domain::access`]'s question.
pub fn transition(status: CaseStatus, action: CaseAction, role: Role, note: &str, accepted: bool) -> Result<CaseStatus, TransitionError> {
    if !role.may(action) {
        return Err(TransitionError::NotYourRole);
    }
    let next = status.after(action, accepted).ok_or(TransitionError::NotAllowedNow)?;
    if action.needs_reason() && note.trim().is_empty() {
        return Err(TransitionError::ReasonRequired);
    }
    Ok(next)
}

/// The longest note a clerk may attach to a decision.
pub const NOTE_MAX_CHARS: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction as A;
    use CaseStatus as S;

    #[test]
    fn the_whole_online_path_runs_from_submission_to_issue() {
        let mut s = S::Submitted;
        for (action, role) in [(A::Accept, Role::WindowClerk), (A::StartReview, Role::Reviewer), (A::Approve, Role::Reviewer), (A::Issue, Role::IssuingClerk)] {
            s = transition(s, action, role, "", s != S::Submitted).unwrap();
        }
        assert_eq!(s, S::Issued);
        assert!(s.is_final());
    }

    #[test]
    fn a_correction_returns_the_case_to_the_front_desk() {
        let s = transition(S::Submitted, A::RequestCorrection, Role::WindowClerk, "身份证照片不清晰", false).unwrap();
        assert_eq!(s, S::NeedsCorrection);
        assert_eq!(transition(s, A::Resubmit, Role::Applicant, "", false), Ok(S::Submitted));
    }

    #[test]
    fn each_step_belongs_to_its_window() {
        assert_eq!(transition(S::Submitted, A::Approve, Role::WindowClerk, "", false), Err(TransitionError::NotYourRole));
        assert_eq!(transition(S::Approved, A::Issue, Role::Reviewer, "", false), Err(TransitionError::NotYourRole));
        assert_eq!(transition(S::Submitted, A::Accept, Role::Applicant, "", false), Err(TransitionError::NotYourRole));
        assert_eq!(transition(S::Submitted, A::Accept, Role::Supervisor, "", false), Err(TransitionError::NotYourRole));
    }

    #[test]
    fn finished_cases_take_no_more_actions() {
        for s in [S::Refused, S::Rejected, S::Revoked] {
            assert!(s.actions_for(Role::Admin, true).is_empty(), "{s:?}");
        }
        // An issued result can only be withdrawn, with a reason.
        assert_eq!(S::Issued.actions_for(Role::Admin, true), vec![A::Revoke]);
        assert_eq!(transition(S::Issued, A::Revoke, Role::Reviewer, "", true), Err(TransitionError::ReasonRequired));
        assert_eq!(transition(S::Issued, A::Revoke, Role::Reviewer, "现场核查：无检测报告", true), Ok(S::Revoked));
        assert_eq!(transition(S::Issued, A::Revoke, Role::IssuingClerk, "x", true), Err(TransitionError::NotYourRole));
        assert_eq!(transition(S::Issued, A::Issue, Role::IssuingClerk, "", false), Err(TransitionError::NotAllowedNow));
        assert_eq!(transition(S::Submitted, A::Issue, Role::IssuingClerk, "", false), Err(TransitionError::NotAllowedNow));
    }

    #[test]
    fn refusals_and_rejections_must_give_a_reason() {
        assert_eq!(transition(S::Submitted, A::Refuse, Role::WindowClerk, "  ", false), Err(TransitionError::ReasonRequired));
        assert_eq!(transition(S::Accepted, A::Reject, Role::Reviewer, "", false), Err(TransitionError::ReasonRequired));
        assert_eq!(transition(S::Submitted, A::Refuse, Role::WindowClerk, "不属于本部门职权范围", false), Ok(S::Refused));
    }

    #[test]
    fn the_clerk_is_offered_exactly_the_allowed_actions() {
        assert_eq!(S::Submitted.actions_for(Role::WindowClerk, false), vec![A::Accept, A::RequestCorrection, A::Refuse]);
        assert_eq!(S::Accepted.actions_for(Role::Reviewer, true), vec![A::StartReview, A::Approve, A::RequestCorrection, A::Reject]);
        assert_eq!(S::Approved.actions_for(Role::IssuingClerk, true), vec![A::Issue]);
        assert!(S::Submitted.actions_for(Role::IssuingClerk, false).is_empty());
    }

    #[test]
    fn a_correction_during_review_returns_to_review_and_pauses_the_clock() {
        let s = transition(S::UnderReview, A::RequestCorrection, Role::Reviewer, "缺少股东签字页", true).unwrap();
        assert_eq!(s, S::NeedsCorrection);
        assert!(!s.clock_running());
        assert_eq!(transition(s, A::Resubmit, Role::Applicant, "", true), Ok(S::UnderReview));
        assert!(S::UnderReview.clock_running());
    }

    #[test]
    fn codes_round_trip() {
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
        }
        for a in A::ALL {
            assert_eq!(A::from_code(a.code()), Some(a));
        }
        for r in Role::STAFF {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
    }
}
