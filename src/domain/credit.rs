//! Credit lists (信用红黑名单): persons by resident ID number, enterprises by unified
//! social credit code, on the red list (trustworthy: the fast lane) or the black
//! list (serious dishonesty: no commitments or instant approval, and the clerk is
//! warned). The lists are data (`catalog/credit.toml` seeds them; administrators
//! change entries, each change audited); an application is checked against them
//! at submission by the ID numbers and credit codes in its answers.

use super::calendar::Date;
use super::form::{FieldKind, FormDefinition};
use super::ids::{CreditCode, ResidentId};
use super::text::{FreeTextError, Text, required_free_text};
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

/// The longest reason for a listing, in each language, in characters.
pub const CREDIT_REASON_MAX_CHARS: usize = 200;

/// Why an entry was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreditEntryError {
    /// Neither a resident ID number nor a unified social credit code.
    Subject { id: String },
    Since { id: String, since: String },
    /// A reason for the listing missing in a language, too long, or holding a
    /// control character.
    Reason { id: String, problem: FreeTextError },
}

impl std::fmt::Display for CreditEntryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CreditEntryError::Subject { id } => write!(f, "`{id}` is neither a resident ID number nor a unified social credit code"),
            CreditEntryError::Since { id, since } => write!(f, "{id}: since `{since}` is not a date (YYYY-MM-DD)"),
            CreditEntryError::Reason { id, problem: FreeTextError::Missing } => write!(f, "{id}: the reason needs zh and en"),
            CreditEntryError::Reason { id, problem: FreeTextError::TooLong { max } } => write!(f, "{id}: a reason is longer than {max} characters"),
            CreditEntryError::Reason { id, problem: FreeTextError::ControlCharacter } => write!(f, "{id}: a reason holds a control character"),
        }
    }
}

impl CreditEntry {
    /// Checks one entry: an ID number or credit code that parses, a date, and the
    /// reason in both languages as free text (kept trimmed).
    pub fn check(e: &CreditEntryFile) -> Result<CreditEntry, CreditEntryError> {
        let subject = CreditSubject::parse(&e.id).ok_or_else(|| CreditEntryError::Subject { id: e.id.clone() })?;
        let since = Date::parse_iso(&e.since).ok_or_else(|| CreditEntryError::Since { id: e.id.clone(), since: e.since.clone() })?;
        let reason = |raw: &str| required_free_text(raw, CREDIT_REASON_MAX_CHARS).map(str::to_owned).map_err(|problem| CreditEntryError::Reason { id: e.id.clone(), problem });
        let reason = Text { zh: reason(&e.reason.zh)?, en: reason(&e.reason.en)? };
        Ok(CreditEntry { subject, list: e.list, reason, since })
    }
}

/// Reads `catalog/credit.toml`.
pub fn parse_credit_file(text: &str) -> Result<Vec<CreditEntry>, String> {
    let file: CreditFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut seen = std::collections::BTreeSet::new();
    file.entries
        .iter()
        .map(|e| {
            let entry = CreditEntry::check(e).map_err(|e| e.to_string())?;
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
    fn the_reason_for_a_listing_is_free_text_in_both_languages() {
        let entry = |zh: &str, en: &str| CreditEntryFile { id: "11010519491231002X".into(), list: CreditList::Red, reason: Text { zh: zh.into(), en: en.into() }, since: "2026-01-01".into() };
        let checked = CreditEntry::check(&entry("  守信 <b>&amp;</b>  ", "Kept\tfaith")).unwrap();
        assert_eq!(checked.reason, Text { zh: "守信 <b>&amp;</b>".into(), en: "Kept\tfaith".into() });
        let problem = |zh: &str, en: &str| match CreditEntry::check(&entry(zh, en)) {
            Err(CreditEntryError::Reason { problem, .. }) => Some(problem),
            _ => None,
        };
        assert_eq!(problem("守信", " "), Some(FreeTextError::Missing));
        assert_eq!(problem("守\u{0}信", "x"), Some(FreeTextError::ControlCharacter));
        assert_eq!(problem("x", "\u{1b}[31m"), Some(FreeTextError::ControlCharacter));
        assert_eq!(problem(&"信".repeat(CREDIT_REASON_MAX_CHARS + 1), "x"), Some(FreeTextError::TooLong { max: CREDIT_REASON_MAX_CHARS }));
        assert_eq!(problem(&"信".repeat(CREDIT_REASON_MAX_CHARS), "x"), None);
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
