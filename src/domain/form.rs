//! Application forms: each service item defines its fields as data; one function
//! validates an answer, called as the citizen types (WASM) and again on the server.

use super::calendar::Date;
use super::ids::{CreditCode, CreditCodeError, MobilePhone, MobilePhoneError, ResidentId, ResidentIdError};
use super::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field names every form must have: the lookup and notifications need them.
pub const APPLICANT_NAME: &str = "applicant_name";
pub const APPLICANT_PHONE: &str = "applicant_phone";

/// The kinds of input a form field may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    ResidentId,
    CreditCode,
    Mobile,
    Date,
    Integer,
    Select,
    /// A repeating group ("add another" household member, shareholder): its own
    /// answer is the number of entries, between `min` and `max`; each entry answers
    /// the group's `fields` under the keys `{group}.{n}.{field}` (n from 1).
    Group,
}

/// One choice of a select field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOption {
    pub value: String,
    pub label: Text,
}

/// Which dates a date field accepts, relative to the day the form is filled in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRange {
    #[default]
    Any,
    /// Today or earlier (a birth date, a date something happened).
    PastOrToday,
    /// Today or later (a requested start date).
    TodayOrFuture,
}

/// One field of an application form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDefinition {
    /// Stable key of the answer: lowercase letters, digits and `_`.
    pub name: String,
    pub label: Text,
    #[serde(default)]
    pub hint: Option<Text>,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub date_range: DateRange,
    #[serde(default)]
    pub options: Vec<FieldOption>,
    /// Asked only when an earlier answer makes it relevant.
    #[serde(default)]
    pub show_when: Option<Condition>,
    /// The fields of each entry of a group.
    #[serde(default)]
    pub fields: Vec<FieldDefinition>,
}

/// When a question applies: an earlier answer is one of the listed values. In a
/// group entry the field is looked for in the same entry first, then in the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    #[serde(rename = "is")]
    pub any_of: Vec<String>,
}

/// A rule over two answers, checked once each answer is right on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// `field` is a date later than the date `other`.
    After,
    /// `field` is a date on or after the date `other`.
    NotBefore,
    /// `field` is the birth date that the ID number `other` holds.
    BirthDateOf,
}

/// A cross-field rule; its message is the item's own, as specific as the rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormRule {
    pub kind: RuleKind,
    /// The answer the message is shown at.
    pub field: String,
    pub other: String,
    pub message: Text,
}

/// An application form: its fields in the order they are asked, and the rules
/// between them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    pub fields: Vec<FieldDefinition>,
    #[serde(default)]
    pub rules: Vec<FormRule>,
}

/// The most entries a group takes, whatever its definition says: bounds the form
/// the server renders and the answers it keeps.
pub const MAX_ENTRIES: usize = 20;

/// The longest answer any free-text field takes unless its definition says less;
/// guards the database and the clerk's screen against pasted novels.
pub const DEFAULT_MAX_LENGTH: u32 = 200;
pub const LONG_TEXT_MAX_LENGTH: u32 = 2000;

/// Why an answer was not accepted. Each variant has a message in every language
/// (`errors.<code>` in the i18n files).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldError {
    Required,
    TooShort { min: u32 },
    TooLong { max: u32 },
    ResidentId(ResidentIdError),
    /// A structurally valid ID number whose birth date is after today.
    BirthDateInFuture,
    CreditCode(CreditCodeError),
    Mobile(MobilePhoneError),
    Date,
    DateInFuture,
    DateInPast,
    Integer,
    TooSmall { min: i64 },
    TooLarge { max: i64 },
    NotAnOption,
    /// Free text holding an invisible control character (NUL and its kin, pasted or
    /// forged, never typed): PostgreSQL cannot store NUL, and no reader can see them.
    ControlCharacter,
    /// The form's cross-field rule at this index does not hold; its message is the rule's.
    Rule { index: u8 },
}

