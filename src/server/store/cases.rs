//! Cases: submission, every later step (one transaction each: the status, the
//! deadline, the reviews, the licence, the chained event and the outbox message
//! together), and the clerks' queues.

use super::BeginWrite;
use super::{Notice, NewLicence, Pool, Store, StoreError, StoreResult, corrupt, like_pattern, status_of};
use crate::domain::calendar::{Date, Due};
use crate::domain::case::{CaseStatus, EventKind};
use crate::domain::correction::CorrectionRequest;
use crate::domain::deadline::Deadline;
use crate::domain::delivery::Delivery;
use crate::domain::credit::CreditList;
use crate::domain::fee::{CaseFee, PaymentStatus};
use crate::domain::provision::{Provision, Reductions};
use crate::domain::text::Text;
use crate::domain::ids::TrackingNumber;
use crate::domain::review::{ReviewOutcome, ReviewStatus, aggregate};
use std::collections::BTreeMap;

/// What submitting a draft writes.
#[derive(Clone, Debug)]
pub struct NewCase<'a> {
    pub draft: &'a super::Draft,
    pub region: &'a str,
    pub department: &'a str,
    pub applicant_name: &'a str,
    pub applicant_phone: &'a str,
    /// The validated, normalised answers.
    pub answers: &'a BTreeMap<String, String>,
    /// The path of the site that handles the case.
    pub site_path: &'a str,
    /// The applicant's language, for messages.
    pub locale: &'a str,
    pub delivery: &'a Delivery,
    /// The signed-in citizen filing it (their "my cases"); None when filed without
    /// an account (it can be claimed later by the applicant's verified number).
    pub citizen_id: Option<i64>,
    /// Filed by a proxy agent (代办) for the applicant.
    pub proxy: Option<ProxyFiling<'a>>,
    /// The fee and where it stands (free, unpaid, waived).
    pub fee: CaseFee,
    /// The basis of a waived fee (政府免单), recorded in the case's chain.
    pub waiver: Option<&'a str>,
    /// The credit list an applicant's ID number or credit code was found on.
    pub credit: Option<(CreditList, &'a Text)>,
    /// Materials provided without an upload, deferred ones with their due dates.
    pub provisions: &'a [Provision],
    /// The instant approval assessment (秒批) for the record: passed, or the reasons not.
    pub instant: Option<Result<(), &'a str>>,
    pub at: i64,
}

/// Who filed a case for a resident, and how the resident consented.
#[derive(Clone, Copy, Debug)]
pub struct ProxyFiling<'a> {
    /// The agent's staff user name.
    pub agent: &'a str,
    pub consent: &'a crate::domain::proxy::Consent,
}

