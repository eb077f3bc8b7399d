//! Who may see and do what to which case: the one place that says it. Every staff
//! server function asks here before it reads or writes, and the pages ask here which
//! buttons to show, so a button is never shown that the server would refuse.
//!
//! 前台综合受理、后台分类审批、统一窗口出件: the window clerks of a site accept the
//! cases of their site and below; each department's reviewers decide only their own
//! department's part; the issuing clerks of a site issue its results; supervisors see
//! everything and act on nothing.

use super::case::{CaseAction, CaseStatus, Role};
use super::review::ReviewStatus;
use super::site::within;
use serde::{Deserialize, Serialize};

/// A signed-in staff member as the rules see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffScope {
    pub roles: Vec<Role>,
    /// The department a reviewer decides for.
    pub department: Option<String>,
    /// The path of the staff member's service site (`/gulou/dongjie/`), if any.
    pub site_path: Option<String>,
}

/// One department's part of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPart {
    pub department: String,
    pub status: ReviewStatus,
}

/// What the rules need to know about a case.
#[derive(Clone, Copy, Debug)]
pub struct CaseFacts<'a> {
    pub status: CaseStatus,
    /// Whether the case has been accepted (its reviews exist).
    pub accepted: bool,
    pub site_path: &'a str,
    pub reviews: &'a [ReviewPart],
    /// A fee is due and unpaid: the result waits for it.
    pub payment_due: bool,
    /// A deferred material (容缺) has not arrived: the result waits for it.
    pub materials_due: bool,
    /// The applicant signed a commitment instead of proof (告知承诺): the result may be
    /// revoked if it proves false.
    pub committed: bool,
}

/// How much of a case a staff member may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sight {
    /// Not theirs: the case must look like it does not exist.
    None,
    /// Everything, every department's review included.
    Whole,
    /// The case, but of the reviews only this department's part.
    Department(String),
}

/// Things staff do that are not about one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Capability {
    /// Open the work queue.
    UseQueue,
    /// See every department's overdue cases (电子监察).
    SuperviseDeadlines,
    /// Edit the working-day calendar.
    EditCalendar,
    /// File applications for residents with their consent (代办).
    FileForResidents,
    /// Put persons and enterprises on the credit lists or take them off.
    EditCreditLists,
}

impl StaffScope {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn at_site_of(&self, case: &CaseFacts) -> bool {
        self.site_path.as_deref().is_some_and(|p| within(case.site_path, p))
    }