impl FieldError {
    /// The stable message code: the i18n key under `errors.`.
    pub fn code(&self) -> &'static str {
        match self {
            FieldError::Required => "required",
            FieldError::TooShort { .. } => "too_short",
            FieldError::TooLong { .. } => "too_long",
            FieldError::ResidentId(ResidentIdError::Length) => "id_length",
            FieldError::ResidentId(ResidentIdError::Character) => "id_character",
            FieldError::ResidentId(ResidentIdError::Region) => "id_region",
            FieldError::ResidentId(ResidentIdError::BirthDate) => "id_birth_date",
            FieldError::ResidentId(ResidentIdError::CheckCharacter) => "id_check",
            FieldError::BirthDateInFuture => "id_birth_future",
            FieldError::CreditCode(CreditCodeError::Length) => "credit_length",
            FieldError::CreditCode(CreditCodeError::Character) => "credit_character",
            FieldError::CreditCode(CreditCodeError::Authority) => "credit_authority",
            FieldError::CreditCode(CreditCodeError::Region) => "credit_region",
            FieldError::CreditCode(CreditCodeError::CheckCharacter) => "credit_check",
            FieldError::Mobile(MobilePhoneError::Length) => "mobile_length",
            FieldError::Mobile(MobilePhoneError::Character) => "mobile_character",
            FieldError::Mobile(MobilePhoneError::Prefix) => "mobile_prefix",
            FieldError::Date => "date",
            FieldError::DateInFuture => "date_future",
            FieldError::DateInPast => "date_past",
            FieldError::Integer => "integer",
            FieldError::TooSmall { .. } => "too_small",
            FieldError::TooLarge { .. } => "too_large",
            FieldError::NotAnOption => "not_an_option",
            FieldError::ControlCharacter => "control_character",
            FieldError::Rule { .. } => "rule",
        }
    }

    /// Values for the `{name}` placeholders of the message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match *self {
            FieldError::TooShort { min } => vec![("min", min.to_string())],
            FieldError::TooLong { max } => vec![("max", max.to_string())],
            FieldError::TooSmall { min } => vec![("min", min.to_string())],
            FieldError::TooLarge { max } => vec![("max", max.to_string())],
            _ => vec![],
        }
    }

    /// Every message code with an i18n message, so a page can hand the browser the
    /// messages it may need (a rule's message is in the catalog, `FormRule::message`).
    pub const CODES: [&'static str; 25] = [
        "required", "too_short", "too_long", "id_length", "id_character", "id_region", "id_birth_date", "id_check",
        "id_birth_future", "credit_length", "credit_character", "credit_authority", "credit_region", "credit_check",
        "mobile_length", "mobile_character", "mobile_prefix", "date", "date_future", "date_past", "integer",
        "too_small", "too_large", "not_an_option", "control_character",
    ];
}

/// Checks one answer against its field. Returns the normalised answer to store
/// (`None` for an optional field left empty).
pub fn validate_field(field: &FieldDefinition, raw: &str, today: Date) -> Result<Option<String>, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return if field.required { Err(FieldError::Required) } else { Ok(None) };
    }
    let value = match field.kind {
        FieldKind::Text | FieldKind::LongText => {
            let default_max = if field.kind == FieldKind::LongText { LONG_TEXT_MAX_LENGTH } else { DEFAULT_MAX_LENGTH };
            let max = field.max_length.unwrap_or(default_max).min(default_max);
            if !trimmed.chars().all(crate::domain::text::allowed_in_free_text) {
                return Err(FieldError::ControlCharacter);
            }
            // Counted in characters, as a citizen counts 汉字.
            let len = trimmed.chars().count() as u32;
            if let Some(min) = field.min_length.filter(|&m| len < m) {
                return Err(FieldError::TooShort { min });
            }
            if len > max {
                return Err(FieldError::TooLong { max });
            }
            trimmed.to_owned()
        }
        FieldKind::ResidentId => {
            let id = ResidentId::parse(trimmed).map_err(FieldError::ResidentId)?;
            if id.birth_date() > today {
                return Err(FieldError::BirthDateInFuture);
            }
            id.as_str().to_owned()
        }
        FieldKind::CreditCode => CreditCode::parse(trimmed).map_err(FieldError::CreditCode)?.as_str().to_owned(),
        FieldKind::Mobile => MobilePhone::parse(trimmed).map_err(FieldError::Mobile)?.as_str().to_owned(),
        FieldKind::Date => {
            let date = Date::parse_iso(trimmed).ok_or(FieldError::Date)?;
            match field.date_range {
                DateRange::PastOrToday if date > today => return Err(FieldError::DateInFuture),
                DateRange::TodayOrFuture if date < today => return Err(FieldError::DateInPast),
                _ => {}
            }
            date.to_string()
        }
        FieldKind::Integer => {
            let folded = super::text::fold_to_ascii_compact(trimmed);
            let n: i64 = folded.parse().map_err(|_| FieldError::Integer)?;
            if let Some(min) = field.min.filter(|&m| n < m) {
                return Err(FieldError::TooSmall { min });
            }
            if let Some(max) = field.max.filter(|&m| n > m) {
                return Err(FieldError::TooLarge { max });
            }
            n.to_string()
        }
        FieldKind::Select => {
            if !field.options.iter().any(|o| o.value == trimmed) {
                return Err(FieldError::NotAnOption);
            }
            trimmed.to_owned()
        }
        // The entry count is not typed: `entry_count` reads and bounds it.
        FieldKind::Group => field.entry_count(Some(trimmed)).to_string(),
    };
    Ok(Some(value))
}

