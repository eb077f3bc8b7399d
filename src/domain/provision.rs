//! Materials provided without uploading them: reused from the applicant's own
//! e-licences (数据代替跑腿), sent after acceptance (容缺受理), or replaced by a
//! signed commitment (告知承诺). The catalog says per material which ways are
//! offered; the credit lists change that per applicant (the black list loses
//! commitments, the red list gains deferral of any non-key material); and each way
//! is counted as a reduction (四减) of the case.

use super::calendar::{Date, WorkCalendar};
use super::catalog::{Material, ServiceItem};
use super::credit::CreditList;
use super::licence::Standing;
use super::text::Text;
use serde::{Deserialize, Serialize};

/// How a material is provided instead of an upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionKind {
    /// One of the applicant's current e-licences stands in for it.
    Licence,
    /// Sent after acceptance, by a due date (容缺).
    Deferred,
    /// The applicant signed the item's commitment text instead (告知承诺).
    Committed,
}

impl ProvisionKind {
    pub const ALL: [ProvisionKind; 3] = [ProvisionKind::Licence, ProvisionKind::Deferred, ProvisionKind::Committed];

    pub fn code(self) -> &'static str {
        match self {
            ProvisionKind::Licence => "licence",
            ProvisionKind::Deferred => "deferred",
            ProvisionKind::Committed => "committed",
        }
    }

    pub fn from_code(code: &str) -> Option<ProvisionKind> {
        ProvisionKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A material provided without an upload, as stored with the draft (and so the case).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provision {
    pub material_code: String,
    pub kind: ProvisionKind,
    /// The reused licence's number.
    pub licence_number: Option<String>,
    /// The commitment text as the applicant read and signed it.
    pub commitment: Option<Text>,
    /// A deferred material's due date, fixed at submission.
    pub due_on: Option<Date>,
    /// A deferred material has arrived.
    pub arrived: bool,
}

impl Provision {
    /// A deferred material still to come.
    pub fn is_outstanding(&self) -> bool {
        self.kind == ProvisionKind::Deferred && !self.arrived
    }

    /// A deferred material past its due date on `today` and still not here.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_outstanding() && self.due_on.is_some_and(|due| today > due)
    }
}

/// One of the applicant's licences, as far as reuse is concerned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldLicence {
    pub number: String,
    pub service_code: String,
    pub name: Text,
    pub standing: Standing,
}

/// What an applicant may do about one material besides uploading it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionOptions {
    /// Numbers of the applicant's current licences that stand in for it.
    pub licences: Vec<String>,
    /// The item takes e-licences for it, but the applicant holds none that fit (or
    /// has not signed in, so the portal cannot know).
    pub licence_possible: bool,
    pub defer: bool,
    /// Offered only because the applicant is on the red list.
    pub defer_by_red_list: bool,
    pub commit: bool,
    /// The item offers a commitment, but not to a black-listed applicant.
    pub commit_barred: bool,
}

impl ProvisionOptions {
    pub fn any(&self) -> bool {
        !self.licences.is_empty() || self.defer || self.commit
    }
}

/// Why a choice was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProvisionRefusal {
    /// The item does not offer this way for this material.
    NotOffered,
    /// A black-listed applicant may not sign commitments (or defer by the red list).
    BlackListed,
    /// Not one of the applicant's current licences for this material.
    LicenceUnusable,
    /// The applicant did not tick that they read and accept (the commitment or the due date).
    NotAgreed,
}

impl ProvisionRefusal {
    pub const ALL: [ProvisionRefusal; 4] =
        [ProvisionRefusal::NotOffered, ProvisionRefusal::BlackListed, ProvisionRefusal::LicenceUnusable, ProvisionRefusal::NotAgreed];