/// A submission reduced to the values it writes, owned, so that the SQLite
/// committer (`group_commit`) can write it in a batch with others.
pub(super) struct PreparedCase {
    region: String,
    day: Date,
    pub(super) draft_id: String,
    owner_hash: String,
    service_code: String,
    department: String,
    applicant_name: String,
    applicant_phone: String,
    answers: String,
    at: i64,
    site_path: String,
    locale: String,
    delivery: String,
    phone_last4: String,
    citizen_id: Option<i64>,
    proxy_agent: Option<String>,
    proxy_consent: Option<String>,
    fee_fen: i64,
    payment_status: &'static str,
    credit_list: Option<&'static str>,
    credit_reason: Option<String>,
    reductions: crate::domain::provision::Reductions,
    deferred_due_on: Option<String>,
    /// Who filed it, in the chain: the applicant, or a proxy agent with the consent.
    actor: String,
    actor_note: String,
    /// Each material provided without an upload: its code, the day a deferred one is
    /// due by, and the record's note.
    provisions: Vec<(String, Option<String>, String)>,
    /// The instant approval assessment's event kind and note.
    instant: Option<(&'static str, String)>,
    waiver_note: Option<String>,
}

impl PreparedCase {
    pub(super) fn of(new: &NewCase<'_>) -> StoreResult<PreparedCase> {
        let reductions = crate::domain::provision::reductions(new.provisions);
        let (actor, actor_note) = match &new.proxy {
            // A proxy filing is the agent's act, in the chain under their name.
            Some(p) => (format!("proxy:{}", p.agent), p.consent.summary()),
            None => ("applicant".to_owned(), String::new()),
        };
        Ok(PreparedCase {
            region: new.region.to_owned(),
            day: Date::from_unix_ms_china(new.at),
            draft_id: new.draft.id.clone(),
            owner_hash: new.draft.owner_hash.clone(),
            service_code: new.draft.service_code.clone(),
            department: new.department.to_owned(),
            applicant_name: new.applicant_name.to_owned(),
            applicant_phone: new.applicant_phone.to_owned(),
            answers: serde_json::to_string(new.answers).map_err(corrupt)?,
            at: new.at,
            site_path: new.site_path.to_owned(),
            locale: new.locale.to_owned(),
            delivery: serde_json::to_string(new.delivery).map_err(corrupt)?,
            phone_last4: new.applicant_phone.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect(),
            citizen_id: new.citizen_id,
            proxy_agent: new.proxy.map(|p| p.agent.to_owned()),
            proxy_consent: new.proxy.map(|p| serde_json::to_string(p.consent)).transpose().map_err(corrupt)?,
            fee_fen: i64::from(new.fee.amount_fen),
            payment_status: new.fee.status.code(),
            credit_list: new.credit.map(|(l, _)| l.code()),
            credit_reason: new.credit.map(|(_, r)| serde_json::to_string(r)).transpose().map_err(corrupt)?,
            deferred_due_on: new.provisions.iter().filter(|p| p.is_outstanding()).filter_map(|p| p.due_on).min().map(|d| d.to_string()),
            reductions,
            actor,
            actor_note,
            provisions: new.provisions.iter().map(|p| (p.material_code.clone(), p.due_on.map(|d| d.to_string()), super::provisions::provision_note(p))).collect(),
            instant: new.instant.map(|assessed| match assessed {
                Ok(()) => (EventKind::InstantApproved.code(), String::new()),
                Err(why) => (EventKind::InstantFallback.code(), why.to_owned()),
            }),
            waiver_note: new.waiver.map(|basis| format!("waived {}: {basis}", crate::domain::fee::yuan(new.fee.amount_fen))),
        })
    }
}

/// Decodes a row of `CASE_COLUMNS`, split into four tuples sqlx can decode (it
/// decodes up to 16).
macro_rules! case_row {
    ($row:expr) => {{
        use sqlx::Row;
        let r = $row;
        (
            (
                r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?,
                r.try_get(6)?, r.try_get(7)?, r.try_get(8)?, r.try_get(9)?, r.try_get(10)?, r.try_get(11)?,
            ),
            (
                r.try_get(12)?, r.try_get(13)?, r.try_get(14)?, r.try_get(15)?, r.try_get(16)?, r.try_get(17)?,
                r.try_get(18)?, r.try_get(19)?, r.try_get(20)?, r.try_get(21)?, r.try_get(22)?,
            ),
            (r.try_get(23)?, r.try_get(24)?, r.try_get(25)?, r.try_get(26)?, r.try_get(27)?, r.try_get(28)?, r.try_get(29)?),
            (r.try_get(30)?, r.try_get(31)?, r.try_get(32)?, r.try_get(33)?, r.try_get(34)?, r.try_get(35)?),
        )
    }};
}

/// Writes prepared cases inside transaction `$tx` (an expression whose `*` is the
/// connection: a transaction, or `(*tx)` for a `&mut` one) of database `$db`, in a
/// fixed number of statements however many there are: on SQLite each statement is
/// a round trip to the connection's thread, which costs more than the writing.
/// A draft that is a case already (or twice in the batch) is written once; no
/// number of the day is taken for the repeat, so the numbers have no gaps.
macro_rules! write_cases {
    ($tx:expr, $db:ty, $cases:expr) => {{
        let cases: &[PreparedCase] = $cases;
        let mut existing: std::collections::HashSet<String> = if cases.is_empty() {
            Default::default()
        } else {
            let mut q = sqlx::QueryBuilder::<$db>::new("SELECT draft_id FROM cases WHERE draft_id IN (");
            let mut listed = q.separated(", ");
            for case in cases {
                listed.push_bind(case.draft_id.as_str());
            }
            q.push(")");
            q.build_query_scalar::<String>().fetch_all(&mut *$tx).await?.into_iter().collect()
        };
        let fresh: Vec<&PreparedCase> = cases.iter().filter(|c| existing.insert(c.draft_id.clone())).collect();
        // The rows written, by draft: evaluated to.
        let mut written: std::collections::HashMap<String, CaseRow> = Default::default();
        // The day's numbers, one statement per region and day (nearly always one).
        let mut numbers: Vec<String> = Vec::with_capacity(fresh.len());
        let mut groups: std::collections::BTreeMap<(&str, Date), Vec<usize>> = Default::default();
        for (i, case) in fresh.iter().enumerate() {
            groups.entry((case.region.as_str(), case.day)).or_default().push(i);
            numbers.push(String::new());
        }
        for ((region, day), members) in &groups {
            let last = take_tracking_numbers!($tx, *region, *day, members.len());
            let first = last - members.len() as i64 + 1;
            for (k, &i) in members.iter().enumerate() {
                numbers[i] = TrackingNumber::new(region, *day, (first + k as i64) as u32).as_str().to_owned();
            }
        }
        if !fresh.is_empty() {
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO cases (tracking_number, draft_id, owner_hash, service_code, department, applicant_name,
                     applicant_phone, answers, status, submitted_at, updated_at, site_path, locale, delivery, phone_last4, stage,
                     citizen_id, proxy_agent, proxy_consent, fee_fen, payment_status, credit_list, credit_reason,
                     materials_reused, materials_deferred, materials_committed, trips_saved, deferred_due_on) ",
            );
            q.push_values(fresh.iter().zip(&numbers), |mut row, (case, number)| {
                row.push_bind(number.as_str()).push_bind(case.draft_id.as_str()).push_bind(case.owner_hash.as_str())
                    .push_bind(case.service_code.as_str()).push_bind(case.department.as_str()).push_bind(case.applicant_name.as_str())
                    .push_bind(case.applicant_phone.as_str()).push_bind(case.answers.as_str()).push_bind(CaseStatus::Submitted.code())
                    .push_bind(case.at).push_bind(case.at).push_bind(case.site_path.as_str()).push_bind(case.locale.as_str())
                    .push_bind(case.delivery.as_str()).push_bind(case.phone_last4.as_str()).push_bind(Stage::Intake.code())
                    .push_bind(case.citizen_id).push_bind(case.proxy_agent.as_deref()).push_bind(case.proxy_consent.as_deref())
                    .push_bind(case.fee_fen).push_bind(case.payment_status).push_bind(case.credit_list).push_bind(case.credit_reason.as_deref())
                    .push_bind(i64::from(case.reductions.materials_reused)).push_bind(i64::from(case.reductions.materials_deferred))
                    .push_bind(i64::from(case.reductions.materials_committed)).push_bind(i64::from(case.reductions.trips_saved))
                    .push_bind(case.deferred_due_on.as_deref());
            });
            // The whole row back, so the submitter need not read it again.
            q.push(" RETURNING ").push(CASE_COLUMNS);
            for r in q.build().fetch_all(&mut *$tx).await? {
                let row: CaseRow = case_row!(&r);
                written.insert(row.0.2.clone(), row);
            }
            // Each new case's chain: its first events hashed in order, then every
            // event and every chain head in one statement each.
            let mut events: Vec<crate::server::store::audit::ChainedEvent> = Vec::new();
            let mut heads: Vec<(&str, String, i64)> = Vec::new();
            let ids = fresh.iter().map(|case| written.get(&case.draft_id).map(|row| row.0.0).ok_or(sqlx::Error::RowNotFound)).collect::<Result<Vec<i64>, _>>()?;
            let chains: Vec<String> = ids.iter().map(|id| crate::server::audit::case_chain(*id)).collect();
            for ((case, &case_id), chain) in fresh.iter().zip(&ids).zip(&chains) {
                let submitted = CaseStatus::Submitted.code();
                let mut first: Vec<(&str, &str, Option<&str>, &str)> = vec![(EventKind::Transition.code(), case.actor.as_str(), None, case.actor_note.as_str())];
                // Each material provided without an upload is on the record: the licence
                // reused, the commitment as signed, the date a deferred one is due by.
                for (material_code, due_on, note) in &case.provisions {
                    if let Some(due) = due_on {
                        sqlx::query("UPDATE material_provisions SET due_on = $1 WHERE draft_id = $2 AND material_code = $3")
                            .bind(due).bind(&case.draft_id).bind(material_code).execute(&mut *$tx).await?;
                    }
                    first.push((EventKind::Provision.code(), case.actor.as_str(), Some(submitted), note.as_str()));
                }
                if let Some((kind, note)) = &case.instant {
                    first.push((kind, "system", Some(submitted), note.as_str()));
                }
                if let Some(note) = &case.waiver_note {
                    first.push((EventKind::Payment.code(), "system", Some(submitted), note.as_str()));
                }
                let mut prev = crate::server::audit::GENESIS.to_owned();
                for (kind, actor, from, note) in first.iter().copied() {
                    let content = crate::server::audit::CaseEventContent { chain, at: case.at, actor, kind, department: "", from, to: submitted, note };
                    let event = crate::server::store::audit::ChainedEvent::after(prev, case_id, content);
                    prev = event.hash.clone();
                    events.push(event);
                }
                heads.push((chain, prev, first.len() as i64));
            }
            let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO chain_heads (chain, head, length) ");
            q.push_values(&heads, |mut row, (chain, head, length)| {
                row.push_bind(*chain).push_bind(head.as_str()).push_bind(*length);
            });
            q.build().execute(&mut *$tx).await?;
            let mut q = sqlx::QueryBuilder::<$db>::new(crate::server::store::audit::CASE_EVENT_INSERT);
            q.push_values(&events, |mut row, e| {
                let c = &e.content;
                row.push_bind(e.case_id).push_bind(c.at).push_bind(c.actor).push_bind(c.from).push_bind(c.to).push_bind(c.note)
                    .push_bind(c.kind).push_bind(c.department).push_bind(e.prev.as_str()).push_bind(e.hash.as_str());
            });
            q.build().execute(&mut *$tx).await?;
        }
        written
    }};
}