impl FieldDefinition {
    /// An answer as people read it: a select shows its option's label, not its code.
    pub fn display_value(&self, raw: &str, lang: super::text::Lang) -> String {
        match self.kind {
            FieldKind::Select => self.options.iter().find(|o| o.value == raw).map_or_else(|| raw.to_owned(), |o| o.label.get(lang).to_owned()),
            _ => raw.to_owned(),
        }
    }
}

/// Answers as typed, by field name.
pub type RawAnswers = BTreeMap<String, String>;

/// Answers that passed every rule, normalised, by field name. Only fields of the form
/// are kept: anything else the browser sent is dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers(pub BTreeMap<String, String>);

impl Answers {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// The problems of a whole form, in the order the fields are asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, FieldError)>);

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, name: &str) -> Option<FieldError> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, e)| *e)
    }
}

impl FieldDefinition {
    /// A group's bounds on its entries: at least one when required, never more than
    /// `MAX_ENTRIES`.
    pub fn entry_bounds(&self) -> (usize, usize) {
        let floor = if self.required { 1 } else { 0 };
        let min = self.min.map_or(floor, |m| m.clamp(0, MAX_ENTRIES as i64) as usize).max(floor);
        let max = self.max.map_or(MAX_ENTRIES, |m| m.clamp(0, MAX_ENTRIES as i64) as usize).max(min);
        (min, max)
    }

    /// How many entries a group holds, given its saved count (bounded; the minimum
    /// when none was saved or it is not a number).
    pub fn entry_count(&self, saved: Option<&str>) -> usize {
        let (min, max) = self.entry_bounds();
        saved.and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(min).clamp(min, max)
    }
}

/// The key of a group entry's answer.
pub fn entry_key(group: &str, n: usize, field: &str) -> String {
    format!("{group}.{n}.{field}")
}

/// The top-level question an answer key belongs to (`members.2.name` → `members`).
pub fn question_of(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// One answer a form may ask for: a top-level field (a group's own slot holds its
/// entry count) or a field of one entry of a group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slot<'a> {
    pub field: &'a FieldDefinition,
    /// The group and the entry's number (from 1) of an entry's field.
    pub entry: Option<(&'a FieldDefinition, usize)>,
}

impl Slot<'_> {
    pub fn key(&self) -> String {
        match self.entry {
            Some((group, n)) => entry_key(&group.name, n, &self.field.name),
            None => self.field.name.clone(),
        }
    }
}

/// Every answer the form could ask for, each group with its most entries: what the
/// server keeps of a draft and what a page may render.
pub fn all_slots(form: &FormDefinition) -> Vec<Slot<'_>> {
    let mut slots = Vec::new();
    for f in &form.fields {
        slots.push(Slot { field: f, entry: None });
        if f.kind == FieldKind::Group {
            for n in 1..=f.entry_bounds().1 {
                slots.extend(f.fields.iter().map(|sub| Slot { field: sub, entry: Some((f, n)) }));
            }
        }
    }
    slots
}

/// The answers the form asks for given the answers so far, in the order they are
/// asked: questions whose condition holds, each group with its entries. A question
/// hidden by its condition hides the questions that depend on it too.
pub fn shown_slots<'a>(form: &'a FormDefinition, raw: &RawAnswers) -> Vec<Slot<'a>> {
    let mut slots = Vec::new();
    // The answers of the questions shown so far: conditions look only at these.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let holds = |c: &Option<Condition>, key: &str, seen: &BTreeMap<String, String>| match c {
        None => true,
        Some(c) => seen.get(key).is_some_and(|v| c.any_of.iter().any(|a| a == v.trim())),
    };
    for f in &form.fields {
        let cond_key = f.show_when.as_ref().map(|c| c.field.clone()).unwrap_or_default();
        if !holds(&f.show_when, &cond_key, &seen) {
            continue;
        }
        slots.push(Slot { field: f, entry: None });
        if f.kind != FieldKind::Group {
            seen.insert(f.name.clone(), raw.get(&f.name).cloned().unwrap_or_default());
            continue;
        }
        let count = f.entry_count(raw.get(&f.name).map(String::as_str));
        seen.insert(f.name.clone(), count.to_string());
        for n in 1..=count {
            for sub in &f.fields {
                let cond_key = match &sub.show_when {
                    Some(c) if f.fields.iter().any(|x| x.name == c.field) => entry_key(&f.name, n, &c.field),
                    Some(c) => c.field.clone(),
                    None => String::new(),
                };
                if !holds(&sub.show_when, &cond_key, &seen) {
                    continue;
                }
                let key = entry_key(&f.name, n, &sub.name);
                seen.insert(key.clone(), raw.get(&key).cloned().unwrap_or_default());
                slots.push(Slot { field: sub, entry: Some((f, n)) });
            }
        }
    }
    slots
}