    /// The i18n key under `provision.refused_`.
    pub fn code(self) -> &'static str {
        match self {
            ProvisionRefusal::NotOffered => "not_offered",
            ProvisionRefusal::BlackListed => "black_listed",
            ProvisionRefusal::LicenceUnusable => "licence_unusable",
            ProvisionRefusal::NotAgreed => "not_agreed",
        }
    }

    pub fn from_code(code: &str) -> Option<ProvisionRefusal> {
        ProvisionRefusal::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// The ways `material` may be provided by an applicant on `credit` list holding `held`.
pub fn options(material: &Material, credit: Option<CreditList>, held: &[HeldLicence]) -> ProvisionOptions {
    let licences: Vec<String> = held
        .iter()
        .filter(|l| l.standing == Standing::Current && material.reusable_licences.contains(&l.service_code))
        .map(|l| l.number.clone())
        .collect();
    let red_lane = credit == Some(CreditList::Red) && material.required && !material.key;
    let commit_offered = material.commitment.is_some();
    ProvisionOptions {
        licence_possible: !material.reusable_licences.is_empty() && licences.is_empty(),
        licences,
        defer: material.deferrable || red_lane,
        defer_by_red_list: red_lane && !material.deferrable,
        commit: commit_offered && credit != Some(CreditList::Black),
        commit_barred: commit_offered && credit == Some(CreditList::Black),
    }
}

/// Checks a choice against the options (the browser is never trusted with them):
/// at the materials step, and again at submission, when the lists or the
/// licences may have changed.
pub fn check(material: &Material, kind: ProvisionKind, licence: Option<&str>, agreed: bool, credit: Option<CreditList>, held: &[HeldLicence]) -> Result<(), ProvisionRefusal> {
    let o = options(material, credit, held);
    match kind {
        ProvisionKind::Licence if material.reusable_licences.is_empty() => Err(ProvisionRefusal::NotOffered),
        ProvisionKind::Licence if !licence.is_some_and(|n| o.licences.iter().any(|l| l == n)) => Err(ProvisionRefusal::LicenceUnusable),
        ProvisionKind::Committed if o.commit_barred => Err(ProvisionRefusal::BlackListed),
        ProvisionKind::Committed if !o.commit => Err(ProvisionRefusal::NotOffered),
        ProvisionKind::Deferred if !o.defer => Err(ProvisionRefusal::NotOffered),
        ProvisionKind::Deferred | ProvisionKind::Committed if !agreed => Err(ProvisionRefusal::NotAgreed),
        _ => Ok(()),
    }
}

/// The required materials neither uploaded nor provided otherwise, by code.
pub fn missing(item: &ServiceItem, uploaded: &[&str], provided: &[Provision]) -> Vec<String> {
    item.materials
        .iter()
        .filter(|m| m.required && !uploaded.contains(&m.code.as_str()) && !provided.iter().any(|p| p.material_code == m.code))
        .map(|m| m.code.clone())
        .collect()
}

/// Working days a deferred material may take when the item does not say.
pub const DEFAULT_DEFERRAL_DAYS: u32 = 10;

/// The day a material deferred on `from` is due: the item's working days later.
pub fn deferral_due(calendar: &WorkCalendar, from: Date, working_days: u32) -> Date {
    calendar.add_working_days(from, working_days).date
}

/// Whether the reminder for a deferred material due on `due` should go out on
/// `today`: from two working days before, until it arrives (sent once).
pub fn reminder_due(calendar: &WorkCalendar, due: Date, today: Date) -> bool {
    today <= due && calendar.working_days_between(today, due) <= 2
}

/// What a case spared the applicant (四减: materials, trips, time), for the
/// supervisors' dashboard. Recorded at submission; days at issue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reductions {
    pub materials_reused: u32,
    pub materials_deferred: u32,
    pub materials_committed: u32,
    /// Each reused licence or commitment is a trip not made to the office that
    /// issues the proof; each deferral a trip not made to bring back an application
    /// that would otherwise have been refused for it.
    pub trips_saved: u32,
}

pub fn reductions(provided: &[Provision]) -> Reductions {
    let count = |k: ProvisionKind| provided.iter().filter(|p| p.kind == k).count() as u32;
    let (reused, deferred, committed) = (count(ProvisionKind::Licence), count(ProvisionKind::Deferred), count(ProvisionKind::Committed));
    Reductions { materials_reused: reused, materials_deferred: deferred, materials_committed: committed, trips_saved: reused + deferred + committed }
}

