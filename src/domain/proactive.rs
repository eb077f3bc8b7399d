//! Proactive service (主动办): rules as data over what a signed-in citizen already
//! holds offer the next service before it is asked for. A business licence issued
//! → the tax and social insurance registrations a new business needs next; a
//! birth registered → what a newborn needs. Each offer is made once per rule and
//! the case that set it off, shown in "me" and sent as one message.

use super::case::CaseStatus;
use super::text::Text;
use serde::{Deserialize, Serialize};

/// One rule of `catalog/proactive.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProactiveRule {
    /// Stable key (lowercase, digits, `_`): an offer is made once per rule and case.
    pub code: String,
    /// A case of one of these items issued to the citizen sets the offer off.
    pub after_issued: Vec<String>,
    /// The items offered, in the order they are best done.
    pub offer: Vec<String>,
    /// Why they are offered, as the citizen reads it in "me" and in the message.
    pub message: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProactiveFile {
    rules: Vec<ProactiveRule>,
}

/// Parses `proactive.toml` and checks it against the catalog's item codes.
pub fn parse_proactive_file(text: &str, item_codes: &[&str]) -> Result<Vec<ProactiveRule>, String> {
    let rules = toml::from_str::<ProactiveFile>(text).map_err(|e| e.to_string())?.rules;
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rules.iter().enumerate() {
        let at = format!("rules[{i}]");
        if r.code.is_empty() || !r.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') || !seen.insert(r.code.as_str()) {
            problems.push(format!("{at}.code: must be a lowercase key, used once"));
        }
        if r.after_issued.is_empty() || r.offer.is_empty() {
            problems.push(format!("{at}: needs items in after_issued and in offer"));
        }
        for code in r.after_issued.iter().chain(&r.offer) {
            if !item_codes.contains(&code.as_str()) {
                problems.push(format!("{at}: `{code}` is not an item of the catalog"));
            }
        }
        if r.message.zh.trim().is_empty() {
            problems.push(format!("{at}.message.zh: must not be empty"));
        }
    }
    if problems.is_empty() { Ok(rules) } else { Err(problems.join("; ")) }
}

/// A case the citizen holds, as the rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldCase {
    pub id: i64,
    pub service_code: String,
    pub status: CaseStatus,
}

/// Whether a case means the citizen has this item in hand or under way: anything
/// but a refusal, a rejection or a revoked result.
fn pursued(status: CaseStatus) -> bool {
    !matches!(status, CaseStatus::Refused | CaseStatus::Rejected | CaseStatus::Revoked)
}

/// An offer a rule makes on one of the citizen's cases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub rule: String,
    pub trigger_case: i64,
    /// The items offered that the citizen has not applied for; empty when they
    /// have every one already (the rule has nothing left to offer).
    pub items: Vec<String>,
}

/// What `rule` offers on `trigger` (an issued case of one of its items): the
/// offered items the citizen's cases do not already pursue. None when the case
/// does not set the rule off.
pub fn offer_on(rule: &ProactiveRule, trigger: &HeldCase, held: &[HeldCase]) -> Option<Offer> {
    if trigger.status != CaseStatus::Issued || !rule.after_issued.contains(&trigger.service_code) {
        return None;
    }
    let items = rule.offer.iter().filter(|code| !held.iter().any(|c| &c.service_code == *code && pursued(c.status))).cloned().collect();
    Some(Offer { rule: rule.code.clone(), trigger_case: trigger.id, items })
}

/// Of offers made earlier (`items` as offered), what is still worth showing: the
/// items the citizen has not applied for since.
pub fn still_open(offered: &[String], held: &[HeldCase]) -> Vec<String> {
    offered.iter().filter(|code| !held.iter().any(|c| &c.service_code == *code && pursued(c.status))).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> ProactiveRule {
        ProactiveRule {
            code: "business_opened".into(),
            after_issued: vec!["MKT-0001".into(), "MKT-0002".into()],
            offer: vec!["TAX-0001".into(), "HRS-0003".into()],
            message: Text { zh: "营业执照已办好".into(), en: "Your business licence is ready".into() },
        }
    }

    fn case(id: i64, code: &str, status: CaseStatus) -> HeldCase {
        HeldCase { id, service_code: code.into(), status }
    }

    #[test]
    fn an_issued_licence_offers_what_is_not_yet_applied_for() {
        let licence = case(1, "MKT-0002", CaseStatus::Issued);
        let held = vec![licence.clone(), case(2, "HRS-0003", CaseStatus::Submitted), case(3, "TAX-0001", CaseStatus::Refused)];
        // Social insurance is under way; a refused tax registration is offered again.
        assert_eq!(offer_on(&rule(), &licence, &held), Some(Offer { rule: "business_opened".into(), trigger_case: 1, items: vec!["TAX-0001".into()] }));
        assert_eq!(offer_on(&rule(), &case(1, "MKT-0002", CaseStatus::Approved), &held), None, "not before it is issued");
        assert_eq!(offer_on(&rule(), &case(4, "HLT-0001", CaseStatus::Issued), &held), None, "not another item");
        let all_done = vec![licence.clone(), case(2, "HRS-0003", CaseStatus::Issued), case(3, "TAX-0001", CaseStatus::Accepted)];
        assert_eq!(offer_on(&rule(), &licence, &all_done).map(|o| o.items), Some(vec![]));
        assert_eq!(still_open(&["TAX-0001".into(), "HRS-0003".into()], &held), vec!["TAX-0001".to_owned()]);
    }

    #[test]
    fn the_rules_file_names_only_items_of_the_catalog() {
        let text = r#"
[[rules]]
code = "business_opened"
after_issued = ["MKT-0001"]
offer = ["TAX-0001"]
message = { zh = "营业执照已办好", en = "Ready" }
"#;
        assert_eq!(parse_proactive_file(text, &["MKT-0001", "TAX-0001"]).map(|r| r.len()), Ok(1));
        let problem = parse_proactive_file(text, &["MKT-0001"]).unwrap_err();
        assert!(problem.contains("`TAX-0001` is not an item"), "{problem}");
        assert!(parse_proactive_file(&text.replace("business_opened", "Bad Code"), &["MKT-0001", "TAX-0001"]).is_err());
    }
}