/// Validates every answer the form asks for, then the rules between them. Answers
/// to questions not asked (their condition does not hold, an entry removed) and
/// anything else the browser sent are dropped.
pub fn validate_answers(form: &FormDefinition, raw: &RawAnswers, today: Date) -> Result<Answers, FieldErrors> {
    let shown = shown_slots(form, raw);
    let mut answers = BTreeMap::new();
    let mut errors = Vec::new();
    for slot in &shown {
        let key = slot.key();
        let typed = raw.get(&key).map(String::as_str).unwrap_or("");
        let judged = if slot.field.kind == FieldKind::Group { Ok(Some(slot.field.entry_count(Some(typed)).to_string())) } else { validate_field(slot.field, typed, today) };
        match judged {
            Ok(Some(value)) => {
                answers.insert(key, value);
            }
            Ok(None) => {}
            Err(e) => errors.push((key, e)),
        }
    }
    for (index, rule) in form.rules.iter().enumerate() {
        let (Some(a), Some(b)) = (answers.get(&rule.field), answers.get(&rule.other)) else { continue };
        if !rule_holds(rule.kind, a, b) {
            errors.push((rule.field.clone(), FieldError::Rule { index: index.min(u8::MAX as usize) as u8 }));
        }
    }
    if errors.is_empty() {
        return Ok(Answers(answers));
    }
    // In the order the questions are asked, whatever found the problem.
    let order: Vec<String> = shown.iter().map(Slot::key).collect();
    errors.sort_by_key(|(key, _)| order.iter().position(|k| k == key).unwrap_or(usize::MAX));
    Err(FieldErrors(errors))
}

/// Whether a rule holds between two answers that are each right (normalised).
fn rule_holds(kind: RuleKind, field: &str, other: &str) -> bool {
    match kind {
        RuleKind::After | RuleKind::NotBefore => match (Date::parse_iso(field), Date::parse_iso(other)) {
            (Some(a), Some(b)) => if kind == RuleKind::After { a > b } else { a >= b },
            _ => true,
        },
        RuleKind::BirthDateOf => match (Date::parse_iso(field), ResidentId::parse(other)) {
            (Some(a), Ok(id)) => a == id.birth_date(),
            _ => true,
        },
    }
}

/// The message of a rule's error in `lang`; None for the other errors (their
/// message is in the i18n files).
pub fn rule_message(form: &FormDefinition, error: &FieldError, lang: super::text::Lang) -> Option<String> {
    match error {
        FieldError::Rule { index } => form.rules.get(*index as usize).map(|r| r.message.get(lang).to_owned()),
        _ => None,
    }
}

/// Adds an entry to a group (a citizen pressed "add another"); the new entry's
/// number, None when the group is full or is not a group.
pub fn add_entry(form: &FormDefinition, raw: &mut RawAnswers, group: &str) -> Option<usize> {
    let g = form.fields.iter().find(|f| f.name == group && f.kind == FieldKind::Group)?;
    let count = g.entry_count(raw.get(group).map(String::as_str));
    if count >= g.entry_bounds().1 {
        return None;
    }
    let n = count + 1;
    // Emptied rather than removed: answers sent overlay the saved ones, so a
    // removed key would let an old entry's answers come back.
    for sub in &g.fields {
        raw.insert(entry_key(group, n, &sub.name), String::new());
    }
    raw.insert(group.to_owned(), n.to_string());
    Some(n)
}

/// Removes entry `n` of a group, the later ones moving up; false when the group
/// holds no more than its minimum or there is no such entry.
pub fn remove_entry(form: &FormDefinition, raw: &mut RawAnswers, group: &str, n: usize) -> bool {
    let Some(g) = form.fields.iter().find(|f| f.name == group && f.kind == FieldKind::Group) else { return false };
    let count = g.entry_count(raw.get(group).map(String::as_str));
    if n == 0 || n > count || count <= g.entry_bounds().0 {
        return false;
    }
    for m in n..count {
        for sub in &g.fields {
            let later = raw.get(&entry_key(group, m + 1, &sub.name)).cloned().unwrap_or_default();
            raw.insert(entry_key(group, m, &sub.name), later);
        }
    }
    for sub in &g.fields {
        raw.insert(entry_key(group, count, &sub.name), String::new());
    }
    raw.insert(group.to_owned(), (count - 1).to_string());
    true
}

