//! Instant approval (秒批, 无人干预自动审批): rules as data, per item, decided at
//! submission. When every rule holds the case is accepted, approved and issued in
//! the same request; when one does not it is handled as usual, with the reasons
//! on its record. Beside an item's own rules some always apply: no applicant on
//! the credit black list, no material deferred, no fee still to pay.

use super::calendar::Date;
use super::catalog::ServiceItem;
use super::credit::CreditList;
use super::ids::ResidentId;
use super::provision::{Provision, ProvisionKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One rule of an item's `[instant_approval]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum InstantRule {
    /// Every required material comes from one of the applicant's verified e-licences.
    MaterialsReused,
    /// The person whose ID number is answered in `field` is at least `years` old.
    MinAge { field: String, years: u32 },
    /// … at most `years` old.
    MaxAge { field: String, years: u32 },
    /// The answer to `field` is one of `values` (a status condition).
    AnswerIn { field: String, values: Vec<String> },
    /// The whole-number answer to `field` is at least `value`.
    AtLeast { field: String, value: i64 },
}

/// An item's instant approval rules, from its catalog file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantApproval {
    pub rules: Vec<InstantRule>,
}

/// Why a case was not approved instantly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fallback {
    BlackListed,
    PaymentDue,
    /// A required material was uploaded (or committed), not taken from an e-licence.
    NotReused { material: String },
    Deferred { material: String },
    /// The answer in `field` is not a valid ID number.
    NoIdNumber { field: String },
    TooYoung { field: String, years: u32 },
    TooOld { field: String, years: u32 },
    AnswerNotAllowed { field: String },
}

/// What the rules look at.
pub struct Application<'a> {
    pub item: &'a ServiceItem,
    pub answers: &'a BTreeMap<String, String>,
    pub provisions: &'a [Provision],
    pub credit: Option<CreditList>,
    pub payment_due: bool,
    pub today: Date,
}