/// Working days saved against the statutory limit (法定时限) by a case finished in
/// `used` working days; negative when it ran over.
pub fn days_saved(statutory_days: u32, used: u32) -> i64 {
    i64::from(statutory_days) - i64::from(used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::tests::sample_item;

    fn t(s: &str) -> Text {
        Text { zh: s.into(), en: s.into() }
    }

    fn material() -> Material {
        Material { code: "business_licence".into(), name: t("营业执照"), required: true, ..Material::default() }
    }

    fn held(service: &str, standing: Standing) -> HeldLicence {
        HeldLicence { number: format!("{service}-20260403-000001"), service_code: service.into(), name: t("营业执照"), standing }
    }

    #[test]
    fn only_current_licences_of_the_named_items_stand_in() {
        let m = Material { reusable_licences: vec!["MKT-0001".into()], ..material() };
        let mine = [held("MKT-0001", Standing::Current), held("MKT-0002", Standing::Current)];
        let o = options(&m, None, &mine);
        assert_eq!(o.licences, vec!["MKT-0001-20260403-000001".to_owned()]);
        assert!(check(&m, ProvisionKind::Licence, Some("MKT-0001-20260403-000001"), false, None, &mine).is_ok());
        assert_eq!(check(&m, ProvisionKind::Licence, Some("MKT-0002-20260403-000001"), false, None, &mine), Err(ProvisionRefusal::LicenceUnusable));
        let revoked = [held("MKT-0001", Standing::Revoked)];
        assert!(options(&m, None, &revoked).licence_possible);
        assert_eq!(check(&m, ProvisionKind::Licence, Some("MKT-0001-20260403-000001"), false, None, &revoked), Err(ProvisionRefusal::LicenceUnusable));
        assert_eq!(check(&material(), ProvisionKind::Licence, Some("x"), false, None, &mine), Err(ProvisionRefusal::NotOffered));
    }

    #[test]
    fn the_black_list_loses_commitments_and_the_red_list_gains_deferral() {
        let m = Material { commitment: Some(t("本人承诺……")), ..material() };
        assert!(options(&m, None, &[]).commit);
        let black = options(&m, Some(CreditList::Black), &[]);
        assert!(!black.commit && black.commit_barred && !black.defer);
        assert_eq!(check(&m, ProvisionKind::Committed, None, true, Some(CreditList::Black), &[]), Err(ProvisionRefusal::BlackListed));
        assert_eq!(check(&m, ProvisionKind::Committed, None, false, None, &[]), Err(ProvisionRefusal::NotAgreed));
        assert!(check(&m, ProvisionKind::Committed, None, true, None, &[]).is_ok());

        assert_eq!(check(&m, ProvisionKind::Deferred, None, true, None, &[]), Err(ProvisionRefusal::NotOffered));
        let red = options(&m, Some(CreditList::Red), &[]);
        assert!(red.defer && red.defer_by_red_list);
        assert!(check(&m, ProvisionKind::Deferred, None, true, Some(CreditList::Red), &[]).is_ok());
        // A key material is never deferred, red list or not; nor an optional one by the red list.
        let key = Material { key: true, ..m.clone() };
        assert!(!options(&key, Some(CreditList::Red), &[]).defer);
        let optional = Material { required: false, ..m };
        assert!(!options(&optional, Some(CreditList::Red), &[]).defer);
        let deferrable = Material { deferrable: true, ..material() };
        assert!(options(&deferrable, None, &[]).defer && !options(&deferrable, None, &[]).defer_by_red_list);
    }

    #[test]
    fn a_provided_material_is_not_missing() {
        let item = sample_item();
        assert_eq!(missing(&item, &[], &[]), vec!["id_card".to_owned()]);
        assert!(missing(&item, &["id_card"], &[]).is_empty());
        let p = Provision { material_code: "id_card".into(), kind: ProvisionKind::Committed, licence_number: None, commitment: None, due_on: None, arrived: false };
        assert!(missing(&item, &[], &[p]).is_empty());
    }

    #[test]
    fn deferrals_fall_due_in_working_days_and_are_reminded_and_flagged() {
        let calendar = WorkCalendar::from_toml_texts(&[]).unwrap();
        let d = |s: &str| Date::parse_iso(s).unwrap();
        // Friday 2026-03-06 + 3 working days = Wednesday 2026-03-11.
        let due = deferral_due(&calendar, d("2026-03-06"), 3);
        assert_eq!(due, d("2026-03-11"));
        assert!(!reminder_due(&calendar, due, d("2026-03-06")));
        assert!(reminder_due(&calendar, due, d("2026-03-09")));
        assert!(reminder_due(&calendar, due, due));
        assert!(!reminder_due(&calendar, due, d("2026-03-12")));
        let mut p = Provision { material_code: "m".into(), kind: ProvisionKind::Deferred, licence_number: None, commitment: None, due_on: Some(due), arrived: false };
        assert!(!p.is_overdue(due) && p.is_overdue(d("2026-03-12")));
        p.arrived = true;
        assert!(!p.is_outstanding() && !p.is_overdue(d("2026-03-12")));
    }

    #[test]
    fn reductions_count_every_way_a_material_was_spared() {
        let p = |kind| Provision { material_code: "m".into(), kind, licence_number: None, commitment: None, due_on: None, arrived: false };
        let r = reductions(&[p(ProvisionKind::Licence), p(ProvisionKind::Licence), p(ProvisionKind::Committed), p(ProvisionKind::Deferred)]);
        assert_eq!(r, Reductions { materials_reused: 2, materials_deferred: 1, materials_committed: 1, trips_saved: 4 });
        assert_eq!(days_saved(20, 3), 17);
        assert_eq!(days_saved(5, 7), -2);
        for k in ProvisionKind::ALL {
            assert_eq!(ProvisionKind::from_code(k.code()), Some(k));
        }
        for r in ProvisionRefusal::ALL {
            assert_eq!(ProvisionRefusal::from_code(r.code()), Some(r));
        }
    }
}