/// Where the handheld form (one question per screen) goes after question `n`
/// (1-based) was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionStep {
    /// This question's answer is not right: ask it again, with its message.
    Again(usize),
    /// On to this question.
    Next(usize),
    /// Every answer is right: on to the materials.
    Done,
    /// The last question is answered but an earlier one is not right (changed
    /// elsewhere, or skipped by a hand-made address): back to it, with its message.
    Back(usize),
}

/// The questions (1-based positions in `form.fields`) asked given the answers so far.
pub fn shown_questions(form: &FormDefinition, raw: &RawAnswers) -> Vec<usize> {
    shown_slots(form, raw).iter().filter(|s| s.entry.is_none()).filter_map(|s| form.fields.iter().position(|f| std::ptr::eq(f, s.field)).map(|i| i + 1)).collect()
}

/// The step after question `n` of `form`, judged on all the answers saved so far:
/// questions whose condition does not hold are stepped over. None when `n` is not a
/// question of the form.
pub fn after_question(form: &FormDefinition, raw: &RawAnswers, n: usize, today: Date) -> Option<QuestionStep> {
    let field = form.fields.get(n.checked_sub(1)?)?;
    let outcome = validate_answers(form, raw, today);
    let shown = shown_questions(form, raw);
    if let Err(errors) = &outcome {
        if shown.contains(&n) && errors.0.iter().any(|(key, _)| question_of(key) == field.name) {
            return Some(QuestionStep::Again(n));
        }
    }
    if let Some(&next) = shown.iter().find(|&&q| q > n) {
        return Some(QuestionStep::Next(next));
    }
    Some(match outcome {
        Ok(_) => QuestionStep::Done,
        Err(errors) => {
            let first = errors.0.first().and_then(|(key, _)| form.fields.iter().position(|f| f.name == question_of(key))).unwrap_or(0);
            QuestionStep::Back(first + 1)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_question_per_screen_steps_forward_asks_again_and_returns_to_what_is_missing() {
        let mut a = field(FieldKind::Text);
        a.name = "a".into();
        let mut b = field(FieldKind::Mobile);
        b.name = "b".into();
        let form = FormDefinition { fields: vec![a, b], rules: vec![] };
        let mut raw = RawAnswers::new();
        assert_eq!(after_question(&form, &raw, 1, today()), Some(QuestionStep::Again(1)));
        raw.insert("a".into(), "王小明".into());
        assert_eq!(after_question(&form, &raw, 1, today()), Some(QuestionStep::Next(2)));
        raw.insert("b".into(), "12345".into());
        assert_eq!(after_question(&form, &raw, 2, today()), Some(QuestionStep::Again(2)));
        raw.insert("b".into(), "13800138000".into());
        assert_eq!(after_question(&form, &raw, 2, today()), Some(QuestionStep::Done));
        raw.remove("a");
        assert_eq!(after_question(&form, &raw, 2, today()), Some(QuestionStep::Back(1)));
        assert_eq!(after_question(&form, &raw, 0, today()), None);
        assert_eq!(after_question(&form, &raw, 3, today()), None);
    }

    fn field(kind: FieldKind) -> FieldDefinition {
        FieldDefinition {
            name: "f".into(),
            label: Text::default(),
            hint: None,
            kind,
            required: true,
            min_length: None,
            max_length: None,
            min: None,
            max: None,
            date_range: DateRange::Any,
            options: vec![],
            show_when: None,
            fields: vec![],
        }
    }

    fn today() -> Date {
        Date::new(2026, 11, 23).unwrap()
    }

    #[test]
    fn required_fields_refuse_blank_answers_and_optional_ones_accept_them() {
        let mut f = field(FieldKind::Text);
        assert_eq!(validate_field(&f, "   ", today()), Err(FieldError::Required));
        f.required = false;
        assert_eq!(validate_field(&f, "", today()), Ok(None));
    }

    #[test]
    fn text_length_is_counted_in_characters_not_bytes() {
        let mut f = field(FieldKind::Text);
        f.min_length = Some(2);
        f.max_length = Some(4);
        assert_eq!(validate_field(&f, "张", today()), Err(FieldError::TooShort { min: 2 }));
        assert_eq!(validate_field(&f, "欧阳娜娜", today()), Ok(Some("欧阳娜娜".into())));
        assert_eq!(validate_field(&f, "欧阳娜娜娜", today()), Err(FieldError::TooLong { max: 4 }));
    }

    #[test]
    fn text_without_a_maximum_still_has_one() {
        let f = field(FieldKind::Text);
        let long = "字".repeat(DEFAULT_MAX_LENGTH as usize + 1);
        assert_eq!(validate_field(&f, &long, today()), Err(FieldError::TooLong { max: DEFAULT_MAX_LENGTH }));
    }

    #[test]
    fn id_numbers_are_normalised_and_cannot_be_born_tomorrow() {
        let f = field(FieldKind::ResidentId);
        assert_eq!(validate_field(&f, "11010519491231002x", today()), Ok(Some("11010519491231002X".into())));
        assert_eq!(
            validate_field(&f, "110105194912310021", today()),
            Err(FieldError::ResidentId(ResidentIdError::CheckCharacter))
        );
        // Born 2005-01-01; seen from 2004 that date lies in the future.
        let born_2005 = "350102200501010034";
        assert!(validate_field(&f, born_2005, today()).is_ok());
        assert_eq!(validate_field(&f, born_2005, Date::new(2004, 12, 31).unwrap()), Err(FieldError::BirthDateInFuture));
    }

    #[test]
    fn date_ranges_are_relative_to_today() {
        let mut f = field(FieldKind::Date);
        f.date_range = DateRange::PastOrToday;
        assert_eq!(validate_field(&f, "2026-11-23", today()), Ok(Some("2026-11-23".into())));
        assert_eq!(validate_field(&f, "2026-11-24", today()), Err(FieldError::DateInFuture));
        f.date_range = DateRange::TodayOrFuture;
        assert_eq!(validate_field(&f, "2026-11-22", today()), Err(FieldError::DateInPast));
        assert_eq!(validate_field(&f, "2026-02-29", today()), Err(FieldError::Date));
    }

    #[test]
    fn integers_respect_bounds_and_full_width_digits() {
        let mut f = field(FieldKind::Integer);
        f.min = Some(1);
        f.max = Some(100);
        assert_eq!(validate_field(&f, "１２", today()), Ok(Some("12".into())));
        assert_eq!(validate_field(&f, "0", today()), Err(FieldError::TooSmall { min: 1 }));
        assert_eq!(validate_field(&f, "101", today()), Err(FieldError::TooLarge { max: 100 }));
        assert_eq!(validate_field(&f, "12.5", today()), Err(FieldError::Integer));
    }

    #[test]
    fn free_text_keeps_line_breaks_and_hostile_markup_but_refuses_control_characters() {
        let f = FieldDefinition { max_length: Some(200), ..field(FieldKind::LongText) };
        assert_eq!(validate_field(&f, "第一行\n第二行\t完", today()), Ok(Some("第一行\n第二行\t完".into())));
        let hostile = "<script>x</script> '); DROP TABLE cases;--\u{202e}😀";
        assert_eq!(validate_field(&f, hostile, today()), Ok(Some(hostile.into())), "markup, SQL, direction marks and emoji are text");
        for bad in ["林\u{0}晓", "林\u{7}晓", "林\u{1b}[31m晓", "林\u{7f}晓", "林\u{85}晓"] {
            assert_eq!(validate_field(&f, bad, today()), Err(FieldError::ControlCharacter), "{bad:?}");
            assert_eq!(validate_field(&field(FieldKind::Text), bad, today()), Err(FieldError::ControlCharacter), "{bad:?}");
        }
    }

    #[test]
    fn selects_accept_only_their_options() {
        let mut f = field(FieldKind::Select);
        f.options = vec![FieldOption { value: "a".into(), label: Text::default() }];
        assert_eq!(validate_field(&f, "a", today()), Ok(Some("a".into())));
        assert_eq!(validate_field(&f, "b", today()), Err(FieldError::NotAnOption));
    }

    #[test]
    fn a_form_reports_every_problem_in_field_order_and_drops_unknown_answers() {
        let mut name = field(FieldKind::Text);
        name.name = "applicant_name".into();
        let mut phone = field(FieldKind::Mobile);
        phone.name = "applicant_phone".into();
        let form = FormDefinition { fields: vec![name, phone], rules: vec![] };
        let mut raw = RawAnswers::new();
        raw.insert("applicant_phone".into(), "123".into());
        let errors = validate_answers(&form, &raw, today()).unwrap_err();
        assert_eq!(
            errors.0,
            vec![
                ("applicant_name".into(), FieldError::Required),
                ("applicant_phone".into(), FieldError::Mobile(MobilePhoneError::Length)),
            ]
        );
        raw.insert("applicant_name".into(), " 王小明 ".into());
        raw.insert("applicant_phone".into(), "+86 138 0013 8000".into());
        raw.insert("is_admin".into(), "true".into());
        let answers = validate_answers(&form, &raw, today()).unwrap();
        assert_eq!(answers.get("applicant_name"), Some("王小明"));
        assert_eq!(answers.get("applicant_phone"), Some("13800138000"));
        assert_eq!(answers.get("is_admin"), None);
    }

    #[test]
    fn selects_display_their_option_label() {
        let mut f = field(FieldKind::Select);
        f.options = vec![FieldOption { value: "first".into(), label: Text { zh: "一孩".into(), en: "First child".into() } }];
        assert_eq!(f.display_value("first", crate::domain::text::Lang::Zh), "一孩");
        assert_eq!(f.display_value("first", crate::domain::text::Lang::En), "First child");
        assert_eq!(field(FieldKind::Text).display_value("王小明", crate::domain::text::Lang::En), "王小明");
    }

    #[test]
    fn every_error_code_is_listed_once() {
        let mut codes = FieldError::CODES.to_vec();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), FieldError::CODES.len());
    }

    fn named(name: &str, kind: FieldKind) -> FieldDefinition {
        let mut f = field(kind);
        f.name = name.into();
        f
    }

    fn select(name: &str, values: &[&str]) -> FieldDefinition {
        let mut f = named(name, FieldKind::Select);
        f.options = values.iter().map(|v| FieldOption { value: (*v).into(), label: Text::default() }).collect();
        f
    }

    fn shown_when(mut f: FieldDefinition, on: &str, any_of: &[&str]) -> FieldDefinition {
        f.show_when = Some(Condition { field: on.into(), any_of: any_of.iter().map(|v| (*v).into()).collect() });
        f
    }

    fn raw(pairs: &[(&str, &str)]) -> RawAnswers {
        pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

    fn keys(form: &FormDefinition, raw: &RawAnswers) -> Vec<String> {
        shown_slots(form, raw).iter().map(Slot::key).collect()
    }

    #[test]
    fn a_question_is_asked_only_when_an_earlier_answer_makes_it_relevant_and_its_dependants_follow_it() {
        let form = FormDefinition {
            fields: vec![
                select("marital_status", &["single", "married"]),
                shown_when(named("spouse_id", FieldKind::ResidentId), "marital_status", &["married"]),
                shown_when(select("spouse_works", &["yes", "no"]), "marital_status", &["married"]),
                shown_when(named("spouse_employer", FieldKind::Text), "spouse_works", &["yes"]),
            ],
            rules: vec![],
        };
        let mut answers = raw(&[("marital_status", "single"), ("spouse_works", "yes"), ("spouse_employer", "某公司")]);
        assert_eq!(keys(&form, &answers), vec!["marital_status"]);
        // Answers to questions not asked are neither judged nor kept.
        let valid = validate_answers(&form, &answers, today()).unwrap();
        assert_eq!(valid.0.keys().collect::<Vec<_>>(), vec!["marital_status"]);
        answers.insert("marital_status".into(), "married".into());
        assert_eq!(keys(&form, &answers), vec!["marital_status", "spouse_id", "spouse_works", "spouse_employer"]);
        assert_eq!(validate_answers(&form, &answers, today()).unwrap_err().0, vec![("spouse_id".to_owned(), FieldError::Required)]);
        answers.insert("spouse_works".into(), "no".into());
        assert_eq!(keys(&form, &answers), vec!["marital_status", "spouse_id", "spouse_works"]);
        // No answer yet: nothing depends on it holds.
        assert_eq!(keys(&form, &RawAnswers::new()), vec!["marital_status"]);
    }

    fn household() -> FormDefinition {
        let mut members = named("members", FieldKind::Group);
        members.min = Some(1);
        members.max = Some(3);
        members.fields = vec![
            named("name", FieldKind::Text),
            select("relation", &["spouse", "child", "other"]),
            shown_when(named("note", FieldKind::Text), "relation", &["other"]),
        ];
        FormDefinition { fields: vec![named("applicant_name", FieldKind::Text), members], rules: vec![] }
    }

    #[test]
    fn a_repeating_group_asks_each_entry_and_its_conditions_look_inside_the_entry() {
        let form = household();
        let mut answers = raw(&[("applicant_name", "王芳")]);
        // A required group starts with its minimum of one entry.
        assert_eq!(keys(&form, &answers), vec!["applicant_name", "members", "members.1.name", "members.1.relation"]);
        answers.extend(raw(&[("members.1.name", "李强"), ("members.1.relation", "other")]));
        let errors = validate_answers(&form, &answers, today()).unwrap_err();
        assert_eq!(errors.0, vec![("members.1.note".to_owned(), FieldError::Required)]);
        answers.insert("members.1.note".into(), "外甥".into());
        assert_eq!(add_entry(&form, &mut answers, "members"), Some(2));
        assert_eq!(validate_answers(&form, &answers, today()).unwrap_err().0.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), vec!["members.2.name", "members.2.relation"]);
        answers.extend(raw(&[("members.2.name", "李小红"), ("members.2.relation", "child")]));
        let valid = validate_answers(&form, &answers, today()).unwrap();
        assert_eq!((valid.get("members"), valid.get("members.2.name"), valid.get("members.2.note")), (Some("2"), Some("李小红"), None));
        assert_eq!(add_entry(&form, &mut answers, "members"), Some(3));
        assert_eq!(add_entry(&form, &mut answers, "members"), None, "at most three");
        // Removing the first moves the others up; the last slot is emptied.
        assert!(remove_entry(&form, &mut answers, "members", 1));
        assert_eq!((answers.get("members").map(String::as_str), answers.get("members.1.name").map(String::as_str)), (Some("2"), Some("李小红")));
        assert_eq!(answers.get("members.1.note").map(String::as_str), Some(""));
        assert_eq!(answers.get("members.3.name").map(String::as_str), Some(""));
        assert!(remove_entry(&form, &mut answers, "members", 2));
        assert!(!remove_entry(&form, &mut answers, "members", 1), "never fewer than the minimum");
        // A hand-made count is bounded.
        answers.insert("members".into(), "999".into());
        assert_eq!(shown_slots(&form, &answers).iter().filter(|s| s.entry.is_some() && s.field.name == "name").count(), 3);
        assert_eq!(all_slots(&form).len(), 2 + 3 * 3);
    }

    #[test]
    fn cross_field_rules_compare_answers_once_each_is_right() {
        let rule = |kind, field: &str, other: &str| FormRule { kind, field: field.into(), other: other.into(), message: Text { zh: "不符".into(), en: "Mismatch".into() } };
        let form = FormDefinition {
            fields: vec![named("start", FieldKind::Date), named("end", FieldKind::Date), named("id", FieldKind::ResidentId), named("born", FieldKind::Date)],
            rules: vec![rule(RuleKind::After, "end", "start"), rule(RuleKind::BirthDateOf, "born", "id")],
        };
        let mut answers = raw(&[("start", "2024-03-01"), ("end", "2024-03-01"), ("id", "11010519491231002X"), ("born", "1949-12-30")]);
        let errors = validate_answers(&form, &answers, today()).unwrap_err();
        assert_eq!(errors.0, vec![("end".to_owned(), FieldError::Rule { index: 0 }), ("born".to_owned(), FieldError::Rule { index: 1 })]);
        assert_eq!(rule_message(&form, &errors.0[0].1, crate::domain::text::Lang::En).as_deref(), Some("Mismatch"));
        assert_eq!(rule_message(&form, &FieldError::Required, crate::domain::text::Lang::En), None);
        answers.insert("end".into(), "2024-03-02".into());
        answers.insert("born".into(), "1949-12-31".into());
        assert!(validate_answers(&form, &answers, today()).is_ok());
        // A wrong date is reported once, as a date, not again by the rule.
        answers.insert("start".into(), "2024-02-30".into());
        assert_eq!(validate_answers(&form, &answers, today()).unwrap_err().0, vec![("start".to_owned(), FieldError::Date)]);
        let not_before = FormDefinition { rules: vec![rule(RuleKind::NotBefore, "end", "start")], ..form.clone() };
        let same_day = raw(&[("start", "2024-03-01"), ("end", "2024-03-01"), ("id", "11010519491231002X"), ("born", "1949-12-31")]);
        assert!(validate_answers(&not_before, &same_day, today()).is_ok());
    }

    #[test]
    fn one_question_per_screen_steps_over_questions_that_do_not_apply() {
        let form = FormDefinition {
            fields: vec![select("marital_status", &["single", "married"]), shown_when(named("spouse_id", FieldKind::ResidentId), "marital_status", &["married"]), named("applicant_name", FieldKind::Text)],
            rules: vec![],
        };
        let mut answers = raw(&[("marital_status", "single")]);
        assert_eq!(after_question(&form, &answers, 1, today()), Some(QuestionStep::Next(3)));
        assert_eq!(shown_questions(&form, &answers), vec![1, 3]);
        answers.insert("marital_status".into(), "married".into());
        assert_eq!(after_question(&form, &answers, 1, today()), Some(QuestionStep::Next(2)));
        assert_eq!(after_question(&form, &answers, 2, today()), Some(QuestionStep::Again(2)));
        answers.insert("applicant_name".into(), "王芳".into());
        // Answered last, the skipped spouse question is what is missing.
        assert_eq!(after_question(&form, &answers, 3, today()), Some(QuestionStep::Back(2)));
        answers.insert("marital_status".into(), "single".into());
        assert_eq!(after_question(&form, &answers, 3, today()), Some(QuestionStep::Done));
        // A hand-made address at a question that does not apply moves on.
        assert_eq!(after_question(&form, &answers, 2, today()), Some(QuestionStep::Next(3)));
    }
}
