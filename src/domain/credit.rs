//! Credit lists (信用红黑名单): persons by resident ID number, enterprises by unified
//! social credit code, on the red list (trustworthy: the fast lane) or the black
//! list (serious dishonesty: no commitments or instant approval, and the clerk is
//! warned). The lists are data (`catalog/credit.toml` seeds them; administrators
//! change entries, each change audited); an application is checked against them
//! at submission by the ID numbers and credit codes in its answers.

use super::calendar::Date;
use super::form::{FieldKind, FormDefinition};
use super::ids::{CreditCode, ResidentId};
use super::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditList {
    Red,
    Black,
}

impl CreditList {
    pub fn code(self) -> &'static str {
        match self {
            CreditList::Red => "red",
            CreditList::Black => "black",
        }
    }

    pub fn from_code(code: &str) -> Option<CreditList> {
        [CreditList::Red, CreditList::Black].into_iter().find(|l| l.code() == code)
    }
}

/// Who an entry is about: its key is the ID number or credit code as parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSubject {
    Person(ResidentId),
    Enterprise(CreditCode),
}

impl CreditSubject {
    /// Reads an ID number or a credit code, whichever `id` is.
    pub fn parse(id: &str) -> Option<CreditSubject> {
        ResidentId::parse(id).map(CreditSubject::Person).ok().or_else(|| CreditCode::parse(id).map(CreditSubject::Enterprise).ok())
    }

    pub fn key(&self) -> &str {
        match self {
            CreditSubject::Person(p) => p.as_str(),
            CreditSubject::Enterprise(e) => e.as_str(),
        }
    }
}

/// One entry of a list, as the catalog file gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditEntryFile {
    pub id: String,
    pub list: CreditList,
    pub reason: Text,
    pub since: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditFile {
    #[serde(default)]
    entries: Vec<CreditEntryFile>,
}

/// A checked entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditEntry {
    pub subject: CreditSubject,
    pub list: CreditList,
    pub reason: Text,
    pub since: Date,
}

impl CreditEntry {
    /// Checks one entry: an ID number or credit code that parses, a date.
    pub fn check(e: &CreditEntryFile) -> Result<CreditEntry, String> {
        let subject = CreditSubject::parse(&e.id).ok_or_else(|| format!("`{}` is neither a resident ID number nor a unified social credit code", e.id))?;
        let since = Date::parse_iso(&e.since).ok_or_else(|| format!("{}: since `{}` is not a date (YYYY-MM-DD)", e.id, e.since))?;
        if e.reason.zh.trim().is_empty() || e.reason.en.trim().is_empty() {
            return Err(format!("{}: the reason needs zh and en", e.id));
        }
        Ok(CreditEntry { subject, list: e.list, reason: e.reason.clone(), since })
    }
}

/// Reads `catalog/credit.toml`.
pub fn parse_credit_file(text: &str) -> Result<Vec<CreditEntry>, String> {
    let file: CreditFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut seen = std::collections::BTreeSet::new();
    file.entries
        .iter()
        .map(|e| {
            let entry = CreditEntry::check(e)?;
            if !seen.insert(entry.subject.key().to_owned()) {
                return Err(format!("{} is listed twice", entry.subject.key()));
            }
            Ok(entry)
        })
        .collect()
}

/// The keys an application's answers could be listed under: every resident ID
/// number and credit code answered, as parsed.
pub fn subjects_of(form: &FormDefinition, answers: &BTreeMap<String, String>) -> Vec<String> {
    form.fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::ResidentId | FieldKind::CreditCode))
        .filter_map(|f| answers.get(&f.name))
        .filter_map(|v| CreditSubject::parse(v).map(|s| s.key().to_owned()))
        .collect()
}

/// The standing of an application whose subjects are on these lists: the black
/// list wins over the red (one dishonest party is enough for the warning).
pub fn standing<'a>(entries: impl IntoIterator<Item = &'a CreditEntry>) -> Option<&'a CreditEntry> {
    entries.into_iter().max_by_key(|e| e.list)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[entries]]
id = "11010519491231002X"
list = "black"
reason = { zh = "拒不履行法院判决", en = "Refused to comply with a court judgment" }
since = "2025-06-01"

[[entries]]
id = "91350100M000100Y43"
list = "red"
reason = { zh = "A级纳税人", en = "Class A taxpayer" }
since = "2025-01-01"
"#;

    #[test]
    fn the_file_lists_persons_and_enterprises_by_their_checked_numbers() {
        let entries = parse_credit_file(FILE).unwrap();
        assert_eq!(entries.len(), 2);
        assert!(matches!(entries[0].subject, CreditSubject::Person(_)));
        assert!(matches!(entries[1].subject, CreditSubject::Enterprise(_)));
        assert!(parse_credit_file(&FILE.replace("11010519491231002X", "110105194912310021")).unwrap_err().contains("neither"));
        assert!(parse_credit_file(&FILE.replace("91350100M000100Y43", "11010519491231002X")).unwrap_err().contains("twice"));
        assert!(parse_credit_file(&FILE.replace("2025-06-01", "June")).is_err());
    }

    #[test]
    fn an_application_is_found_by_any_id_or_code_it_answers_and_black_wins() {
        let entries = parse_credit_file(FILE).unwrap();
        assert_eq!(standing(&entries).map(|e| e.list), Some(CreditList::Black));
        assert_eq!(standing(&entries[1..]).map(|e| e.list), Some(CreditList::Red));
        assert_eq!(standing(&[]), None);
        assert_eq!(CreditSubject::parse("11010519491231002x").map(|s| s.key().to_owned()), Some("11010519491231002X".into()));
    }
}