/// `write_cases!` on SQLite, for the committer: the rows written, by draft.
pub(super) async fn write_cases_sqlite(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    cases: &[PreparedCase],
) -> Result<std::collections::HashMap<String, CaseRow>, sqlx::Error> {
    Ok(write_cases!((*tx), sqlx::Sqlite, cases))
}

/// A concurrent submission of the same draft won the race (the draft's unique
/// index): the case (or bundle) is there, which is all the submitter needs.
pub(super) fn already_submitted(e: sqlx::Error) -> Result<(), sqlx::Error> {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Ok(()),
        e => Err(e),
    }
}

/// A case as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: i64,
    pub tracking_number: TrackingNumber,
    pub draft_id: String,
    pub owner_hash: String,
    pub service_code: String,
    pub department: String,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub answers: BTreeMap<String, String>,
    pub status: CaseStatus,
    pub submitted_at: i64,
    pub updated_at: i64,
    pub site_path: String,
    pub locale: String,
    pub delivery: Delivery,
    /// Set from acceptance on.
    pub deadline: Option<Deadline>,
    /// The day a correction was asked for, while the applicant corrects.
    pub paused_on: Option<Date>,
    /// What the applicant must correct, while they do.
    pub correction: Option<CorrectionRequest>,
    /// The citizen account holding the case.
    pub citizen_id: Option<i64>,
    /// The proxy agent who filed it, and the resident's consent.
    pub proxy: Option<(String, crate::domain::proxy::Consent)>,
    pub fee: CaseFee,
    /// The credit list the applicant was on at submission, and why.
    pub credit: Option<(CreditList, Text)>,
    /// What the case spared the applicant (四减).
    pub reductions: Reductions,
    /// Working days saved against the statutory limit, once issued.
    pub days_saved: Option<i64>,
    /// The earliest due date of a deferred material still to come: the result waits.
    pub deferred_due_on: Option<Date>,
}

impl CaseRecord {
    pub fn accepted(&self) -> bool {
        self.deadline.is_some()
    }

    /// What the access rules need to know of this case.
    pub fn facts<'a>(&'a self, reviews: &'a [crate::domain::access::ReviewPart]) -> crate::domain::access::CaseFacts<'a> {
        crate::domain::access::CaseFacts {
            status: self.status,
            accepted: self.accepted(),
            site_path: &self.site_path,
            reviews,
            payment_due: self.fee.status.holds_issuance(),
            materials_due: self.deferred_due_on.is_some(),
            committed: self.reductions.materials_committed > 0,
        }
    }
}

/// One record of a case's life, append-only and hash-chained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseEvent {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub kind: EventKind,
    /// The department a review event is about; empty otherwise.
    pub department: String,
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
    pub note: String,
    pub hash: String,
}

pub(super) type EventRow = (i64, i64, String, String, String, Option<String>, String, String, String);
/// A case's events, oldest first; `$1` is the case.
pub(super) const CASE_EVENTS: &str = "SELECT id, at, actor, kind, department, from_status, to_status, note, hash FROM case_events WHERE case_id = $1 ORDER BY id";

pub(super) fn event((id, at, actor, kind, department, from, to, note, hash): EventRow) -> StoreResult<CaseEvent> {
    Ok(CaseEvent {
        id,
        at,
        actor,
        kind: EventKind::from_code(&kind).ok_or_else(|| corrupt(format!("event kind `{kind}`")))?,
        department,
        from: from.as_deref().map(status_of).transpose()?,
        to: status_of(&to)?,
        note,
        hash,
    })
}