/// Age in whole years on `today` of someone born on `born`.
pub fn age_on(born: Date, today: Date) -> u32 {
    let mut years = today.year() - born.year();
    if (today.month(), today.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Decides instant approval: `Ok` when every rule holds, else every reason it does not.
pub fn decide(spec: &InstantApproval, a: &Application) -> Result<(), Vec<Fallback>> {
    let mut why = Vec::new();
    if a.credit == Some(CreditList::Black) {
        why.push(Fallback::BlackListed);
    }
    if a.payment_due {
        why.push(Fallback::PaymentDue);
    }
    for p in a.provisions.iter().filter(|p| p.kind == ProvisionKind::Deferred) {
        why.push(Fallback::Deferred { material: p.material_code.clone() });
    }
    for rule in &spec.rules {
        match rule {
            InstantRule::MaterialsReused => {
                for m in a.item.materials.iter().filter(|m| m.required) {
                    let reused = a.provisions.iter().any(|p| p.material_code == m.code && p.kind == ProvisionKind::Licence);
                    let deferred = a.provisions.iter().any(|p| p.material_code == m.code && p.kind == ProvisionKind::Deferred);
                    if !reused && !deferred {
                        why.push(Fallback::NotReused { material: m.code.clone() });
                    }
                }
            }
            InstantRule::MinAge { field, years } | InstantRule::MaxAge { field, years } => {
                match a.answers.get(field).and_then(|v| ResidentId::parse(v).ok()) {
                    None => why.push(Fallback::NoIdNumber { field: field.clone() }),
                    Some(id) => {
                        let age = age_on(id.birth_date(), a.today);
                        match rule {
                            InstantRule::MinAge { .. } if age < *years => why.push(Fallback::TooYoung { field: field.clone(), years: *years }),
                            InstantRule::MaxAge { .. } if age > *years => why.push(Fallback::TooOld { field: field.clone(), years: *years }),
                            _ => {}
                        }
                    }
                }
            }
            InstantRule::AnswerIn { field, values } => {
                if !a.answers.get(field).is_some_and(|v| values.contains(v)) {
                    why.push(Fallback::AnswerNotAllowed { field: field.clone() });
                }
            }
            InstantRule::AtLeast { field, value } => {
                if !a.answers.get(field).and_then(|v| v.parse::<i64>().ok()).is_some_and(|n| n >= *value) {
                    why.push(Fallback::AnswerNotAllowed { field: field.clone() });
                }
            }
        }
    }
    if why.is_empty() { Ok(()) } else { Err(why) }
}

/// The fields a rule names must be on the form (checked with the catalog).
pub fn fields_named(spec: &InstantApproval) -> impl Iterator<Item = &str> {
    spec.rules.iter().filter_map(|r| match r {
        InstantRule::MaterialsReused => None,
        InstantRule::MinAge { field, .. } | InstantRule::MaxAge { field, .. } | InstantRule::AnswerIn { field, .. } | InstantRule::AtLeast { field, .. } => {
            Some(field.as_str())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::tests::sample_item;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn reused(code: &str) -> Provision {
        Provision { material_code: code.into(), kind: ProvisionKind::Licence, licence_number: Some("MKT-0002-20260403-000001".into()), commitment: None, due_on: None, arrived: false }
    }

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn ages_count_whole_years_to_the_birthday() {
        assert_eq!(age_on(d("1949-12-31"), d("2029-12-30")), 79);
        assert_eq!(age_on(d("1949-12-31"), d("2029-12-31")), 80);
        assert_eq!(age_on(d("2030-01-01"), d("2029-12-31")), 0);
    }

    #[test]
    fn every_rule_kind_passes_or_says_why_not() {
        let item = sample_item();
        let spec = InstantApproval {
            rules: vec![
                InstantRule::MaterialsReused,
                InstantRule::MinAge { field: "id_number".into(), years: 18 },
                InstantRule::MaxAge { field: "id_number".into(), years: 100 },
                InstantRule::AnswerIn { field: "status".into(), values: vec!["retired".into()] },
                InstantRule::AtLeast { field: "count".into(), value: 1 },
            ],
        };
        let good = answers(&[("id_number", "11010519491231002X"), ("status", "retired"), ("count", "3")]);
        let provisions = [reused("id_card")];
        let app = Application { item: &item, answers: &good, provisions: &provisions, credit: None, payment_due: false, today: d("2026-12-03") };
        assert_eq!(decide(&spec, &app), Ok(()));

        let young = answers(&[("id_number", "110101201501010011"), ("status", "working"), ("count", "0")]);
        let uploaded: [Provision; 0] = [];
        let app = Application { answers: &young, provisions: &uploaded, credit: Some(CreditList::Black), payment_due: true, ..app };
        assert_eq!(
            decide(&spec, &app),
            Err(vec![
                Fallback::BlackListed,
                Fallback::PaymentDue,
                Fallback::NotReused { material: "id_card".into() },
                Fallback::TooYoung { field: "id_number".into(), years: 18 },
                Fallback::AnswerNotAllowed { field: "status".into() },
                Fallback::AnswerNotAllowed { field: "count".into() },
            ])
        );
        let old = InstantApproval { rules: vec![InstantRule::MaxAge { field: "id_number".into(), years: 70 }] };
        let app = Application { answers: &good, credit: None, payment_due: false, ..app };
        assert_eq!(decide(&old, &app), Err(vec![Fallback::TooOld { field: "id_number".into(), years: 70 }]));
        let none = answers(&[("id_number", "not an id")]);
        let app = Application { answers: &none, ..app };
        assert_eq!(decide(&old, &app), Err(vec![Fallback::NoIdNumber { field: "id_number".into() }]));
        // A deferred material (容缺) always waits for a person.
        let deferred = [Provision { kind: ProvisionKind::Deferred, licence_number: None, ..reused("id_card") }];
        let app = Application { answers: &good, provisions: &deferred, ..app };
        assert_eq!(decide(&InstantApproval::default(), &app), Err(vec![Fallback::Deferred { material: "id_card".into() }]));
    }

    #[test]
    fn rules_read_from_the_catalog_format() {
        let spec: InstantApproval = toml::from_str(
            r#"rules = [{ kind = "materials_reused" }, { kind = "at_least", field = "employee_count", value = 1 }]"#,
        )
        .unwrap();
        assert_eq!(spec.rules[1], InstantRule::AtLeast { field: "employee_count".into(), value: 1 });
        assert_eq!(fields_named(&spec).collect::<Vec<_>>(), vec!["employee_count"]);
        assert!(toml::from_str::<InstantApproval>(r#"rules = [{ kind = "guess" }]"#).is_err());
    }
}