    fn reviews_for<'a>(&self, case: &CaseFacts<'a>) -> Option<&'a ReviewPart> {
        let department = self.department.as_deref()?;
        case.reviews.iter().find(|r| r.department == department)
    }

    /// How much of `case` this staff member may see.
    pub fn sight(&self, case: &CaseFacts) -> Sight {
        if self.has(Role::Supervisor) || self.has(Role::Admin) {
            return Sight::Whole;
        }
        if (self.has(Role::WindowClerk) || self.has(Role::IssuingClerk)) && self.at_site_of(case) {
            return Sight::Whole;
        }
        if self.has(Role::Reviewer) {
            if let Some(part) = self.reviews_for(case) {
                return Sight::Department(part.department.clone());
            }
        }
        Sight::None
    }

    /// The actions this staff member may take on `case` now, in the order a clerk
    /// would consider them. Review actions act on the staff member's department's part.
    pub fn actions(&self, case: &CaseFacts) -> Vec<CaseAction> {
        use CaseAction as A;
        let mut allowed = Vec::new();
        let front_desk = self.has(Role::Admin) || (self.has(Role::WindowClerk) && self.at_site_of(case));
        if front_desk && case.status == CaseStatus::Submitted {
            allowed.extend([A::Accept, A::RequestCorrection, A::Refuse]);
        }
        if self.has(Role::Reviewer) && matches!(case.status, CaseStatus::Accepted | CaseStatus::UnderReview) {
            if let Some(part) = self.reviews_for(case) {
                match part.status {
                    ReviewStatus::Pending => allowed.extend([A::StartReview, A::Approve, A::RequestCorrection, A::Reject]),
                    ReviewStatus::InReview => allowed.extend([A::Approve, A::RequestCorrection, A::Reject]),
                    ReviewStatus::Approved | ReviewStatus::Rejected => {}
                }
            }
        }
        let issuing = self.has(Role::Admin) || (self.has(Role::IssuingClerk) && self.at_site_of(case));
        if issuing && case.status == CaseStatus::Approved && !case.payment_due && !case.materials_due {
            allowed.push(A::Issue);
        }
        // The department that approved (or an administrator) withdraws a result
        // granted on a commitment that proved false.
        let approver = self.has(Role::Admin) || (self.has(Role::Reviewer) && self.reviews_for(case).is_some());
        if approver && case.status == CaseStatus::Issued && case.committed {
            allowed.push(A::Revoke);
        }
        allowed.retain(|a| case.status.after(*a, case.accepted).is_some());
        allowed
    }

    /// Whether this staff member may take `action` on `case` now.
    pub fn may_act(&self, case: &CaseFacts, action: CaseAction) -> bool {
        self.actions(case).contains(&action)
    }

    pub fn can(&self, capability: Capability) -> bool {
        match capability {
            // The clerks' queue is for those who handle cases; a proxy agent has
            // their own list of the cases they filed.
            Capability::UseQueue => self.roles.iter().any(|r| r.is_staff() && *r != Role::ProxyAgent),
            Capability::FileForResidents => self.has(Role::ProxyAgent),
            Capability::SuperviseDeadlines => self.has(Role::Supervisor) || self.has(Role::Admin),
            Capability::EditCalendar | Capability::EditCreditLists => self.has(Role::Admin),
        }
    }

    /// The role a case event is recorded under for `action` (the first of this
    /// person's roles that takes it).
    pub fn acting_role(&self, action: CaseAction) -> Option<Role> {
        self.roles.iter().copied().find(|r| r.may(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction as A;
    use CaseStatus as S;

    fn staff(roles: &[Role], department: Option<&str>, site: Option<&str>) -> StaffScope {
        StaffScope { roles: roles.to_vec(), department: department.map(Into::into), site_path: site.map(Into::into) }
    }

    fn parts(list: &[(&str, ReviewStatus)]) -> Vec<ReviewPart> {
        list.iter().map(|(d, s)| ReviewPart { department: (*d).into(), status: *s }).collect()
    }

    const CENTRE: &str = "/gulou/";
    const TOWN: &str = "/gulou/dongjie/";

    #[test]
    fn a_window_clerk_takes_intake_at_their_site_and_below_only() {
        let reviews = [];
        let case = CaseFacts { status: S::Submitted, accepted: false, site_path: TOWN, reviews: &reviews, payment_due: false, materials_due: false, committed: false };
        let centre = staff(&[Role::WindowClerk], None, Some(CENTRE));
        assert_eq!(centre.actions(&case), vec![A::Accept, A::RequestCorrection, A::Refuse]);
        assert_eq!(centre.sight(&case), Sight::Whole);
        let other_town = staff(&[Role::WindowClerk], None, Some("/gulou/wenquan/"));
        assert_eq!(other_town.sight(&case), Sight::None);
        assert!(other_town.actions(&case).is_empty());
    }

    #[test]
    fn a_reviewer_sees_and_decides_only_their_departments_part() {
        let reviews = parts(&[("market", ReviewStatus::Pending), ("tax", ReviewStatus::Approved)]);
        let case = CaseFacts { status: S::UnderReview, accepted: true, site_path: CENTRE, reviews: &reviews, payment_due: false, materials_due: false, committed: false };
        let market = staff(&[Role::Reviewer], Some("market"), None);
        assert_eq!(market.sight(&case), Sight::Department("market".into()));
        assert_eq!(market.actions(&case), vec![A::StartReview, A::Approve, A::RequestCorrection, A::Reject]);
        let tax = staff(&[Role::Reviewer], Some("tax"), None);
        assert!(tax.actions(&case).is_empty(), "tax has decided its part");
        let health = staff(&[Role::Reviewer], Some("health"), None);
        assert_eq!(health.sight(&case), Sight::None);
        assert!(health.actions(&case).is_empty());
    }

    #[test]
    fn a_supervisor_sees_everything_and_acts_on_nothing() {
        let reviews = parts(&[("market", ReviewStatus::Pending)]);
        let sup = staff(&[Role::Supervisor], None, Some(CENTRE));
        for status in S::ALL {
            let case = CaseFacts { status, accepted: true, site_path: TOWN, reviews: &reviews, payment_due: false, materials_due: false, committed: false };
            assert_eq!(sup.sight(&case), Sight::Whole);
            assert!(sup.actions(&case).is_empty(), "{status:?}");
        }
        assert!(sup.can(Capability::SuperviseDeadlines));
        assert!(!sup.can(Capability::EditCalendar));
    }

    #[test]
    fn issuing_needs_an_approved_case_at_the_clerks_site() {
        let reviews = parts(&[("market", ReviewStatus::Approved)]);
        let case = CaseFacts { status: S::Approved, accepted: true, site_path: TOWN, reviews: &reviews, payment_due: false, materials_due: false, committed: false };
        assert_eq!(staff(&[Role::IssuingClerk], None, Some(TOWN)).actions(&case), vec![A::Issue]);
        assert!(staff(&[Role::IssuingClerk], None, Some("/gulou/wenquan/")).actions(&case).is_empty());
        assert!(staff(&[Role::WindowClerk], None, Some(TOWN)).actions(&case).is_empty());
        // The result waits for an unpaid fee.
        let unpaid = CaseFacts { payment_due: true, ..case };
        assert!(staff(&[Role::IssuingClerk], None, Some(TOWN)).actions(&unpaid).is_empty());
        // And for a deferred material (容缺) still to come.
        let waiting = CaseFacts { materials_due: true, ..case };
        assert!(staff(&[Role::IssuingClerk], None, Some(TOWN)).actions(&waiting).is_empty());
    }

    #[test]
    fn only_the_approving_department_revokes_a_result_granted_on_a_commitment() {
        let reviews = parts(&[("market", ReviewStatus::Approved)]);
        let issued = CaseFacts { status: S::Issued, accepted: true, site_path: TOWN, reviews: &reviews, payment_due: false, materials_due: false, committed: true };
        assert_eq!(staff(&[Role::Reviewer], Some("market"), None).actions(&issued), vec![A::Revoke]);
        assert!(staff(&[Role::Reviewer], Some("health"), None).actions(&issued).is_empty());
        assert!(staff(&[Role::IssuingClerk], None, Some(TOWN)).actions(&issued).is_empty());
        assert_eq!(staff(&[Role::Admin], None, None).actions(&issued), vec![A::Revoke]);
        let proven = CaseFacts { committed: false, ..issued };
        assert!(staff(&[Role::Reviewer], Some("market"), None).actions(&proven).is_empty());
    }

    #[test]
    fn one_person_can_hold_several_roles() {
        let both = staff(&[Role::WindowClerk, Role::IssuingClerk], None, Some(CENTRE));
        let reviews = [];
        let submitted = CaseFacts { status: S::Submitted, accepted: false, site_path: CENTRE, reviews: &reviews, payment_due: false, materials_due: false, committed: false };
        let approved = CaseFacts { status: S::Approved, ..submitted };
        assert!(both.may_act(&submitted, A::Accept));
        assert!(both.may_act(&approved, A::Issue));
        assert_eq!(both.acting_role(A::Issue), Some(Role::IssuingClerk));
    }

    #[test]
    fn a_proxy_agent_files_for_residents_and_sees_or_decides_no_case() {
        let agent = staff(&[Role::ProxyAgent], None, Some("/gulou/dongjie/sanfang/"));
        let reviews = parts(&[("market", ReviewStatus::Pending)]);
        for status in S::ALL {
            let case = CaseFacts { status, accepted: true, site_path: "/gulou/dongjie/sanfang/", reviews: &reviews, payment_due: false, materials_due: false, committed: false };
            assert_eq!(agent.sight(&case), Sight::None, "{status:?}");
            assert!(agent.actions(&case).is_empty(), "{status:?}");
        }
        assert!(agent.can(Capability::FileForResidents));
        assert!(!agent.can(Capability::UseQueue));
        assert!(!staff(&[Role::WindowClerk], None, Some(CENTRE)).can(Capability::FileForResidents));
    }

    #[test]
    fn the_admin_keeps_the_front_and_back_windows_but_departments_decide() {
        let reviews = parts(&[("market", ReviewStatus::Pending)]);
        let admin = staff(&[Role::Admin], None, None);
        let case = CaseFacts { status: S::UnderReview, accepted: true, site_path: TOWN, reviews: &reviews, payment_due: false, materials_due: false, committed: false };
        assert!(admin.actions(&case).is_empty(), "reviews belong to the department");
        assert!(admin.can(Capability::EditCalendar));
    }
}