/// What a step does to the deadline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    Keep,
    /// Acceptance: the clock starts with this deadline.
    Start(Deadline),
    /// A correction was asked for on this day: the clock stops.
    Pause(Date),
    /// The correction came in: the clock runs again with the deadline moved back.
    Resume(Deadline),
}

/// A department's review decision within a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewChange<'a> {
    pub department: &'a str,
    /// The review's status the reviewer saw (or any of these).
    pub from: &'a [ReviewStatus],
    pub to: ReviewStatus,
    pub reviewer: &'a str,
    pub reason: &'a str,
    pub legal_basis: &'a str,
}

/// One step of a case, written in one transaction.
#[derive(Clone, Debug)]
pub struct Step<'a> {
    pub case_id: i64,
    /// The status the actor saw; the step fails with `Conflict` if the case moved on.
    pub from: CaseStatus,
    /// The status the step leads to. For a review decision the store works out the
    /// case's status from all the reviews, inside the transaction.
    pub to: CaseStatus,
    pub kind: EventKind,
    pub actor: &'a str,
    pub note: &'a str,
    pub at: i64,
    pub clock: Clock,
    /// Reviews to open (on acceptance), one per department, in order.
    pub open_reviews: &'a [String],
    pub review: Option<ReviewChange<'a>>,
    /// `Some(Some(r))` sets what must be corrected; `Some(None)` clears it.
    pub correction: Option<Option<&'a CorrectionRequest>>,
    /// Corrected answers replacing the case's.
    pub answers: Option<&'a BTreeMap<String, String>>,
    pub licence: Option<&'a NewLicence>,
    /// Withdraws the case's licence (a revocation), with the step's note as reason.
    pub revoke_licence: bool,
    /// Set at issue: working days saved against the statutory limit.
    pub days_saved: Option<i64>,
    /// Messages by the status the step ends in: the one matching is written.
    pub notices: Vec<(CaseStatus, Notice)>,
}

impl<'a> Step<'a> {
    /// A plain step from `from` to `to`.
    pub fn new(case_id: i64, from: CaseStatus, to: CaseStatus, actor: &'a str, note: &'a str, at: i64) -> Step<'a> {
        Step {
            case_id,
            from,
            to,
            kind: EventKind::Transition,
            actor,
            note,
            at,
            clock: Clock::Keep,
            open_reviews: &[],
            review: None,
            correction: None,
            answers: None,
            licence: None,
            revoke_licence: false,
            days_saved: None,
            notices: Vec::new(),
        }
    }
}

/// Whose cases a queue lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueScope {
    /// Supervisors and administrators.
    Everything,
    /// Window and issuing clerks: the paths of their site and the sites below.
    Sites(Vec<String>),
    /// Reviewers: cases with a review of their department.
    Department(String),
}

/// Which cases of the scope a queue tab lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueKind {
    /// Cases at one stage of their life, in the order that stage is worked in.
    Stage(Stage),
    /// Every case, newest first.
    All,
    /// The department's reviews still open (pending or taken).
    DepartmentReviews(String),
    /// Reviews this reviewer has taken and not decided.
    MyReviews(String),
    /// Running cases in their yellow period, the soonest due first.
    DueSoon,
    /// Running cases past their deadline, the longest overdue first.
    Overdue,
}

/// The stages a queue groups statuses into. Stored with each case (`cases.stage`) so
/// that one index serves a tab in its order, whatever the number of cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Submitted, waiting for the front desk.
    Intake,
    /// Waiting for the applicant to correct.
    Correction,
    /// Accepted or under review.
    Review,
    /// Approved, waiting for the results window.
    Issue,
    /// Issued, refused or rejected.
    Done,
}

impl Stage {
    pub fn of(status: CaseStatus) -> Stage {
        match status {
            CaseStatus::Submitted => Stage::Intake,
            CaseStatus::NeedsCorrection => Stage::Correction,
            CaseStatus::Accepted | CaseStatus::UnderReview => Stage::Review,
            CaseStatus::Approved => Stage::Issue,
            CaseStatus::Issued | CaseStatus::Refused | CaseStatus::Rejected | CaseStatus::Revoked => Stage::Done,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Stage::Intake => "intake",
            Stage::Correction => "correction",
            Stage::Review => "review",
            Stage::Issue => "issue",
            Stage::Done => "done",
        }
    }
}

/// The order a queue is listed in, and so what its keyset holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QueueOrder {
    /// First come, first served: (submitted_at, id) ascending.
    Oldest,
    /// Finished work and the whole list: newest first.
    Newest,
    /// Deadlines: (open_due_on, id) ascending.
    DueFirst,
}

impl QueueKind {
    fn order(&self) -> QueueOrder {
        match self {
            QueueKind::Stage(Stage::Done) | QueueKind::All => QueueOrder::Newest,
            QueueKind::DueSoon | QueueKind::Overdue => QueueOrder::DueFirst,
            _ => QueueOrder::Oldest,
        }
    }
}

/// Search and filters of a queue; `None` means any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub tracking: Option<String>,
    pub applicant_name: Option<String>,
    pub phone_last4: Option<String>,
    pub service: Option<String>,
    /// The paths of a site and the sites below it.
    pub site_paths: Option<Vec<String>>,
    pub status: Option<CaseStatus>,
    /// Only cases this department reviews (the supervisor's per-department view).
    pub department: Option<String>,
}

/// A line of a clerk's queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRow {
    pub id: i64,
    /// Where the next page starts if this is the last line shown.
    pub keyset: String,
    pub tracking_number: TrackingNumber,
    pub service_code: String,
    pub service_name_zh: String,
    pub service_name_en: String,
    pub applicant_name: String,
    pub status: CaseStatus,
    pub submitted_at: i64,
    pub due_on: Option<Date>,
    pub yellow_on: Option<Date>,
}

pub(super) const CASE_COLUMNS: &str = "id, tracking_number, draft_id, owner_hash, service_code, department, applicant_name, \
     applicant_phone, answers, status, submitted_at, updated_at, site_path, locale, delivery, accepted_on, promised_days, \
     paused_days, paused_on, due_on, yellow_on, due_provisional, correction, citizen_id, proxy_agent, proxy_consent, fee_fen, payment_status, credit_list, credit_reason, \
     materials_reused, materials_deferred, materials_committed, trips_saved, days_saved, deferred_due_on";

