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
}

/// An application form: its fields in the order they are asked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    pub fields: Vec<FieldDefinition>,
}

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

    /// Every message code, so a page can hand the browser the messages it may need.
    pub const CODES: [&'static str; 24] = [
        "required", "too_short", "too_long", "id_length", "id_character", "id_region", "id_birth_date", "id_check",
        "id_birth_future", "credit_length", "credit_character", "credit_authority", "credit_region", "credit_check",
        "mobile_length", "mobile_character", "mobile_prefix", "date", "date_future", "date_past", "integer",
        "too_small", "too_large", "not_an_option",
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

/// Validates every answer of `form`.
pub fn validate_answers(form: &FormDefinition, raw: &RawAnswers, today: Date) -> Result<Answers, FieldErrors> {
    let mut answers = BTreeMap::new();
    let mut errors = Vec::new();
    for field in &form.fields {
        let typed = raw.get(&field.name).map(String::as_str).unwrap_or("");
        match validate_field(field, typed, today) {
            Ok(Some(value)) => {
                answers.insert(field.name.clone(), value);
            }
            Ok(None) => {}
            Err(e) => errors.push((field.name.clone(), e)),
        }
    }
    if errors.is_empty() { Ok(Answers(answers)) } else { Err(FieldErrors(errors)) }
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

/// The step after question `n` of `form`, judged on all the answers saved so far.
/// None when `n` is not a question of the form.
pub fn after_question(form: &FormDefinition, raw: &RawAnswers, n: usize, today: Date) -> Option<QuestionStep> {
    let field = form.fields.get(n.checked_sub(1)?)?;
    if validate_field(field, raw.get(&field.name).map(String::as_str).unwrap_or(""), today).is_err() {
        return Some(QuestionStep::Again(n));
    }
    if n < form.fields.len() {
        return Some(QuestionStep::Next(n + 1));
    }
    Some(match validate_answers(form, raw, today) {
        Ok(_) => QuestionStep::Done,
        Err(errors) => {
            let first = errors.0.first().and_then(|(name, _)| form.fields.iter().position(|f| &f.name == name)).unwrap_or(0);
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
        let form = FormDefinition { fields: vec![a, b] };
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
        let form = FormDefinition { fields: vec![name, phone] };
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
}