pub(super) type CaseRow = (
    (i64, String, String, String, String, String, String, String, String, String, i64, i64),
    (String, String, String, Option<String>, i64, i64, Option<String>, Option<String>, Option<String>, bool, Option<String>),
    (Option<i64>, Option<String>, Option<String>, i64, String, Option<String>, Option<String>),
    (i64, i64, i64, i64, Option<i64>, Option<String>),
);

fn date_of(what: &str, s: &str) -> StoreResult<Date> {
    Date::parse_iso(s).ok_or_else(|| corrupt(format!("{what} `{s}`")))
}

fn opt_date(what: &str, s: Option<String>) -> StoreResult<Option<Date>> {
    s.as_deref().map(|s| date_of(what, s)).transpose()
}

fn tracking_of(tn: &str) -> StoreResult<TrackingNumber> {
    TrackingNumber::parse(tn).map_err(|_| corrupt(format!("tracking number `{tn}`")))
}

/// A case from a row of `CASE_COLUMNS` read from SQLite among other statements.
pub(super) fn sqlite_case(r: &sqlx::sqlite::SqliteRow) -> StoreResult<CaseRecord> {
    let row: CaseRow = case_row!(r);
    case_from_row(row)
}

fn case_from_row(row: CaseRow) -> StoreResult<CaseRecord> {
    let ((id, tn, draft_id, owner_hash, service_code, department, applicant_name, applicant_phone, answers, status, submitted_at, updated_at), rest, (citizen_id, proxy_agent, proxy_consent, fee_fen, payment_status, credit_list, credit_reason), saved) = row;
    let (reused, deferred, committed, trips_saved, days_saved, deferred_due_on) = saved;
    let count = |n: i64| u32::try_from(n).map_err(|_| corrupt(format!("case {id} count {n}")));
    let (site_path, locale, delivery, accepted_on, promised_days, paused_days, paused_on, due_on, yellow_on, due_provisional, correction) = rest;
    let deadline = match (opt_date("accepted_on", accepted_on)?, opt_date("due_on", due_on)?, opt_date("yellow_on", yellow_on)?) {
        (Some(accepted_on), Some(due), Some(yellow_from)) => Some(Deadline {
            accepted_on,
            promised_days: promised_days as u32,
            paused_days: paused_days as u32,
            due: Due { date: due, provisional: due_provisional },
            yellow_from,
        }),
        _ => None,
    };
    Ok(CaseRecord {
        id,
        tracking_number: tracking_of(&tn)?,
        draft_id,
        owner_hash,
        service_code,
        department,
        applicant_name,
        applicant_phone,
        answers: serde_json::from_str(&answers).map_err(|e| corrupt(format!("case {id} answers: {e}")))?,
        status: status_of(&status)?,
        submitted_at,
        updated_at,
        site_path,
        locale,
        delivery: serde_json::from_str(&delivery).map_err(|e| corrupt(format!("case {id} delivery: {e}")))?,
        deadline,
        paused_on: opt_date("paused_on", paused_on)?,
        correction: correction.map(|c| serde_json::from_str(&c)).transpose().map_err(|e| corrupt(format!("case {id} correction: {e}")))?,
        citizen_id,
        proxy: match (proxy_agent, proxy_consent) {
            (Some(agent), Some(consent)) => {
                Some((agent, serde_json::from_str(&consent).map_err(|e| corrupt(format!("case {id} proxy consent: {e}")))?))
            }
            _ => None,
        },
        fee: CaseFee {
            amount_fen: u32::try_from(fee_fen).map_err(|_| corrupt(format!("case {id} fee {fee_fen}")))?,
            status: PaymentStatus::from_code(&payment_status).ok_or_else(|| corrupt(format!("case {id} payment status `{payment_status}`")))?,
        },
        credit: match (credit_list, credit_reason) {
            (Some(list), Some(reason)) => Some((
                CreditList::from_code(&list).ok_or_else(|| corrupt(format!("case {id} credit list `{list}`")))?,
                serde_json::from_str(&reason).map_err(|e| corrupt(format!("case {id} credit reason: {e}")))?,
            )),
            _ => None,
        },
        reductions: Reductions { materials_reused: count(reused)?, materials_deferred: count(deferred)?, materials_committed: count(committed)?, trips_saved: count(trips_saved)? },
        days_saved,
        deferred_due_on: opt_date("deferred_due_on", deferred_due_on)?,
    })
}

macro_rules! fetch_case {
    ($pool:expr, $sql:expr, $value:expr) => {{
        match sqlx::query($sql).bind($value).fetch_optional($pool).await? {
            None => None,
            Some(r) => Some(case_row!(&r)),
        }
    }};
}

/// Why a step's transaction stopped without writing.
enum StepStop {
    Conflict,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StepStop {
    fn from(e: sqlx::Error) -> Self {
        StepStop::Db(e)
    }
}

impl Store {
    /// Turns a draft into a case with a new tracking number and its first event, in
    /// one transaction. Submitting the same draft again returns the case it already
    /// became: a double click or a network retry never makes two cases.
    pub async fn submit_case(&self, new: &NewCase<'_>) -> StoreResult<CaseRecord> {
        let case = PreparedCase::of(new)?;
        let written: Option<CaseRow> = match &self.pool {
            // Through the committer: one transaction (one sync to disk) for every
            // submission waiting at the moment.
            Pool::Sqlite(_, committer) => committer.submit(case).await?,
            Pool::Postgres(pool) => {
                let written: Result<Option<CaseRow>, sqlx::Error> = async {
                    let mut tx = pool.begin_write().await?;
                    let mut rows = write_cases!(tx, sqlx::Postgres, std::slice::from_ref(&case));
                    tx.commit().await?;
                    Ok(rows.remove(&case.draft_id))
                }
                .await;
                written.map_or_else(|e| already_submitted(e).map(|()| None), Ok)?
            }
        };
        match written {
            Some(row) => case_from_row(row),
            // Submitted before (a retry, a double click): the case it became.
            None => self.case_by_draft(&new.draft.id).await?.ok_or_else(|| corrupt("submitted case vanished")),
        }
    }

    async fn case_where(&self, column: &str, value: &str) -> StoreResult<Option<CaseRecord>> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE {column} = $1");
        let row: Option<CaseRow> = on_pool!(self, pool => fetch_case!(pool, &sql, value));
        row.map(case_from_row).transpose()
    }

    pub async fn case_by_tracking(&self, tracking: &TrackingNumber) -> StoreResult<Option<CaseRecord>> {
        self.case_where("tracking_number", tracking.as_str()).await
    }

    pub async fn case_by_id(&self, id: i64) -> StoreResult<Option<CaseRecord>> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1");
        let row: Option<CaseRow> = on_pool!(self, pool => fetch_case!(pool, &sql, id));
        row.map(case_from_row).transpose()
    }

    pub async fn case_by_draft(&self, draft_id: &str) -> StoreResult<Option<CaseRecord>> {
        self.case_where("draft_id", draft_id).await
    }

    /// The case's events, oldest first.
    pub async fn case_events(&self, case_id: i64) -> StoreResult<Vec<CaseEvent>> {
        let rows: Vec<EventRow> = on_pool!(self, pool => sqlx::query_as(CASE_EVENTS).bind(case_id).fetch_all(pool).await?);
        rows.into_iter().map(event).collect()
    }

    /// Writes one step in one transaction: the case's status (compared and set, so
    /// no decision silently overwrites another), its deadline, reviews, correction,
    /// answers, licence, the chained event and the message to the applicant. Returns
    /// the status the case ends in.
    pub async fn record_step(&self, step: &Step<'_>) -> StoreResult<CaseStatus> {
        let correction_json = match step.correction {
            Some(Some(r)) => Some(serde_json::to_string(r).map_err(corrupt)?),
            _ => None,
        };
        let answers_json = step.answers.map(serde_json::to_string).transpose().map_err(corrupt)?;
        let (deadline, paused_on_set, paused_on): (Option<&Deadline>, bool, Option<String>) = match &step.clock {
            Clock::Keep => (None, false, None),
            Clock::Start(d) => (Some(d), false, None),
            Clock::Pause(day) => (None, true, Some(day.to_string())),
            Clock::Resume(d) => (Some(d), true, None),
        };
        let result: Result<CaseStatus, StepStop> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            // Compare and set the status first: it takes the case's row lock, so steps
            // on one case (and their chain appends) run one after another.
            let changed = sqlx::query(
                "UPDATE cases SET status = $1, updated_at = $2,
                     accepted_on = COALESCE($3, accepted_on), promised_days = COALESCE($4, promised_days),
                     paused_days = COALESCE($5, paused_days), due_on = COALESCE($6, due_on),
                     yellow_on = COALESCE($7, yellow_on), due_provisional = COALESCE($8, due_provisional),
                     paused_on = CASE WHEN $9 THEN $10 ELSE paused_on END,
                     correction = CASE WHEN $11 THEN $12 ELSE correction END,
                     answers = COALESCE($13, answers)
                 WHERE id = $14 AND status = $15",
            )
            .bind(step.to.code()).bind(step.at)
            .bind(deadline.map(|d| d.accepted_on.to_string())).bind(deadline.map(|d| i64::from(d.promised_days)))
            .bind(deadline.map(|d| i64::from(d.paused_days))).bind(deadline.map(|d| d.due.date.to_string()))
            .bind(deadline.map(|d| d.yellow_from.to_string())).bind(deadline.map(|d| d.due.provisional))
            .bind(paused_on_set).bind(paused_on.as_deref())
            .bind(step.correction.is_some()).bind(correction_json.as_deref())
            .bind(answers_json.as_deref())
            .bind(step.case_id).bind(step.from.code())
            .execute(&mut *tx).await?.rows_affected();
            if changed != 1 {
                return Err(StepStop::Conflict);
            }
            if !step.open_reviews.is_empty() {
                sqlx::query("UPDATE cases SET review_departments = $1 WHERE id = $2")
                    .bind(format!(",{},", step.open_reviews.join(","))).bind(step.case_id)
                    .execute(&mut *tx).await?;
            }
            for (position, department) in step.open_reviews.iter().enumerate() {
                sqlx::query("INSERT INTO case_reviews (case_id, department, position, status, updated_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(step.case_id).bind(department).bind(position as i64).bind(ReviewStatus::Pending.code()).bind(step.at)
                    .execute(&mut *tx).await?;
            }
            let mut to = step.to;
            let mut department = "";
            if let Some(review) = &step.review {
                department = review.department;
                let seen = review.from.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(",");
                // Review status codes are our constants, never input, so they may be inlined.
                let sql = format!(
                    "UPDATE case_reviews SET status = $1, reviewer = $2, reason = $3, legal_basis = $4, updated_at = $5
                     WHERE case_id = $6 AND department = $7 AND status IN ({seen})"
                );
                let n = sqlx::query(&sql)
                    .bind(review.to.code()).bind(review.reviewer).bind(review.reason).bind(review.legal_basis).bind(step.at)
                    .bind(step.case_id).bind(review.department)
                    .execute(&mut *tx).await?.rows_affected();
                if n != 1 {
                    return Err(StepStop::Conflict);
                }
                // Read every department's review after ours, under the case's lock: two
                // departments approving at once cannot both think the other is pending.
                let statuses: Vec<String> = sqlx::query_scalar("SELECT status FROM case_reviews WHERE case_id = $1")
                    .bind(step.case_id).fetch_all(&mut *tx).await?;
                to = match aggregate(statuses.iter().filter_map(|s| ReviewStatus::from_code(s))) {
                    ReviewOutcome::Approved => CaseStatus::Approved,
                    ReviewOutcome::Rejected => CaseStatus::Rejected,
                    ReviewOutcome::Waiting => CaseStatus::UnderReview,
                };
                if to != step.to {
                    sqlx::query("UPDATE cases SET status = $1 WHERE id = $2").bind(to.code()).bind(step.case_id).execute(&mut *tx).await?;
                }
            }
            // The queue columns follow the status: the stage, and the due date while the
            // clock runs (so "overdue" is one index range, paused and finished cases out).
            sqlx::query("UPDATE cases SET stage = $1, open_due_on = CASE WHEN $2 THEN due_on ELSE NULL END WHERE id = $3")
                .bind(Stage::of(to).code()).bind(to.clock_running()).bind(step.case_id)
                .execute(&mut *tx).await?;
            if let Some(l) = step.licence {
                sqlx::query(
                    "INSERT INTO licences (number, case_id, service_code, name_zh, name_en, holder, department, issued_on,
                         valid_until, verification_code, status, credit_code)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'valid', $11)",
                )
                .bind(&l.number).bind(step.case_id).bind(&l.service_code).bind(&l.name.zh).bind(&l.name.en).bind(&l.holder)
                .bind(&l.department).bind(l.issued_on.to_string()).bind(l.valid_until.map(|d| d.to_string())).bind(&l.verification_code)
                .bind(l.credit_code.as_deref())
                .execute(&mut *tx).await?;
            }
            if step.revoke_licence {
                sqlx::query("UPDATE licences SET status = 'revoked', revoked_at = $1, revoked_reason = $2 WHERE case_id = $3 AND status = 'valid'")
                    .bind(step.at).bind(step.note).bind(step.case_id).execute(&mut *tx).await?;
            }
            if let Some(days) = step.days_saved {
                sqlx::query("UPDATE cases SET days_saved = $1 WHERE id = $2").bind(days).bind(step.case_id).execute(&mut *tx).await?;
            }
            append_case_event!(tx, step.case_id, step.kind.code(), step.at, step.actor, department, Some(step.from.code()), to.code(), step.note);
            if let Some((_, n)) = step.notices.iter().find(|(s, _)| *s == to) {
                sqlx::query(
                    "INSERT INTO outbox (case_id, phone, locale, kind, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                )
                .bind(step.case_id).bind(&n.phone).bind(&n.locale).bind(&n.kind).bind(&n.body).bind(step.at)
                .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(to)
        }.await);
        match result {
            Ok(to) => Ok(to),
            Err(StepStop::Conflict) => Err(StoreError::Conflict),
            Err(StepStop::Db(e)) => Err(e.into()),
        }
    }

    /// Records that a clerk opened a material (查阅留痕), in the case's chain.
    pub async fn record_material_view(&self, case_id: i64, status: CaseStatus, actor: &str, note: &str, at: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // Lock the case row first so the chain append cannot race a decision.
            sqlx::query("UPDATE cases SET updated_at = updated_at WHERE id = $1").bind(case_id).execute(&mut *tx).await?;
            append_case_event!(tx, case_id, EventKind::MaterialViewed.code(), at, actor, "", Some(status.code()), status.code(), note);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A page of a queue in its tab's order, after the line whose `keyset` is `after`
    /// (a keyset that does not parse starts from the top).
    pub async fn queue(&self, scope: &QueueScope, kind: &QueueKind, filter: &QueueFilter, today: Date, after: Option<&str>, limit: i64) -> StoreResult<Vec<QueueRow>> {
        let (sql, binds) = queue_sql(scope, kind, filter, today, after, limit, false);
        let order = kind.order();
        let rows: Vec<(i64, String, String, String, String, String, String, i64, Option<String>, Option<String>)> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = match b {
                    Bind::Text(s) => q.bind(s.clone()),
                    Bind::Int(n) => q.bind(*n),
                };
            }
            q.fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, tn, service_code, service_name_zh, service_name_en, applicant_name, status, submitted_at, due_on, yellow_on)| {
                let keyset = match order {
                    QueueOrder::DueFirst => format!("{}.{id}", due_on.as_deref().unwrap_or("")),
                    _ => format!("{submitted_at}.{id}"),
                };
                Ok(QueueRow {
                    id,
                    keyset,
                    tracking_number: tracking_of(&tn)?,
                    service_code,
                    service_name_zh,
                    service_name_en,
                    applicant_name,
                    status: status_of(&status)?,
                    submitted_at,
                    due_on: opt_date("due_on", due_on)?,
                    yellow_on: opt_date("yellow_on", yellow_on)?,
                })
            })
            .collect()
    }

    /// How many cases a queue tab holds, counted up to `cap` (a tab shows "100+"
    /// rather than counting a million rows on every page view).
    pub async fn queue_count(&self, scope: &QueueScope, kind: &QueueKind, today: Date, cap: i64) -> StoreResult<i64> {
        let (sql, binds) = queue_sql(scope, kind, &QueueFilter::default(), today, None, cap, true);
        let n: i64 = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(&sql);
            for b in &binds {
                q = match b {
                    Bind::Text(s) => q.bind(s.clone()),
                    Bind::Int(n) => q.bind(*n),
                };
            }
            q.fetch_one(pool).await?
        });
        Ok(n)
    }

    /// Overdue running cases per reviewing department (the supervisor's 电子监察 view).
    pub async fn overdue_by_department(&self, today: Date) -> StoreResult<Vec<(String, i64)>> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.department, COUNT(*) FROM cases c JOIN case_reviews r ON r.case_id = c.id
                 WHERE c.open_due_on < $1
                 GROUP BY r.department ORDER BY COUNT(*) DESC, r.department",
            )
            .bind(today.to_string()).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// How many cases are in each status.
    pub async fn count_by_status(&self) -> StoreResult<Vec<(CaseStatus, i64)>> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT status, COUNT(*) FROM cases GROUP BY status ORDER BY status").fetch_all(pool).await?
        });
        rows.into_iter().map(|(s, n)| Ok((status_of(&s)?, n))).collect()
    }
}

/// A value bound to a queue query.
enum Bind {
    Text(String),
    Int(i64),
}

/// Builds a queue query. The SQL text depends only on which filters are present
/// (never on their values, which are bound), so each shape is prepared once. Every
/// tab is one index range in its own order (stage + time, or the open due date), so
/// a page reads about as many rows as it shows, at any number of cases.
fn queue_sql(scope: &QueueScope, kind: &QueueKind, filter: &QueueFilter, today: Date, after: Option<&str>, limit: i64, count: bool) -> (String, Vec<Bind>) {
    let mut binds: Vec<Bind> = Vec::new();
    let mut param = |b: Bind| {
        binds.push(b);
        format!("${}", binds.len())
    };
    let mut conditions: Vec<String> = Vec::new();
    // Exact values, so the database can use its index on the site path.
    let in_list = |values: &[String], param: &mut dyn FnMut(Bind) -> String| {
        let list = values.iter().map(|v| param(Bind::Text(v.clone()))).collect::<Vec<_>>().join(", ");
        if list.is_empty() { "c.site_path IN (NULL)".to_owned() } else { format!("c.site_path IN ({list})") }
    };
    // `,market,` within `,market,tax,`: a filter on the row itself, no join.
    let reviewed_by = |d: &str, param: &mut dyn FnMut(Bind) -> String| {
        let pattern = like_pattern(&format!(",{d},"));
        format!("c.review_departments LIKE {} ESCAPE '\\'", param(Bind::Text(pattern)))
    };
    match scope {
        QueueScope::Everything => {}
        QueueScope::Sites(paths) => conditions.push(in_list(paths, &mut param)),
        QueueScope::Department(d) => conditions.push(reviewed_by(d, &mut param)),
    }
    // Stage codes are our constants, never input.
    match kind {
        QueueKind::Stage(stage) => conditions.push(format!("c.stage = '{}'", stage.code())),
        QueueKind::All => {}
        QueueKind::DepartmentReviews(d) => {
            conditions.push(format!("c.stage = '{}'", Stage::Review.code()));
            conditions.push(reviewed_by(d, &mut param));
            conditions.push(format!("EXISTS (SELECT 1 FROM case_reviews r WHERE r.case_id = c.id AND r.department = {} AND r.status IN ('pending', 'in_review'))", param(Bind::Text(d.clone()))));
        }
        QueueKind::MyReviews(reviewer) => {
            // A reviewer's own list is short: start from it, not from the cases.
            conditions.push(format!("c.stage = '{}'", Stage::Review.code()));
            conditions.push(format!("c.id IN (SELECT r.case_id FROM case_reviews r WHERE r.reviewer = {} AND r.status = 'in_review')", param(Bind::Text(reviewer.clone()))));
        }
        QueueKind::DueSoon => {
            let t = param(Bind::Text(today.to_string()));
            conditions.push(format!("c.open_due_on >= {t} AND c.yellow_on <= {t}"));
        }
        QueueKind::Overdue => conditions.push(format!("c.open_due_on < {}", param(Bind::Text(today.to_string())))),
    }
    if let Some(t) = &filter.tracking {
        conditions.push(format!("c.tracking_number = {}", param(Bind::Text(t.clone()))));
    }
    if let Some(n) = &filter.applicant_name {
        conditions.push(format!("c.applicant_name = {}", param(Bind::Text(n.clone()))));
    }
    if let Some(p) = &filter.phone_last4 {
        conditions.push(format!("c.phone_last4 = {}", param(Bind::Text(p.clone()))));
    }
    if let Some(s) = &filter.service {
        conditions.push(format!("c.service_code = {}", param(Bind::Text(s.clone()))));
    }
    if let Some(paths) = &filter.site_paths {
        conditions.push(in_list(paths, &mut param));
    }
    if let Some(s) = filter.status {
        conditions.push(format!("c.status = '{}'", s.code()));
    }
    if let Some(d) = &filter.department {
        conditions.push(reviewed_by(d, &mut param));
    }
    let order = kind.order();
    let keyset = after.and_then(|a| a.rsplit_once('.')).and_then(|(key, id)| Some((key.to_owned(), id.parse::<i64>().ok()?)));
    if let Some((key, id)) = keyset {
        match order {
            QueueOrder::Oldest | QueueOrder::Newest => {
                if let Ok(at) = key.parse::<i64>() {
                    let (a, i) = (param(Bind::Int(at)), param(Bind::Int(id)));
                    let op = if order == QueueOrder::Oldest { ">" } else { "<" };
                    conditions.push(format!("(c.submitted_at, c.id) {op} ({a}, {i})"));
                }
            }
            QueueOrder::DueFirst => {
                if Date::parse_iso(&key).is_some() {
                    let (d, i) = (param(Bind::Text(key)), param(Bind::Int(id)));
                    conditions.push(format!("(c.open_due_on, c.id) > ({d}, {i})"));
                }
            }
        }
    }
    let where_clause = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    let limit = param(Bind::Int(limit));
    // A search finds a handful of rows through its own index; ordering by an
    // expression keeps the planner from walking the tab's index in order instead,
    // which would read a million rows to find them.
    let searching = filter.tracking.is_some() || filter.applicant_name.is_some() || filter.phone_last4.is_some();
    let plus = if searching { " + 0" } else { "" };
    let order_by = match order {
        QueueOrder::Oldest => format!("c.submitted_at{plus}, c.id{plus}"),
        QueueOrder::Newest => format!("c.submitted_at{plus} DESC, c.id{plus} DESC"),
        QueueOrder::DueFirst => format!("c.open_due_on, c.id{plus}"),
    };
    let sql = if count {
        format!("SELECT COUNT(*) FROM (SELECT 1 FROM cases c {where_clause} LIMIT {limit}) capped")
    } else {
        format!(
            "SELECT c.id, c.tracking_number, c.service_code, s.name_zh, s.name_en, c.applicant_name, c.status, c.submitted_at, c.due_on, c.yellow_on
             FROM cases c JOIN service_items s ON s.code = c.service_code
             {where_clause} ORDER BY {order_by} LIMIT {limit}"
        )
    };
    (sql, binds)
}
